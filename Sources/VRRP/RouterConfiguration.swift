/// Everything one virtual router needs to run the protocol; derived from a `vrrp_instance`.
public struct RouterConfiguration: Hashable, Sendable {
    /// VRID, 1...255 (§5.3.3).
    public var virtualRouterID: UInt8
    /// Configured priority before tracker adjustments; 255 is the address owner (§5.3.4).
    public var basePriority: UInt8
    /// Advertisement interval in whole seconds (§5.3.7).
    public var advertisementIntervalSeconds: UInt8
    /// §6.1 Preempt_Mode. keepalived's `nopreempt` turns it off.
    public var preempt: Bool
    /// keepalived `preempt_delay`: after startup, lower-priority adverts do not lead to
    /// preemption until this much time has passed.
    public var preemptDelay: Duration
    public var authentication: Authentication
    /// The virtual addresses carried in adverts (§5.3.9).
    public var virtualAddresses: [IPv4Address]
    /// This router's primary address (or `mcast_src_ip`/`unicast_src_ip`): the source of its
    /// adverts and its side of the equal-priority tie-break (§6.4.3).
    public var localAddress: IPv4Address
    public var gratuitousARP: GratuitousARPPolicy
    /// keepalived `vrrp_higher_prio_send_advert`: a Master that yields to a higher priority
    /// sends one more advert first, so a peer in a split brain hears it at once.
    public var sendAdvertisementOnYield: Bool
    /// vipkeeper extension `fast_preempt`: a preempting Backup that hears the Master advertise
    /// a priority lower than its own takes over at once instead of waiting for its
    /// Master_Down_Timer (RFC 3768 makes it wait up to Master_Down_Interval more).
    public var fastPreempt: Bool

    public init(
        virtualRouterID: UInt8,
        basePriority: UInt8 = 100,
        advertisementIntervalSeconds: UInt8 = 1,
        preempt: Bool = true,
        preemptDelay: Duration = .zero,
        authentication: Authentication = .none,
        virtualAddresses: [IPv4Address],
        localAddress: IPv4Address,
        gratuitousARP: GratuitousARPPolicy = .keepalivedDefaults,
        sendAdvertisementOnYield: Bool = false,
        fastPreempt: Bool = false
    ) {
        self.virtualRouterID = virtualRouterID
        self.basePriority = basePriority
        self.advertisementIntervalSeconds = advertisementIntervalSeconds
        self.preempt = preempt
        self.preemptDelay = preemptDelay
        self.authentication = authentication
        self.virtualAddresses = virtualAddresses
        self.localAddress = localAddress
        self.gratuitousARP = gratuitousARP
        self.sendAdvertisementOnYield = sendAdvertisementOnYield
        self.fastPreempt = fastPreempt
    }

    public var advertisementInterval: Duration { .seconds(Int(advertisementIntervalSeconds)) }

    /// §5.3.4: the router that owns the virtual addresses has priority 255.
    public var isAddressOwner: Bool { basePriority == 255 }
}
