import VRRP

/// What an instance has done since it started, for `vipkeeper status` and the metrics.
public struct InstanceCounters: Hashable, Sendable {
    public var advertisementsSent = 0
    public var advertisementsReceived = 0
    public var priorityZeroReceived = 0
    public var becameMaster = 0
    /// Left Master (keepalived `release_master`).
    public var releasedMaster = 0
    public var priorityZeroSent = 0
    /// Adverts from another Master heard while Master (a split brain, or a peer preempting).
    public var otherMasterAdverts = 0
    public var transitions = 0
    /// Received packets dropped by §7.1 validation, by keepalived counter.
    public var drops: [DropCounter: Int] = [:]
    public var sendErrors = 0
    public var gratuitousARPErrors = 0
    public var addressesRestored = 0
    public var notifyFailures = 0
    /// Route and rule changes netlink refused (`virtual_routes`, `virtual_rules`).
    public var routingFailures = 0
    /// Make-before-break releases (`HandoverEnd`): another Master took over, nobody did
    /// within the window, or a fault or second stop ended the wait.
    public var handoversTakenOver = 0
    public var handoversTimedOut = 0
    public var handoversAbandoned = 0

    /// Every count at zero, as an instance starts.
    public init() {}
}
