/// A line for the daemon's log.
public struct LogLine: Hashable, Sendable, CustomStringConvertible {
    public enum Level: Int, Hashable, Sendable, Comparable {
        case debug, info, notice, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var level: Level
    public var message: String

    public init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { "\(level): \(message)" }
}
