/// Protocol timing parameters of RFC 3768 §6.1.
public enum Timing {
    /// Skew_Time = (256 - Priority) / 256 seconds. 1/256 s is exactly 3 906 250 ns.
    public static func skewTime(priority: UInt8) -> Duration {
        .nanoseconds(Int64(256 - Int(priority)) * 3_906_250)
    }

    /// Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time.
    public static func masterDownInterval(advertisementInterval: Duration, priority: UInt8) -> Duration {
        advertisementInterval * 3 + skewTime(priority: priority)
    }
}
