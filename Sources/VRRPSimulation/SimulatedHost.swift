import Node
import VRRP

/// A simulated machine as the binder sees it: its interfaces as the simulated kernel has
/// them. The cluster simulator's has no users (its checks run as the daemon's own); a what-if
/// machine (`PairWhatIf`) knows every user and group a file names, since it checks files
/// meant for other machines and must not depend on this one's accounts.
struct SimulatedHost: HostLookup {
    var interfaces: [HostInterface]
    var knowsEveryUser = false

    func interface(named name: String) -> HostInterface? { interfaces.first { $0.name == name } }
    func interface(holding address: IPAddress) -> String? { interfaces.first { $0.addresses.contains(address) }?.name }
    func user(named name: String) -> (userID: Int32, groupID: Int32)? { knowsEveryUser ? (1000, 1000) : nil }
    func group(named name: String) -> Int32? { knowsEveryUser ? 1000 : nil }
}
