import Config

/// One `vrrp_track_process` as the node follows it: the number of matching processes the
/// runtime counted, the quorum verdict the instances see, and whether a `fork_delay` or
/// `terminate_delay` holds a change back. keepalived 2.2.7's track_process.c, with time
/// passed in: a process that restarts within the delay never moves the verdict.
struct ProcessQuorum: Hashable, Sendable {
    private(set) var count = 0
    private(set) var hasQuorum: Bool
    /// A delay timer (`NodeTimer.processDelay`) is armed.
    private(set) var isDelayed = false

    /// What the node does after a count.
    enum Step: Equatable {
        /// Nothing the instances see.
        case none
        /// The verdict is now `hasQuorum` (cancelling a pending delay, if there was one).
        case judged(cancelledDelay: Bool)
        /// Arm the delay; the verdict stays until it is over.
        case delay(Duration)
        /// A pending delay is dropped and the verdict is what it was (a restart within it).
        case cancelled
    }

    init(_ definition: TrackProcessDefinition) {
        hasQuorum = definition.hasQuorum(count: 0)
    }

    /// keepalived's rules: only a count that crosses the quorum or quorum_max matters. If a
    /// delay is pending, the crossing back cancels it and the verdict is judged now (which
    /// leaves it as it was); else a fork waits `fork_delay`, an exit `terminate_delay`, and
    /// an exec, name change or scan counts at once. A scan also drops a pending delay.
    mutating func count(_ count: Int, cause: ProcessCountCause, _ definition: TrackProcessDefinition) -> Step {
        let before = definition.hasQuorum(count: self.count)
        self.count = count
        let now = definition.hasQuorum(count: count)
        if cause == .scan {
            let cancelled = isDelayed
            isDelayed = false
            guard now != hasQuorum || cancelled else { return .none }
            let changed = now != hasQuorum
            hasQuorum = now
            return changed ? .judged(cancelledDelay: cancelled) : .cancelled
        }
        guard now != before else { return .none }
        if isDelayed {
            isDelayed = false
            let changed = now != hasQuorum
            hasQuorum = now
            return changed ? .judged(cancelledDelay: true) : .cancelled
        }
        let delay: Duration
        switch cause {
        case .fork: delay = definition.forkDelay
        case .exit: delay = definition.terminateDelay
        case .exec, .scan: delay = .zero
        }
        if delay > .zero {
            isDelayed = true
            return .delay(delay)
        }
        guard now != hasQuorum else { return .none }
        hasQuorum = now
        return .judged(cancelledDelay: false)
    }

    /// The delay is over: the verdict is judged from the count now. Returns whether it moved.
    mutating func delayOver(_ definition: TrackProcessDefinition) -> Bool {
        guard isDelayed else { return false }
        isDelayed = false
        let now = definition.hasQuorum(count: count)
        defer { hasQuorum = now }
        return now != hasQuorum
    }
}
