import VRRP

/// What scripts and HTTP checks share: when they run and how their result counts.
public struct CheckSchedule: Hashable, Sendable {
    public var interval: Duration = .seconds(1)
    /// Defaults to the interval.
    public var timeout: Duration?
    public var weight = TrackerWeight(0)
    public var rise = 1
    public var fall = 1
    /// keepalived `init_fail`: the check starts as failed.
    public var initFail = false

    public init() {}

    public var effectiveTimeout: Duration { timeout ?? interval }
}
