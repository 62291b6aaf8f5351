#if canImport(Glibc)
import Glibc
#endif

/// RLIMIT_NOFILE. The soft limit a daemon inherits is often 1024 (systemd's default, a root
/// shell's), while the kernel lets it go to the hard limit (systemd: 524288; the unit sets
/// LimitNOFILE). The daemon polls (never select(2)), so more descriptors cost nothing, and
/// running out costs checks (pidfd_open) and the control socket (accept).
enum DescriptorLimit {
    /// Raises the soft limit to the hard one. Returns the limits before and after, nil when
    /// nothing changed; throws when the kernel refused.
    static func raiseToHard() throws(AgentError) -> (from: UInt64, to: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw .socket(operation: "getrlimit(RLIMIT_NOFILE)", errno: errno) }
        guard limit.rlim_cur < limit.rlim_max else { return nil }
        let from = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw .socket(operation: "setrlimit(RLIMIT_NOFILE)", errno: errno) }
        return (UInt64(from), UInt64(limit.rlim_max))
    }
}
