/// Protocol timing parameters: RFC 3768 §6.1 (v2) and RFC 5798 §6.1 (v3).
public enum Timing {
    /// v2 Skew_Time = (256 - Priority) / 256 seconds. 1/256 s is exactly 3 906 250 ns.
    public static func skewTime(priority: UInt8) -> Duration {
        .nanoseconds(Int64(256 - Int(priority)) * 3_906_250)
    }

    /// Skew_Time of either version. v3 (RFC 5798 §6.1): ((256 - Priority) *
    /// Master_Adver_Interval) / 256, computed exactly (keepalived truncates it to whole
    /// centiseconds, so its Backup may take over up to 10 ms sooner).
    public static func skewTime(priority: UInt8, version: VRRPVersion, masterAdvertisementInterval: AdvertisementInterval) -> Duration {
        switch version {
        case .v2:
            return skewTime(priority: priority)
        case .v3:
            // centiseconds * 10^7 ns / 256, exact in nanoseconds up to 1/256 of a nanosecond.
            let numerator = Int64(256 - Int(priority)) * Int64(masterAdvertisementInterval.centiseconds) * 10_000_000
            return .nanoseconds(numerator / 256)
        }
    }

    /// Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time (RFC 5798 §6.1; in v2
    /// the Master's interval is the configured one, RFC 3768 §6.1). keepalived's
    /// `down_timer_adverts` replaces the 3 (1 to 100; the RFC's value unless configured).
    /// (In whole nanoseconds: `Duration * Int` goes through 128-bit generic arithmetic, and a
    /// Backup computes this for every advert it hears.)
    public static func masterDownInterval(priority: UInt8, version: VRRPVersion, masterAdvertisementInterval: AdvertisementInterval,
                                          missedAdverts: Int = 3) -> Duration {
        .nanoseconds(Int64(masterAdvertisementInterval.centiseconds) * Int64(missedAdverts) * 10_000_000)
            + skewTime(priority: priority, version: version, masterAdvertisementInterval: masterAdvertisementInterval)
    }
}
