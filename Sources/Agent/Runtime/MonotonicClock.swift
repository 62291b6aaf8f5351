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
