/// The rise/fall hysteresis of one health check (keepalived `rise`/`fall`): the check's
/// state flips to down only after `fall` consecutive failures, and back to up only after
/// `rise` consecutive successes, so a flapping check does not move the VIP.
public struct CheckResultCounter: Hashable, Sendable {
    public let rise: Int
    public let fall: Int
    public private(set) var isUp: Bool
    /// Consecutive results that disagree with `isUp`.
    public private(set) var streak = 0

    /// - Parameter initiallyUp: false for keepalived's `init_fail`.
    public init(rise: Int, fall: Int, initiallyUp: Bool = true) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        self.isUp = initiallyUp
    }

    /// Records one result; returns true when the up/down state flipped.
    public mutating func record(success: Bool) -> Bool {
        guard success != isUp else {
            streak = 0
            return false
        }
        streak += 1
        guard streak >= (success ? rise : fall) else { return false }
        isUp = success
        streak = 0
        return true
    }
}
