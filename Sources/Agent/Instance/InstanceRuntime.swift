import Config
import VRRP

/// One running `vrrp_instance`: the pure router plus what the runtime knows around it.
struct InstanceRuntime {
    var definition: InstanceDefinition
    var router: VirtualRouter
    var trackers: TrackerSet
    let interface: String
    let interfaceIndex: Int32
    /// Where adverts go: the multicast group, or each unicast peer.
    let destinations: [IPv4Address]
    /// The source address of adverts (§5.2.1, or mcast_src_ip / unicast_src_ip).
    let source: IPv4Address
    let virtualAddresses: [VirtualAddressBinding]
    var counters = InstanceCounters()
    var lastTransition: (from: RouterState, to: RouterState, reason: TransitionReason, at: Instant)?
    var holdsVirtualAddresses = false

    var name: String { definition.name }
    var virtualRouterID: UInt8 { router.configuration.virtualRouterID }

    /// What the instance is bound to on this machine; a reload keeps an instance only when
    /// this is unchanged (an interface recreated with a new index, say, restarts it).
    var binding: Binding {
        Binding(interfaceIndex: interfaceIndex, destinations: destinations, source: source,
                virtualAddressDevices: virtualAddresses.map(\.device))
    }

    struct Binding: Equatable {
        var interfaceIndex: Int32
        var destinations: [IPv4Address]
        var source: IPv4Address
        var virtualAddressDevices: [VirtualAddressBinding.Device]
    }

    /// Names of the interfaces whose link state this instance follows.
    var trackedLinks: [String] {
        trackers.entries.compactMap { Configuration.interface(ofLinkTracker: $0.name) }
    }
}
