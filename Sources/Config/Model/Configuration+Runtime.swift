import VRRP

extension Configuration {
    /// The protocol parameters of an instance for the VRRP core. `localAddress` is the
    /// interface's primary address unless `mcast_src_ip`/`unicast_src_ip` is set. Adverts
    /// carry the virtual addresses that fit one frame of the interface's `mtu`
    /// (`Advertisement.maximumAddresses`); the rest are held but not advertised, like
    /// `virtual_ipaddress_excluded`, as keepalived does.
    public func routerConfiguration(for instance: InstanceDefinition, interfaceAddress: IPAddress,
                                    mtu: Int = Advertisement.defaultMTU) -> RouterConfiguration {
        let advertised = Advertisement.maximumAddresses(version: instance.resolvedVersion, family: instance.family, mtu: mtu)
        return RouterConfiguration(
            virtualRouterID: instance.virtualRouterID ?? 0,
            basePriority: instance.priority,
            version: instance.resolvedVersion,
            advertisementInterval: instance.advertisementInterval,
            preempt: instance.preempt,
            preemptDelay: instance.preemptDelay,
            authentication: instance.authentication,
            virtualAddresses: instance.virtualAddresses.prefix(advertised).map(\.address),
            localAddress: instance.unicastSourceAddress ?? instance.multicastSourceAddress ?? interfaceAddress,
            gratuitousARP: instance.gratuitousARP ?? globals.gratuitousARP,
            sendAdvertisementOnYield: globals.higherPrioritySendAdvert,
            fastPreempt: instance.fastPreempt,
            downTimerAdverts: globals.strict ? 3 : instance.downTimerAdverts ?? globals.downTimerAdverts ?? 3,
            skipAddressListCheck: instance.skipAddressListCheck ?? globals.skipAddressListCheck,
            unicast: unicastReception(for: instance),
            handover: globals.strict ? .immediate : globals.handover)
    }

    /// keepalived's receive rules for a unicast instance (`UnicastReception`), nil for a
    /// multicast one. A peer written with `min_ttl` / `max_ttl` turns the source check on, as
    /// in keepalived (vrrp_data.c `alloc_vrrp_unicast_peer`).
    public func unicastReception(for instance: InstanceDefinition) -> UnicastReception? {
        guard instance.usesUnicast else { return nil }
        var peers: [IPAddress: TTLRange] = [:]
        for peer in instance.unicastPeers { peers[peer] = instance.unicastPeerTTLRanges[peer] ?? .any }
        let checksSource = instance.checkUnicastSource || globals.checkUnicastSource || !instance.unicastPeerTTLRanges.isEmpty
        return UnicastReception(peers: peers, checksSource: checksSource)
    }

    /// Where the instance's multicast adverts go: `vrrp_mcast_group4` or `vrrp_mcast_group6`.
    public func multicastGroup(for instance: InstanceDefinition) -> IPAddress {
        instance.family == .ipv4 ? .v4(globals.multicastGroup) : .v6(globals.multicastGroup6)
    }

    /// The instance's trackers at startup: checks (with the instance's weight override, else
    /// the check's own weight; `init_fail` starts them down), files, processes, then links:
    /// the instance's own interface (weight 0: down means FAULT, as in keepalived; not with
    /// `dont_track_primary`) and each `track_interface`, assumed up until the link watcher says
    /// otherwise. Then its sync group's trackers, in the same order, marked as the group's.
    public func trackerSet(for instance: InstanceDefinition) -> TrackerSet {
        var entries = trackerEntries(checks: instance.trackedChecks, files: instance.trackedFiles, processes: instance.trackedProcesses)
        if let interface = instance.interface, !instance.dontTrackPrimary {
            entries.append(.init(.interface(interface), weight: TrackerWeight(0), isUp: true))
        }
        for interface in instance.trackedInterfaces {
            entries.append(.init(.interface(interface.name), weight: interface.weight, isUp: true))
        }
        if let group = syncGroup(of: instance.name) {
            var shared = trackerEntries(checks: group.trackedChecks, files: group.trackedFiles, processes: group.trackedProcesses)
            shared += group.trackedInterfaces.map { .init(.interface($0.name), weight: $0.weight, isUp: true) }
            entries += shared.map { var entry = $0; entry.isSyncGroupShared = true; return entry }
        }
        return TrackerSet(basePriority: instance.priority, entries: entries)
    }

    private func trackerEntries(checks: [TrackedCheck], files: [TrackedCheck], processes: [TrackedProcess]) -> [TrackerSet.Entry] {
        var entries: [TrackerSet.Entry] = []
        for tracked in checks {
            guard let schedule = check(named: tracked.name) else { continue }
            entries.append(.init(.check(tracked.name), weight: tracked.weightOverride ?? schedule.weight, isUp: !schedule.initFail))
        }
        for tracked in files {
            guard let file = trackFile(named: tracked.name) else { continue }
            entries.append(.init(.file(tracked.name), weight: tracked.weightOverride ?? file.weight, isUp: true))
        }
        for tracked in processes {
            guard let process = trackProcess(named: tracked.name) else { continue }
            entries.append(.init(.process(tracked.name), weight: tracked.weight(over: process), isUp: process.hasQuorum(count: 0)))
        }
        return entries
    }

    /// Every `track_script`, `track_file` and `track_process` entry of the file: the
    /// instances' and the sync groups' (which their members follow).
    public var allTrackedChecks: [TrackedCheck] { instances.flatMap(\.trackedChecks) + syncGroups.flatMap(\.trackedChecks) }
    public var allTrackedFiles: [TrackedCheck] { instances.flatMap(\.trackedFiles) + syncGroups.flatMap(\.trackedFiles) }
    public var allTrackedProcesses: [TrackedProcess] { instances.flatMap(\.trackedProcesses) + syncGroups.flatMap(\.trackedProcesses) }
}
