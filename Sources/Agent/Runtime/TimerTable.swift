import VRRP

/// The armed timers of every instance: at most one per (instance, kind), as the core expects.
struct TimerTable {
    struct Entry {
        var instance: Int
        var token: TimerToken
        var deadline: Instant
        var order: UInt64
    }

    private var entries: [Entry] = []
    private var nextOrder: UInt64 = 0

    mutating func set(instance: Int, token: TimerToken, deadline: Instant) {
        cancel(instance: instance, kind: token.kind)
        nextOrder += 1
        entries.append(Entry(instance: instance, token: token, deadline: deadline, order: nextOrder))
    }

    mutating func cancel(instance: Int, kind: TimerKind) {
        entries.removeAll { $0.instance == instance && $0.token.kind == kind }
    }

    /// After a reload renumbered the instances: moves each timer of instance `old` to
    /// `mapping[old]` and drops the timers of instances not in `mapping`.
    mutating func remap(_ mapping: [Int: Int]) {
        entries = entries.compactMap { entry in
            guard let index = mapping[entry.instance] else { return nil }
            var moved = entry
            moved.instance = index
            return moved
        }
    }

    var nextDeadline: Instant? { entries.map(\.deadline).min() }

    /// Removes and returns the timers due at `now`, earliest first.
    mutating func popDue(at now: Instant) -> [Entry] {
        let due = entries.filter { $0.deadline <= now }.sorted { ($0.deadline, $0.order) < ($1.deadline, $1.order) }
        entries.removeAll { $0.deadline <= now }
        return due
    }
}
