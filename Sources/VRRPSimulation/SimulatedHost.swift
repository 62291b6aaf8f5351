import Node
import VRRP

/// A simulated machine as the binder sees it: eth0 as the simulated kernel has it, no users
/// (the simulated checks run as the daemon's own).
struct SimulatedHost: HostLookup {
    var eth0: HostInterface

    func interface(named name: String) -> HostInterface? { name == eth0.name ? eth0 : nil }
    func interface(holding address: IPAddress) -> String? { eth0.addresses.contains(address) ? eth0.name : nil }
    func user(named name: String) -> (userID: Int32, groupID: Int32)? { nil }
    func group(named name: String) -> Int32? { nil }
}
