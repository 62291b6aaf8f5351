/// Names one run of an instance for the daemon's life. A continuing instance keeps its id
/// across reloads; a restarted one gets a new id, so a timer or a failure report meant for
/// the old run finds nothing and is ignored.
public struct InstanceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public static func < (lhs: InstanceID, rhs: InstanceID) -> Bool { lhs.value < rhs.value }

    public var description: String { "i\(value)" }
}
