/// The advertisement interval, counted in centiseconds (RFC 5798 §5.2.7: "Max Adver Int",
/// 12 bits). VRRPv2 carries whole seconds in one octet (RFC 3768 §5.3.7), so a v2 interval
/// is a multiple of 100.
public struct AdvertisementInterval: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var centiseconds: UInt16

    public init(centiseconds: UInt16) {
        self.centiseconds = centiseconds
    }

    public init(seconds: UInt8) {
        centiseconds = UInt16(seconds) * 100
    }

    /// 1 s, the default of both versions.
    public static let oneSecond = AdvertisementInterval(centiseconds: 100)
    /// The 12-bit field's largest value, 40.95 s.
    public static let maximumV3 = AdvertisementInterval(centiseconds: 4095)

    public var duration: Duration { .milliseconds(Int64(centiseconds) * 10) }

    /// The v2 field: whole seconds, nil when the interval is not one (or more than 255 s).
    public var wholeSeconds: UInt8? {
        guard centiseconds % 100 == 0, centiseconds / 100 <= 255 else { return nil }
        return UInt8(centiseconds / 100)
    }

    /// `1s`, `0.1s`, `0.25s`: the shortest decimal form, as in keepalived.conf.
    public var description: String {
        let whole = centiseconds / 100
        let fraction = centiseconds % 100
        guard fraction != 0 else { return "\(whole)s" }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return "\(whole).\(digits)s"
    }

    public static func < (lhs: AdvertisementInterval, rhs: AdvertisementInterval) -> Bool {
        lhs.centiseconds < rhs.centiseconds
    }
}
