import VRRP

/// One entry of an instance's `track_process { NAME [weight N [reverse|noreverse]] }`. As in
/// keepalived's `alloc_track_process`, the weight and the direction each default to the
/// `vrrp_track_process`'s own, separately: `weight 5` keeps the definition's `reverse`.
public struct TrackedProcess: Hashable, Sendable {
    public var name: String
    public var weight: Int?
    public var reverse: Bool?
    public var location: SourceLocation

    public init(name: String, weight: Int? = nil, reverse: Bool? = nil, location: SourceLocation) {
        self.name = name
        self.weight = weight
        self.reverse = reverse
        self.location = location
    }

    /// The weight this entry gives the definition.
    public func weight(over definition: TrackProcessDefinition) -> TrackerWeight {
        TrackerWeight(weight ?? definition.weight.weight, reverse: reverse ?? definition.weight.reverse)
    }
}
