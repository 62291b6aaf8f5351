import VRRP

extension BoundInstance {
    /// The kernel lifetime (valid_lft, in seconds) a Master gives a virtual address on
    /// `device` and renews with every advert it sends; nil for none (the address lives until
    /// removed).
    ///
    /// Why: an address on a device without a segment (loopback, dummy) is announced by the
    /// node's routing daemon (FRR's `redistribute connected`), not by gratuitous ARP. A daemon
    /// that is killed or stopped removes nothing, and a route left behind keeps attracting
    /// the clients; with a lease the kernel itself removes the address once the renewals stop,
    /// and the routing daemon withdraws the route. The automatic lease, 4 × advert_int, runs
    /// out just after a peer's Master_Down_Interval (3 × advert_int + Skew_Time, RFC 5798
    /// §6.1), so the peer announces before this node's route goes.
    public func leaseSeconds(for device: Device) -> UInt32? {
        switch definition.addressLease {
        case .some(0):
            return nil
        case .some(let seconds):
            return UInt32(seconds)
        case nil:
            guard !device.hasSegment else { return nil }
            return Self.automaticLease(router.advertisementInterval)
        }
    }

    /// 4 × the advert interval in whole seconds (the kernel's unit), at least 2.
    static func automaticLease(_ interval: AdvertisementInterval) -> UInt32 {
        max(2, (UInt32(interval.centiseconds) * 4 + 99) / 100)
    }

    /// Whether any of the instance's addresses is held with a lease (renewed per advert).
    public var leasesAddresses: Bool {
        virtualAddresses.contains { leaseSeconds(for: $0.device) != nil }
    }
}
