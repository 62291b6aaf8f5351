import VRRP

/// What an instance has done since it started, for `vipkeeper status`.
struct InstanceCounters: Hashable, Sendable {
    var advertisementsSent = 0
    var advertisementsReceived = 0
    var priorityZeroReceived = 0
    var becameMaster = 0
    /// Left Master (keepalived `release_master`).
    var releasedMaster = 0
    var priorityZeroSent = 0
    /// Adverts from another Master heard while Master (a split brain, or a peer preempting).
    var otherMasterAdverts = 0
    var transitions = 0
    /// Received packets dropped by §7.1 validation, by keepalived counter.
    var drops: [DropCounter: Int] = [:]
    var sendErrors = 0
    var gratuitousARPErrors = 0
    var addressesRestored = 0
    var notifyFailures = 0
}
