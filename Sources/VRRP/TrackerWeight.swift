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

/// The contribution of one tracked object to an instance.
public enum TrackerEffect: Hashable, Sendable {
    case adjust(Int)
    case fault
}
