import Node
import VRRP

/// The node's armed timers: at most one per slot, as the node expects (arming replaces).
///
/// A binary min-heap of (deadline, arming order) with lazy deletion: re-arming or cancelling
/// leaves the old heap entry behind, and it is dropped when it reaches the top. Every turn of
/// the event loop asks for the next deadline and the due timers, so both are O(log n) instead
/// of a scan of every instance's timers (bench/RESULTS.md, scale: 255 instances).
struct TimerTable {
    private struct Entry {
        var timer: NodeTimer
        var deadline: Instant
        var order: UInt64

        func precedes(_ other: Entry) -> Bool { (deadline, order) < (other.deadline, other.order) }
    }

    /// The live timer of each slot, by its arming order.
    private var live: [NodeTimer.Slot: UInt64] = [:]
    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0

    mutating func arm(_ timer: NodeTimer, at deadline: Instant) {
        nextOrder += 1
        live[timer.slot] = nextOrder
        push(Entry(timer: timer, deadline: deadline, order: nextOrder))
        // Stale entries are bounded: compact when they outnumber the live ones.
        if heap.count > 64 && heap.count > 4 * live.count { compact() }
    }

    mutating func cancel(_ slot: NodeTimer.Slot) {
        live[slot] = nil
    }

    /// The earliest live deadline (stale entries on top are dropped on the way).
    mutating func nextDeadline() -> Instant? {
        dropStale()
        return heap.first?.deadline
    }

    var count: Int { live.count }

    /// Removes and returns the timers due at `now`, earliest first (ties in arming order).
    mutating func popDue(at now: Instant) -> [NodeTimer] {
        var due: [NodeTimer] = []
        while true {
            dropStale()
            guard let top = heap.first, top.deadline <= now else { return due }
            _ = pop()
            live[top.timer.slot] = nil
            due.append(top.timer)
        }
    }

    private func isLive(_ entry: Entry) -> Bool { live[entry.timer.slot] == entry.order }

    private mutating func dropStale() {
        while let top = heap.first, !isLive(top) { _ = pop() }
    }

    private mutating func compact() {
        let kept = heap.filter(isLive)
        heap = []
        for entry in kept { push(entry) }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count && heap[left].precedes(heap[first]) { first = left }
            if right < heap.count && heap[right].precedes(heap[first]) { first = right }
            if first == parent { return top }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
