/// A point on the runtime's monotonic clock, measured from an arbitrary origin.
///
/// The core never reads a clock: callers pass `Instant`s in, which is what makes every
/// transition replayable in tests and in the simulator.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var sinceOrigin: Duration

    public init(sinceOrigin: Duration) {
        self.sinceOrigin = sinceOrigin
    }

    public static let origin = Instant(sinceOrigin: .zero)

    public static func seconds(_ seconds: Double) -> Instant {
        Instant(sinceOrigin: .milliseconds(Int64((seconds * 1000).rounded())))
    }

    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(sinceOrigin: lhs.sinceOrigin + rhs)
    }

    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        lhs.sinceOrigin - rhs.sinceOrigin
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.sinceOrigin < rhs.sinceOrigin
    }

    public var description: String {
        let millis = sinceOrigin.wholeMilliseconds
        let sign = millis < 0 ? "-" : ""
        let magnitude = abs(millis)
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}
