import VRRP

/// Rate-limited logging (spec: one line per reason per window, with the count): the first
/// occurrence of a key is logged at once, later ones are summed and reported at most once
/// per window, so a flood of junk or a failing effect cannot flood the journal.
struct RateLimitedLog: Hashable, Sendable {
    let window: Duration
    private var lastLogged: [String: Instant] = [:]
    private var suppressed: [String: Int] = [:]

    init(window: Duration = .seconds(10)) {
        self.window = window
    }

    /// Returns the line to log now, if any.
    mutating func record(key: String, message: String, now: Instant) -> String? {
        if let last = lastLogged[key], now - last < window {
            suppressed[key, default: 0] += 1
            return nil
        }
        let extra = suppressed.removeValue(forKey: key).map { " (and \($0) more since the last report)" } ?? ""
        lastLogged[key] = now
        return message + extra
    }
}
