import VRRP

/// Something that happens to the simulated cluster at a scheduled time.
public enum ChaosEvent: Hashable, Sendable, CustomStringConvertible {
    /// Nodes can only talk within their own group.
    case partition([[Int]])
    /// The network becomes whole again: no partition, no loss, no duplication, no corruption.
    case heal
    /// Per-receiver packet loss, duplication and corruption probabilities.
    case degrade(loss: Double, duplication: Double, corruption: Double)
    /// The process dies without a word (kill -9): timers and state are gone.
    case crash(Int)
    /// SIGTERM: the router handles Shutdown, then the process is gone.
    case stop(Int)
    /// A fresh process starts on a node that was down.
    case restart(Int)
    /// Tracker adjustments give the node a new effective priority.
    case setPriority(Int, UInt8)
    case raiseFault(Int)
    case clearFault(Int)
    /// A stranger sends junk into the segment (wrong VRID, bad auth, wrong TTL, garbage).
    case junk

    public var description: String {
        switch self {
        case .partition(let groups): return "partition \(groups)"
        case .heal: return "heal"
        case .degrade(let loss, let duplication, let corruption):
            return "degrade loss=\(loss) dup=\(duplication) corrupt=\(corruption)"
        case .crash(let node): return "crash n\(node)"
        case .stop(let node): return "stop n\(node)"
        case .restart(let node): return "restart n\(node)"
        case .setPriority(let node, let priority): return "n\(node) priority -> \(priority)"
        case .raiseFault(let node): return "n\(node) fault"
        case .clearFault(let node): return "n\(node) fault cleared"
        case .junk: return "junk packet"
        }
    }
}
