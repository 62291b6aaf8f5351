/// A routing table id (`table 100`, `table main`): RT_TABLE_MAIN (254) unless written.
/// The names are iproute2's standard ones (`/etc/iproute2/rt_tables`: local, main, default).
public struct RoutingTable: Hashable, Sendable, CustomStringConvertible {
    public var id: UInt32

    public init(_ id: UInt32) { self.id = id }

    public static let main = RoutingTable(254)
    public static let local = RoutingTable(255)
    public static let `default` = RoutingTable(253)

    static let names: [String: RoutingTable] = ["main": .main, "local": .local, "default": .default]

    /// A name from iproute2's standard table, or a number from 1 to 2^32-1 (0 is
    /// RT_TABLE_UNSPEC, which keepalived refuses as "Table 0 is not valid").
    public init?(_ text: String) {
        if let named = Self.names[text] { self = named; return }
        guard let value = UInt32(text), value != 0 else { return nil }
        id = value
    }

    public var description: String { Self.names.first { $0.value == self }?.key ?? String(id) }
}
