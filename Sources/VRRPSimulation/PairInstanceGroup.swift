import Config
import VRRP

/// One virtual router of a what-if cluster: the instances of the files that back each other
/// up, matched by shared virtual address, or by VRID, family and interface name (RFC 5798 §5.2.3:
/// the VRID names the router on its LAN).
public struct PairInstanceGroup: Hashable, Sendable {
    /// The first member's instance name (with the others' where they differ).
    public var label: String
    /// By node: the instance of that node's file in this router, nil where the file has none.
    public var instances: [String?]
    /// The virtual addresses of the first member, in its file's order.
    public var addresses: [IPAddress]

    /// The nodes that run an instance of this router.
    public var nodes: [Int] { instances.indices.filter { instances[$0] != nil } }

    /// Groups the instances of `members`' files; each node contributes at most one instance to
    /// a group (a second one of the same node is reported as its own router).
    static func groups(of members: [PairMember]) -> [PairInstanceGroup] {
        let keys = members.indices.flatMap { node in members[node].configuration.instances.indices.map { (node, $0) } }
        var parent = Array(keys.indices)
        func root(_ key: Int) -> Int {
            var key = key
            for _ in 0..<parent.count where parent[key] != key { key = parent[key] }
            return key
        }
        func definition(_ key: Int) -> InstanceDefinition { members[keys[key].0].configuration.instances[keys[key].1] }
        for a in keys.indices {
            for b in keys.indices where b > a && keys[a].0 != keys[b].0 {
                let first = definition(a), second = definition(b)
                let sameRouter = first.virtualRouterID == second.virtualRouterID && first.family == second.family
                    && first.interface == second.interface
                let sharedAddress = !Set(first.virtualAddresses.map(\.address)).isDisjoint(with: second.virtualAddresses.map(\.address))
                guard sameRouter || sharedAddress else { continue }
                // One instance per node and router: never join two of the same file.
                let rootA = root(a), rootB = root(b)
                let nodesA = Set(keys.indices.filter { root($0) == rootA }.map { keys[$0].0 })
                let nodesB = Set(keys.indices.filter { root($0) == rootB }.map { keys[$0].0 })
                if rootA != rootB && nodesA.isDisjoint(with: nodesB) { parent[rootB] = rootA }
            }
        }
        var groups: [PairInstanceGroup] = []
        var groupOfRoot: [Int: Int] = [:]
        for key in keys.indices {
            let (node, _) = keys[key]
            let instance = definition(key)
            if let index = groupOfRoot[root(key)] {
                groups[index].instances[node] = instance.name
                if !groups[index].label.contains("/") && instance.name != groups[index].instances.compactMap({ $0 }).first {
                    groups[index].label += " / \(instance.name)"
                }
            } else {
                groupOfRoot[root(key)] = groups.count
                var instances = [String?](repeating: nil, count: members.count)
                instances[node] = instance.name
                groups.append(PairInstanceGroup(label: instance.name, instances: instances, addresses: instance.virtualAddresses.map(\.address)))
            }
        }
        return groups
    }
}
