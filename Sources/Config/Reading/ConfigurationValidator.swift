import VRRP

/// Rules that span statements: required keywords, references between blocks, duplicate
/// names and VRIDs, and the keepalived pitfalls worth a warning.
struct ConfigurationValidator {
    var configuration: Configuration
    let garpOverrides: [String: ConfigurationReader.GratuitousARPOverrides]
    let masterWithoutPriority: [String]
    /// Instances with no `virtual_ipaddress` entry written (`ConfigurationReader`).
    let withoutAddressEntries: Set<String>

    mutating func validate(log: inout DiagnosticLog) {
        checkNames(log: &log)
        // Each instance is taken out, finalized and put back: finalizing it in place would
        // copy the whole array for every instance (`finalize` reads `self`), quadratic in the
        // number of instances.
        for index in configuration.instances.indices {
            var instance = configuration.instances[index]
            finalize(&instance, log: &log)
            configuration.instances[index] = instance
        }
        checkVirtualRouterIDs(log: &log)
        finalizeSyncGroupTrackers(log: &log)
        checkVirtualMACNames(log: &log)
        checkTrackedChecks(log: &log)
        checkTrackedFiles(log: &log)
        checkTrackedProcesses(log: &log)
        checkSyncGroups(log: &log)
        checkMail(log: &log)
        for check in configuration.httpChecks {
            if let url = check.url, !url.isTLS {
                for (keyword, value) in [("ca_file", check.caFile), ("client_certificate", check.clientCertificate), ("client_key", check.clientKey)]
                where value != nil {
                    log.warning(check.location, "vrrp_http_check `\(check.name)`: `\(keyword)` has no effect on an http:// URL")
                }
            }
            if check.clientKey != nil, check.clientCertificate == nil {
                log.error(check.location, "vrrp_http_check `\(check.name)`: `client_key` needs `client_certificate`")
            }
        }
    }

    private mutating func checkNames(log: inout DiagnosticLog) {
        // keepalived runs a file that defines a vrrp_script twice, with the first definition
        // (the second is "not used"); so does vipkeeper, with a warning.
        var scripts: [String: SourceLocation] = [:]
        configuration.scripts = configuration.scripts.filter { script in
            guard let first = scripts[script.name] else {
                scripts[script.name] = script.location
                return true
            }
            log.warning(script.location, "vrrp_script `\(script.name)` is already defined at \(first); this second definition is ignored, as keepalived ignores it")
            return false
        }
        var seen = scripts
        for check in configuration.httpChecks {
            if let first = seen[check.name] {
                log.error(check.location, "vrrp_http_check `\(check.name)` is already defined at \(first) (scripts and HTTP checks share one name space)")
            } else {
                seen[check.name] = check.location
            }
        }
        var instances: [String: SourceLocation] = [:]
        for instance in configuration.instances {
            if let first = instances[instance.name] {
                log.error(instance.location, "vrrp_instance `\(instance.name)` is already defined at \(first)")
            } else {
                instances[instance.name] = instance.location
            }
        }
    }

    private func finalize(_ instance: inout InstanceDefinition, log: inout DiagnosticLog) {
        let what = "vrrp_instance `\(instance.name)`"
        let globals = configuration.globals
        if masterWithoutPriority.contains(instance.name) {
            instance.priority = 255
            log.warning(instance.location, "\(what) has `state MASTER` and no `priority`: its priority is 255 (address owner), as in keepalived, so it never yields the VIP to a peer; set `priority` explicitly")
        }
        if instance.virtualRouterID == nil && instance.virtualRouterIDLocation == nil {
            log.error(instance.location, "\(what) has no `virtual_router_id` (1-255)")
        }
        if instance.interface == nil && !instance.usesUnicast {
            log.error(instance.location, "\(what) has no `interface`")
        }
        resolveVersion(&instance, log: &log)
        checkAddressCount(instance, log: &log)
        let fits = Advertisement.maximumAddresses(version: instance.resolvedVersion, family: instance.family, mtu: Advertisement.defaultMTU)
        if instance.virtualAddresses.count > fits {
            log.warning(instance.virtualAddresses[fits].location, "\(what) has \(instance.virtualAddresses.count) virtual addresses, but an advert in a \(Advertisement.defaultMTU)-byte frame carries \(fits): the first \(fits) are advertised and the rest are held without being advertised, like `virtual_ipaddress_excluded` (as keepalived does; the interface's real MTU decides at start); list them there to say so")
        }
        var addresses: Set<IPAddress> = []
        for address in instance.heldAddresses {
            if !addresses.insert(address.address).inserted {
                log.warning(address.location, "\(address.address) is listed twice in \(what)")
            }
            if address.device == nil && instance.interface == nil {
                log.error(address.location, "\(address.address) needs `dev IF`: \(what) has no `interface`")
            }
        }
        if let location = instance.nopreemptLocation, instance.initialState == .master {
            log.warning(location, "`nopreempt` is ignored with `state MASTER` (keepalived requires the initial state BACKUP for it, and so does vipkeeper); set `state BACKUP`")
            instance.preempt = true
            instance.nopreemptLocation = nil
        }
        if let location = instance.preemptDelayLocation {
            if instance.initialState == .master && instance.preemptDelay > .zero {
                log.warning(location, "`preempt_delay` is ignored with `state MASTER` (keepalived requires the initial state BACKUP for it); set `state BACKUP`")
                instance.preemptDelay = .zero
            } else if !instance.preempt {
                log.warning(location, "`preempt_delay` has no effect together with `nopreempt`")
            }
        }
        if instance.priority == 255 && !instance.trackedChecks.isEmpty && !masterWithoutPriority.contains(instance.name) {
            log.warning(instance.priorityLocation ?? instance.location, "\(what) is the address owner (priority 255): tracker weights never change its priority; only weight-0 trackers (FAULT) affect it")
        }
        if instance.usesUnicast {
            if globals.strict {
                log.error(instance.location, "\(what) uses `unicast_peer`, which `vrrp_strict` forbids")
            }
            if instance.unicastSourceAddress == nil && instance.interface == nil {
                log.error(instance.location, "\(what) uses `unicast_peer` without `unicast_src_ip` or `interface`: its source address is unknown")
            }
        }
        if globals.strict && (instance.downTimerAdverts ?? globals.downTimerAdverts ?? 3) != 3 {
            log.warning(instance.location, "\(what): `down_timer_adverts` is incompatible with `vrrp_strict` (RFC 5798 §6.1 fixes 3 adverts); using 3, as keepalived does")
        }
        if !instance.usesUnicast, let location = instance.unicastTTLLocation {
            // keepalived: "Cannot use unicast_ttl without unicast peers - resetting".
            log.warning(location, "\(what) has `unicast_ttl` but no `unicast_peer`: ignored (multicast adverts always leave with TTL 255)")
        }
        if let lease = instance.addressLease, lease > 0, let location = instance.addressLeaseLocation,
           Double(lease) * 100 < 2 * Double(instance.advertisementInterval.centiseconds) {
            log.warning(location, "\(what): `vip_lease \(lease)` is shorter than two advert intervals (\(instance.advertisementInterval) s): the Master renews it with each advert, so one late advert lets the kernel remove the address")
        }
        if globals.strict && instance.authentication != .none {
            log.error(instance.location, "\(what) uses `authentication`, which `vrrp_strict` forbids (RFC 3768 removed it)")
        }
        resolveVirtualMAC(&instance, what: what, log: &log)
        Self.resolveAcceptMode(&instance, globals: globals, what: what, log: &log)
        warnAboutNopreemptTrap(instance, log: &log)
        let overrides = garpOverrides[instance.name] ?? .init()
        var garp = globals.gratuitousARP
        if let delay = overrides.delay { garp.delay = delay }
        if let count = overrides.repeatCount { garp.repeatCount = count }
        if let refresh = overrides.refresh { garp.refresh = refresh }
        if let count = overrides.refreshRepeatCount { garp.refreshRepeatCount = count }
        if instance.family == .ipv6 { garp.interval = globals.neighborAdvertisementInterval }
        // keepalived: the global lower-priority values default to the global master ones (not
        // the instance's); vrrp_strict allows no repeated gratuitous ARPs.
        garp.lowerPriorityRepeatCount = overrides.lowerPriorityRepeatCount ?? globals.lowerPriorityRepeatCount ?? globals.gratuitousARP.repeatCount
        garp.lowerPriorityDelay = overrides.lowerPriorityDelay ?? globals.lowerPriorityDelay ?? globals.gratuitousARP.delay
        if globals.strict {
            if overrides.lowerPriorityRepeatCount ?? 0 > 0 || overrides.lowerPriorityDelay ?? .zero > .zero {
                log.warning(instance.location, "\(what): `vrrp_strict` allows no repeated gratuitous ARPs: `garp_lower_prio_*` reset to 0, as keepalived does")
            }
            garp.lowerPriorityRepeatCount = 0
            garp.lowerPriorityDelay = .zero
        }
        instance.gratuitousARP = garp
    }

    /// keepalived's rules for `use_vmac` and `vmac_xmit_base` (vrrp_complete_instance):
    /// `vmac_xmit_base` alone is ignored; `vrrp_strict` clears it; unicast needs it
    /// (keepalived.conf(5): "If using use_vmac with unicast peers, vmac_xmit_base must be
    /// set": a unicast advert is addressed to the peer's own address and MAC, which its
    /// macvlan never sees); a macvlan without a name is PREFIX.VRID.
    private func resolveVirtualMAC(_ instance: inout InstanceDefinition, what: String, log: inout DiagnosticLog) {
        guard var setting = instance.virtualMAC else {
            if let location = instance.sendsOnBaseLocation {
                log.warning(location, "\(what): `vmac_xmit_base` is only valid with `use_vmac`; ignored, as keepalived ignores it")
            }
            return
        }
        if let location = instance.sendsOnBaseLocation {
            if configuration.globals.strict {
                log.warning(location, "\(what): `vmac_xmit_base` is incompatible with `vrrp_strict`; ignored, as keepalived ignores it")
            } else {
                setting.sendsOnBase = true
            }
        }
        if instance.usesUnicast && !setting.sendsOnBase {
            log.warning(setting.location, "\(what): `use_vmac` with `unicast_peer` needs `vmac_xmit_base` (keepalived.conf(5)): a peer's unicast adverts reach the interface, never the macvlan; adverts are sent and received on \(instance.interface ?? "the interface") as if it were set")
            setting.sendsOnBase = true
        }
        if instance.interface == nil {
            log.error(setting.location, "\(what): `use_vmac` needs `interface` (the macvlan's parent)")
        }
        if setting.interfaceName == nil, let vrid = instance.virtualRouterID {
            setting.interfaceName = defaultVirtualMACName(vrid: vrid, family: instance.family)
        }
        instance.virtualMAC = setting
    }

    /// keepalived's `create_vmac_name`: PREFIX.VRID, unless an instance already uses that name
    /// (the IPv4 and IPv6 routers of a VRID, or one VRID on two interfaces): then PREFIX6.VRID
    /// first for IPv6, else PREFIX1.VRID, PREFIX2.VRID, ...
    private func defaultVirtualMACName(vrid: UInt8, family: AddressFamily) -> String {
        let prefix = configuration.globals.virtualMACPrefix
        let taken = Set(configuration.instances.compactMap { $0.virtualMAC?.interfaceName })
        var candidates = ["\(prefix).\(vrid)"]
        if family == .ipv6 { candidates.append("\(prefix)6.\(vrid)") }
        candidates += (1...99).filter { family == .ipv4 || $0 != 6 }.map { "\(prefix)\($0).\(vrid)" }
        return candidates.first { !taken.contains($0) && VirtualMACSetting.isValidInterfaceName($0) } ?? "\(prefix).\(vrid)"
    }

    /// Two instances cannot share a macvlan (keepalived: "VRRP instance X is already using
    /// NAME"), nor can a macvlan take the name of an instance's own interface.
    private func checkVirtualMACNames(log: inout DiagnosticLog) {
        var owners: [String: String] = [:]
        let interfaces = Set(configuration.instances.compactMap(\.interface))
        for instance in configuration.instances {
            guard let setting = instance.virtualMAC, let name = setting.interfaceName else { continue }
            if let owner = owners[name] {
                log.error(setting.location, "vrrp_instance `\(instance.name)`: `use_vmac \(name)`: vrrp_instance `\(owner)` already uses that macvlan")
            } else {
                owners[name] = instance.name
            }
            if interfaces.contains(name) {
                log.error(setting.location, "vrrp_instance `\(instance.name)`: `use_vmac \(name)`: \(name) is an instance's `interface`, not a macvlan vipkeeper may create and delete")
            }
        }
    }

    /// The family and version rules of RFC 5798 as keepalived applies them: one family per
    /// instance; IPv6 only in version 3 (keepalived switches an IPv6 instance to v3); a
    /// fractional `advert_int` only in v3, at most 40.95 s; no authentication in v3; source
    /// and peers of the instance's family, an IPv6 multicast source link-local (§5.1.2.1).
    private func resolveVersion(_ instance: inout InstanceDefinition, log: inout DiagnosticLog) {
        let what = "vrrp_instance `\(instance.name)`"
        let family = instance.family
        for address in instance.virtualAddresses where address.address.family != family {
            log.error(address.location, "\(what) mixes \(family) and \(address.address.family) virtual addresses (\(address.address)); an instance is one address family, as in keepalived: put the \(address.address.family) addresses in an instance of their own")
        }
        let explicit = instance.version ?? configuration.globals.version
        var version = explicit ?? (family == .ipv6 ? .v3 : .v2)
        if family == .ipv6 && version == .v2 {
            log.warning(instance.versionLocation ?? instance.location, "\(what) has IPv6 addresses: VRRPv2 is IPv4 only, so it speaks VRRPv3, as keepalived does; set `version 3` to say so")
            version = .v3
        }
        instance.version = version
        let interval = instance.advertisementInterval
        let intervalPlace = instance.advertisementIntervalLocation ?? instance.location
        switch version {
        case .v2:
            if interval.wholeSeconds == nil {
                log.error(intervalPlace, "`advert_int \(interval.description.dropLast())` is not whole seconds: VRRPv2 advertises in whole seconds; for sub-second adverts set `vrrp_version 3` in global_defs (on every node of the virtual router at once) or `version 3` in this instance")
            }
        case .v3:
            if interval > .maximumV3 {
                log.error(intervalPlace, "`advert_int` is at most 40.95 s in VRRPv3 (a 12-bit count of centiseconds), got \(interval)")
            }
            if instance.authentication != .none {
                log.error(instance.authenticationLocation ?? instance.location, "\(what) uses `authentication`, which VRRPv3 does not have (RFC 5798 removed it), as keepalived says; remove the block or use `version 2`")
            }
        }
        let sources = [instance.multicastSourceAddress, instance.unicastSourceAddress].compactMap { $0 }
        for source in sources where source.family != family {
            log.error(instance.sourceAddressLocation ?? instance.location, "\(what): source address \(source) is \(source.family) but the virtual addresses are \(family)")
        }
        if case .v6(let source)? = instance.multicastSourceAddress, !source.isLinkLocal {
            log.error(instance.sourceAddressLocation ?? instance.location, "\(what): `mcast_src_ip` \(source) must be an IPv6 link-local address (fe80::/10): RFC 5798 §5.1.2.1 makes adverts come from one")
        }
        for (peer, location) in zip(instance.unicastPeers, instance.unicastPeerLocations) where peer.family != family {
            log.error(location, "\(what): `unicast_peer` \(peer) is \(peer.family) but the virtual addresses are \(family)")
        }
    }

    /// keepalived's Accept_Mode (vrrp.c `vrrp_complete_instance`): unset, it is on unless
    /// `vrrp_strict` and the instance is not the address owner; under `vrrp_strict` a VRRPv2
    /// instance cannot have it (RFC 3768 has no Accept_Mode): reset with a warning.
    private static func resolveAcceptMode(_ instance: inout InstanceDefinition, globals: GlobalDefinitions, what: String, log: inout DiagnosticLog) {
        let isOwner = instance.priority == 255
        var accept = instance.acceptMode ?? (isOwner || !globals.strict)
        if accept && !isOwner && globals.strict && instance.resolvedVersion == .v2 {
            log.warning(instance.acceptModeLocation ?? instance.location, "\(what): `accept` does not comply with RFC 3768 under `vrrp_strict`; using `no_accept` (traffic to its addresses is dropped), as keepalived does")
            accept = false
        }
        instance.acceptMode = accept
    }

    /// An instance without virtual addresses (keepalived's `vrrp_complete_instance`): VRRPv3
    /// (RFC 5798 §5.2.5: "Its minimum value is 1"), IPv6 (always v3) and `vrrp_strict` need one,
    /// as keepalived requires; a VRRPv2 instance runs without, with a warning, as keepalived
    /// runs it (cloud pairs move an elastic IP from `notify_master`): it is elected and
    /// advertises a count of zero, and its notify scripts run.
    private func checkAddressCount(_ instance: InstanceDefinition, log: inout DiagnosticLog) {
        guard instance.virtualAddresses.isEmpty, withoutAddressEntries.contains(instance.name) else { return }
        let what = "vrrp_instance `\(instance.name)`"
        let place = instance.virtualAddressesLocation ?? instance.location
        let requiredBy = instance.family == .ipv6 ? "IPv6 (VRRPv3)" : instance.resolvedVersion == .v3 ? "VRRPv3" : configuration.globals.strict ? "`vrrp_strict`" : nil
        if let requiredBy {
            log.error(place, "\(what) has no virtual address: \(requiredBy) needs at least one (RFC 5798 §5.2.5), as keepalived requires; list one in `virtual_ipaddress`")
        } else {
            log.warning(place, "\(what) has no virtual address: it is elected and runs its notify scripts without holding an address (as keepalived runs it, \"at least one is sensible\"); `virtual_ipaddress_excluded` addresses are held but not advertised")
        }
    }

    /// `nopreempt` with a negative-weight tracker: a failing Master only lowers its priority,
    /// and no Backup ever preempts it, so the VIP stays on the unhealthy node.
    private func warnAboutNopreemptTrap(_ instance: InstanceDefinition, log: inout DiagnosticLog) {
        guard let location = instance.nopreemptLocation else { return }
        let lowering = instance.trackedChecks.filter { tracked in
            (tracked.weightOverride ?? configuration.check(named: tracked.name)?.weight).map(Self.canLowerPriority) ?? false
        }.map(\.name) + instance.trackedInterfaces.filter { Self.canLowerPriority($0.weight) }.map(\.name)
        guard !lowering.isEmpty else { return }
        log.warning(location, "`nopreempt` with negative-weight tracking (\(lowering.joined(separator: ", "))): when a check fails on the Master it only lowers its priority, and with nopreempt no Backup ever takes over, so the VIP stays on the unhealthy node until someone acts; use weight 0 (FAULT: the Master resigns) or `preempt` with `preempt_delay`")
    }

    /// Whether a tracker subtracts from the priority in one of its states.
    private static func canLowerPriority(_ weight: TrackerWeight) -> Bool {
        [true, false].contains { isUp in
            if case .adjust(let delta) = weight.effect(isUp: isUp) { return delta < 0 }
            return false
        }
    }

    private func checkVirtualRouterIDs(log: inout DiagnosticLog) {
        var used: [String: (name: String, location: SourceLocation)] = [:]
        for instance in configuration.instances {
            guard let vrid = instance.virtualRouterID, let interface = instance.interface else { continue }
            // RFC 5798 §1: the IPv4 and IPv6 virtual routers of one VRID are independent.
            let key = "\(interface)/\(instance.family)/\(vrid)"
            if let first = used[key] {
                log.error(instance.virtualRouterIDLocation ?? instance.location, "virtual_router_id \(vrid) is already used on \(interface) by vrrp_instance `\(first.name)` (\(first.location))")
            } else {
                used[key] = (instance.name, instance.location)
            }
        }
    }

    /// An unknown track_file is an error, as an unknown track_script is (keepalived: "not
    /// found, ignoring", a configuration error of `keepalived -t`); a weighted one cannot move
    /// the address owner's priority.
    private func checkTrackedFiles(log: inout DiagnosticLog) {
        let names = configuration.trackFiles.map(\.name)
        for group in configuration.syncGroups {
            for tracked in group.trackedFiles where configuration.trackFile(named: tracked.name) == nil {
                log.error(tracked.location, "vrrp_sync_group `\(group.name)` tracks track_file `\(tracked.name)`, which is not defined" + Suggestion.hint(for: tracked.name, among: names))
            }
        }
        for instance in configuration.instances {
            for tracked in instance.trackedFiles {
                guard let file = configuration.trackFile(named: tracked.name) else {
                    log.error(tracked.location, "vrrp_instance `\(instance.name)` tracks track_file `\(tracked.name)`, which is not defined" + Suggestion.hint(for: tracked.name, among: names))
                    continue
                }
                if instance.priority == 255 && (tracked.weightOverride ?? file.weight).weight != 0 {
                    log.warning(tracked.location, "vrrp_instance `\(instance.name)` is the address owner (priority 255): track_file `\(tracked.name)` can only put it in FAULT (weight 0); its weight never changes the priority")
                }
            }
        }
    }

    /// An unknown track_process is an error, as an unknown track_script and track_file are
    /// (keepalived: "not found, ignoring", a configuration error of `keepalived -t`); a
    /// weighted one cannot move the address owner's priority; a name longer than the kernel
    /// keeps (15 bytes) never matches without `full_command` (keepalived compares it with
    /// /proc/PID/comm all the same, silently).
    private func checkTrackedProcesses(log: inout DiagnosticLog) {
        let names = configuration.trackProcesses.map(\.name)
        for process in configuration.trackProcesses where !process.fullCommand {
            if let name = process.process, name.utf8.count > TrackProcessDefinition.commLimit {
                log.warning(process.location, "vrrp_track_process `\(process.name)`: the process name `\(name)` is longer than the \(TrackProcessDefinition.commLimit) bytes the kernel keeps of a name (/proc/PID/comm), so it never matches; add `full_command` to match the command line's first word")
            }
        }
        for group in configuration.syncGroups {
            for tracked in group.trackedProcesses where configuration.trackProcess(named: tracked.name) == nil {
                log.error(tracked.location, "vrrp_sync_group `\(group.name)` tracks process `\(tracked.name)`, which is not a vrrp_track_process" + Suggestion.hint(for: tracked.name, among: names))
            }
        }
        for instance in configuration.instances {
            for tracked in instance.trackedProcesses {
                guard let process = configuration.trackProcess(named: tracked.name) else {
                    log.error(tracked.location, "vrrp_instance `\(instance.name)` tracks process `\(tracked.name)`, which is not a vrrp_track_process" + Suggestion.hint(for: tracked.name, among: names))
                    continue
                }
                if instance.priority == 255 && tracked.weight(over: process).weight != 0 {
                    log.warning(tracked.location, "vrrp_instance `\(instance.name)` is the address owner (priority 255): track_process `\(tracked.name)` can only put it in FAULT (weight 0); its weight never changes the priority")
                }
            }
        }
    }

    private func checkTrackedChecks(log: inout DiagnosticLog) {
        let names = configuration.checkNames
        var tracked: Set<String> = []
        for instance in configuration.instances {
            for check in instance.trackedChecks {
                tracked.insert(check.name)
                if !names.contains(check.name) {
                    log.error(check.location, "vrrp_instance `\(instance.name)` tracks `\(check.name)`, which is not a vrrp_script or vrrp_http_check" + Suggestion.hint(for: check.name, among: names))
                }
            }
        }
        for group in configuration.syncGroups {
            for check in group.trackedChecks {
                tracked.insert(check.name)
                if !names.contains(check.name) {
                    log.error(check.location, "vrrp_sync_group `\(group.name)` tracks `\(check.name)`, which is not a vrrp_script or vrrp_http_check" + Suggestion.hint(for: check.name, among: names))
                }
            }
        }
        for script in configuration.scripts where !tracked.contains(script.name) {
            log.warning(script.location, "vrrp_script `\(script.name)` is tracked by no vrrp_instance (add it to a `track_script` block of an instance or a sync group); it will not run")
        }
        for check in configuration.httpChecks where !tracked.contains(check.name) {
            log.warning(check.location, "vrrp_http_check `\(check.name)` is tracked by no vrrp_instance (add it to a `track_script` block of an instance or a sync group); it will not run")
        }
    }

    /// keepalived's `vrrp_complete_init`: a sync group with an address owner (priority 255)
    /// among its members cannot have weighted trackers: their weight becomes 0 (FAULT while
    /// down), with keepalived's warning.
    private mutating func finalizeSyncGroupTrackers(log: inout DiagnosticLog) {
        for index in configuration.syncGroups.indices {
            var group = configuration.syncGroups[index]
            let owners = Set(configuration.instances.filter { $0.priority == 255 }.map(\.name))
            guard let owner = group.members.first(where: owners.contains) else { continue }
            func cleared(_ what: String, _ name: String, at location: SourceLocation) {
                log.warning(location, "vrrp_sync_group `\(group.name)`: member `\(owner)` is the address owner (priority 255), so \(what) `\(name)` cannot be weighted; its weight is 0 (FAULT while down), as keepalived does")
            }
            for index in group.trackedChecks.indices {
                let tracked = group.trackedChecks[index]
                guard let weight = tracked.weightOverride ?? configuration.check(named: tracked.name)?.weight, weight.weight != 0 else { continue }
                cleared("track_script", tracked.name, at: tracked.location)
                group.trackedChecks[index].weightOverride = TrackerWeight(0, reverse: weight.reverse)
            }
            for index in group.trackedFiles.indices {
                let tracked = group.trackedFiles[index]
                guard let weight = tracked.weightOverride ?? configuration.trackFile(named: tracked.name)?.weight, weight.weight != 0 else { continue }
                cleared("track_file", tracked.name, at: tracked.location)
                group.trackedFiles[index].weightOverride = TrackerWeight(0, reverse: weight.reverse)
            }
            for index in group.trackedProcesses.indices {
                let tracked = group.trackedProcesses[index]
                guard let process = configuration.trackProcess(named: tracked.name), tracked.weight(over: process).weight != 0 else { continue }
                cleared("track_process", tracked.name, at: tracked.location)
                group.trackedProcesses[index].weight = 0
            }
            for index in group.trackedInterfaces.indices where group.trackedInterfaces[index].weight.weight != 0 {
                cleared("track_interface", group.trackedInterfaces[index].name, at: group.trackedInterfaces[index].location)
                group.trackedInterfaces[index].weight.weight = 0
            }
            configuration.syncGroups[index] = group
        }
    }

    private func checkSyncGroups(log: inout DiagnosticLog) {
        let instanceNames = configuration.instances.map(\.name)
        var membership: [String: String] = [:]
        for group in configuration.syncGroups {
            if group.members.isEmpty {
                log.error(group.location, "vrrp_sync_group `\(group.name)` has no `group { ... }` members")
            }
            for (member, location) in zip(group.members, group.memberLocations) {
                if !instanceNames.contains(member) {
                    log.error(location, "vrrp_sync_group `\(group.name)` lists `\(member)`, which is not a vrrp_instance" + Suggestion.hint(for: member, among: instanceNames))
                } else if let other = membership[member] {
                    log.error(location, "vrrp_instance `\(member)` is already in vrrp_sync_group `\(other)`; an instance belongs to one group")
                } else {
                    membership[member] = group.name
                }
            }
        }
    }

    /// keepalived's `smtp_alert()` sends nothing, silently, without `notification_email` or
    /// `smtp_server`; an alert asked for that cannot go out is worth a warning.
    private func checkMail(log: inout DiagnosticLog) {
        let mail = configuration.globals.mail
        var missing: [String] = []
        if mail.server == nil { missing.append("`smtp_server`") }
        if mail.recipients.isEmpty { missing.append("`notification_email`") }
        guard !missing.isEmpty else { return }
        let alerting = configuration.instances.filter { mail.alerts(own: $0.smtpAlert) }.map { ($0.name, $0.location) }
            + configuration.syncGroups.filter { mail.alerts(own: $0.smtpAlert) }.map { ($0.name, $0.location) }
        guard let first = alerting.first else { return }
        let names = alerting.map { "`\($0.0)`" }.joined(separator: ", ")
        log.warning(first.1, "`smtp_alert` is on for \(names), but global_defs has no \(missing.joined(separator: " and ")): no e-mail is sent (keepalived sends none either)")
    }
}
