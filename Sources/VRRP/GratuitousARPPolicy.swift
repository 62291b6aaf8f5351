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
    /// How many per address when a Master hears a lower priority (a split brain healing), at
    /// once and again after `lowerPriorityDelay` (`garp_lower_prio_repeat`; keepalived's
    /// default is the global `vrrp_garp_master_repeat`; 0 is none).
    public var lowerPriorityRepeatCount: Int
    /// `garp_lower_prio_delay` (default: the global `vrrp_garp_master_delay`; 0: no second burst).
    public var lowerPriorityDelay: Duration

    public init(delay: Duration = .seconds(5), repeatCount: Int = 5, refresh: Duration? = nil, refreshRepeatCount: Int = 1,
                interval: Duration = .zero, lowerPriorityRepeatCount: Int = 5, lowerPriorityDelay: Duration = .seconds(5)) {
        self.lowerPriorityRepeatCount = lowerPriorityRepeatCount
        self.lowerPriorityDelay = lowerPriorityDelay
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
