import ControlProtocol
import VRRP

extension Node {
    /// SIGHUP with a configuration that loaded and bound. The running instances that stop
    /// (changed or removed) resign first, while the old sockets and bindings are in place;
    /// continuing ones keep their state, timers, counters and id; the checks are reconfigured
    /// (`CheckTable.configure`); new instances remove leftovers (sparing any address a
    /// continuing instance holds) and start from their trackers' verdict.
    ///
    /// A planned move is make-before-break here too (`HandoverMode`):
    /// - a Master whose configuration changed but which stays the same router on the wire
    ///   (interface, VRID, family, version, macvlan) restarts *as Master*, as a process
    ///   restarted in place does (`NodeEvent.resume`): no priority-0 advert, the addresses and
    ///   routes both configurations have stay, the others go. If its new priority loses to a
    ///   peer, the election moves the VIP as for any priority change (§6.4.3);
    /// - a Master the file no longer has sends its priority-0 advert and stays, holding its
    ///   addresses, until the new Master announces itself or its window passes; it is dropped
    ///   then (`dropRetiredInstances`).
    mutating func reload(to next: BoundConfiguration, now: Instant) -> [NodeEffect] {
        let effects = applying(.reload("the configuration changed")) { node in node.applyReload(next, now: now) }
        guard case .applied(let summary, let at)? = lastReload, at == now else { return effects }
        // First: the changes the reload made follow it.
        return [record(.reload(applied: true, summary: summary), of: nil, causes: [], now: now)] + effects
    }

    private mutating func applyReload(_ next: BoundConfiguration, now: Instant) -> [NodeEffect] {
        // Removed Masters still waiting from an earlier reload are no part of this one.
        let lingering = instances.filter(\.isBeingRemoved)
        instances.removeAll(where: \.isBeingRemoved)
        let plan = ReloadPlan(running: instances.map(\.bound), next: next.instances)
        var effects: [NodeEffect] = []
        var restartedAsMaster: Set<String> = []
        var retiring: [InstanceState] = []
        for index in plan.stops {
            let name = instances[index].name
            let removed = plan.isRemoved(index)
            if !removed, let successor = next.instances.first(where: { $0.name == name }), restartsAsMaster(index, as: successor) {
                restartedAsMaster.insert(name)
                effects.append(.log(LogLine(.notice, "[\(name)] configuration changed: restarting as MASTER; it keeps the virtual addresses both configurations have (no move)")))
                effects += handOver(index, to: successor)
            } else {
                effects.append(.log(LogLine(.notice, "[\(name)] \(removed ? "removed from the configuration: stopping" : "configuration changed: restarting")")))
                instances[index].isBeingRemoved = removed
                // A removed Master hands over make-before-break; a restarted one that is a
                // different router on the wire releases at once (its successor may want them).
                if isRunning { effects += feed(index, .shutdown(handover: removed), now: now) }
                if removed && instances[index].router.pendingRelease != nil {
                    retiring.append(instances[index])
                    effects.append(.log(LogLine(.notice, "[\(name)] keeps the virtual addresses until the new Master announces itself (make-before-break)")))
                    continue  // its timers, retries and macvlan go when it is dropped
                }
            }
            effects.append(.cancelTimer(.addressRetry(instances[index].id)))
            effects.append(.cancelTimer(.virtualMACRetry(instances[index].id)))
            // use_vmac: a macvlan the new configuration keeps (same name and parent) stays for
            // the restarted instance; any other goes (keepalived deletes a removed instance's).
            if let request = virtualMACRequest(index), isRunning,
               !next.instances.contains(where: { $0.virtualMAC?.name == request.name && $0.interface.name == request.parent.name }) {
                effects.append(.removeVirtualMAC(request))
            }
        }
        let continuing = Set(plan.continues.compactMap { $0 }.map { instances[$0].name })
        effects += interruptOperation(keeping: continuing, now: now)
        let previous = instances
        var fresh: [InstanceState] = []
        for (position, bound) in next.instances.enumerated() {
            if let continued = plan.continues[position] {
                var kept = previous[continued]
                kept.bound = bound
                fresh.append(kept)
            } else {
                fresh.append(makeInstance(bound))
            }
        }
        instances = fresh + lingering + retiring
        let statesBefore = instances.map(\.router.state)
        for (position, continued) in plan.continues.enumerated() where continued != nil {
            effects += reloadRouting(continuing: position, from: instances[position].routing)
        }
        effects += reloadStaticRouting(to: next.staticRouting)
        if isRunning && next.notifyFIFOs != configuration.notifyFIFOs {
            effects.append(.followNotifyFIFOs(next.notifyFIFOs))
        }
        notifyFIFOCounters = notifyFIFOCounters.filter { path, _ in next.notifyFIFOs.contains { $0.path == path } }
        configuration = next
        groupStates = groupStates.filter { name, _ in next.syncGroups.contains { $0.name == name } }
        let groupStatesBefore = groupStates
        rebuildValidators()
        let removed = maintenance.keys.filter { name in !next.instances.contains { $0.name == name } }
        if !removed.isEmpty {
            for name in removed { maintenance[name] = nil }
            effects.append(.persistMaintenance(maintenanceRecords))
        }
        if isRunning {
            effects += checks.configure(next.checks, now: now)
        }
        let held = Set(instances.flatMap { instance in instance.addresses.filter(\.isHeld).map(\.binding) })
        for index in plan.started where isRunning && !restartedAsMaster.contains(instances[index].name) {
            effects += instances[index].addresses.filter { !held.contains($0.binding) && $0.binding.device.index != 0 }
                .flatMap { leftovers(of: instances[index], $0.binding) }
        }
        let configured = instances.indices.filter { !instances[$0].isBeingRemoved }
        for index in configured {
            _ = syncTrackers(index)
        }
        if isRunning {
            effects += ensureVirtualMACs(plan.started)
        }
        if isRunning && !isStartupDelayed {
            for index in plan.started where !deferStartForVirtualMAC(index) {
                effects += applyTrackers(of: index, now: now)
                guard restartedAsMaster.contains(instances[index].name) else {
                    effects += feed(index, .startup, now: now)
                    continue
                }
                effects += feed(index, .resumeAsMaster(.reload), now: now)
                // A FAULT keeps it from Master: what it kept goes after all.
                if instances[index].router.state != .master {
                    effects += instances[index].addresses.filter { $0.binding.device.index != 0 }
                        .flatMap { leftovers(of: instances[index], $0.binding) }
                }
            }
            for index in configured {
                effects += applyTrackers(of: index, now: now)
            }
            if next.fifoWritesStatesOnReload {
                effects += keptStateLines(started: Set(plan.started), statesBefore: statesBefore, groupStatesBefore: groupStatesBefore)
            }
        }
        effects.append(.log(LogLine(.notice, plan.summary)))
        effects.append(.statusChanged(summary))
        lastReload = .applied(summary: plan.summary, at: now)
        return effects
    }

    /// Whether the running instance at `index`, a Master, restarts as Master under `successor`:
    /// the same router on the wire, and nothing under way that a restart would cut short.
    private func restartsAsMaster(_ index: Int, as successor: BoundInstance) -> Bool {
        let running = instances[index]
        return isRunning && !isStartupDelayed && running.router.state == .master && running.router.pendingRelease == nil
            && running.bound.wire == successor.wire && running.bound.interface == successor.interface
            && running.bound.family == successor.family
            && running.virtualRouterID == successor.router.virtualRouterID && running.bound.router.version == successor.router.version
            && running.bound.virtualMAC?.name == successor.virtualMAC?.name && successor.virtualMAC.map(\.exists) ?? true
    }

    /// A Master restarting as Master: its router's timers end without a priority-0 advert, and
    /// the addresses and routes the new configuration no longer has go.
    private mutating func handOver(_ index: Int, to successor: BoundInstance) -> [NodeEffect] {
        let instance = instances[index]
        var effects: [NodeEffect] = TimerKind.allCases.map { .cancelTimer(.router(instance.id, $0)) }
        effects += removeRouting(of: index, except: successor.routing)
        let kept = Set(successor.virtualAddresses)
        return effects + instance.addresses.filter { address in
            switch address.phase {
            case .held, .adding, .addRefused: return !kept.contains(address.binding)
            case .absent, .foreign, .releasing, .removeRefused: return false
            }
        }.map { .removeAddress(change(instance, $0.binding)) }
    }

    /// Removed Masters whose make-before-break wait ended (`reload`): their timers, retries
    /// and macvlan go with them.
    mutating func dropRetiredInstances() -> [NodeEffect] {
        var effects: [NodeEffect] = []
        for index in instances.indices where instances[index].isBeingRemoved && instances[index].isDone {
            let id = instances[index].id
            effects += TimerKind.allCases.map { .cancelTimer(.router(id, $0)) }
            effects.append(.cancelTimer(.addressRetry(id)))
            effects.append(.cancelTimer(.virtualMACRetry(id)))
            if let request = virtualMACRequest(index), isRunning,
               !instances.contains(where: { !$0.isBeingRemoved && $0.bound.virtualMAC?.name == request.name }) {
                effects.append(.removeVirtualMAC(request))
            }
        }
        guard !effects.isEmpty else { return [] }
        instances.removeAll { $0.isBeingRemoved && $0.isDone }
        rebuildValidators()
        return effects + [.statusChanged(summary)]
    }

    /// The running instances a reload to `next` would not keep running as they are (changed
    /// or removed), and the ones it would add: what an in-place restart cannot carry over.
    public func instancesNotContinuing(under next: BoundConfiguration) -> [String] {
        let plan = ReloadPlan(running: instances.map(\.bound), next: next.instances)
        return Set(plan.stops.map { instances[$0].name } + plan.started.map { next.instances[$0].name }).sorted()
    }

    /// `fifo_write_vrrp_states_on_reload`: the state lines of the groups, then of the
    /// instances, whose state the reload kept (keepalived's `notify_group_fifo`, then
    /// `notify_instance_fifo`, from `vrrp_init_state`); a started instance, and one the
    /// reload moved, wrote its line as it entered its state.
    private mutating func keptStateLines(started: Set<Int>, statesBefore: [RouterState],
                                         groupStatesBefore: [String: RouterState]) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        for group in configuration.syncGroups {
            guard let state = groupStates[group.name], groupStatesBefore[group.name] == state,
                  let kind = NotifyFIFOLine.event(of: .entered(state)) else { continue }
            effects += notifyFIFOLines(NotifyFIFOLine(.group(group.name), kind, priority: 0))
        }
        for index in instances.indices where !started.contains(index) && !instances[index].isBeingRemoved
            && instances[index].router.state == statesBefore[index] {
            effects += notifyFIFOLines(instance: index, .entered(instances[index].router.state))
        }
        return effects
    }
}
