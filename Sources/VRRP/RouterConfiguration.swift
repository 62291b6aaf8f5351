/// Everything one virtual router needs to run the protocol; derived from a `vrrp_instance`.
public struct RouterConfiguration: Hashable, Sendable {
    /// VRID, 1...255 (§5.3.3).
    public var virtualRouterID: UInt8
    /// Configured priority before tracker adjustments; 255 is the address owner (§5.3.4).
    public var basePriority: UInt8
    /// The protocol version (keepalived `vrrp_version` / `version`).
    public var version: VRRPVersion
    /// Advertisement_Interval: whole seconds in v2 (RFC 3768 §5.3.7), centiseconds in v3
    /// (RFC 5798 §5.2.7).
    public var advertisementInterval: AdvertisementInterval
    /// §6.1 Preempt_Mode. keepalived's `nopreempt` turns it off.
    public var preempt: Bool
    /// keepalived `preempt_delay`: after startup, lower-priority adverts do not lead to
    /// preemption until this much time has passed.
    public var preemptDelay: Duration
    public var authentication: Authentication
    /// The virtual addresses carried in adverts (§5.3.9).
    public var virtualAddresses: [IPAddress]
    /// This router's primary address (or `mcast_src_ip`/`unicast_src_ip`): the source of its
    /// adverts and its side of the equal-priority tie-break (§6.4.3).
    public var localAddress: IPAddress
    public var gratuitousARP: GratuitousARPPolicy
    /// keepalived `vrrp_higher_prio_send_advert`: a Master that yields to a higher priority
    /// sends one more advert first, so a peer in a split brain hears it at once.
    public var sendAdvertisementOnYield: Bool
    /// vipkeeper extension `fast_preempt`: a preempting Backup that hears the Master advertise
    /// a priority lower than its own takes over at once instead of waiting for its
    /// Master_Down_Timer (RFC 3768 makes it wait up to Master_Down_Interval more).
    public var fastPreempt: Bool
    /// keepalived `down_timer_adverts`: how many adverts a Backup misses before the Master is
    /// down (the 3 of RFC 5798 §6.1's Master_Down_Interval).
    public var downTimerAdverts: Int
    /// keepalived `skip_check_adv_addr`: the §7.1 address-list check runs only for an advert
    /// from another source than the current Master.
    public var skipAddressListCheck: Bool
    /// keepalived `unicast_peer`: how adverts sent to this router's own address are checked
    /// (`UnicastReception`); nil for a multicast router, which keeps §7.1's TTL-255 rule for
    /// every advert.
    public var unicast: UnicastReception?
    /// How a planned resignation gives the addresses up (`HandoverMode`).
    public var handover: HandoverMode

    public init(
        virtualRouterID: UInt8,
        basePriority: UInt8 = 100,
        version: VRRPVersion = .v2,
        advertisementInterval: AdvertisementInterval = .oneSecond,
        preempt: Bool = true,
        preemptDelay: Duration = .zero,
        authentication: Authentication = .none,
        virtualAddresses: [IPAddress],
        localAddress: IPAddress,
        gratuitousARP: GratuitousARPPolicy = .keepalivedDefaults,
        sendAdvertisementOnYield: Bool = false,
        fastPreempt: Bool = false,
        downTimerAdverts: Int = 3,
        skipAddressListCheck: Bool = false,
        unicast: UnicastReception? = nil,
        handover: HandoverMode = .immediate
    ) {
        self.virtualRouterID = virtualRouterID
        self.basePriority = basePriority
        self.version = version
        self.advertisementInterval = advertisementInterval
        self.preempt = preempt
        self.preemptDelay = preemptDelay
        self.authentication = authentication
        self.virtualAddresses = virtualAddresses
        self.localAddress = localAddress
        self.gratuitousARP = gratuitousARP
        self.sendAdvertisementOnYield = sendAdvertisementOnYield
        self.fastPreempt = fastPreempt
        self.downTimerAdverts = downTimerAdverts
        self.skipAddressListCheck = skipAddressListCheck
        self.unicast = unicast
        self.handover = handover
    }

    /// How long a planned resignation waits for another Master: Skew_Time plus one advert
    /// interval. A Backup takes over after its own Skew_Time, which is never more than one
    /// Master_Adver_Interval whatever its priority (§6.1), so one interval always covers it
    /// and this router's Skew_Time is the margin. Sub-second v3 intervals make that shorter
    /// than a busy machine's scheduling noise; half a second is still far below any v2 window.
    public var handoverWindow: Duration {
        let window = Timing.skewTime(priority: basePriority, version: version, masterAdvertisementInterval: advertisementInterval)
            + advertisementInterval.duration
        return max(window, .milliseconds(500))
    }

    /// The family of the virtual router: that of its own address (RFC 5798 §1: one family
    /// per instance).
    public var family: AddressFamily { localAddress.family }

    /// §5.3.4: the router that owns the virtual addresses has priority 255.
    public var isAddressOwner: Bool { basePriority == 255 }
}
