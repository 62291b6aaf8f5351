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
            for slot in instances[index].addresses.indices where instances[index].addresses[slot].binding.device.index == interfaceIndex {
                let address = instances[index].addresses[slot].binding.address.address
                effects += observe(index, slot, forms: present.filter { $0.address == address }, now: now)
            }
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
            effects.append(.log(LogLine(.notice, "[\(orphan.change.instanceName)] (no longer configured) \(orphan.binding) is off \(orphan.binding.device) after \(orphan.failures) failed attempt\(orphan.failures == 1 ? "" : "s")")))
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
        if !strays.isEmpty && (instance.wantsAddresses || state.releasing) && state.strayRemovalAt != now {
            return replaceStrays(strays, of: index, slot, addOurs: instance.wantsAddresses && !isPresent, now: now)
        }
        if !instance.wantsAddresses && state.releasing && forms.isEmpty {
            instances[index].addresses[slot].releasing = false
        }
        if instance.wantsAddresses {
            if state.held && !isPresent && state.restoredAt == now {
                return addressChangeFailed(change(instance, binding), adding: true,
                                           EffectError(code: 0, message: "added, but the kernel does not show it"), now: now)
            }
            if state.held && !isPresent {
                instances[index].addresses[slot].restoredAt = now
                instances[index].counters.addressesRestored += 1
                return [.log(LogLine(.warning, "[\(instance.name)] \(binding) was deleted by someone else while MASTER; adding it back")),
                        .addAddress(change(instance, binding)),
                        .gratuitousARP(GratuitousARPRequest(instance: instance.id, addresses: [binding],
                                                            count: instance.bound.router.gratuitousARP.burstCount))]
            }
            guard isPresent, !state.held || state.failures > 0 else { return [] }  // as wanted, or a retry is pending
            // A retried add went through (or someone else added it): it is held now.
            instances[index].addresses[slot].held = true
            instances[index].addresses[slot].failures = 0
            instances[index].addresses[slot].lastError = nil
            guard state.failures > 0 else { return [] }
            return [.log(LogLine(.notice, "[\(instance.name)] \(binding) is on \(binding.device) after \(state.failures) failed attempt\(state.failures == 1 ? "" : "s")"))]
        }
        if !forms.isEmpty {
            guard !state.pendingRemoval, !state.foreign, !state.releasing else { return [] }
            instances[index].addresses[slot].foreign = true
            return [.log(LogLine(.warning, "[\(instance.name)] \(binding) is present although this instance is \(instance.router.state) and does not hold it: another router or process added it"))]
        }
        instances[index].addresses[slot].foreign = false
        guard state.pendingRemoval || state.failures > 0 else { return [] }
        // A removal that failed is done after all.
        instances[index].addresses[slot].pendingRemoval = false
        instances[index].addresses[slot].failures = 0
        instances[index].addresses[slot].lastError = nil
        return [.log(LogLine(.notice, "[\(instance.name)] \(binding) is off \(binding.device) after \(state.failures) failed attempt\(state.failures == 1 ? "" : "s")"))]
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
            .removeAddress(change(instance, VirtualAddressBinding(address: stray.asVirtualAddress(like: binding.address), device: binding.device)))
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
        if adding {
            instances[index].addresses[slot].held = false
        } else {
            instances[index].addresses[slot].pendingRemoval = true
        }
        instances[index].addresses[slot].failures += 1
        instances[index].addresses[slot].lastError = error.message
        var effects: [NodeEffect] = []
        if instances[index].addresses[slot].failures == 1 {
            effects.append(.log(LogLine(.error, "[\(change.instanceName)] could not \(adding ? "add" : "remove") \(change.binding): \(error); retrying every \(Self.addressRetryInterval.formattedSeconds) s")))
        }
        if isRunning {
            effects.append(.armTimer(.addressRetry(change.instance), at: now + Self.addressRetryInterval))
        }
        return effects
    }

    /// The retry timer: every address not as wanted gets its change again. It counts as done
    /// only when the kernel shows it (the runtime reads the addresses after every change).
    mutating func retryAddresses(of index: Int, now: Instant) -> [NodeEffect] {
        let instance = instances[index]
        var effects: [NodeEffect] = []
        var readded: [VirtualAddressBinding] = []
        for state in instance.addresses {
            if instance.wantsAddresses && !state.held {
                effects.append(.addAddress(change(instance, state.binding)))
                readded.append(state.binding)
            } else if !instance.wantsAddresses && state.pendingRemoval {
                effects.append(.removeAddress(change(instance, state.binding)))
            }
        }
        if !readded.isEmpty {
            effects.append(.gratuitousARP(GratuitousARPRequest(instance: instance.id, addresses: readded,
                                                               count: instance.bound.router.gratuitousARP.burstCount)))
        }
        return effects
    }

    mutating func effectFailed(_ effect: NodeEffect, _ error: EffectError, now: Instant) -> [NodeEffect] {
        switch effect {
        case .addAddress(let change):
            return addressChangeFailed(change, adding: true, error, now: now)
        case .removeAddress(let change):
            return addressChangeFailed(change, adding: false, error, now: now)
        case .removeLeftoverAddress(let change):
            return addressChangeFailed(change, adding: false, error, now: now)
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
        case .bindTransports:
            return transportsFailed(error, now: now)
        case .watchAnnouncements:
            return [.log(LogLine(.error, "drill: \(error); the new Master's gratuitous ARP / neighbour advertisement will not be seen"))]
        case .armTimer, .cancelTimer, .log, .statusChanged, .reply:
            return []
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
