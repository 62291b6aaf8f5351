import ControlProtocol
import VRRP

/// One running `vrrp_instance`: the pure router plus what the node knows around it.
struct InstanceState: Sendable {
    let id: InstanceID
    var bound: BoundInstance
    var router: VirtualRouter
    var trackers: TrackerSet
    var addresses: [AddressState]
    /// `virtual_routes` then `virtual_rules`, as last asked of the kernel.
    var routing: [RoutingState]
    var counters = InstanceCounters()
    var lastTransition: Transition?
    /// When the current Master's last advert arrived.
    var lastAdvertAt: Instant?
    /// Why the host keeps the instance from speaking (its interface is gone, or has no
    /// address to advertise from); a FAULT like a weight-0 tracker's.
    var hostFault: FaultCause?
    /// `use_vmac`: the macvlan's start wait and failures.
    var virtualMACState = VirtualMACState()
    /// A reload removes it: its last notify is keepalived's for a deleted instance. A removed
    /// Master stays in the node, out of the configuration, until its make-before-break wait
    /// ends (`Node.dropRetiredInstances`).
    var isBeingRemoved = false
    /// Routed addresses given up and still accepted through their drain route, until the
    /// `addressDrain` timer (`Node.drainInterval`).
    var draining: [VirtualAddressBinding] = []
    /// The last make-before-break release: how it ended, and when.
    var lastHandover: (end: HandoverEnd, at: Instant)?
    /// The last change of the effective priority, and why (`HistoryCause`): the cause of the
    /// transition it leads to.
    var lastPriorityMove: PriorityMove?
    /// Every other router heard on this instance's VRID, by source address.
    var peers: [IPAddress: PeerHeard] = [:]

    struct Transition: Hashable, Sendable {
        var from: RouterState
        var to: RouterState
        var reason: TransitionReason
        var at: Instant
        /// The reason and what led to it (`Node.causes(of:index:now:)`).
        var causes: [HistoryCause] = []
    }

    struct PriorityMove: Hashable, Sendable {
        var from: UInt8
        var to: UInt8
        var at: Instant
        var causes: [HistoryCause]
    }

    init(id: InstanceID, bound: BoundInstance) {
        self.id = id
        self.bound = bound
        router = VirtualRouter(configuration: bound.router)
        trackers = bound.trackers
        addresses = bound.virtualAddresses.map(AddressState.init(binding:))
        routing = bound.routing.map(RoutingState.init(entry:))
    }

    var name: String { bound.name }
    var virtualRouterID: UInt8 { bound.router.virtualRouterID }
    /// A Master holds its addresses, and so does a router that resigned for a planned move
    /// until the new Master announces itself (make-before-break); nobody else does.
    /// Nothing of a release is left: no make-before-break wait, no drain.
    var isDone: Bool { router.pendingRelease == nil && draining.isEmpty }

    var wantsAddresses: Bool { router.state == .master || router.pendingRelease != nil }
    var holdsEveryAddress: Bool { !addresses.isEmpty && addresses.allSatisfy(\.isHeld) }
    var holdsAnyAddress: Bool { addresses.contains(where: \.isHeld) }
}
