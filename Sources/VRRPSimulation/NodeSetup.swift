import Config
import Node
import VRRP

/// One machine of a simulated cluster as its configuration file would describe it.
public struct NodeSetup: Sendable {
    /// A tracked check (`vrrp_script chk`): weight 0 means FAULT while it fails.
    public struct Check: Sendable {
        public var weight: Int
        public var rise: Int
        public var fall: Int
        public var interval: Duration

        public init(weight: Int, rise: Int = 1, fall: Int = 1, interval: Duration = .seconds(1)) {
            self.weight = weight
            self.rise = rise
            self.fall = fall
            self.interval = interval
        }
    }

    public var priority: UInt8
    public var preempt = true
    public var preemptDelay: Duration = .zero
    public var fastPreempt = false
    public var sendAdvertisementOnYield = true
    public var authentication: Authentication = .password("harbor")
    public var gratuitousARP = GratuitousARPPolicy.keepalivedDefaults
    public var check: Check?
    /// Two instances (VRID 51 and 52) in one `vrrp_sync_group`; the first tracks the check.
    public var syncGroup = false

    public init(priority: UInt8) {
        self.priority = priority
    }

    public var instanceNames: [String] { syncGroup ? ["VI_1", "VI_2"] : ["VI_1"] }

    /// The node's configuration, bound by the daemon's own binder on its machine as `host`
    /// has eth0 now; nil where the binder refuses (no address to advertise from).
    public func bound(node index: Int, host: HostInterface, version: VRRPVersion,
                      advertisementInterval: AdvertisementInterval) -> BoundConfiguration? {
        var configuration = Configuration()
        configuration.globals.higherPrioritySendAdvert = sendAdvertisementOnYield
        configuration.globals.gratuitousARP = gratuitousARP
        if let check {
            var script = ScriptCheckDefinition(name: "chk", location: .unplaced)
            script.command = ScriptCommand("/usr/local/bin/harbor-check")
            script.schedule.weight = TrackerWeight(check.weight)
            script.schedule.rise = check.rise
            script.schedule.fall = check.fall
            script.schedule.interval = check.interval
            configuration.scripts = [script]
        }
        for (offset, name) in instanceNames.enumerated() {
            var definition = InstanceDefinition(name: name, location: .unplaced)
            definition.interface = "eth0"
            definition.virtualRouterID = UInt8(51 + offset)
            definition.priority = priority
            definition.version = version
            definition.advertisementInterval = advertisementInterval
            definition.preempt = preempt
            definition.preemptDelay = preemptDelay
            definition.fastPreempt = fastPreempt
            definition.authentication = version == .v2 ? authentication : .none
            var address = VirtualAddress(address: ClusterScenario.virtualAddress(offset), location: .unplaced)
            address.prefixLength = 24
            definition.virtualAddresses = [address]
            var excluded = VirtualAddress(address: ClusterScenario.excludedAddress(offset), location: .unplaced)
            excluded.prefixLength = 24
            definition.excludedAddresses = [excluded]
            if check != nil && offset == 0 {
                definition.trackedChecks = [TrackedCheck(name: "chk", weightOverride: nil, location: .unplaced)]
            }
            configuration.instances.append(definition)
        }
        if syncGroup {
            var group = SyncGroupDefinition(name: "VG_1", location: .unplaced)
            group.members = instanceNames
            configuration.syncGroups = [group]
        }
        configuration.globals.routerID = "n\(index)"
        return try? Binder.bind(configuration, on: SimulatedHost(interfaces: [host]))
    }
}
