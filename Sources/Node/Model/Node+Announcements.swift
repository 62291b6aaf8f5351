import VRRP

extension Node {
    /// Queues `rounds` rounds of gratuitous ARP / unsolicited neighbour advertisements
    /// (RFC 3768 §8.2, RFC 5798 §8.1.2 / §8.2.2) for the held addresses `include` picks, and
    /// sends the first round at once unless a burst is already under way (its timer sends
    /// the next round, with these addresses in it).
    ///
    /// A burst is paced by the instance's announcement timer (`announcementRound`): a burst
    /// of 1,000 repeats for 255 addresses never holds up an advert. Bursts that overlap merge
    /// (each address keeps the most rounds still due); an address the instance stops holding
    /// drops its rounds; each round is built from the binding as it is then, so a MAC that
    /// changes mid-burst is what the rest carries.
    mutating func announce(_ index: Int, rounds: Int, where include: (AddressState) -> Bool = { _ in true },
                           now: Instant) -> [NodeEffect] {
        let underWay = isAnnouncing(index)
        oweAnnouncements(index, rounds: rounds, where: include)
        return underWay ? [] : announcementRound(index, now: now)
    }

    /// Whether a burst of the instance has rounds left (its timer is armed).
    func isAnnouncing(_ index: Int) -> Bool {
        instances[index].addresses.contains { $0.announcementsDue > 0 }
    }

    /// Adds `rounds` to what the addresses `include` picks are due (held) or owed once the
    /// kernel shows them (being added); an address not held gets none, and neither does one
    /// on a device with no segment (`Device.hasSegment`: nobody there to tell; the node's
    /// routing daemon announces it).
    mutating func oweAnnouncements(_ index: Int, rounds: Int, where include: (AddressState) -> Bool) {
        for slot in instances[index].addresses.indices where include(instances[index].addresses[slot])
            && instances[index].addresses[slot].binding.device.hasSegment {
            switch instances[index].addresses[slot].phase {
            case .held(var holding):
                holding.announcementsDue = max(holding.announcementsDue, rounds)
                instances[index].addresses[slot].phase = .held(holding)
            case .adding(var adding):
                adding.announcementsOwed = max(adding.announcementsOwed, rounds)
                instances[index].addresses[slot].phase = .adding(adding)
            case .absent, .foreign, .addRefused, .releasing, .removeRefused:
                break
            }
        }
    }

    /// One turn of the announcement timer. With no interval, a round: a frame for every held
    /// address with rounds still due. With `vrrp_garp_interval` / `vrrp_gna_interval` (the
    /// delay between messages on an interface), one frame a turn, the address with the most
    /// rounds due first — keepalived's order, every address once before any twice. The timer
    /// is armed again while any round is left.
    mutating func announcementRound(_ index: Int, now: Instant) -> [NodeEffect] {
        // Only a Master announces: a router that resigned keeps its addresses (make-before-break)
        // but must not pull the clients back from the new Master; what was due is dropped.
        guard instances[index].router.state == .master else {
            for slot in instances[index].addresses.indices where instances[index].addresses[slot].isHeld {
                instances[index].addresses[slot].phase = .held(AddressHolding())
            }
            return []
        }
        let interval = instances[index].bound.router.gratuitousARP.interval
        var slots = instances[index].addresses.indices.filter { instances[index].addresses[$0].announcementsDue > 0 }
        if interval > .zero, let first = slots.max(by: { instances[index].addresses[$0].announcementsDue < instances[index].addresses[$1].announcementsDue }) {
            slots = [first]
        }
        guard !slots.isEmpty else { return [] }
        for slot in slots {
            guard case .held(var holding) = instances[index].addresses[slot].phase else { continue }
            holding.announcementsDue -= 1
            instances[index].addresses[slot].phase = .held(holding)
        }
        let instance = instances[index]
        var effects: [NodeEffect] = [.gratuitousARP(GratuitousARPRequest(instance: instance.id, addresses: slots.map { instance.addresses[$0].binding }))]
        if instance.addresses.contains(where: { $0.announcementsDue > 0 }) {
            effects.append(.armTimer(.announcement(instance.id), at: now + interval))
        }
        return effects
    }
}
