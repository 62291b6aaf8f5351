import VRRP

/// One machine of the simulated cluster: the router process (if running) and what the
/// runtime would hold for it (armed timers, whether the VIP is on its interface).
struct SimulatedNode {
    let configuration: RouterConfiguration
    var router: VirtualRouter?
    var timers: [TimerKind: TimerToken] = [:]
    var holdsVirtualAddress = false
    /// A weight-0 tracker is down on this machine; survives process restarts.
    var faulted = false
    /// The effective priority trackers would report; survives process restarts.
    var priority: UInt8

    init(configuration: RouterConfiguration) {
        self.configuration = configuration
        self.priority = configuration.basePriority
    }

    var isUp: Bool { router != nil }
    var state: RouterState? { router?.state }
}
