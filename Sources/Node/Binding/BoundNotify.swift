import Config

/// A notify script bound to this machine: its command and who it runs as (its own `USER
/// [GROUP]`, else `script_user`, else keepalived's default), resolved by the `Binder`.
public struct BoundNotify: Hashable, Sendable {
    public var command: ScriptCommand
    public var credentials: Credentials

    public init(command: ScriptCommand, credentials: Credentials) {
        self.command = command
        self.credentials = credentials
    }
}

/// An instance's or a sync group's notify scripts, bound (`NotifyCommands`).
public struct BoundNotifyCommands: Hashable, Sendable {
    public var master: BoundNotify?
    public var backup: BoundNotify?
    public var fault: BoundNotify?
    public var stop: BoundNotify?
    /// `notify_deleted`: a removed instance notifies DELETED (else FAULT).
    public var reportsDeletion = false
    public var deleted: BoundNotify?
    public var generic: BoundNotify?
    /// `notify_master_rx_lower_pri`.
    public var masterReceivedLowerPriority: BoundNotify?

    public init() {}
}

/// A `vrrp_sync_group` as the node runs it.
public struct BoundSyncGroup: Hashable, Sendable {
    public var name: String
    public var members: [String]
    public var notify: BoundNotifyCommands
    /// `smtp_alert` with keepalived's defaults applied: mail when the whole group changes state.
    public var smtpAlert: Bool

    public init(name: String, members: [String], notify: BoundNotifyCommands = BoundNotifyCommands(), smtpAlert: Bool = false) {
        self.smtpAlert = smtpAlert
        self.name = name
        self.members = members
        self.notify = notify
    }
}

/// keepalived's notify FIFO bound to this machine (`notify_fifo`, `vrrp_notify_fifo`): the
/// path, who owns it when the daemon creates it, and the script that reads it (started once,
/// with the path as its last argument).
public struct BoundNotifyFIFO: Hashable, Sendable {
    public var path: String
    /// The FIFO's owner when the daemon makes it: its `USER [GROUP]`, else the scripts'
    /// default user; `.inherit` leaves it the daemon's.
    public var owner: Credentials
    public var script: BoundNotify?

    public init(path: String, owner: Credentials, script: BoundNotify?) {
        self.path = path
        self.owner = owner
        self.script = script
    }
}
