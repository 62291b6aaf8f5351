/// Names one check for the daemon's life; a check that a reload changed gets a new id.
public struct CheckID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public static func < (lhs: CheckID, rhs: CheckID) -> Bool { lhs.value < rhs.value }

    public var description: String { "c\(value)" }
}

/// One run of one check: a result is applied only to the run it answers.
public struct CheckRunID: Hashable, Sendable, CustomStringConvertible {
    public var check: CheckID
    public var run: Int

    public init(check: CheckID, run: Int) {
        self.check = check
        self.run = run
    }

    public var description: String { "\(check)#\(run)" }
}
