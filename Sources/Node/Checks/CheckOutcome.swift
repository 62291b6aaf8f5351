/// The result of one run of a health check.
public enum CheckOutcome: Hashable, Sendable, CustomStringConvertible {
    case success
    case failure(String)
    /// It did not finish within its timeout (a script's whole process group was killed).
    case timedOut(Duration)

    public var succeeded: Bool { self == .success }

    public var description: String {
        switch self {
        case .success: return "success"
        case .failure(let reason): return reason
        case .timedOut(let timeout): return "timed out after \(timeout.formattedSeconds)s"
        }
    }
}

extension Duration {
    /// `1`, `0.5`: seconds for messages.
    public var formattedSeconds: String {
        let (seconds, attoseconds) = components
        guard attoseconds != 0 else { return "\(seconds)" }
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        var text = "\(millis / 1000)." + String(String(millis % 1000 + 1000).dropFirst())
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// Seconds as a Double, for JSON.
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
