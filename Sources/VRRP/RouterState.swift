/// The states of RFC 3768 §6.4, plus keepalived's FAULT (a weight-0 tracker is down, or a
/// tracked interface is down: the router holds nothing and says nothing).
public enum RouterState: String, Hashable, Sendable, CustomStringConvertible {
    case initialize = "INIT"
    case backup = "BACKUP"
    case master = "MASTER"
    case fault = "FAULT"

    public var description: String { rawValue }
}
