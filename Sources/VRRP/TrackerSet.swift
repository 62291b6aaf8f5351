/// The trackers of one instance and the verdict they produce: the effective priority, or
/// FAULT with the names of the objects that caused it.
///
/// effective = clamp(base + Σ adjustments, 1, 254); the address owner (255) is never changed.
public struct TrackerSet: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var object: TrackedObject
        public var weight: TrackerWeight
        public var isUp: Bool
        /// A `track_file`'s number (0 for other objects).
        public var value: Int
        /// A tracker of the instance's `vrrp_sync_group`: every member has it, and its weight
        /// moves the group's priority once (`groupAdjustment`), not once per member.
        public var isSyncGroupShared = false

        public init(_ object: TrackedObject, weight: TrackerWeight, isUp: Bool, value: Int = 0) {
            self.object = object
            self.weight = weight
            self.isUp = isUp
            self.value = value
        }

        /// What the object contributes now: a file by its number, the others by up or down.
        public var effect: TrackerEffect {
            if case .file = object { return weight.effect(value: value) }
            return weight.effect(isUp: isUp)
        }
    }

    public let basePriority: UInt8
    public private(set) var entries: [Entry]

    public init(basePriority: UInt8, entries: [Entry] = []) {
        self.basePriority = basePriority
        self.entries = entries
    }

    /// Updates the state of every entry following `object`; returns whether anything changed.
    @discardableResult
    public mutating func set(_ object: TrackedObject, isUp: Bool) -> Bool {
        var changed = false
        for index in entries.indices where entries[index].object == object && entries[index].isUp != isUp {
            entries[index].isUp = isUp
            changed = true
        }
        return changed
    }

    /// Updates the number of every entry following the file `name`; returns whether anything
    /// changed. A file's entry is up while it gives no FAULT.
    @discardableResult
    public mutating func set(file name: String, value: Int) -> Bool {
        var changed = false
        for index in entries.indices where entries[index].object == .file(name) && entries[index].value != value {
            entries[index].value = value
            entries[index].isUp = entries[index].effect != .fault
            changed = true
        }
        return changed
    }

    /// The objects whose state means FAULT, in configuration order.
    public var faults: [TrackedObject] {
        entries.filter { $0.effect == .fault }.map(\.object)
    }

    /// Every object tracked, in configuration order.
    public var objects: [TrackedObject] { entries.map(\.object) }

    /// The sum of the adjustments of every weighted tracker in its current state.
    public var adjustment: Int {
        entries.reduce(0) { total, entry in
            if case .adjust(let delta) = entry.effect { return total + delta }
            return total
        }
    }

    /// The adjustment of the instance's own trackers, without its sync group's.
    public var ownAdjustment: Int {
        entries.reduce(0) { total, entry in
            if !entry.isSyncGroupShared, case .adjust(let delta) = entry.effect { return total + delta }
            return total
        }
    }

    public var effectivePriority: UInt8 { effectivePriority(adding: 0) }

    /// The effective priority with `extra` adjustment from elsewhere (the other members of a
    /// sync group).
    public func effectivePriority(adding extra: Int) -> UInt8 {
        guard basePriority != 255 else { return 255 }
        return UInt8(min(254, max(1, Int(basePriority) + adjustment + extra)))
    }

    /// The FAULT these trackers give, or nil: `.down([.check("chk_nginx"), .interface("eth0")])`.
    public var fault: FaultCause? {
        let objects = faults
        return objects.isEmpty ? nil : .down(objects)
    }
}
