import Config
import VRRP

/// A validated configuration bound to this machine: what `Node` runs. Binding (interface
/// indexes, addresses, user names) happens at the edge before a start or a reload; the node
/// itself looks nothing up.
public struct BoundConfiguration: Hashable, Sendable {
    public var instances: [BoundInstance]
    /// The checks the instances track, in configuration order.
    public var checks: [BoundCheck]
    public var syncGroups: [BoundSyncGroup]
    /// Who scripts that name no user run as (`script_user`, else keepalived's default).
    public var notifyCredentials: Credentials
    /// `notify_fifo`, then `vrrp_notify_fifo`: every notify line goes to each.
    public var notifyFIFOs: [BoundNotifyFIFO]
    /// `fifo_write_vrrp_states_on_reload`.
    public var fifoWritesStatesOnReload = false
    public var routerID: String?
    /// `control_group` (vipkeeper): who besides root may change things over the control socket.
    public var controlGroup: String?
    public var controlGroupID: Int32?
    /// `vrrp_startup_delay`: how long after the daemon starts its instances start (§6.4.1).
    public var startupDelay: Duration
    /// The `track_file`s some instance tracks (their source positions cleared).
    public var trackFiles: [TrackFileDefinition] = []
    /// The `vrrp_track_process`es some instance tracks (their source positions cleared).
    public var trackProcesses: [TrackProcessDefinition] = []
    /// `static_routes`, then `static_rules` (source positions cleared).
    public var staticRouting: [RoutingEntry] = []
    /// E-mail alerts; nil when none can be sent (no `smtp_server` or no `notification_email`).
    public var mail: BoundMail?

    public init(instances: [BoundInstance], checks: [BoundCheck], syncGroups: [BoundSyncGroup],
                notifyCredentials: Credentials, routerID: String?, controlGroup: String? = nil, controlGroupID: Int32? = nil,
                startupDelay: Duration = .zero, notifyFIFOs: [BoundNotifyFIFO] = []) {
        self.notifyFIFOs = notifyFIFOs
        self.startupDelay = startupDelay
        self.controlGroup = controlGroup
        self.controlGroupID = controlGroupID
        self.instances = instances
        self.checks = checks
        self.syncGroups = syncGroups
        self.notifyCredentials = notifyCredentials
        self.routerID = routerID
    }

    /// Whether some route or rule is configured (the runtime then follows route changes).
    public var hasRouting: Bool {
        !staticRouting.isEmpty || instances.contains { !$0.routing.isEmpty }
    }

    /// The sync group an instance belongs to, if any.
    public func syncGroup(of instance: String) -> BoundSyncGroup? {
        syncGroups.first { $0.members.contains(instance) }
    }

    /// One receive socket per interface and family with instances, and the multicast group
    /// it joins (nil when every instance on it is unicast). A `use_vmac` macvlan that does
    /// not exist yet has none.
    public var transports: [Transport] {
        var byKey: [TransportKey: Transport] = [:]
        for instance in instances where instance.wire.index != 0 {
            let key = instance.transportKey
            var transport = byKey[key] ?? Transport(interface: instance.wire, family: key.family, multicastGroup: nil)
            if let group = instance.multicastGroup { transport.multicastGroup = group }
            byKey[key] = transport
        }
        return byKey.values.sorted { $0.key < $1.key }
    }
}

/// The raw VRRP socket an interface needs for one family.
public struct Transport: Hashable, Sendable {
    public var interface: Device
    public var family: AddressFamily
    public var multicastGroup: IPAddress?

    public var key: TransportKey { TransportKey(interfaceIndex: interface.index, family: family) }
}

/// A raw VRRP socket: one per interface and address family (RFC 5798 §1: the IPv4 and IPv6
/// virtual routers of a VRID are independent).
public struct TransportKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var interfaceIndex: Int32
    public var family: AddressFamily

    public init(interfaceIndex: Int32, family: AddressFamily) {
        self.interfaceIndex = interfaceIndex
        self.family = family
    }

    public var description: String { "ifindex \(interfaceIndex) \(family)" }

    /// By interface, IPv4 before IPv6: the order sockets are opened and polled in.
    public static func < (lhs: TransportKey, rhs: TransportKey) -> Bool {
        (lhs.interfaceIndex, lhs.family == .ipv6 ? 1 : 0) < (rhs.interfaceIndex, rhs.family == .ipv6 ? 1 : 0)
    }
}
