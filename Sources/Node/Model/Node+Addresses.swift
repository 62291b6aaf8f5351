import VRRP

extension Node {
    /// How often netlink changes it refused are tried again.
    static let addressRetryInterval: Duration = .seconds(1)

    /// What the kernel has on a device now (read after a netlink address event). A Master
    /// whose address was deleted by someone else puts it back at once, with gratuitous ARP —
    /// keepalived keeps advertising without it, so no peer steps in and clients lose the VIP;
    /// an address that shows up where this node does not hold it is reported once.
    mutating func addressesObserved(on interfaceIndex: Int32, present: [HostAddress], now: Instant) -> [NodeEffect] {
        guard isRunning else { return [] }
        var effects: [NodeEffect] = []
        for index in instances.indices {
            // Addresses the kernel shows now are announced together: one round for all of
            // them, unless a burst is under way (its next round takes them along).
            let underWay = isAnnouncing(index)
            for slot in instances[index].addresses.indices where instances[index].addresses[slot].binding.device.index == interfaceIndex {
                let address = instances[index].addresses[slot].binding.address.address
                effects += observe(index, slot, forms: present.filter { $0.address == address }, now: now)
            }
            if !underWay && isAnnouncing(index) { effects += announcementRound(index, now: now) }
        }
        effects += orphansObserved(on: interfaceIndex, present: present)
        noteAddresses(now: now)
        return effects
    }

    // MARK: - Addresses of instances that no longer exist

    /// Whether an instance of the running configuration has `binding`'s address on its
    /// device: then that instance decides about it, not the orphan list.
    private func isConfigured(_ binding: VirtualAddressBinding) -> Bool {
        instances.contains { instance in
            instance.addresses.contains { $0.binding.address.address == binding.address.address && $0.binding.device.index == binding.device.index }
        }
    }

    /// A removal refused for an instance a reload dropped (or restarted): kept, logged on the
    /// first failure, counted, retried every `addressRetryInterval` until the kernel shows
    /// the address gone.
    private mutating func orphanRemovalFailed(_ change: AddressChange, _ error: EffectError, now: Instant) -> [NodeEffect] {
        guard !isConfigured(change.binding) else { return [] }
        var effects: [NodeEffect] = []
        if let known = orphanedAddresses.firstIndex(where: { $0.binding == change.binding }) {
            orphanedAddresses[known].failures += 1
            orphanedAddresses[known].lastError = error.message
        } else {
            orphanedAddresses.append(OrphanedAddress(change: change, failures: 1, lastError: error.message, since: now))
            effects.append(.log(LogLine(.error, "[\(change.instanceName)] (no longer configured) could not remove \(change.binding): \(error); retrying every \(Self.addressRetryInterval.formattedSeconds) s")))
        }
        if isRunning { effects.append(.armTimer(.orphanRetry, at: now + Self.addressRetryInterval)) }
        return effects
    }

    /// The orphan retry timer: each address is removed again (a refusal comes back through
    /// `addressChangeFailed` and re-arms the timer).
    mutating func retryOrphanedAddresses(now: Instant) -> [NodeEffect] {
        let configured = orphanedAddresses.filter { isConfigured($0.binding) }
        orphanedAddresses.removeAll { configured.contains($0) }
        return orphanedAddresses.map { .removeAddress($0.change) }
    }

    /// The kernel's addresses on a device: an orphan that is gone is done.
    private mutating func orphansObserved(on interfaceIndex: Int32, present: [HostAddress]) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        var remaining: [OrphanedAddress] = []
        for orphan in orphanedAddresses {
            if orphan.binding.device.index != interfaceIndex { remaining.append(orphan); continue }
            if isConfigured(orphan.binding) { continue }
            if present.contains(where: { $0.address == orphan.binding.address.address }) { remaining.append(orphan); continue }
            effects.append(.log(LogLine(.notice, "[\(orphan.change.instanceName)] (no longer configured) \(orphan.binding) is off \(orphan.binding.device) after \(Self.attempts(orphan.failures))")))
        }
        orphanedAddresses = remaining
        if orphanedAddresses.isEmpty && !effects.isEmpty { effects.append(.cancelTimer(.orphanRetry)) }
        return effects
    }

    /// One virtual address against the forms the kernel has of it.
    private mutating func observe(_ index: Int, _ slot: Int, forms: [HostAddress], now: Instant) -> [NodeEffect] {
        let instance = instances[index]
        let state = instance.addresses[slot]
        let binding = state.binding
        let isPresent = forms.contains { $0.isForm(of: binding.address) }
        let strays = forms.filter { !$0.isForm(of: binding.address) }
        if !strays.isEmpty && (instance.wantsAddresses || state.isReleasing) && state.strayRemovalAt != now {
            return replaceStrays(strays, of: index, slot, addOurs: instance.wantsAddresses && !isPresent, now: now)
        }
        return instance.wantsAddresses
            ? observeWanted(index, slot, isPresent: isPresent, now: now)
            : observeUnwanted(index, slot, isPresent: !forms.isEmpty)
    }

    /// A Master's address against the kernel. An add the kernel shows is held, and owed its
    /// announcements then (the rounds the takeover asked for; a full burst after a retry or a
    /// restore; `addressesObserved` sends the first round), so
    /// nothing is announced that netlink refused. A held address deleted by someone else is
    /// put back at once (keepalived keeps advertising without it, so no peer steps in and
    /// clients lose the VIP); an add still not shown at its own instant is a failed add,
    /// retried every second, never a loop.
    private mutating func observeWanted(_ index: Int, _ slot: Int, isPresent: Bool, now: Instant) -> [NodeEffect] {
        let instance = instances[index]
        let binding = instance.addresses[slot].binding
        let burst = instance.bound.router.gratuitousARP.burstCount
        switch (instance.addresses[slot].phase, isPresent) {
        case (.held, true), (.addRefused, false), (.absent, false), (.foreign, false), (.releasing, false), (.removeRefused, false):
            return []  // as wanted, or a retry is pending
        case (.adding(let adding), true):
            instances[index].addresses[slot].phase = .held(AddressHolding())
            oweAnnouncements(index, rounds: adding.announcementsOwed, where: { $0.binding == binding })
            return []
        case (.adding(let adding), false):
            guard adding.since != now else {
                return addressChangeFailed(change(instance, binding), adding: true,
                                           EffectError(code: 0, message: "added, but the kernel does not show it"), now: now)
            }
            return restore(index, slot, now: now)
        case (.held, false):
            guard instance.router.state == .master else {
                // Resigned and waiting for the new Master (make-before-break): it was going.
                instances[index].addresses[slot].phase = .absent
                return [.log(LogLine(.notice, "[\(instance.name)] \(binding) was deleted by someone else while handing over; not adding it back"))]
            }
            instances[index].counters.addressesRestored += 1
            // A leased address also goes when its lease runs out: adverts stopped for a lease
            // (the process was stopped, or its loop ran that late).
            let who = instance.bound.leaseSeconds(for: binding.device).map { "by someone else, or its \($0) s lease ran out (no advert renewed it)" }
                ?? "by someone else"
            return [.log(LogLine(.warning, "[\(instance.name)] \(binding) was deleted \(who) while MASTER; adding it back")),
                    record(.addressRestored(binding.description), of: index, causes: [.deletedBehindOurBack], now: now)]
                + restore(index, slot, now: now)
        case (.addRefused, true), (.absent, true), (.foreign, true), (.releasing, true), (.removeRefused, true):
            // A retried add went through, or someone else added it: held now, and announced.
            let refusals = instances[index].addresses[slot].refusals
            instances[index].addresses[slot].phase = .held(AddressHolding())
            var effects: [NodeEffect] = []
            if let refusals {
                effects.append(.log(LogLine(.notice, "[\(instance.name)] \(binding) is on \(binding.device) after \(Self.attempts(refusals.count))")))
            }
            oweAnnouncements(index, rounds: burst, where: { $0.binding == binding })
            return effects
        }
    }

    /// Adds a Master's address again, owing it a full burst once the kernel shows it.
    private mutating func restore(_ index: Int, _ slot: Int, now: Instant) -> [NodeEffect] {
        let instance = instances[index]
        instances[index].addresses[slot].phase = .adding(AddressAdding(since: now, announcementsOwed: instance.bound.router.gratuitousARP.burstCount))
        return [.addAddress(change(instance, instance.addresses[slot].binding))]
    }

    /// An address this instance does not want: present although nobody here added it is
    /// reported once; gone ends a release, and a refused removal that is done after all.
    private mutating func observeUnwanted(_ index: Int, _ slot: Int, isPresent: Bool) -> [NodeEffect] {
        let instance = instances[index]
        let binding = instance.addresses[slot].binding
        let phase = instance.addresses[slot].phase
        if isPresent {
            guard phase == .absent else { return [] }
            instances[index].addresses[slot].phase = .foreign
            return [.log(LogLine(.warning, "[\(instance.name)] \(binding) is present although this instance is \(instance.router.state) and does not hold it: another router or process added it"))]
        }
        instances[index].addresses[slot].phase = .absent
        guard let refusals = instance.addresses[slot].refusals else { return [] }
        return [.log(LogLine(.notice, "[\(instance.name)] \(binding) is off \(binding.device) after \(Self.attempts(refusals.count))"))]
    }

    static func attempts(_ count: Int) -> String {
        "\(count) failed attempt\(count == 1 ? "" : "s")"
    }

    /// The address is on its device in another form than the configured one (another prefix
    /// or label: a `/32` left by another tool where the file says `/24`). Removing ours would
    /// leave that form answering on a node that is not Master, and adding ours is refused or
    /// makes a second entry; so a Master replaces it with its own form and a node releasing
    /// the address removes it too. Tried once per instant (a refusal is logged, and the next
    /// address event tries again), never a loop.
    private mutating func replaceStrays(_ strays: [HostAddress], of index: Int, _ slot: Int, addOurs: Bool, now: Instant) -> [NodeEffect] {
        instances[index].addresses[slot].strayRemovalAt = now
        let instance = instances[index]
        let binding = instance.addresses[slot].binding
        var effects: [NodeEffect] = [.log(LogLine(.warning, "[\(instance.name)] \(binding.address.address) is on \(binding.device) as \(strays.map(\.description).joined(separator: ", ")), not as configured (\(HostAddress(binding.address))): removing that form"))]
        effects += strays.map { stray in
            var removal = change(instance, VirtualAddressBinding(address: stray.asVirtualAddress(like: binding.address), device: binding.device))
            removal.resetsConnections = false  // the address stays, in its configured form
            return .removeAddress(removal)
        }
        if addOurs { effects.append(.addAddress(change(instance, binding))) }
        return effects
    }

    /// Netlink refused to add or remove an address: it is not as wanted, which `status`
    /// shows (a refused add is not held; a refused removal is pending); logged once per
    /// streak, counted, and retried every second.
    mutating func addressChangeFailed(_ change: AddressChange, adding: Bool, _ error: EffectError, now: Instant) -> [NodeEffect] {
        guard let index = index(of: change.instance) else {
            return adding ? [] : orphanRemovalFailed(change, error, now: now)
        }
        guard let slot = instances[index].addresses.firstIndex(where: { $0.binding == change.binding }) else {
            // Another form of the address (`replaceStrays`): the next address event tries again.
            return rateLimitedError(change.instanceName, "stray \(change.binding)", "could not remove \(change.binding): \(error)", now: now)
        }
        let count = (instances[index].addresses[slot].refusals?.count ?? 0) + 1
        let refusals = AddressRefusals(count: count, lastError: error.message)
        instances[index].addresses[slot].phase = adding ? .addRefused(refusals) : .removeRefused(refusals)
        var effects: [NodeEffect] = []
        if count == 1 {
            effects.append(.log(LogLine(.error, "[\(change.instanceName)] could not \(adding ? "add" : "remove") \(change.binding): \(error); retrying every \(Self.addressRetryInterval.formattedSeconds) s")))
        }
        if isRunning {
            effects.append(.armTimer(.addressRetry(change.instance), at: now + Self.addressRetryInterval))
        }
        return effects
    }

    /// The retry timer: every address not as wanted gets its change again. It counts as done
    /// only when the kernel shows it (the runtime reads the addresses after every change); a
    /// re-added address is announced then.
    mutating func retryAddresses(of index: Int, now: Instant) -> [NodeEffect] {
        let instance = instances[index]
        return instance.addresses.compactMap { state in
            if instance.wantsAddresses && !state.isHeld { return .addAddress(change(instance, state.binding)) }
            if !instance.wantsAddresses && state.isRemovalRefused { return .removeAddress(change(instance, state.binding)) }
            return nil
        }
    }

    mutating func effectFailed(_ effect: NodeEffect, _ error: EffectError, now: Instant) -> [NodeEffect] {
        switch effect {
        case .addAddress(let change):
            return addressChangeFailed(change, adding: true, error, now: now)
        case .renewAddress(let change):
            // The address is still there on its old lease, and the next advert tries again; if
            // the lease runs out first, its deletion is seen and the address added back.
            guard let index = index(of: change.instance) else { return [] }
            if let slot = instances[index].addresses.firstIndex(where: { $0.binding == change.binding }) {
                instances[index].addresses[slot].renewFailures += 1
            }
            return rateLimitedError(change.instanceName, "renew \(change.binding)",
                                    "could not renew the \(change.leaseSeconds ?? 0) s lease of \(change.binding): \(error); the next advert tries again", now: now)
        case .removeAddress(let change):
            return addressChangeFailed(change, adding: false, error, now: now)
        case .removeLeftoverAddress(let change):
            return addressChangeFailed(change, adding: false, error, now: now)
        case .drainAddress(let change):
            // The address goes anyway; what the routers send before the withdrawal reaches
            // them finds no address, as without a drain.
            return rateLimitedError(change.instanceName, "drain \(change.binding)", "could not add the drain routes of \(change.binding): \(error); it is removed without a drain", now: now)
        case .endDrain(let change):
            // This node goes on accepting the address's traffic, which nobody routes here any
            // more: tried again every second while the daemon runs (the next start removes what
            // a stop left).
            guard let index = index(of: change.instance) else { return [] }
            let log = rateLimitedError(change.instanceName, "drain \(change.binding)", "could not delete the drain routes of \(change.binding): \(error); retrying every \(Self.drainInterval.formattedSeconds) s", now: now)
            guard isRunning, !isStopping else { return log }
            if !instances[index].draining.contains(change.binding) { instances[index].draining.append(change.binding) }
            return log + [.armTimer(.addressDrain(change.instance), at: now + Self.drainInterval)]
        case .send(let outbound):
            guard let index = index(of: outbound.instance) else { return [] }
            instances[index].counters.sendErrors += 1
            instances[index].counters.advertisementsSent -= 1
            return rateLimitedError(instances[index].name, "send", "sending an advert to \(outbound.destinations.map(\.description).joined(separator: ", ")) on \(outbound.interface) failed: \(error)", now: now)
        case .gratuitousARP(let request):
            guard let index = index(of: request.instance) else { return [] }
            instances[index].counters.gratuitousARPErrors += 1
            for slot in instances[index].addresses.indices where request.addresses.contains(instances[index].addresses[slot].binding) {
                instances[index].addresses[slot].announceFailures += 1
            }
            let addresses = request.addresses.map(\.description).joined(separator: ", ")
            return rateLimitedError(instances[index].name, "garp \(addresses)", "announcing \(addresses) failed: \(error)", now: now)
        case .runNotify(let job):
            if let index = instances.firstIndex(where: { $0.name == job.queue }) {
                instances[index].counters.notifyFailures += 1
            }
            return [.log(LogLine(.warning, "[\(job.queue)] \(job.label) `\(job.command)`: \(error)"))]
        case .runCheck(let run):
            return checkCompletedAfterFailure(run, error, now: now)
        case .persistMaintenance:
            return [.log(LogLine(.error, "could not save the maintenance state: \(error); it holds until this daemon stops"))]
        case .persistTakeovers:
            return [.log(LogLine(.error, "could not save which peers took over in drills: \(error); `status` shows them until this daemon stops"))]
        case .bindTransports:
            return transportsFailed(error, now: now)
        case .dropTraffic:
            return dropRulesFailed(error, now: now)
        case .addRouting(let change):
            return routingChangeFailed(change, adding: true, error, now: now)
        case .removeRouting(let change):
            return routingChangeFailed(change, adding: false, error, now: now)
        case .watchAnnouncements:
            return [.log(LogLine(.error, "drill: \(error); the new Master's gratuitous ARP / neighbour advertisement will not be seen"))]
        case .writeNotifyFIFO(let line, let path):
            return notifyFIFOFailed(line, path: path, error)
        case .followNotifyFIFOs:
            return [.log(LogLine(.error, "notify fifo: \(error)"))]
        case .ensureVirtualMAC(let request):
            return virtualMACFailed(request, error, now: now)
        case .removeVirtualMAC(let request):
            return virtualMACRemovalFailed(request, error)
        case .sendMail(let alert):
            return mailFailed(alert, error)
        case .armTimer, .cancelTimer, .log, .statusChanged, .reply:
            return []
        case .record:
            return []  // the journal logs and counts its own failures; the entry stays in memory
        }
    }

    private mutating func checkCompletedAfterFailure(_ run: CheckRun, _ error: EffectError, now: Instant) -> [NodeEffect] {
        handle(.checkCompleted(run.id, .failure("cannot start: \(error)"), duration: .zero), now: now)
    }

    private mutating func rateLimitedError(_ instance: String, _ what: String, _ message: String, now: Instant) -> [NodeEffect] {
        guard let line = rateLimited.record(key: "\(instance)/\(what)", message: "[\(instance)] \(message)", now: now) else { return [] }
        return [.log(LogLine(.error, line))]
    }
}
