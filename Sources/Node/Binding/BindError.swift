import VRRP

/// Why a configuration cannot run on this machine as it is now: nothing is applied (a start
/// refuses, a reload keeps the running configuration).
public enum BindError: Error, Hashable, Sendable, CustomStringConvertible {
    case interfaceNotFound(String)
    case noSourceAddress(interface: String, family: AddressFamily)
    /// A script's `user` / `group` (or `script_user`) does not exist.
    case script(command: String, reason: String)
    /// `control_group` names no group.
    case controlGroup(String)

    public var description: String {
        switch self {
        case .interfaceNotFound(let name):
            return "interface \(name) does not exist"
        case .noSourceAddress(let interface, .ipv4):
            return "interface \(interface) has no IPv4 address to send adverts from (set mcast_src_ip or unicast_src_ip, or give it an address)"
        case .noSourceAddress(let interface, .ipv6):
            return "interface \(interface) has no IPv6 link-local address to send adverts from (RFC 5798 §5.1.2.1; is IPv6 disabled on it? set unicast_src_ip for unicast)"
        case .script(let command, let reason):
            return "cannot start `\(command)`: \(reason)"
        case .controlGroup(let group):
            return "control socket control_group: group \(group) does not exist"
        }
    }
}
