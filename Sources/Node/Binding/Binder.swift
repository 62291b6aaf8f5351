import Config
import VRRP

/// Binds a validated configuration to a machine as it is now: each instance's interface
/// (ifindex, MAC, MTU), its advert source (the interface's primary address, RFC 5798
/// §5.1.1.1, or its IPv6 link-local address, §5.1.2.1), the devices of its virtual addresses,
/// and who every script runs as. The daemon, the simulator and the tests all bind through
/// here, so the simulator runs what ships. Reads only; changes nothing.
public enum Binder {
    public static func bind(_ configuration: Configuration, on host: some HostLookup) throws(BindError) -> BoundConfiguration {
        // Every address any instance holds: never an advert source (the rule `Node` applies
        // when the host changes under it, too).
        let virtual = Set(configuration.instances.flatMap { $0.heldAddresses.map(\.address) })
        var instances: [BoundInstance] = []
        for definition in configuration.instances {  // notify scripts are bound below, with the users
            instances.append(try bind(definition, in: configuration, on: host, virtual: virtual))
        }
        let tracked = Set(configuration.allTrackedChecks.map(\.name))
        var checks: [BoundCheck] = []
        for script in configuration.scripts where tracked.contains(script.name) {
            guard let command = script.command else { continue }
            let credentials = try credentials(user: script.user ?? configuration.globals.scriptUser,
                                              group: script.user != nil ? script.group : configuration.globals.scriptGroup,
                                              for: command.text, on: host)
            checks.append(BoundCheck(name: script.name, kind: .script(command, credentials), schedule: script.schedule))
        }
        for check in configuration.httpChecks where tracked.contains(check.name) {
            checks.append(BoundCheck(name: check.name, kind: .http(check.settings), schedule: check.schedule))
        }
        let notify = try credentials(user: configuration.globals.scriptUser, group: configuration.globals.scriptGroup,
                                     for: "notify scripts", on: host)
        for index in instances.indices {
            let definition = configuration.instances[index]
            instances[index].notify = try bind(definition.notify, defaults: notify, on: host)
            instances[index].smtpAlert = configuration.globals.mail.alerts(own: definition.smtpAlert)
            instances[index].notifyPriorityChanges = definition.notifyPriorityChanges
                ?? configuration.syncGroup(of: definition.name)?.notifyPriorityChanges ?? configuration.globals.notifyPriorityChanges
        }
        var syncGroups: [BoundSyncGroup] = []
        for group in configuration.syncGroups {
            syncGroups.append(BoundSyncGroup(name: group.name, members: group.members, notify: try bind(group.notify, defaults: notify, on: host),
                                             smtpAlert: configuration.globals.mail.alerts(own: group.smtpAlert)))
        }
        var fifos: [BoundNotifyFIFO] = []
        for fifo in [configuration.globals.notifyFIFO, configuration.globals.vrrpNotifyFIFO] {
            guard let path = fifo.path else { continue }
            let owner = try fifo.user.map { user throws(BindError) in
                try credentials(user: user.name, group: user.group, for: "notify FIFO \(path)", on: host)
            } ?? notify
            fifos.append(BoundNotifyFIFO(path: path, owner: owner, script: try fifo.script.map { script throws(BindError) in
                try bind(script, defaults: notify, on: host)
            }))
        }
        var controlGroupID: Int32?
        if let group = configuration.globals.controlGroup {
            guard let id = host.group(named: group) else { throw .controlGroup(group) }
            controlGroupID = id
        }
        var bound = BoundConfiguration(instances: instances, checks: checks, syncGroups: syncGroups,
                                       notifyCredentials: notify, routerID: configuration.globals.routerID,
                                       controlGroup: configuration.globals.controlGroup, controlGroupID: controlGroupID,
                                       startupDelay: configuration.globals.startupDelay, notifyFIFOs: fifos)
        let trackedFiles = Set(configuration.allTrackedFiles.map(\.name))
        bound.fifoWritesStatesOnReload = configuration.globals.fifoWritesStatesOnReload
        bound.staticRouting = configuration.staticRouting.map(\.unplaced)
        bound.mail = BoundMail.bind(configuration.globals.mail, routerID: configuration.globals.routerID,
                                    localName: host.localName, userName: host.userName)
        bound.trackFiles = configuration.trackFiles.filter { trackedFiles.contains($0.name) && $0.path != nil }.map {
            var file = $0
            file.location = .unplaced
            return file
        }
        // The first definition of each name, as `Configuration.trackProcess(named:)` finds it.
        let trackedProcesses = Set(configuration.allTrackedProcesses.map(\.name))
        bound.trackProcesses = trackedProcesses.sorted().compactMap { configuration.trackProcess(named: $0) }.map {
            var process = $0
            process.location = .unplaced
            return process
        }
        return bound
    }

    /// Each notify script with who it runs as: its own `USER [GROUP]` (keepalived's
    /// `notify_master /x.sh USER GROUP`), else `defaults` (`script_user` or keepalived's default).
    static func bind(_ notify: NotifyCommands, defaults: Credentials, on host: some HostLookup) throws(BindError) -> BoundNotifyCommands {
        var bound = BoundNotifyCommands()
        bound.reportsDeletion = notify.reportsDeletion
        bound.master = try notify.master.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        bound.backup = try notify.backup.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        bound.fault = try notify.fault.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        bound.stop = try notify.stop.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        bound.deleted = try notify.deleted.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        bound.generic = try notify.generic.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        bound.masterReceivedLowerPriority = try notify.masterReceivedLowerPriority.map { script throws(BindError) in try bind(script, defaults: defaults, on: host) }
        return bound
    }

    /// One notify script: a user that does not exist here was dropped with a warning when
    /// the file was read (`NotifyUsers`, as keepalived); one gone since is a bind error.
    static func bind(_ script: NotifyScript, defaults: Credentials, on host: some HostLookup) throws(BindError) -> BoundNotify {
        guard let user = script.user else { return BoundNotify(command: script.command, credentials: defaults) }
        return BoundNotify(command: script.command,
                           credentials: try credentials(user: user.name, group: user.group, for: script.command.text, on: host))
    }

    private static func bind(_ definition: InstanceDefinition, in configuration: Configuration, on host: some HostLookup,
                             virtual: Set<IPAddress>) throws(BindError) -> BoundInstance {
        guard let name = definition.interface ?? definition.unicastSourceAddress.flatMap(host.interface(holding:)) else {
            throw .interfaceNotFound(definition.unicastSourceAddress.map { "holding \($0)" } ?? "(none configured)")
        }
        guard let interface = host.interface(named: name) else { throw .interfaceNotFound(name) }
        guard let source = definition.unicastSourceAddress ?? definition.multicastSourceAddress
            ?? interface.advertSource(family: definition.family, excluding: virtual) else {
            throw .noSourceAddress(interface: name, family: definition.family)
        }
        var virtualMAC: BoundVirtualMAC?
        if let setting = definition.virtualMAC, let vmacName = setting.interfaceName, let vrid = definition.virtualRouterID {
            virtualMAC = BoundVirtualMAC(name: vmacName,
                                         hardwareAddress: VirtualMACSetting.hardwareAddress(virtualRouterID: vrid, family: definition.family),
                                         sendsOnBase: setting.sendsOnBase, index: host.interface(named: vmacName)?.index ?? 0)
        }
        var bindings: [VirtualAddressBinding] = []
        for address in definition.heldAddresses {
            let deviceName = address.device ?? name
            // keepalived: an address on the instance's interface and of its family lives on
            // the macvlan; one of the other family (virtual_ipaddress_excluded) or on another
            // device stays where it is written.
            if let virtualMAC, deviceName == name, address.address.family == definition.family {
                bindings.append(VirtualAddressBinding(address: address, device: virtualMAC.device))
                continue
            }
            guard let device = deviceName == name ? interface : host.interface(named: deviceName) else {
                throw .interfaceNotFound(deviceName)
            }
            bindings.append(VirtualAddressBinding(address: address, device: device.device))
        }
        var bound = BoundInstance(
            definition: definition,
            router: configuration.routerConfiguration(for: definition, interfaceAddress: source, mtu: interface.mtu),
            interface: interface.device,
            destinations: definition.usesUnicast ? definition.unicastPeers : [configuration.multicastGroup(for: definition)],
            source: source,
            virtualAddresses: bindings,
            trackers: configuration.trackerSet(for: definition),
            multicastGroup: definition.usesUnicast ? nil : configuration.multicastGroup(for: definition))
        bound.virtualMAC = virtualMAC
        return bound
    }

    /// keepalived's default user for scripts: with no `user` and no `script_user`, scripts run
    /// as this user when it exists (keepalived.conf(5)), and as the daemon's own (root) only
    /// when it does not.
    public static let defaultScriptUser = "keepalived_script"

    /// The user and group a script runs as: `user` in vrrp_script, else `script_user`, else
    /// `keepalived_script` if that user exists, else the daemon's own.
    public static func credentials(user: String?, group: String?, for command: String,
                                   on host: some HostLookup) throws(BindError) -> Credentials {
        guard let user else {
            return host.user(named: defaultScriptUser).map { Credentials(userID: $0.userID, groupID: $0.groupID) } ?? .inherit
        }
        guard let entry = host.user(named: user) else { throw .script(command: command, reason: "user \(user) does not exist") }
        var groupID = entry.groupID
        if let group {
            guard let id = host.group(named: group) else { throw .script(command: command, reason: "group \(group) does not exist") }
            groupID = id
        }
        return Credentials(userID: entry.userID, groupID: groupID)
    }

    /// The sentence the daemon logs at start and reload: which user runs scripts that name none.
    public static func scriptUserSentence(_ configuration: Configuration, bound: BoundConfiguration) -> String? {
        guard configuration.globals.scriptUser == nil else { return nil }
        let credentials = bound.notifyCredentials
        guard credentials != .inherit else {
            return "no script_user and no user \(defaultScriptUser): scripts run as root (create \(defaultScriptUser) or set script_user to run them unprivileged)"
        }
        return "no script_user: scripts run as \(defaultScriptUser) (uid \(credentials.userID), gid \(credentials.groupID)), as keepalived does"
    }

    /// Every interface a bound configuration names (an instance's own, a virtual address's
    /// `dev`, a `track_interface`), in order: what the runtime reports to the node
    /// (`NodeEvent.interface`) after every netlink event.
    public static func interfaceNames(of configuration: BoundConfiguration) -> [String] {
        var names = Set(configuration.instances.flatMap { $0.trackers.objects.compactMap(\.interfaceName) })
        for instance in configuration.instances {
            names.insert(instance.interface.name)
            if let virtualMAC = instance.virtualMAC { names.insert(virtualMAC.name) }
            names.formUnion(instance.virtualAddresses.map(\.device.name))
        }
        return names.sorted()
    }
}
