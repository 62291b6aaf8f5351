import Config
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Binds a validated configuration to this machine: interface indexes and MACs (libnl),
/// each instance's advert source (the interface's primary address, §5.2.1), the devices of
/// its virtual addresses, and the uid/gid of every script (getpwnam/getgrnam: NSS lookups
/// happen here, at start and reload, never on the event loop). Reads only; changes nothing.
struct ConfigurationBinder {
    let links: NetlinkSocket
    var users: UserDirectory = .system

    func bind(_ configuration: Configuration) throws(AgentError) -> BoundConfiguration {
        var instances: [BoundInstance] = []
        let addresses = AddressTable.read(socket: links)
        let virtual = Set(configuration.instances.flatMap { $0.heldAddresses.map(\.address) })
        for definition in configuration.instances {
            instances.append(try bind(definition, in: configuration, addresses: addresses, virtual: virtual))
        }
        let tracked = Set(configuration.instances.flatMap { $0.trackedChecks.map(\.name) })
        var checks: [BoundCheck] = []
        for script in configuration.scripts where tracked.contains(script.name) {
            guard let command = script.command else { continue }
            let credentials = try Self.credentials(user: script.user ?? configuration.globals.scriptUser,
                                                   group: script.user != nil ? script.group : configuration.globals.scriptGroup,
                                                   for: command.text, users: users)
            checks.append(BoundCheck(name: script.name, kind: .script(command, credentials), schedule: script.schedule))
        }
        for check in configuration.httpChecks where tracked.contains(check.name) {
            checks.append(BoundCheck(name: check.name, kind: .http(check.settings), schedule: check.schedule))
        }
        let notify = try Self.credentials(user: configuration.globals.scriptUser, group: configuration.globals.scriptGroup,
                                          for: "notify scripts", users: users)
        var controlGroupID: Int32?
        if let group = configuration.globals.controlGroup {
            guard let id = users.group(group) else { throw .controlSocket(path: "control_group", reason: "group \(group) does not exist") }
            controlGroupID = id
        }
        return BoundConfiguration(instances: instances, checks: checks, syncGroups: configuration.syncGroups,
                                  notifyCredentials: notify, routerID: configuration.globals.routerID,
                                  controlGroup: configuration.globals.controlGroup, controlGroupID: controlGroupID)
    }

    /// One instance; `virtual` is every address any instance holds (never an advert source,
    /// the same rule `Node` applies when the host changes under it).
    private func bind(_ definition: InstanceDefinition, in configuration: Configuration, addresses: [Int32: [HostAddress]],
                      virtual: Set<IPAddress>) throws(AgentError) -> BoundInstance {
        guard let name = definition.interface
            ?? definition.unicastSourceAddress.flatMap(InterfaceAddresses.interface(holding:)) else {
            throw .interfaceNotFound(definition.unicastSourceAddress.map { "holding \($0)" } ?? "(none configured)")
        }
        guard let host = LinkState.host(name, socket: links, addresses: addresses) else { throw .interfaceNotFound(name) }
        let interface = host.device
        guard let source = definition.unicastSourceAddress ?? definition.multicastSourceAddress
            ?? host.advertSource(family: definition.family, excluding: virtual) else {
            throw .noSourceAddress(interface: name, family: definition.family)
        }
        var bindings: [VirtualAddressBinding] = []
        for address in definition.heldAddresses {
            let deviceName = address.device ?? name
            let device = deviceName == name ? interface : try self.device(deviceName)
            bindings.append(VirtualAddressBinding(address: address, device: device))
        }
        return BoundInstance(
            definition: definition,
            router: configuration.routerConfiguration(for: definition, interfaceAddress: source),
            interface: interface,
            destinations: definition.usesUnicast ? definition.unicastPeers : [configuration.multicastGroup(for: definition)],
            source: source,
            virtualAddresses: bindings,
            trackers: configuration.trackerSet(for: definition),
            multicastGroup: definition.usesUnicast ? nil : configuration.multicastGroup(for: definition))
    }

    private func device(_ name: String) throws(AgentError) -> Device {
        guard let link = LinkState.read(name, socket: links) else { throw .interfaceNotFound(name) }
        return Device(name: name, index: link.index, hardwareAddress: link.hardwareAddress)
    }

    /// Every interface the configuration names (an instance's own, a virtual address's
    /// `dev`, a `track_interface`) as the kernel has it now, by name (nil: none by that name).
    func host(of configuration: BoundConfiguration) -> [(name: String, interface: HostInterface?)] {
        var names = Set(configuration.instances.flatMap { $0.trackers.objects.compactMap(\.interfaceName) })
        for instance in configuration.instances {
            names.insert(instance.interface.name)
            names.formUnion(instance.virtualAddresses.map(\.device.name))
        }
        let addresses = AddressTable.read(socket: links)
        return names.sorted().map { ($0, LinkState.host($0, socket: links, addresses: addresses)) }
    }

    /// keepalived's default user for scripts: with no `user` and no `script_user`, scripts run
    /// as this user when it exists (keepalived.conf(5)), and as the daemon's own (root) only
    /// when it does not.
    static let defaultScriptUser = "keepalived_script"

    /// The user and group a script runs as: `user` in vrrp_script, else `script_user`, else
    /// `keepalived_script` if that user exists, else the daemon's own.
    static func credentials(user: String?, group: String?, for command: String,
                            users: UserDirectory) throws(AgentError) -> Credentials {
        guard let user else {
            return users.user(defaultScriptUser).map { Credentials(userID: $0.userID, groupID: $0.groupID) } ?? .inherit
        }
        guard let entry = users.user(user) else { throw .script(command: command, reason: "user \(user) does not exist") }
        var groupID = entry.groupID
        if let group {
            guard let id = users.group(group) else { throw .script(command: command, reason: "group \(group) does not exist") }
            groupID = id
        }
        return Credentials(userID: entry.userID, groupID: groupID)
    }

    /// The sentence the daemon logs at start and reload: which user runs scripts that name none.
    static func scriptUserSentence(_ configuration: Configuration, bound: BoundConfiguration) -> String? {
        guard configuration.globals.scriptUser == nil else { return nil }
        let credentials = bound.notifyCredentials
        guard credentials != .inherit else {
            return "no script_user and no user \(defaultScriptUser): scripts run as root (create \(defaultScriptUser) or set script_user to run them unprivileged)"
        }
        return "no script_user: scripts run as \(defaultScriptUser) (uid \(credentials.userID), gid \(credentials.groupID)), as keepalived does"
    }
}
