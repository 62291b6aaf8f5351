import Config
import VRRP

extension Node {
    /// How long a routed address given up is still accepted (`NodeEffect.drainAddress`): the
    /// time its BGP withdrawal takes to reach the routers that send the clients here, with
    /// margin (measured 0.12–0.16 s from the address leaving `lo` to the spine losing the
    /// path, over node, leaf and spine FRR with `advertisement-interval 0`, `bench/routed`).
    static let drainInterval: Duration = .seconds(1)

    /// Giving up a routed address: the drain route first, so the node goes on accepting what
    /// the routers still send it while the withdrawal travels, then the address (its connected
    /// route goes, and FRR withdraws it). Its TCP connections are reset when the drain ends.
    /// An address on a device with a segment is removed as before.
    mutating func release(_ index: Int, _ binding: VirtualAddressBinding, wasPresent: Bool) -> [NodeEffect] {
        let instance = instances[index]
        guard !binding.device.hasSegment, wasPresent else { return [.removeAddress(change(instance, binding))] }
        var removal = change(instance, binding)
        removal.resetsConnections = false
        if !instances[index].draining.contains(binding) { instances[index].draining.append(binding) }
        return [.drainAddress(change(instance, binding)), .removeAddress(removal)]
    }

    /// The drain timer: each drained address's connections are reset (while its drain route
    /// can still carry the RST) and the route goes; an address the instance holds again (it
    /// became Master meanwhile) only loses the drain route, its own local route stays.
    mutating func endDrains(of index: Int) -> [NodeEffect] {
        let instance = instances[index]
        instances[index].draining = []
        return instance.draining.flatMap { binding -> [NodeEffect] in
            let end: NodeEffect = .endDrain(change(instance, binding))
            return instance.wantsAddresses ? [end] : [.removeAddress(change(instance, binding)), end]
        }
    }

    /// What an earlier run may have left of an address the instance does not hold: the
    /// address, and for a routed one its drain route (a run that ended mid-drain).
    func leftovers(of instance: InstanceState, _ binding: VirtualAddressBinding) -> [NodeEffect] {
        let removal: NodeEffect = .removeLeftoverAddress(change(instance, binding))
        return binding.device.hasSegment ? [removal] : [removal, .endDrain(change(instance, binding))]
    }
}

extension VirtualAddressBinding {
    /// The routes of a routed address's drain, in the order they are added:
    /// - `local ADDRESS dev DEVICE table local proto keepalived metric 1024` (AnyIP): the node
    ///   goes on accepting the address's traffic once the address is gone. The kernel's own
    ///   local route of the address has metric 0 and `proto kernel`, so both can be there at
    ///   once, and removing the address leaves this one.
    /// - `ADDRESS dev DEVICE proto keepalived metric 1024` in the main table: what the node's
    ///   FRR sees instead of the connected route once the address is gone. With
    ///   `redistribute kernel route-map` setting `as-path prepend`, the node's announcement is
    ///   not withdrawn but made longer: the routers above move the clients to the new Master
    ///   while the node's own leaf still has a path to it, and nothing is dropped on the way
    ///   (a withdrawal leaves that leaf without a route until the spine has moved). Without
    ///   such a line FRR ignores it.
    public var drainRoutes: [VirtualRoute] {
        let destination = IPPrefix(address: address.address, length: address.address.family == .ipv4 ? 32 : 128)
        var accept = VirtualRoute(family: address.address.family, destination: destination, location: .unplaced)
        accept.kind = .local
        accept.device = device.name
        accept.table = .local
        accept.scope = RouteScope(254)  // host
        accept.metric = 1024
        var announce = VirtualRoute(family: address.address.family, destination: destination, location: .unplaced)
        announce.device = device.name
        announce.scope = RouteScope(253)  // link
        announce.metric = 1024
        return [accept, announce]
    }
}
