@testable import VRRP

/// The VRRPv2 tests were written when the core spoke IPv4 VRRPv2 only; these spell the
/// general API (version, family, pseudo-header addresses) the way those tests use it, so
/// they still check v2 behaviour unchanged. A v2 checksum ignores the addresses.
extension Advertisement {
    init(virtualRouterID: UInt8, priority: UInt8, advertisementInterval: UInt8, authentication: Authentication, addresses: [IPv4Address]) {
        self.init(version: .v2, virtualRouterID: virtualRouterID, priority: priority,
                  interval: AdvertisementInterval(seconds: advertisementInterval), authentication: authentication,
                  addresses: addresses.map(IPAddress.v4))
    }

    /// The v2 interval field.
    var advertisementInterval: UInt8 {
        get { interval.wholeSeconds ?? 0 }
        set { interval = AdvertisementInterval(seconds: newValue) }
    }

    func encoded() -> [UInt8] {
        encoded(from: .v4(IPv4Address(0)), to: .v4(.vrrpMulticastGroup))
    }

    static func decode(_ bytes: [UInt8]) throws(DropReason) -> Advertisement {
        try decode(bytes, from: .v4(IPv4Address(0)), to: .v4(.vrrpMulticastGroup))
    }
}

extension AdvertisementValidator {
    func validate(payload: [UInt8], ttl: UInt8, source: IPv4Address) throws(DropReason) -> ReceivedAdvertisement {
        try validate(VRRPDatagram(source: .v4(source), destination: .v4(.vrrpMulticastGroup), hopLimit: ttl, payload: payload))
    }
}

extension RouterConfiguration {
    init(virtualRouterID: UInt8, basePriority: UInt8 = 100, advertisementIntervalSeconds: UInt8 = 1, preempt: Bool = true,
         preemptDelay: Duration = .zero, authentication: Authentication = .none, virtualAddresses: [IPv4Address],
         localAddress: IPv4Address, gratuitousARP: GratuitousARPPolicy = .keepalivedDefaults,
         sendAdvertisementOnYield: Bool = false, fastPreempt: Bool = false) {
        self.init(virtualRouterID: virtualRouterID, basePriority: basePriority, version: .v2,
                  advertisementInterval: AdvertisementInterval(seconds: advertisementIntervalSeconds), preempt: preempt,
                  preemptDelay: preemptDelay, authentication: authentication, virtualAddresses: virtualAddresses.map(IPAddress.v4),
                  localAddress: .v4(localAddress), gratuitousARP: gratuitousARP, sendAdvertisementOnYield: sendAdvertisementOnYield,
                  fastPreempt: fastPreempt)
    }
}

extension ReceivedAdvertisement {
    init(advertisement: Advertisement, source: IPv4Address) {
        self.init(advertisement: advertisement, source: .v4(source))
    }
}
