import Node
import VRRP

/// One machine of the simulated cluster: the vipkeeper process (if running), and what the
/// machine holds whatever the process does: the kernel's addresses, the armed timers of the
/// process, the health of what its check looks at, and faults of its network.
struct SimulatedNode {
    var setup: NodeSetup
    var node: Node?
    /// The virtual addresses on eth0 as the simulated kernel has them, with prefix and label:
    /// like Linux for IPv4, the same address with another prefix is a second entry, and a
    /// removal takes only the entry of its own prefix.
    var kernel: [HostAddress] = []
    var timers: [NodeTimer.Slot: (timer: NodeTimer, sequence: UInt64)] = [:]
    var healthy = true
    var netlinkFailing = false
    /// The machine's eth0 as its kernel has it: ifindex, MAC, link, own addresses (not the
    /// virtual ones, which are `kernel`). Chaos re-creates it, changes its MAC, removes its
    /// address.
    var host: HostInterface
    /// The MAC the segment last heard this node announce each address with (gratuitous ARP):
    /// what clients send to.
    var announced: [IPAddress: [UInt8]] = [:]
    /// The frames of the virtual addresses (not the excluded ones) fail, as on a device whose
    /// queue is full or that is down (`ChaosEvent.announcementsFailing`).
    var announcementsFailing = false
    /// Addresses whose last announcement failed (the node counted it).
    var lastAnnouncementFailed: Set<IPAddress> = []
    /// Addresses announced in the step being run: each must be held when the step ends.
    var announcedInStep: Set<IPAddress> = []

    init(setup: NodeSetup, index: Int) {
        self.setup = setup
        host = HostInterface(name: "eth0", index: ClusterScenario.interfaceIndex, hardwareAddress: [0x02, 0, 0, 0, 0, UInt8(10 + index)],
                             isUp: true, addresses: [ClusterScenario.address(of: index)])
    }

    var linkUp: Bool { host.isUp }

    var isUp: Bool { node != nil }
    var views: [InstanceView] { node?.instanceViews ?? [] }

    /// The kernel has `address` on eth0, in any form.
    func kernelHas(_ address: IPAddress) -> Bool {
        kernel.contains { $0.address == address }
    }
}
