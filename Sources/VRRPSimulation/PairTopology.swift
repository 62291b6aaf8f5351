import Config
import Node
import VRRP

/// The simulated machines of a what-if cluster, built from what the files name and nothing
/// of this machine: each node gets every interface its file names (an instance's, a virtual
/// address's `dev`, a `track_interface`, a `use_vmac` macvlan), up, with the node's own
/// address: `unicast_src_ip` / `mcast_src_ip` where the file gives one; for a unicast
/// instance without one, the address another file lists as its peer; else a documentation
/// address (192.0.2.0/24, RFC 5737; fe80::/64 link-local for IPv6, RFC 5798 §5.1.2.1).
/// Interfaces of the same name are one segment (a multicast advert reaches them all), and so
/// are the interfaces of instances that share a virtual address.
struct PairTopology {
    /// By node: the interfaces as its simulated kernel has them at start.
    var interfaces: [[HostInterface]]
    /// By node and interface name: the segment it is on.
    var segments: [[String: Int]]
    var groups: [PairInstanceGroup]
    /// How addresses were chosen where the files do not say (printed with the report).
    var notes: [String] = []

    init(members: [PairMember]) {
        groups = PairInstanceGroup.groups(of: members)
        let explicit = Set(members.flatMap { $0.configuration.instances.flatMap { [$0.unicastSourceAddress, $0.multicastSourceAddress].compactMap { $0 } } })
        let held = Set(members.flatMap { $0.configuration.instances.flatMap { $0.heldAddresses.map(\.address) } })
        var taken = explicit.union(held)
        var inferred: [Int: [String: IPAddress]] = [:]
        for (node, member) in members.enumerated() {
            for instance in member.configuration.instances where instance.usesUnicast && instance.unicastSourceAddress == nil {
                let name = Self.interfaceName(of: instance)
                guard inferred[node]?[name] == nil else { continue }
                let listedByOthers = members.indices.filter { $0 != node }
                    .flatMap { members[$0].configuration.instances.flatMap(\.unicastPeers) }
                guard let address = listedByOthers.first(where: { !taken.contains($0) && !instance.unicastPeers.contains($0) && $0.family == instance.family })
                else { continue }
                taken.insert(address)
                inferred[node, default: [:]][name] = address
                notes.append("\(member.name) \(instance.name) has no unicast_src_ip: its address is taken to be \(address), which another file lists as a unicast_peer")
            }
        }
        interfaces = []
        for (node, member) in members.enumerated() {
            var machine: [HostInterface] = []
            for (ordinal, name) in Self.interfaceNames(of: member.configuration).enumerated() {
                let instances = member.configuration.instances.filter { Self.interfaceName(of: $0) == name }
                var addresses = instances.flatMap { [$0.unicastSourceAddress, $0.multicastSourceAddress].compactMap { $0 } }
                if let address = inferred[node]?[name] { addresses.append(address) }
                if !addresses.contains(where: { $0.family == .ipv4 }) {
                    var last = UInt8(truncatingIfNeeded: 10 + node * 16 + ordinal)
                    for _ in 0..<256 where taken.contains(.v4(IPv4Address(192, 0, 2, last))) { last &+= 1 }
                    taken.insert(.v4(IPv4Address(192, 0, 2, last)))
                    addresses.append(.v4(IPv4Address(192, 0, 2, last)))
                }
                if instances.contains(where: { $0.family == .ipv6 }) {
                    addresses.append(.v6(IPv6Address(high: 0xfe80_0000_0000_0000, low: UInt64(0x0200_0000_0000_0000) | UInt64(node << 8 | ordinal))))
                }
                var unique: [IPAddress] = []
                for address in addresses where !unique.contains(address) { unique.append(address) }
                machine.append(HostInterface(name: name, index: Int32(2 + ordinal), hardwareAddress: [0x02, 0, 0, 0, UInt8(truncatingIfNeeded: node), UInt8(truncatingIfNeeded: ordinal)],
                                             isUp: true, addresses: unique))
            }
            interfaces.append(machine)
        }
        segments = Self.segments(of: members, interfaces: interfaces, groups: groups)
    }

    /// The interface an instance runs on: its `interface`, else (keepalived lets a unicast
    /// instance name only its source) `eth0`, which the simulated machine gives that address.
    static func interfaceName(of instance: InstanceDefinition) -> String {
        instance.interface ?? "eth0"
    }

    /// Every interface a file names, in order of first mention.
    static func interfaceNames(of configuration: Configuration) -> [String] {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        for instance in configuration.instances {
            add(interfaceName(of: instance))
            instance.virtualMAC?.interfaceName.map(add)
            instance.heldAddresses.compactMap(\.device).forEach(add)
            instance.trackedInterfaces.map(\.name).forEach(add)
        }
        configuration.syncGroups.flatMap(\.trackedInterfaces).map(\.name).forEach(add)
        return names
    }

    private static func segments(of members: [PairMember], interfaces: [[HostInterface]], groups: [PairInstanceGroup]) -> [[String: Int]] {
        // Segments by name, then joined where one router spans interfaces of other names.
        var byName: [String: Int] = [:]
        var segments = interfaces.map { machine in
            Dictionary(uniqueKeysWithValues: machine.map { interface in
                (interface.name, byName[interface.name] ?? { byName[interface.name] = byName.count; return byName.count - 1 }())
            })
        }
        for group in groups {
            let joined = group.nodes.compactMap { node -> (Int, String)? in
                guard let name = group.instances[node], let instance = members[node].configuration.instances.first(where: { $0.name == name }) else { return nil }
                return (node, interfaceName(of: instance))
            }
            guard let first = joined.first, let target = segments[first.0][first.1] else { continue }
            for (node, name) in joined.dropFirst() {
                guard let old = segments[node][name], old != target else { continue }
                for index in segments.indices { segments[index] = segments[index].mapValues { $0 == old ? target : $0 } }
            }
        }
        // A macvlan is on its parent's segment.
        for (node, member) in members.enumerated() {
            for instance in member.configuration.instances {
                guard let vmac = instance.virtualMAC?.interfaceName, let parent = segments[node][interfaceName(of: instance)] else { continue }
                segments[node][vmac] = parent
            }
        }
        return segments
    }

    /// The node and interface that have `address`, if one has.
    func owner(of address: IPAddress) -> (node: Int, interface: HostInterface)? {
        for (node, machine) in interfaces.enumerated() {
            if let interface = machine.first(where: { $0.addresses.contains(address) }) { return (node, interface) }
        }
        return nil
    }
}
