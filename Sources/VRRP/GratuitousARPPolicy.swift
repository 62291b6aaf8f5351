/// When a Master repeats its gratuitous ARPs (RFC 3768 §8.2 with keepalived's
/// `garp_master_*` knobs and defaults).
public struct GratuitousARPPolicy: Hashable, Sendable {
    /// Wait after becoming Master before the repeated burst (`garp_master_delay`, default 5 s).
    public var delay: Duration
    /// How many per address at takeover, and again after `delay` (`garp_master_repeat`,
    /// default 5: keepalived sends 5 + 5 on a takeover).
    public var repeatCount: Int
    /// Period of refreshes while Master; nil is off (`garp_master_refresh`, default 0 = off).
    public var refresh: Duration?
    /// How many per address at each refresh (`garp_master_refresh_repeat`, default 1).
    public var refreshRepeatCount: Int
    /// Between one round of a burst and the next (`garp_interval` / `gna_interval`, default 0:
    /// back to back, each round its own turn of the event loop).
    public var interval: Duration

    public init(delay: Duration = .seconds(5), repeatCount: Int = 5, refresh: Duration? = nil, refreshRepeatCount: Int = 1,
                interval: Duration = .zero) {
        self.delay = delay
        self.repeatCount = repeatCount
        self.refresh = refresh
        self.refreshRepeatCount = refreshRepeatCount
        self.interval = interval
    }

    public static let keepalivedDefaults = GratuitousARPPolicy()

    /// Gratuitous ARPs per address in one burst: `garp_master_repeat`, at least one.
    public var burstCount: Int { max(1, repeatCount) }
}
