import Node
import VRRP

/// Failures of the runtime, with messages an operator can act on.
public enum AgentError: Error, CustomStringConvertible, Equatable {
    case configurationInvalid(path: String, errors: Int)
    /// The configuration cannot run on this machine as it is (`Binder`).
    case binding(BindError)
    case socket(operation: String, errno: Int32)
    case netlink(operation: String, code: Int32)
    case controlSocket(path: String, reason: String)
    case script(command: String, reason: String)
    case scriptSecurity(String)
    case state(path: String, reason: String)
    case metrics(listen: String, reason: String)
    /// nftables refused the `no_accept` drop rules (nft's own message).
    case nftables(String)
    /// A notify FIFO could not be made, opened or written.
    case notifyFIFO(path: String, operation: String, errno: Int32)
    /// A `use_vmac` macvlan cannot be made or removed as asked (an interface of that name
    /// that is not one, a sysctl that cannot be written).
    case virtualMAC(name: String, reason: String)
    /// A route or rule names a device (`dev`, `iif`, `oif`) the node does not have (now).
    case noSuchInterface(String, operation: String)

    public var description: String {
        switch self {
        case .configurationInvalid(let path, let errors):
            return "\(path) has \(errors) error\(errors == 1 ? "" : "s"); run `vipkeeper check -f \(path)` to see them; nothing was applied"
        case .binding(let error):
            return error.description
        case .socket(let operation, let code):
            return "\(operation) failed: \(errorText(code))" + (code == 1 ? " (vipkeeper run needs root or CAP_NET_RAW + CAP_NET_ADMIN)" : "")
        case .netlink(let operation, let code):
            return "netlink \(operation) failed: \(NetlinkSocket.describe(code))"
        case .controlSocket(let path, let reason):
            return "control socket \(path): \(reason)"
        case .script(let command, let reason):
            return "cannot start `\(command)`: \(reason)"
        case .scriptSecurity(let reason):
            return "enable_script_security: \(reason)"
        case .state(let path, let reason):
            return "state file \(path): \(reason)"
        case .metrics(let listen, let reason):
            return "metrics listener \(listen): \(reason)"
        case .nftables(let reason):
            return "nftables: \(reason)"
        case .notifyFIFO(let path, let operation, let code):
            return "notify fifo \(path): \(operation) failed: \(errorText(code))"
        case .virtualMAC(let name, let reason):
            return "macvlan \(name): \(reason)"
        case .noSuchInterface(let name, let operation):
            return "\(operation): there is no interface \(name) on this node (yet)"
        }
    }
}

extension AgentError {
    /// What the node is told when an effect failed: the errno or libnl code and this text.
    var effectError: EffectError {
        switch self {
        case .socket(_, let code): return EffectError(code: code, message: description)
        case .netlink(_, let code): return EffectError(code: code, message: description)
        case .notifyFIFO(_, _, let code): return EffectError(code: code, message: description)
        case .noSuchInterface: return EffectError(code: ENODEV, message: description)
        case .configurationInvalid, .binding, .controlSocket, .script, .scriptSecurity, .state, .metrics, .nftables, .virtualMAC:
            return EffectError(code: -1, message: description)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
