import VRRP

extension Node {
    /// §7.1 for one packet from an interface's raw IPv4 socket (header included): parse the
    /// header, then as any datagram. A header that does not parse is a counted drop.
    mutating func receive(_ bytes: [UInt8], interfaceIndex: Int32, now: Instant) -> [NodeEffect] {
        guard isRunning else { return [] }
        let packet: IPv4Packet
        do {
            packet = try IPv4Packet.parse(bytes)
        } catch {
            return countDrop(error, source: nil, vrid: nil, key: TransportKey(interfaceIndex: interfaceIndex, family: .ipv4), now: now)
        }
        guard packet.protocolNumber == IPv4Packet.vrrpProtocol else { return [] }
        return receive(packet.datagram, interfaceIndex: interfaceIndex, now: now)
    }

    /// RFC 3768 §7.1 / RFC 5798 §7.1 for one packet: validate against the routers of its
    /// family configured on that interface, hand it to the instance with its VRID. A
    /// dropped packet is counted (under keepalived's counter names) against the instance it
    /// names, or the interface when it names none, and logged at a limited rate; it changes
    /// nothing else (in particular it never restarts a Master's advert timer).
    mutating func receive(_ datagram: VRRPDatagram, interfaceIndex: Int32, now: Instant) -> [NodeEffect] {
        let key = TransportKey(interfaceIndex: interfaceIndex, family: datagram.family)
        guard isRunning, let validator = validators[key] else { return [] }
        let received: ReceivedAdvertisement
        do {
            received = try validator.validate(datagram) { vrid in
                // An index, not `first`: that would copy the whole instance state per advert.
                instances.firstIndex { $0.bound.transportKey == key && $0.virtualRouterID == vrid }.flatMap { instances[$0].router.currentMaster }
            }
        } catch {
            return countDrop(error, source: datagram.source, vrid: datagram.payload.count > 1 ? datagram.payload[1] : nil, key: key, now: now)
        }
        let packet = datagram
        guard let index = instances.firstIndex(where: {
            $0.bound.transportKey == key && $0.virtualRouterID == received.advertisement.virtualRouterID
        }) else { return [] }
        // Our own adverts looped back (unicast to self, a misconfigured loop) are not a peer.
        if instances[index].bound.source == packet.source { return [] }
        instances[index].counters.advertisementsReceived += 1
        let advert = received.advertisement
        PeerHeard.note(packet.source, priority: advert.priority, interval: advert.interval, at: now, in: &instances[index].peers)
        if received.advertisement.priority == 0 { instances[index].counters.priorityZeroReceived += 1 }
        if instances[index].router.state == .master && received.advertisement.priority != 0 {
            instances[index].counters.otherMasterAdverts += 1
        }
        var effects: [NodeEffect] = []
        let name = instances[index].name
        if received.addressListMismatch,
           let line = rateLimited.record(key: "\(name)/addr_list_owner",
                                         message: "[\(name)] address owner \(packet.source) advertises a different address list; accepted (§7.1)",
                                         now: now) {
            effects.append(.log(LogLine(.warning, line)))
        }
        effects += feed(index, .advertisement(received), now: now)
        if instances[index].router.currentMaster == packet.source { instances[index].lastAdvertAt = now }
        return effects + noteAdvert(for: index, from: packet.source, priority: received.advertisement.priority, now: now)
    }

    private mutating func countDrop(_ reason: DropReason, source address: IPAddress?, vrid: UInt8?, key: TransportKey,
                                    now: Instant) -> [NodeEffect] {
        let source = address.map { " from \($0)" } ?? ""
        let owner = vrid.flatMap { vrid in
            instances.firstIndex { $0.bound.transportKey == key && $0.virtualRouterID == vrid }
        }
        let interfaceName = instances.first { $0.bound.wire.index == key.interfaceIndex }?.bound.wire.name ?? "ifindex \(key.interfaceIndex)"
        if let owner, reason != .unknownVirtualRouter(instances[owner].virtualRouterID) {
            instances[owner].counters.drops[reason.counter, default: 0] += 1
        } else {
            interfaceDrops[interfaceName, default: [:]][reason.counter, default: 0] += 1
        }
        if case .unknownVirtualRouter = reason { return [] }  // another router's traffic: silent
        let scope = owner.map { "[\(instances[$0].name)]" } ?? "[\(interfaceName)]"
        guard let line = rateLimited.record(key: "\(scope)/\(reason.counter)",
                                            message: "\(scope) dropped packet\(source): \(reason) (\(reason.counter))", now: now) else {
            return []
        }
        return [.log(LogLine(.warning, line))]
    }
}
