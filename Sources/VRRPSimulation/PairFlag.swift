/// A finding of `vipkeeper check --pair`: an error (the pair cannot fail over, or ends with no
/// or two Masters, or flaps; exit 1) or a warning (the files disagree in a way the pair
/// survives; exit 2).
public struct PairFlag: Hashable, Sendable, Encodable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Encodable {
        case error
        case warning
    }

    public var severity: Severity
    /// `examples/pair/node-a.conf:38:1`: where the instance the finding is about is defined.
    public var location: String
    public var message: String

    public init(_ severity: Severity, at location: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
