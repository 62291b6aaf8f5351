/// How long a check's runs took, counted into fixed buckets (Prometheus' histogram:
/// `vipkeeper_check_duration_seconds`). A value kept with the check in the node, so the
/// series live exactly as long as the check does: a reload that removes the check removes them.
public struct DurationHistogram: Hashable, Sendable {
    /// The buckets' upper bounds, inclusive: 5 ms ... 10 s (a run past the last one is only in
    /// `count`, Prometheus' `+Inf` bucket).
    public static let bounds: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
    ]

    /// Runs at most as long as each of `bounds`, cumulative as Prometheus has them
    /// (`cumulativeCounts[i]` counts every run up to `bounds[i]`).
    public private(set) var cumulativeCounts: [Int]
    /// Every run's duration, added up.
    public private(set) var sum: Duration = .zero
    /// Every run.
    public private(set) var count = 0

    public init() {
        cumulativeCounts = Array(repeating: 0, count: Self.bounds.count)
    }

    /// Counts one run of `duration` (a negative one, which a clock cannot give, as zero).
    public mutating func record(_ duration: Duration) {
        let duration = max(duration, .zero)
        for index in Self.bounds.indices where duration <= Self.bounds[index] {
            cumulativeCounts[index] += 1
        }
        sum += duration
        count += 1
    }
}
