/// What a receiver checks before a packet may reach a state machine: every MUST of
/// RFC 3768 §7.1 (v2) and RFC 5798 §7.1 (v3), in the RFCs' order.
///
/// Several virtual routers of one family on one interface share a socket; `routers` maps
/// each VRID configured on the receiving interface, for the packet's family, to its
/// configuration.
public struct AdvertisementValidator: Sendable {
    public var routers: [UInt8: RouterConfiguration]

    public init(routers: [UInt8: RouterConfiguration]) {
        self.routers = routers
    }

    public init(_ configurations: [RouterConfiguration]) {
        var routers: [UInt8: RouterConfiguration] = [:]
        for configuration in configurations {
            routers[configuration.virtualRouterID] = configuration
        }
        self.routers = routers
    }

    /// Validates one received packet. `currentMaster` names the Master a VRID last heard
    /// (for `skip_check_adv_addr`).
    public func validate(_ datagram: VRRPDatagram, currentMaster: (UInt8) -> IPAddress? = { _ in nil }) throws(DropReason) -> ReceivedAdvertisement {
        // §7.1: TTL / Hop Limit first, then the structural checks (version, type, length,
        // checksum). The TTL-255 rule proves an advert never left its link, so it is checked
        // here for multicast adverts; one sent to our own address may come from a unicast peer
        // behind routers, and waits until we know which router it is for (keepalived 2.2).
        let multicast = datagram.destination.isMulticast
        if multicast {
            guard datagram.hopLimit == 255 else { throw .ttlNot255(datagram.hopLimit) }
        }
        let advertisement = try Advertisement.decode(datagram.payload, from: datagram.source, to: datagram.destination)
        guard let local = routers[advertisement.virtualRouterID] else {
            throw .unknownVirtualRouter(advertisement.virtualRouterID)
        }
        // §7.1 "MUST verify the VRRP version field": one virtual router speaks one version.
        guard advertisement.version == local.version else {
            throw .versionMismatch(received: advertisement.version.rawValue, expected: local.version.rawValue)
        }
        switch local.version {
        case .v2:
            guard advertisement.authenticationType <= 2 else {
                throw .invalidAuthType(advertisement.authenticationType)
            }
            guard advertisement.authenticationType == local.authentication.typeCode else {
                throw .authTypeMismatch(received: advertisement.authenticationType, expected: local.authentication.typeCode)
            }
            // RFC 3768 §5.3.10 / §7.1: for simple text password the 8 octets must match exactly.
            if case .simplePassword(let password) = local.authentication,
               advertisement.authenticationData != password {
                throw .authFailure
            }
            // RFC 3768 §7.1: the interval must be the locally configured one.
            guard advertisement.interval == local.advertisementInterval else {
                throw .intervalMismatch(received: advertisement.interval, expected: local.advertisementInterval)
            }
        case .v3:
            // RFC 5798 §7.1 drops the interval check (a Backup learns the Master's interval,
            // §6.4.2); an interval of zero would make every Backup take over at once.
            guard advertisement.interval.centiseconds > 0 else { throw .zeroInterval }
        }
        // A unicast advert: a multicast router keeps §7.1's TTL-255 rule (so an off-link sender
        // cannot reach it by unicast); a unicast router applies keepalived's `check_unicast_src`
        // and per-peer `min_ttl` / `max_ttl`, and otherwise takes any TTL.
        if !multicast {
            if let unicast = local.unicast {
                try unicast.check(source: datagram.source, ttl: datagram.hopLimit)
            } else if datagram.hopLimit != 255 {
                throw .ttlNot255(datagram.hopLimit)
            }
        }
        // §7.1: compare the address lists as sets; only the owner's mismatching packet survives.
        // (The same list in the same order, the usual case, needs no sets.) keepalived's
        // `skip_check_adv_addr` compares only the first advert of a new Master.
        let waived = local.skipAddressListCheck && currentMaster(advertisement.virtualRouterID) == datagram.source
        let mismatch = !waived && advertisement.addresses != local.virtualAddresses
            && Set(advertisement.addresses) != Set(local.virtualAddresses)
        if mismatch && advertisement.priority != 255 {
            throw .addressListMismatch
        }
        return ReceivedAdvertisement(advertisement: advertisement, source: datagram.source, addressListMismatch: mismatch)
    }
}
