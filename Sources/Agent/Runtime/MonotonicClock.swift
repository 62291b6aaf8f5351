#if canImport(Glibc)
import Glibc
#endif
import VRRP

/// CLOCK_MONOTONIC as the core's `Instant`: immune to wall-clock steps (NTP, an operator's
/// `date -s`), which must never fire or delay a VRRP timer.
public enum MonotonicClock {
    public static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Instant(sinceOrigin: .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec)))
    }
}

extension Duration {
    /// Whole milliseconds, rounded up (a poll timeout must not wake before the deadline).
    var millisecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        let nanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return (nanos + 999_999) / 1_000_000
    }

    /// Seconds as a Double, for JSON and logs.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
