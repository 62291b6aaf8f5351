/// The kernel scheduling class the daemon's event loop runs in.
public enum SchedulingPolicy: Hashable, Sendable, CustomStringConvertible {
    /// SCHED_OTHER, the time-sharing default.
    case normal
    /// SCHED_RR at a real-time priority (1–99).
    case roundRobin(priority: Int)

    /// The real-time priority; 0 for SCHED_OTHER (as sched_getparam reports it).
    public var realtimePriority: Int {
        switch self {
        case .normal: 0
        case .roundRobin(let priority): priority
        }
    }

    public var isRealtime: Bool { realtimePriority > 0 }

    public var description: String {
        switch self {
        case .normal: "SCHED_OTHER"
        case .roundRobin(let priority): "SCHED_RR \(priority)"
        }
    }
}
