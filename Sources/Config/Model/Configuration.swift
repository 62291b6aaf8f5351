import VRRP

/// The VRRP part of a keepalived.conf plus vipkeeper's extensions, typed and validated.
public struct Configuration: Hashable, Sendable {
    public var globals = GlobalDefinitions()
    public var scripts: [ScriptCheckDefinition] = []
    public var httpChecks: [HTTPCheckDefinition] = []
    public var trackFiles: [TrackFileDefinition] = []
    public var trackProcesses: [TrackProcessDefinition] = []
    public var instances: [InstanceDefinition] = []
    public var syncGroups: [SyncGroupDefinition] = []
    /// `static_routes`: installed at start whatever the instances do, removed at stop
    /// (keepalived's vrrp_daemon.c: leftovers removed, then added; cleared on shutdown).
    public var staticRoutes: [VirtualRoute] = []
    /// `static_rules`: as `static_routes`, after them.
    public var staticRules: [VirtualRule] = []

    public init() {}

    /// The static routes, then the static rules.
    public var staticRouting: [RoutingEntry] { staticRoutes.map(RoutingEntry.route) + staticRules.map(RoutingEntry.rule) }

    /// Names of every check (scripts and HTTP checks share one name space).
    public var checkNames: [String] { scripts.map(\.name) + httpChecks.map(\.name) }

    /// The shared settings of a script or HTTP check with this name.
    public func check(named name: String) -> CheckSchedule? {
        scripts.first { $0.name == name }?.schedule ?? httpChecks.first { $0.name == name }?.schedule
    }

    public func trackFile(named name: String) -> TrackFileDefinition? {
        trackFiles.first { $0.name == name }
    }

    /// The first `vrrp_track_process` of that name (keepalived finds the first too).
    public func trackProcess(named name: String) -> TrackProcessDefinition? {
        trackProcesses.first { $0.name == name }
    }

    /// The sync group an instance belongs to, if any.
    public func syncGroup(of instance: String) -> SyncGroupDefinition? {
        syncGroups.first { $0.members.contains(instance) }
    }
}
