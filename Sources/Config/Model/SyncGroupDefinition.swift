/// `vrrp_sync_group NAME { group { INSTANCE ... } notify_* ... track_* ... }`.
public struct SyncGroupDefinition: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public var members: [String] = []
    public var memberLocations: [SourceLocation] = []
    public var notify = NotifyCommands()
    /// `notify_priority_changes [BOOL]`: the members' default.
    public var notifyPriorityChanges: Bool?
    /// `track_interface`, `track_script`, `track_file`, `track_process` of the group: every
    /// member follows them (keepalived's `vrrp_complete_init` adds each to every member). A
    /// weighted one moves the group's priority once, not once per member.
    public var trackedInterfaces: [TrackedInterface] = []
    public var trackedChecks: [TrackedCheck] = []
    public var trackedFiles: [TrackedCheck] = []
    public var trackedProcesses: [TrackedProcess] = []
    /// `sync_group_tracking_weight` (`global_tracking`, deprecated): keepalived ignores the
    /// weighted trackers of a member without it; vipkeeper always applies them, summed over
    /// the members, so the flag changes nothing here.
    public var trackingWeight = false
    /// `smtp_alert [BOOL]`: mail when the whole group changes state (nil: the global default).
    public var smtpAlert: Bool?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
