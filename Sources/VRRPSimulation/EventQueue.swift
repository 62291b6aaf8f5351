import VRRP

/// A min-heap of timed items; ties resolve in insertion order so runs are deterministic.
struct EventQueue<Item> {
    private var heap: [(at: Instant, sequence: UInt64, item: Item)] = []
    private var sequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Instant? { heap.first?.at }

    mutating func push(_ item: Item, at time: Instant) {
        sequence += 1
        heap.append((time, sequence, item))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (at: Instant, item: Item)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && before(left, smallest) { smallest = left }
            if right < heap.count && before(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.at, top.item)
    }

    private func before(_ a: Int, _ b: Int) -> Bool {
        (heap[a].at, heap[a].sequence) < (heap[b].at, heap[b].sequence)
    }
}
