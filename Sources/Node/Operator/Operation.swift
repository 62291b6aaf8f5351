import VRRP

/// A hand-over the operator asked for: a drill, or entering maintenance as Master. While it
/// runs, its members are pinned at priority 1 so they do not take the VIP straight back.
struct Operation: Hashable, Sendable {
    enum Purpose: Hashable, Sendable {
        case drill(hold: Duration, timeout: Duration)
        case maintenance(reason: String, strict: Bool, requestedAt: Double, reply: ReplyID)
    }

    enum Phase: Hashable, Sendable {
        /// Resigned; waiting for another Master's advert until the abort deadline.
        case handover
        /// Drill: the peer holds the VIP until the hold ends.
        case holding
        /// Drill: the node takes the VIP back (preempt) before the deadline.
        case returning(since: Instant)
        case passed(verdict: String?)
        case failed(verdict: String)
    }

    let id: UInt64
    let target: String
    let members: [String]
    let purpose: Purpose
    let startedAt: Instant
    var phase: Phase = .handover
    var newMaster: IPAddress?
    var firstAdvertAt: Instant?
    var addressesGoneAt: Instant?
    var gratuitousARPSeen = false
    var holdEndedAt: Instant?
    var returnedAt: Instant?
    var takenBackAt: Instant?
    let returnsByPreempt: Bool

    var isFinished: Bool {
        switch phase {
        case .passed, .failed: return true
        case .handover, .holding, .returning: return false
        }
    }

    var isDrill: Bool {
        if case .drill = purpose { return true }
        return false
    }

    /// No other Master within Skew_Time plus one advert interval: nobody took over. A backup
    /// takes over after its own Skew_Time, which is under a second whatever its priority
    /// (RFC 3768 §6.1), so one interval always covers it; this node's Skew_Time is the margin.
    static func abortWindow(for router: RouterConfiguration) -> Duration {
        let interval = router.advertisementInterval
        let window = Timing.skewTime(priority: router.basePriority, version: router.version, masterAdvertisementInterval: interval)
            + interval.duration
        // Sub-second v3 intervals make the protocol's window shorter than a busy machine's
        // scheduling noise; half a second is still far below any v2 window.
        return max(window, .milliseconds(500))
    }
}
