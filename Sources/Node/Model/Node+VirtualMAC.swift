import VRRP

/// keepalived's `use_vmac`: each such instance lives on a macvlan with the virtual router MAC
/// (RFC 3768 §7.3 / RFC 5798 §7.3), so the MAC a client learnt for a virtual address stays
/// right across a failover — the RFCs' own answer to stale ARP caches. The node asks for the
/// macvlan at start (and for a started instance at reload), follows it as the host has it
/// (`NodeEvent.interface`: its ifindex, re-created ones included), asks again when it
/// vanishes or could not be made, and deletes it at stop and when a reload removes it.
extension Node {
    /// How often a macvlan the runtime could not make is asked for again.
    static let virtualMACRetryInterval: Duration = .seconds(1)

    /// What the runtime is asked to make or remove for an instance's macvlan.
    func virtualMACRequest(_ index: Int) -> VirtualMACRequest? {
        let bound = instances[index].bound
        guard let virtualMAC = bound.virtualMAC else { return nil }
        let keepsIPv6 = bound.family == .ipv6 || bound.virtualAddresses.contains {
            $0.device.name == virtualMAC.name && $0.address.address.family == .ipv6
        }
        // RFC 5798 §5.1.2.1: an IPv6 advert leaves from a link-local address; sent from the
        // macvlan it must be the macvlan's (the parent's, as keepalived puts it there).
        let linkLocal = bound.family == .ipv6 && !virtualMAC.sendsOnBase ? bound.source : nil
        var request = VirtualMACRequest(instance: instances[index].id, instanceName: bound.name, name: virtualMAC.name,
                                        hardwareAddress: virtualMAC.hardwareAddress, parent: bound.interface,
                                        keepsIPv6: keepsIPv6, linkLocal: linkLocal)
        request.hearsIPv4Adverts = bound.family == .ipv4 && !virtualMAC.sendsOnBase
        return request
    }

    /// `ensureVirtualMAC` for each of these instances that has `use_vmac`.
    func ensureVirtualMACs(_ indices: some Sequence<Int>) -> [NodeEffect] {
        indices.compactMap { virtualMACRequest($0).map(NodeEffect.ensureVirtualMAC) }
    }

    /// A started instance whose macvlan is gone is in FAULT (keepalived tracks the macvlan
    /// like the interface): its addresses and adverts cannot be where they belong.
    func virtualMACFault(of index: Int) -> FaultCause? {
        let instance = instances[index]
        guard let virtualMAC = instance.bound.virtualMAC, !virtualMAC.exists, !instance.virtualMACState.awaitsStart else { return nil }
        return .interfaceGone(virtualMAC.name)
    }

    /// Whether the instance must wait for its macvlan before it starts (§6.4.1 happens when
    /// the macvlan appears).
    mutating func deferStartForVirtualMAC(_ index: Int) -> Bool {
        guard let virtualMAC = instances[index].bound.virtualMAC, !virtualMAC.exists else { return false }
        instances[index].virtualMACState.awaitsStart = true
        return true
    }

    /// After the host changed: instances whose macvlan appeared start if they waited for it;
    /// those whose macvlan vanished while running ask for it again (the FAULT it causes is
    /// applied with their trackers).
    mutating func followVirtualMACs(existedBefore: [Bool?], now: Instant) -> (effects: [NodeEffect], changed: [Int]) {
        var effects: [NodeEffect] = []
        var changed: [Int] = []
        for index in instances.indices {
            guard let virtualMAC = instances[index].bound.virtualMAC else { continue }
            let name = virtualMAC.name
            let waiting = instances[index].virtualMACState.awaitsStart
            guard virtualMAC.exists != existedBefore[index] || (waiting && virtualMAC.exists) else { continue }
            if virtualMAC.exists {
                instances[index].virtualMACState.error = nil
                effects.append(.cancelTimer(.virtualMACRetry(instances[index].id)))
                guard instances[index].virtualMACState.awaitsStart else {
                    changed.append(index)
                    continue
                }
                instances[index].virtualMACState.awaitsStart = false
                guard isRunning && !isStartupDelayed else { continue }
                effects.append(.log(LogLine(.info, "[\(instances[index].name)] macvlan \(name) is there: starting")))
                effects += applyTrackers(of: index, now: now)
                effects += feed(index, .startup, now: now)
            } else if isRunning && !waiting {
                effects.append(.log(LogLine(.warning, "[\(instances[index].name)] macvlan \(name) is gone: making it again")))
                effects += ensureVirtualMACs([index])
                changed.append(index)
            }
        }
        return (effects, changed)
    }

    /// The runtime could not make the macvlan: logged at a limited rate, counted, shown in
    /// `status`, asked for again every second; the instance keeps waiting (or is in FAULT).
    mutating func virtualMACFailed(_ request: VirtualMACRequest, _ error: EffectError, now: Instant) -> [NodeEffect] {
        guard let index = index(of: request.instance) else { return [] }
        instances[index].virtualMACState.error = error.message
        instances[index].virtualMACState.failures += 1
        var effects: [NodeEffect] = []
        if let line = rateLimited.record(key: "\(request.instanceName)/vmac", message: "[\(request.instanceName)] cannot make macvlan \(request.name) on \(request.parent) (use_vmac): \(error); retrying every \(Self.virtualMACRetryInterval.formattedSeconds) s", now: now) {
            effects.append(.log(LogLine(.error, line)))
        }
        if isRunning { effects.append(.armTimer(.virtualMACRetry(request.instance), at: now + Self.virtualMACRetryInterval)) }
        return effects
    }

    /// The retry timer: ask again while the last request failed.
    mutating func retryVirtualMAC(_ index: Int) -> [NodeEffect] {
        guard instances[index].virtualMACState.error != nil else { return [] }
        instances[index].virtualMACState.error = nil
        return ensureVirtualMACs([index])
    }

    /// The removal at stop or reload failed: the macvlan is left behind, and the next start
    /// reuses it.
    func virtualMACRemovalFailed(_ request: VirtualMACRequest, _ error: EffectError) -> [NodeEffect] {
        [.log(LogLine(.error, "[\(request.instanceName)] could not delete macvlan \(request.name) (use_vmac): \(error); it is left behind (a later start reuses it; `ip link del \(request.name)` removes it)"))]
    }
}
