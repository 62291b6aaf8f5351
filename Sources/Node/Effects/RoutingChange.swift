import Config

/// One route or rule to add or delete, and whose it is: an instance's `virtual_routes` /
/// `virtual_rules`, or the node's `static_routes` / `static_rules`.
public struct RoutingChange: Hashable, Sendable, CustomStringConvertible {
    public enum Owner: Hashable, Sendable, CustomStringConvertible {
        case instance(InstanceID, name: String)
        case `static`

        public var description: String {
            switch self {
            case .instance(_, let name): return name
            case .static: return "static"
            }
        }
    }

    public var owner: Owner
    /// The entry, its source position cleared.
    public var entry: RoutingEntry
    /// A removal at start of what a crashed earlier run may have left (keepalived issue
    /// 2361, as for addresses), or an add after a route change of what should be there: the
    /// executor logs it when there was one to remove, or none to keep.
    public var isRepair: Bool

    public init(owner: Owner, entry: RoutingEntry, isRepair: Bool = false) {
        self.owner = owner
        self.entry = entry
        self.isRepair = isRepair
    }

    public var description: String { entry.description }
}
