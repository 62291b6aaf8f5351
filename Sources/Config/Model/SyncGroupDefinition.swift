/// `vrrp_sync_group NAME { group { INSTANCE ... } notify_* ... }`.
public struct SyncGroupDefinition: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public var members: [String] = []
    public var memberLocations: [SourceLocation] = []
    public var notify = NotifyCommands()
    /// `notify_priority_changes [BOOL]`: the members' default.
    public var notifyPriorityChanges: Bool?
    /// `smtp_alert [BOOL]`: mail when the whole group changes state (nil: the global default).
    public var smtpAlert: Bool?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
