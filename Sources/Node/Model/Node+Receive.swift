import VRRP

extension Node {
    /// RFC 3768 §7.1 for one packet from an interface's raw socket: parse, validate against
    /// the routers configured on that interface, hand it to the instance with its VRID. A
    /// dropped packet is counted (under keepalived's counter names) against the instance it
    /// names, or the interface when it names none, and logged at a limited rate; it changes
    /// nothing else (in particular it never restarts a Master's advert timer).
    mutating func receive(_ bytes: [UInt8], interfaceIndex: Int32, now: Instant) -> [NodeEffect] {
        guard isRunning, let validator = validators[interfaceIndex] else { return [] }
        let packet: IPv4Packet
        let received: ReceivedAdvertisement
        do {
            packet = try IPv4Packet.parse(bytes)
            guard packet.protocolNumber == IPv4Packet.vrrpProtocol else { return [] }
            received = try validator.validate(payload: packet.payload, ttl: packet.ttl, source: packet.source)
        } catch {
            return countDrop(error, bytes: bytes, interfaceIndex: interfaceIndex, now: now)
        }
        guard let index = instances.firstIndex(where: {
            $0.bound.interface.index == interfaceIndex && $0.virtualRouterID == received.advertisement.virtualRouterID
        }) else { return [] }
        // Our own adverts looped back (unicast to self, a misconfigured loop) are not a peer.
        if instances[index].bound.source == packet.source { return [] }
        instances[index].counters.advertisementsReceived += 1
        if received.advertisement.priority == 0 { instances[index].counters.priorityZeroReceived += 1 }
        if instances[index].router.state == .master && received.advertisement.priority != 0 {
            instances[index].counters.otherMasterAdverts += 1
        }
        var effects: [NodeEffect] = []
        let name = instances[index].name
        if received.addressListMismatch,
           let line = rateLimited.record(key: "\(name)/addr_list_owner",
                                         message: "[\(name)] address owner \(packet.source) advertises a different address list; accepted (RFC 3768 §7.1)",
                                         now: now) {
            effects.append(.log(LogLine(.warning, line)))
        }
        effects += feed(index, .advertisement(received), now: now)
        if instances[index].router.currentMaster == packet.source { instances[index].lastAdvertAt = now }
        return effects + noteAdvert(for: index, from: packet.source, priority: received.advertisement.priority, now: now)
    }

    private mutating func countDrop(_ reason: DropReason, bytes: [UInt8], interfaceIndex: Int32, now: Instant) -> [NodeEffect] {
        let packet = try? IPv4Packet.parse(bytes)
        let source = packet.map { " from \($0.source)" } ?? ""
        let vrid = packet.flatMap { $0.payload.count > 1 ? $0.payload[1] : nil }
        let owner = vrid.flatMap { vrid in
            instances.firstIndex { $0.bound.interface.index == interfaceIndex && $0.virtualRouterID == vrid }
        }
        let interfaceName = instances.first { $0.bound.interface.index == interfaceIndex }?.bound.interface.name ?? "ifindex \(interfaceIndex)"
        if let owner, reason != .unknownVirtualRouter(instances[owner].virtualRouterID) {
            instances[owner].counters.drops[reason.counterName, default: 0] += 1
        } else {
            interfaceDrops[interfaceName, default: [:]][reason.counterName, default: 0] += 1
        }
        if case .unknownVirtualRouter = reason { return [] }  // another router's traffic: silent
        let scope = owner.map { "[\(instances[$0].name)]" } ?? "[\(interfaceName)]"
        guard let line = rateLimited.record(key: "\(scope)/\(reason.counterName)",
                                            message: "\(scope) dropped packet\(source): \(reason) (\(reason.counterName))", now: now) else {
            return []
        }
        return [.log(LogLine(.warning, line))]
    }
}
