import Node
import VRRP

/// One machine of the simulated cluster: the vipkeeper process (if running), and what the
/// machine holds whatever the process does: the kernel's addresses, the armed timers of the
/// process, the health of what its check looks at, and faults of its network.
struct SimulatedNode {
    var setup: NodeSetup
    var node: Node?
    /// The virtual addresses on eth0, as the simulated kernel has them.
    var kernel: Set<IPAddress> = []
    var timers: [NodeTimer.Slot: (timer: NodeTimer, sequence: UInt64)] = [:]
    var healthy = true
    var netlinkFailing = false
    var linkUp = true

    init(setup: NodeSetup) {
        self.setup = setup
    }

    var isUp: Bool { node != nil }
    var views: [InstanceView] { node?.instanceViews ?? [] }
}
