/// What a tracker follows: a health check (`vrrp_script` or `vrrp_http_check`, one name
/// space), an interface's link state (the instance's own interface, `track_interface`), or
/// the number in a file (`track_file`), or whether enough matching processes run
/// (`track_process`).
public enum TrackedObject: Hashable, Sendable, Comparable, CustomStringConvertible {
    case check(String)
    case interface(String)
    case file(String)
    case process(String)

    /// The check's name, nil for an interface.
    public var checkName: String? {
        if case .check(let name) = self { return name }
        return nil
    }

    /// The interface's name, nil for a check.
    public var interfaceName: String? {
        if case .interface(let name) = self { return name }
        return nil
    }

    public var description: String {
        switch self {
        case .check(let name): return name
        case .interface(let name): return "interface \(name)"
        case .file(let name): return "track_file \(name)"
        case .process(let name): return "track_process \(name)"
        }
    }
}
