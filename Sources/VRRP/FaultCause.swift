/// Why a router is in keepalived's FAULT state.
public indirect enum FaultCause: Hashable, Sendable, CustomStringConvertible {
    /// Weight-0 tracked objects whose state means FAULT (down, or up with `reverse`).
    case down([TrackedObject])
    /// keepalived `vrrp_sync_group`: another member is in FAULT, so every member is.
    case syncGroup(group: String, member: String, cause: FaultCause)
    /// `vipkeeper maintenance on --strict`: kept out of the election by the operator.
    case maintenance(String)
    /// The instance's interface no longer exists (deleted; it may come back under the same
    /// name with another ifindex, and the instance follows it then).
    case interfaceGone(String)
    /// RFC 5798 §5.1.1.1 / §5.1.2.1: the interface has no address to advertise from (its
    /// primary IPv4 address, or its IPv6 link-local address, was removed), so the router
    /// cannot speak; keepalived takes such an instance to FAULT too.
    case noSourceAddress(interface: String, family: AddressFamily)

    public var description: String {
        switch self {
        case .down(let objects):
            return objects.map(\.description).joined(separator: ", ") + " down"
        case .syncGroup(let group, let member, .down(let objects)):
            return "sync group \(group): \(member) has \(objects.map(\.description).joined(separator: ", ")) down"
        case .syncGroup(let group, let member, let cause):
            return "sync group \(group): \(member) is in FAULT (\(cause))"
        case .maintenance(let reason):
            return "maintenance: \(reason)"
        case .interfaceGone(let name):
            return "interface \(name) is gone"
        case .noSourceAddress(let interface, let family):
            return family == .ipv4 ? "no IPv4 address on \(interface) to advertise from"
                : "no IPv6 link-local address on \(interface) to advertise from"
        }
    }
}
