/// A check run the executor starts: a script child or an HTTP request, bounded by `timeout`.
/// Its result comes back as `NodeEvent.checkCompleted` with the same id.
public struct CheckRun: Hashable, Sendable {
    public var id: CheckRunID
    public var name: String
    public var kind: BoundCheck.Kind
    public var timeout: Duration

    public init(id: CheckRunID, name: String, kind: BoundCheck.Kind, timeout: Duration) {
        self.id = id
        self.name = name
        self.kind = kind
        self.timeout = timeout
    }
}
