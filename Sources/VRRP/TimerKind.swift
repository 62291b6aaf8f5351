/// The timers a virtual router arms. The runtime keeps at most one armed per kind.
public enum TimerKind: String, Hashable, Sendable, CaseIterable {
    /// §6.2 Master_Down_Timer (Backup).
    case masterDown
    /// §6.2 Adver_Timer (Master).
    case advertisement
    /// §8.2 / keepalived `garp_master_delay`: the repeated gratuitous ARP burst.
    case gratuitousARPDelay
    /// keepalived `garp_master_refresh`: periodic gratuitous ARPs while Master.
    case gratuitousARPRefresh
    /// keepalived `garp_lower_prio_delay`: the repeated burst after hearing a lower priority.
    case lowerPriorityGratuitousARP
    /// The end of a make-before-break wait for the new Master (`PendingRelease`).
    case release
}

/// Identifies one arming of a timer. A fire whose generation is not the current one for its
/// kind is stale (the timer was cancelled or re-armed since) and is ignored.
public struct TimerToken: Hashable, Sendable, CustomStringConvertible {
    public var kind: TimerKind
    public var generation: UInt64

    public init(kind: TimerKind, generation: UInt64) {
        self.kind = kind
        self.generation = generation
    }

    public var description: String { "\(kind.rawValue)#\(generation)" }
}
