/// Why a router is in keepalived's FAULT state.
public enum FaultCause: Hashable, Sendable, CustomStringConvertible {
    /// Weight-0 tracked objects whose state means FAULT (down, or up with `reverse`).
    case down([TrackedObject])
    /// keepalived `vrrp_sync_group`: another member is in FAULT, so every member is.
    case syncGroup(group: String, member: String, objects: [TrackedObject])
    /// `vipkeeper maintenance on --strict`: kept out of the election by the operator.
    case maintenance(String)

    public var description: String {
        switch self {
        case .down(let objects):
            return objects.map(\.description).joined(separator: ", ") + " down"
        case .syncGroup(let group, let member, let objects):
            return "sync group \(group): \(member) has \(objects.map(\.description).joined(separator: ", ")) down"
        case .maintenance(let reason):
            return "maintenance: \(reason)"
        }
    }
}
