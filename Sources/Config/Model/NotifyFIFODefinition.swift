/// keepalived's notify FIFO (`notify_fifo` / `vrrp_notify_fifo`): a named pipe the daemon
/// creates when it is missing (owned by USER:GROUP when given) and writes one line per event
/// to, `INSTANCE "VI_1" MASTER 100`; its script (`notify_fifo_script`), when given, is started
/// once with the FIFO's path as its last argument to read them.
public struct NotifyFIFODefinition: Hashable, Sendable {
    /// nil: not configured (a script alone opens nothing, as in keepalived).
    public var path: String?
    public var user: ScriptUser?
    public var script: NotifyScript?
    public var location: SourceLocation = .unplaced

    public init() {}
}
