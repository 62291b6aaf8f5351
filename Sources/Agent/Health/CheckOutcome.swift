/// The result of one run of a health check.
public enum CheckOutcome: Equatable, Sendable {
    case success
    case failure(String)

    public var succeeded: Bool { self == .success }
    public var reason: String? {
        if case .failure(let reason) = self { return reason }
        return nil
    }
}
