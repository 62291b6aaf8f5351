import VRRP

/// Who sent a control request (SO_PEERCRED, SO_PEERGROUPS).
public struct Peer: Hashable, Sendable {
    public var userID: Int32
    public var groupIDs: [Int32]

    public init(userID: Int32, groupIDs: [Int32]) {
        self.userID = userID
        self.groupIDs = groupIDs
    }

    public static let root = Peer(userID: 0, groupIDs: [0])
}

/// Names the connection a reply goes to.
public struct ReplyID: Hashable, Sendable {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }
}

/// An operator's request, decoded.
public enum NodeCommand: Hashable, Sendable {
    case status(DaemonInfo)
    /// `vipkeeper drill`: target is an instance or sync group name (nil: the only one).
    case drill(target: String?, hold: Duration, timeout: Duration, dryRun: Bool)
    /// `vipkeeper maintenance on`: target nil is every instance. `requestedAt` is wall-clock
    /// seconds since the epoch, for the persisted record.
    case maintenanceOn(target: String?, reason: String, strict: Bool, requestedAt: Double)
    case maintenanceOff(target: String?)

    var changesState: Bool {
        if case .status = self { return false }
        return true
    }
}

/// An instance in maintenance, as persisted under the state directory so it survives a
/// restart.
public struct MaintenanceRecord: Codable, Hashable, Sendable {
    public var instance: String
    public var reason: String
    /// Wall-clock seconds since the epoch.
    public var since: Double
    public var strict: Bool

    public init(instance: String, reason: String, since: Double, strict: Bool) {
        self.instance = instance
        self.reason = reason
        self.since = since
        self.strict = strict
    }
}
