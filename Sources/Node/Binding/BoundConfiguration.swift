import Config
import VRRP

/// A validated configuration bound to this machine: what `Node` runs. Binding (interface
/// indexes, addresses, user names) happens at the edge before a start or a reload; the node
/// itself looks nothing up.
public struct BoundConfiguration: Hashable, Sendable {
    public var instances: [BoundInstance]
    /// The checks the instances track, in configuration order.
    public var checks: [BoundCheck]
    public var syncGroups: [SyncGroupDefinition]
    /// Who notify scripts run as (`script_user`).
    public var notifyCredentials: Credentials
    public var routerID: String?
    /// `control_group` (vipkeeper): who besides root may change things over the control socket.
    public var controlGroup: String?
    public var controlGroupID: Int32?

    public init(instances: [BoundInstance], checks: [BoundCheck], syncGroups: [SyncGroupDefinition],
                notifyCredentials: Credentials, routerID: String?, controlGroup: String? = nil, controlGroupID: Int32? = nil) {
        self.controlGroup = controlGroup
        self.controlGroupID = controlGroupID
        self.instances = instances
        self.checks = checks
        self.syncGroups = syncGroups.map {
            var group = $0
            group.location = .unplaced
            group.memberLocations = []
            return group
        }
        self.notifyCredentials = notifyCredentials
        self.routerID = routerID
    }

    /// The sync group an instance belongs to, if any.
    public func syncGroup(of instance: String) -> SyncGroupDefinition? {
        syncGroups.first { $0.members.contains(instance) }
    }

    /// One receive socket per interface with instances, and the multicast group it joins
    /// (nil when every instance on it is unicast).
    public var transports: [Transport] {
        var byIndex: [Int32: Transport] = [:]
        for instance in instances {
            var transport = byIndex[instance.interface.index] ?? Transport(interface: instance.interface, multicastGroup: nil)
            if let group = instance.multicastGroup { transport.multicastGroup = group }
            byIndex[instance.interface.index] = transport
        }
        return byIndex.values.sorted { $0.interface.index < $1.interface.index }
    }
}

/// The raw VRRP socket an interface needs.
public struct Transport: Hashable, Sendable {
    public var interface: Device
    public var multicastGroup: IPv4Address?
}
