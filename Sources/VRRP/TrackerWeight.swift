/// How a tracked object (check script, HTTP check, interface) affects one instance, with
/// keepalived's semantics:
/// - weight > 0: add it while the object is up; weight < 0: subtract |weight| while it is down;
/// - `reverse`: the direction flips (a positive weight is subtracted while up, a negative one
///   added while down);
/// - weight 0: the object being down (up, with `reverse`) puts the instance in FAULT.
public struct TrackerWeight: Hashable, Sendable {
    public var weight: Int
    public var reverse: Bool

    public init(_ weight: Int, reverse: Bool = false) {
        self.weight = weight
        self.reverse = reverse
    }

    /// What the object contributes in its current state.
    public func effect(isUp: Bool) -> TrackerEffect {
        if weight == 0 {
            return isUp != reverse ? .adjust(0) : .fault
        }
        let sign = reverse ? -1 : 1
        if weight > 0 {
            return .adjust(isUp ? sign * weight : 0)
        }
        return .adjust(isUp ? 0 : sign * weight)
    }
}

extension TrackerWeight {
    /// What a `track_file` contributes with `value` in its file (keepalived's
    /// `update_track_file_status`): with weight 0, a non-zero value is FAULT (a zero one, with
    /// `reverse`); otherwise value × weight (negated with `reverse`), limited to ±254, and
    /// -254 or less is FAULT. `value` is a 32-bit number (the reader refuses others), so the
    /// product cannot overflow.
    public func effect(value: Int) -> TrackerEffect {
        if weight == 0 {
            return (value != 0) != reverse ? .fault : .adjust(0)
        }
        let status = min(254, max(-254, value * weight * (reverse ? -1 : 1)))
        return status <= -254 ? .fault : .adjust(status)
    }
}

/// The contribution of one tracked object to an instance.
public enum TrackerEffect: Hashable, Sendable {
    case adjust(Int)
    case fault
}
