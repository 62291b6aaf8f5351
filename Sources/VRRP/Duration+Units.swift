/// The one place durations become numbers and text (logs, JSON, poll timeouts, timers).
extension Duration {
    /// Seconds as a Double, for JSON, metrics and arithmetic on doubles.
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole nanoseconds (truncated).
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whole milliseconds (truncated).
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole milliseconds, rounded up (a poll timeout must not wake before the deadline).
    public var millisecondsRoundedUp: Int64 {
        (wholeNanoseconds + 999_999) / 1_000_000
    }

    /// `1`, `0.5`, `0.25`: seconds for messages, to the millisecond, without trailing zeros.
    public var formattedSeconds: String {
        let (seconds, attoseconds) = components
        guard attoseconds != 0 else { return "\(seconds)" }
        let millis = wholeMilliseconds
        var text = "\(millis / 1000)." + String(String(millis % 1000 + 1000).dropFirst())
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
