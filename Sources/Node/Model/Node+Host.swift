import VRRP

extension Node {
    /// How often raw VRRP sockets that could not be opened are tried again.
    static let transportRetryInterval: Duration = .seconds(1)

    /// An interface the configuration names, as the kernel has it now. The node follows the
    /// host as it is, not as it was at start:
    /// - its link state drives the trackers (the own interface: FAULT while down);
    /// - an interface re-created under the same name (ifdown/ifup, a VLAN or bond rebuilt)
    ///   has a new ifindex: instances and virtual addresses move to it and the runtime opens
    ///   the VRRP socket on it (`bindTransports`); while it is gone the instance is in FAULT;
    /// - a changed MAC (bond `fail_over_mac`, `ip link set address`) is what gratuitous ARP
    ///   and neighbour advertisements carry from then on, and a Master announces its
    ///   addresses with it at once;
    /// - a changed MTU changes how many addresses one advert carries (as at start: what fits
    ///   one frame, the rest held without being advertised);
    /// - an advert source that was removed (RFC 5798 §5.1.1.1: the primary address) is
    ///   replaced by the interface's next one; with none left the instance goes to FAULT
    ///   (a Master sends its priority-0 advert first), so no peer is left facing a Master it
    ///   cannot hear.
    mutating func interfaceObserved(_ name: String, _ observed: HostInterface?, now: Instant) -> [NodeEffect] {
        var effects = linkChanged(name, up: observed?.isUp ?? false, now: now)
        let macvlansBefore = instances.map { $0.bound.virtualMAC?.exists }
        let socketsBefore = configuration.transports.map { [$0.key: $0.multicastGroup] }
        let virtual = Set(configuration.instances.flatMap { $0.virtualAddresses.map(\.address.address) })
        var changed: [Int] = []
        var rebound = false
        for index in instances.indices {
            var bound = instances[index].bound
            let before = bound
            var hostFault = instances[index].hostFault
            if let observed {
                if bound.interface.name == name { bound.interface = observed.device }
                for slot in bound.virtualAddresses.indices where bound.virtualAddresses[slot].device.name == name {
                    bound.virtualAddresses[slot].device = observed.device
                }
            }
            if bound.virtualMAC?.name == name { bound.virtualMAC?.index = observed?.index ?? 0 }
            if bound.interface.name == name {
                hostFault = nil
                if let observed {
                    let fits = Advertisement.maximumAddresses(version: bound.router.version, family: bound.family, mtu: observed.mtu)
                    bound.router.virtualAddresses = bound.definition.virtualAddresses.prefix(fits).map(\.address)
                    if bound.definition.unicastSourceAddress == nil && bound.definition.multicastSourceAddress == nil {
                        if let source = observed.advertSource(family: bound.family, excluding: virtual) {
                            bound.source = source
                            bound.router.localAddress = source
                        } else {
                            hostFault = .noSourceAddress(interface: name, family: bound.family)
                        }
                    }
                } else {
                    hostFault = .interfaceGone(name)
                }
            }
            effects += noteHostChange(index, from: before, to: bound, fault: hostFault)
            if bound != before {
                rebound = true
                rebind(index, to: bound)
                effects += announceMoved(index, from: before, now: now)
            }
            if hostFault != instances[index].hostFault {
                instances[index].hostFault = hostFault
                changed.append(index)
            }
        }
        if rebound { rebuildValidators() }  // the §7.1 checks follow the interfaces and advertised addresses
        let followed = followVirtualMACs(existedBefore: macvlansBefore, now: now)
        effects += followed.effects
        changed += followed.changed.filter { !changed.contains($0) }
        if configuration.transports.map({ [$0.key: $0.multicastGroup] }) != socketsBefore {
            socketError = nil
            effects.append(.bindTransports(configuration.transports))
        }
        for index in changed {
            effects += applyTrackers(of: index, now: now)
        }
        return effects
    }

    /// Puts a re-bound instance in place: its binding, in the configuration too (a reload
    /// compares against it), its address slots' devices and its router's own address.
    private mutating func rebind(_ index: Int, to bound: BoundInstance) {
        if let slot = configuration.instances.firstIndex(where: { $0.name == bound.name }) {
            configuration.instances[slot] = bound
        }
        for slot in instances[index].addresses.indices {
            if let binding = bound.virtualAddresses.first(where: { $0.address == instances[index].addresses[slot].binding.address }) {
                instances[index].addresses[slot].binding = binding
            }
        }
        if instances[index].router.configuration.localAddress != bound.router.localAddress {
            instances[index].router.changeLocalAddress(to: bound.router.localAddress)
        }
        if instances[index].router.configuration.virtualAddresses != bound.router.virtualAddresses {
            instances[index].router.changeAdvertisedAddresses(to: bound.router.virtualAddresses)
        }
        instances[index].bound = bound
    }

    /// Logs what changed under an instance.
    private func noteHostChange(_ index: Int, from before: BoundInstance, to after: BoundInstance, fault: FaultCause?) -> [NodeEffect] {
        let instance = instances[index]
        var log: [String] = []
        if after.interface.index != before.interface.index {
            log.append("\(after.interface) is ifindex \(after.interface.index) now (was \(before.interface.index)): following it")
        }
        if after.interface.hardwareAddress != before.interface.hardwareAddress && after.interface.index == before.interface.index {
            log.append("\(after.interface) has MAC \(Self.text(after.interface.hardwareAddress)) now (was \(Self.text(before.interface.hardwareAddress)))")
        }
        if after.router.virtualAddresses.count != before.router.virtualAddresses.count {
            let total = after.definition.virtualAddresses.count
            log.append(after.router.virtualAddresses.count < total
                       ? "the MTU of \(after.interface) fits \(after.router.virtualAddresses.count) of \(total) virtual addresses in one advert now: the rest are held without being advertised, as keepalived does"
                       : "the MTU of \(after.interface) fits all \(total) virtual addresses in one advert again")
        }
        if after.source != before.source {
            log.append("\(before.source) is no longer on \(after.interface): advertising from \(after.source)")
        }
        if fault != instance.hostFault, let fault {
            log.append("\(fault)")
        }
        return log.map { .log(LogLine(.warning, "[\(instance.name)] \($0)")) }
    }

    /// A Master announces its held addresses whose device has another MAC now at once
    /// (clients would otherwise keep sending to a MAC nobody owns); the rest of the burst
    /// carries it too, as every round is built from the binding as it is then.
    private mutating func announceMoved(_ index: Int, from before: BoundInstance, now: Instant) -> [NodeEffect] {
        guard instances[index].wantsAddresses else { return [] }
        let moved = Set(instances[index].bound.virtualAddresses.filter { binding in
            before.virtualAddresses.contains {
                $0.address == binding.address && $0.device.index == binding.device.index
                    && $0.device.hardwareAddress != binding.device.hardwareAddress
            }
        }.map(\.address))
        guard !moved.isEmpty else { return [] }
        return announce(index, rounds: instances[index].bound.router.gratuitousARP.burstCount,
                        where: { moved.contains($0.binding.address) }, now: now)
    }

    /// A MAC as `02:00:00:00:00:0a`.
    static func text(_ hardwareAddress: [UInt8]) -> String {
        hardwareAddress.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }

    /// The runtime could not open every raw VRRP socket: logged at a limited rate and tried
    /// again every second until it can (an instance without its socket counts send errors
    /// meanwhile and hears nothing, which its peers see as silence).
    mutating func transportsFailed(_ error: EffectError, now: Instant) -> [NodeEffect] {
        socketError = error.message
        var effects: [NodeEffect] = []
        if let line = rateLimited.record(key: "transports", message: "cannot open a VRRP socket: \(error); retrying every \(Self.transportRetryInterval.formattedSeconds) s", now: now) {
            effects.append(.log(LogLine(.error, line)))
        }
        if isRunning { effects.append(.armTimer(.transportRetry, at: now + Self.transportRetryInterval)) }
        return effects
    }
}
