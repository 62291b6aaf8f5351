import ControlProtocol
import VRRP

extension Node {
    /// Hands one event to an instance's router and turns its actions into effects, in the
    /// core's documented order.
    mutating func feed(_ index: Int, _ event: RouterEvent, now: Instant) -> [NodeEffect] {
        let (priority, state) = (instances[index].router.priority, instances[index].router.state)
        var actions = instances[index].router.handle(event, now: now)
        // How a make-before-break release ended is noted before the addresses go, so their
        // removal says why (the router reports it after).
        if let ended = actions.firstIndex(where: { if case .handoverEnded = $0 { true } else { false } }),
           let removal = actions.firstIndex(of: .removeVirtualAddresses), removal < ended {
            actions.insert(actions.remove(at: ended), at: removal)
        }
        // keepalived writes a priority change before anything it leads to.
        var effects = priorityChangeLines(of: index, from: priority, in: state) + priorityMoved(index, from: priority, now: now)
        for action in actions {
            effects += carryOut(action, of: index, now: now)
        }
        if case .resumeAsMaster = event {
            // A resumed Master's addresses were kept, not added: the add asks the kernel for
            // what it has, and the history says nothing moved.
            effects.removeAll { if case .record(let entry) = $0, case .addressesAdded = entry.change { true } else { false } }
        }
        return effects
    }

    /// The router's current advert, out of turn (`NodeEvent.handOff`).
    mutating func advertiseOnce(_ index: Int, now: Instant) -> [NodeEffect] {
        carryOut(.sendAdvertisement(instances[index].router.currentAdvertisement()), of: index, now: now)
    }

    private mutating func carryOut(_ action: RouterAction, of index: Int, now: Instant) -> [NodeEffect] {
        // Only the cases that need much of the instance copy it: a Backup's advert only
        // re-arms a timer, and copying the whole instance state per advert was measurable.
        switch action {
        case .sendAdvertisement(let advert):
            let instance = instances[index]
            instances[index].counters.advertisementsSent += instance.bound.destinations.count
            if advert.priority == 0 { instances[index].counters.priorityZeroSent += 1 }
            // One message per destination: the v3 checksum covers the destination (§5.2.8).
            let source = instance.bound.source
            let sends: [NodeEffect] = instance.bound.destinations.map {
                .send(Outbound(instance: instance.id, interface: instance.bound.wire, source: source,
                               destinations: [$0], payload: advert.encoded(from: source, to: $0),
                               ttl: instance.bound.definition.usesUnicast ? instance.bound.definition.unicastTTL : nil))
            }
            // A Master's adverts renew the leases of the addresses it holds: they expire one
            // lease after its last advert, whatever ended it (`BoundInstance.leaseSeconds`).
            guard advert.priority > 0, instance.router.state == .master, instance.bound.leasesAddresses else { return sends }
            return sends + instance.addresses.compactMap { state in
                let renewal = change(instance, state.binding)
                return state.isHeld && renewal.leaseSeconds != nil ? .renewAddress(renewal) : nil
            }
        case .addVirtualAddresses:
            let instance = instances[index]
            let adding = instance.addresses.map(\.binding.description)
            for slot in instances[index].addresses.indices {
                instances[index].addresses[slot].phase = .adding(AddressAdding(since: now))
            }
            // keepalived's vrrp_state_become_master: addresses, then routes, then rules (a
            // route with `src VIP` needs the address).
            return (adding.isEmpty ? [] : [record(.addressesAdded(adding), of: index, causes: [.role(instance.router.state.rawValue)], now: now)])
                + instance.addresses.map { .addAddress(change(instance, $0.binding)) } + installRouting(of: index)
        case .removeVirtualAddresses:
            let instance = instances[index]
            for slot in instances[index].addresses.indices {
                instances[index].addresses[slot].phase = .releasing
            }
            // keepalived's vrrp_state_leave_master: rules, then routes, then addresses.
            let why: HistoryCause
            if let handover = instance.lastHandover, handover.at == now {
                why = .handover(Self.sentence(of: handover.end))
            } else {
                why = .role(instance.router.state.rawValue)
            }
            var removals: [NodeEffect] = []
            for state in instance.addresses {
                removals += release(index, state.binding, wasPresent: !(state.phase == .absent || state.isReleasing))
            }
            if !instances[index].draining.isEmpty {
                removals.append(.armTimer(.addressDrain(instance.id), at: now + Self.drainInterval))
            }
            return removeRouting(of: index) + removals
                + [record(.addressesRemoved(instance.addresses.map(\.binding.description)), of: index, causes: [why], now: now)]
        case .sendGratuitousARP(let count):
            return announce(index, rounds: count, now: now)
        case .setTimer(let token, let deadline):
            return [.armTimer(.router(instances[index].id, token), at: deadline)]
        case .cancelTimer(let kind):
            return [.cancelTimer(.router(instances[index].id, kind))]
        case .stateChanged(let from, let to, let reason):
            return transitioned(index, from: from, to: to, reason: reason, now: now)
        case .heardLowerPriority:
            let instance = instances[index]
            // keepalived's `send_event_notify`: the script (no arguments), then the FIFO line.
            var effects: [NodeEffect] = []
            if let script = instance.bound.notify.masterReceivedLowerPriority {
                effects.append(.runNotify(NotifyJob(queue: instance.name, label: "notify_master_rx_lower_pri", command: script.command,
                                                    arguments: [], credentials: script.credentials)))
            }
            return effects + notifyFIFOLines(NotifyFIFOLine(.instance(instance.name), .masterReceivedLowerPriority, priority: instance.router.priority))
        case .handoverEnded(let end):
            return handoverEnded(index, end, now: now)
        }
    }

    /// A make-before-break release ended: counted, kept for `status` and `/metrics`, logged.
    private mutating func handoverEnded(_ index: Int, _ end: HandoverEnd, now: Instant) -> [NodeEffect] {
        instances[index].lastHandover = (end, now)
        let name = instances[index].name
        switch end {
        case .tookOver(let master, let after):
            instances[index].counters.handoversTakenOver += 1
            return [.log(LogLine(.notice, "[\(name)] \(master.map { "\($0)" } ?? "a new Master") announced itself \(after.formattedMilliseconds) after the priority-0 advert: releasing the virtual addresses (make-before-break)"))]
        case .timedOut(let after):
            instances[index].counters.handoversTimedOut += 1
            return [.log(LogLine(.warning, "[\(name)] no other Master announced itself within \(after.formattedMilliseconds) of the priority-0 advert: releasing the virtual addresses anyway"))]
        case .abandoned(let after):
            instances[index].counters.handoversAbandoned += 1
            return [.log(LogLine(.notice, "[\(name)] releasing the virtual addresses now, \(after.formattedMilliseconds) after the priority-0 advert, without waiting for the new Master"))]
        }
    }

    private mutating func transitioned(_ index: Int, from: RouterState, to: RouterState, reason: TransitionReason,
                                       now: Instant) -> [NodeEffect] {
        let causes = causes(of: reason, index: index, now: now)
        instances[index].lastTransition = .init(from: from, to: to, reason: reason, at: now, causes: causes)
        instances[index].counters.transitions += 1
        if to == .master { instances[index].counters.becameMaster += 1 }
        if from == .master { instances[index].counters.releasedMaster += 1 }
        let instance = instances[index]
        let stopping = reason == .shutdown
        var effects: [NodeEffect] = [
            .log(LogLine(.notice, "[\(instance.name)] \(from) -> \(to) (\(reason)) priority \(instance.router.priority)")),
            .statusChanged(summary),
            record(.state(from: from.rawValue, to: to.rawValue, priority: Int(instance.router.priority)), of: index, causes: causes, now: now),
        ]
        if let event = notifyEvent(of: instance, from: from, to: to, stopping: stopping) {
            // keepalived's send_instance_notifies: notify_STATE, then notify, then the FIFO line.
            effects += NotifyJob.jobs(for: instance.bound.notify, scope: "INSTANCE", name: instance.name, queue: instance.name, event: event,
                                      priority: instance.router.priority).map(NodeEffect.runNotify)
            effects += notifyFIFOLines(instance: index, event)
            effects += mailAlert(event, of: .instance(instance.name), enabled: instance.bound.smtpAlert)
        }
        effects += notifyGroup(of: index, stopping: stopping)
        effects += followInGroup(index, from: from, to: to, reason: reason, now: now)
        effects += noteTransition(of: index, to: to, now: now)
        if to == .master, maintenance[instance.name] != nil {
            effects.append(.log(LogLine(.warning, "[\(instance.name)] in maintenance, but no other node is Master: holding the VIP (availability first)")))
        }
        return effects
    }

    /// keepalived `vrrp_sync_master` / `vrrp_sync_backup`: when a member becomes Master, its
    /// Backup peers in the group take over too; when it leaves Master for Backup, the group's
    /// Masters yield too, so the group's addresses always change hands as one.
    private mutating func followInGroup(_ index: Int, from: RouterState, to: RouterState, reason: TransitionReason,
                                        now: Instant) -> [NodeEffect] {
        switch reason {
        case .syncGroup, .operatorRequest:
            return []  // already following, or a drill / maintenance moving every member itself
        case .startup, .addressOwner, .masterDown, .higherPriority, .lowerPriorityMaster, .shutdown, .fault, .faultCleared, .resumed:
            break
        }
        guard let group = configuration.syncGroup(of: instances[index].name) else { return [] }
        let name = instances[index].name
        var effects: [NodeEffect] = []
        for member in instances.indices where member != index && group.members.contains(instances[member].name) {
            if to == .master && instances[member].router.state == .backup {
                effects += feed(member, .syncGroupMaster(group: group.name, member: name), now: now)
            } else if from == .master && to == .backup && instances[member].router.state == .master {
                effects += feed(member, .syncGroupBackup(group: group.name, member: name), now: now)
            }
        }
        return effects
    }

    /// What an instance's notify scripts report for a transition. An instance a reload
    /// removes reports as keepalived's: DELETED with `notify_deleted`, else FAULT (nothing
    /// when it already was in FAULT), not STOP.
    private func notifyEvent(of instance: InstanceState, from: RouterState, to: RouterState, stopping: Bool) -> NotifyJob.Event? {
        guard stopping else { return .entered(to) }
        guard instance.isBeingRemoved else { return .stopped }
        if instance.bound.notify.reportsDeletion { return .deleted }
        return from == .fault ? nil : .entered(.fault)
    }

    /// keepalived runs a sync group's notify scripts (`GROUP NAME STATE 0`: a group's priority
    /// is always 0) and writes its FIFO line when every member has reached the same state.
    private mutating func notifyGroup(of index: Int, stopping: Bool) -> [NodeEffect] {
        guard let group = configuration.syncGroup(of: instances[index].name) else { return [] }
        let members = instances.filter { group.members.contains($0.name) }
        guard let state = members.first?.router.state, members.allSatisfy({ $0.router.state == state }),
              groupStates[group.name] != state else { return [] }
        groupStates[group.name] = state
        let event: NotifyJob.Event = stopping ? .stopped : .entered(state)
        var effects = NotifyJob.jobs(for: group.notify, scope: "GROUP", name: group.name, queue: "group \(group.name)",
                                     event: event, priority: 0).map(NodeEffect.runNotify)
        if let kind = NotifyFIFOLine.event(of: event) {
            effects += notifyFIFOLines(NotifyFIFOLine(.group(group.name), kind, priority: 0))
        }
        effects += mailAlert(event, of: .group(group.name), enabled: group.smtpAlert)
        return effects
    }

    /// Brings routers to their trackers' verdict: effective priority, and FAULT. The members
    /// of a `vrrp_sync_group` move together: one member in FAULT puts every member in FAULT,
    /// and each member's tracker weights apply to every member's priority (the group's own
    /// trackers once), so with the same configuration on every node the group's addresses
    /// change hands as one.
    mutating func applyTrackers(of index: Int, now: Instant) -> [NodeEffect] {
        let group = configuration.syncGroup(of: instances[index].name)
        let members = group.map { group in instances.indices.filter { group.members.contains(instances[$0].name) } } ?? [index]
        let groupFault = members.first { ownFault(of: $0) != nil }.flatMap { culprit in ownFault(of: culprit).map { (culprit, $0) } }
        // Each member's own weights, and the group's own trackers once (every member has them).
        let shared = members.first.map { instances[$0].trackers.adjustment - instances[$0].trackers.ownAdjustment } ?? 0
        let groupAdjustment = members.map { instances[$0].trackers.ownAdjustment }.reduce(shared, +)
        var effects: [NodeEffect] = []
        for member in members {
            var fault = ownFault(of: member) ?? groupFault.map { culprit, cause in
                FaultCause.syncGroup(group: group?.name ?? "", member: instances[culprit].name, cause: cause)
            }
            let others = groupAdjustment - instances[member].trackers.adjustment
            var priority = instances[member].trackers.effectivePriority(adding: others)
            switch hold(of: instances[member].name) {
            case .low?: priority = min(priority, 1)
            case .out(let reason)?: fault = fault ?? .maintenance(reason)
            case nil: break
            }
            for event in instances[member].router.events(towardPriority: priority, fault: fault) {
                effects += feed(member, event, now: now)
            }
        }
        return effects
    }

    /// An instance's own FAULT: the host's (its interface gone, no advert source, its
    /// `use_vmac` macvlan gone while running) before its weight-0 trackers'.
    private func ownFault(of index: Int) -> FaultCause? {
        instances[index].hostFault ?? virtualMACFault(of: index) ?? instances[index].trackers.fault
    }
}
