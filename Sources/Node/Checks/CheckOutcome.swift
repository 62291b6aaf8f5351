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
