#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in seconds, for the client commands' bounded waits (a wall clock can step).
enum CommandClock {
    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
