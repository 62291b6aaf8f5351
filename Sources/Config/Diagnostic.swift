/// One problem found in a configuration, printed compiler style:
/// `file:line:col: error: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The keepalived keyword this warning says vipkeeper ignores (an unimplemented feature).
    public var ignoredKeyword: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, ignoredKeyword: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.ignoredKeyword = ignoredKeyword
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Collects diagnostics while a configuration is read; nothing stops at the first problem.
public struct DiagnosticLog: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: location, message))
    }

    public mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message))
    }

    /// A keepalived keyword vipkeeper does not implement: a warning, and counted as such.
    public mutating func ignored(_ location: SourceLocation, keyword: String, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message, ignoredKeyword: keyword))
    }

    /// Groups of ignored keywords already warned about (`ignoredOnce`).
    private var warnedGroups: Set<String> = []

    /// As `ignored`, but only the first keyword of `group` in the file is warned about.
    public mutating func ignoredOnce(_ location: SourceLocation, keyword: String, group: String, _ message: String) {
        guard warnedGroups.insert(group).inserted else { return }
        ignored(location, keyword: keyword, message)
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
