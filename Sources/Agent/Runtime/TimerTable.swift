import Node
import VRRP

/// The node's armed timers: at most one per slot, as the node expects (arming replaces).
struct TimerTable {
    private struct Entry {
        var timer: NodeTimer
        var deadline: Instant
        var order: UInt64
    }

    private var entries: [NodeTimer.Slot: Entry] = [:]
    private var nextOrder: UInt64 = 0

    mutating func arm(_ timer: NodeTimer, at deadline: Instant) {
        nextOrder += 1
        entries[timer.slot] = Entry(timer: timer, deadline: deadline, order: nextOrder)
    }

    mutating func cancel(_ slot: NodeTimer.Slot) {
        entries[slot] = nil
    }

    var nextDeadline: Instant? { entries.values.map(\.deadline).min() }
    var count: Int { entries.count }

    /// Removes and returns the timers due at `now`, earliest first (ties in arming order).
    mutating func popDue(at now: Instant) -> [NodeTimer] {
        let due = entries.filter { $0.value.deadline <= now }
        for slot in due.keys { entries[slot] = nil }
        return due.values.sorted { ($0.deadline, $0.order) < ($1.deadline, $1.order) }.map(\.timer)
    }
}
