import VRRP

/// The outcome of the last SIGHUP, for `vipkeeper status`.
public enum ReloadOutcome: Hashable, Sendable {
    /// Applied; the summary line (`reload applied: 1 unchanged (VI_1), ...`).
    case applied(summary: String, at: Instant)
    /// Nothing changed: why.
    case refused(reason: String, at: Instant)

    public var at: Instant {
        switch self {
        case .applied(_, let at), .refused(_, let at): return at
        }
    }
}
