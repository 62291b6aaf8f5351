/// What a failover drill found (`vipkeeper drill`, `status --json` `lastDrill`). Times are in
/// seconds.
public struct DrillReport: Codable, Sendable, Equatable {
    public enum Result: String, Codable, Sendable {
        case running, passed, failed
    }

    /// The instance or sync group drilled, and the instances that moved.
    public var target: String
    public var instances: [String]
    public var result: Result
    /// Why it failed, or what the return leg did (`stays BACKUP: nopreempt`).
    public var verdict: String?
    public var secondsAgo: Double
    /// The Master that took over (its address).
    public var newMaster: String?
    /// From the priority-0 advert to the first advert of the new Master.
    public var firstAdvertSeconds: Double?
    /// From the priority-0 advert until the local VIPs were gone.
    public var addressesGoneSeconds: Double?
    /// Whether the new Master's gratuitous ARP for the VIP was seen on the wire.
    public var gratuitousARPSeen: Bool
    /// False when none was to be heard: every address is on a device with no segment
    /// (loopback, dummy), announced by the new Master's routing daemon instead.
    public var gratuitousARPExpected: Bool?
    public var holdSeconds: Double
    /// `preempt` (the node takes the VIP back) or `nopreempt` (it stays Backup).
    public var returnMode: String
    /// From the end of the hold until this node was Master with its VIPs again.
    public var returnSeconds: Double?
    /// When no backup took over: from the priority-0 advert until this node had the VIP back.
    public var takenBackSeconds: Double?
    /// From the new Master's first advert until the local VIPs were gone: how long both nodes
    /// held them (make-before-break), as this node saw it; negative when this node released
    /// them first (`vrrp_handover immediate`).
    public var overlapSeconds: Double?
    /// From the local VIPs gone until the new Master's gratuitous ARP was heard, when it came
    /// later: how long a client that still had this node's MAC had nobody to answer it.
    public var gapSeconds: Double?

    public init(target: String, instances: [String], result: Result, verdict: String?, secondsAgo: Double, newMaster: String?,
                firstAdvertSeconds: Double?, addressesGoneSeconds: Double?, gratuitousARPSeen: Bool, holdSeconds: Double,
                returnMode: String, returnSeconds: Double?, takenBackSeconds: Double?) {
        self.target = target
        self.instances = instances
        self.result = result
        self.verdict = verdict
        self.secondsAgo = secondsAgo
        self.newMaster = newMaster
        self.firstAdvertSeconds = firstAdvertSeconds
        self.addressesGoneSeconds = addressesGoneSeconds
        self.gratuitousARPSeen = gratuitousARPSeen
        self.holdSeconds = holdSeconds
        self.returnMode = returnMode
        self.returnSeconds = returnSeconds
        self.takenBackSeconds = takenBackSeconds
    }
}
