import VRRP

extension Node {
    /// SIGHUP with a configuration that loaded and bound. The running instances that stop
    /// (changed or removed) resign first, while the old sockets and bindings are in place;
    /// continuing ones keep their state, timers, counters and id; the checks are reconfigured
    /// (`CheckTable.configure`); new instances remove leftovers (sparing any address a
    /// continuing instance holds) and start from their trackers' verdict.
    mutating func reload(to next: BoundConfiguration, now: Instant) -> [NodeEffect] {
        let plan = ReloadPlan(running: instances.map(\.bound), next: next.instances)
        var effects: [NodeEffect] = []
        for index in plan.stops {
            effects.append(.log(LogLine(.notice, "[\(instances[index].name)] \(plan.isRemoved(index) ? "removed from the configuration: stopping" : "configuration changed: restarting")")))
            instances[index].isBeingRemoved = plan.isRemoved(index)
            if isRunning { effects += feed(index, .shutdown(handover: false), now: now) }
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
        instances = fresh
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
        for index in plan.started where isRunning {
            effects += instances[index].addresses.filter { !held.contains($0.binding) && $0.binding.device.index != 0 }
                .map { .removeLeftoverAddress(change(instances[index], $0.binding)) }
        }
        for index in instances.indices {
            _ = syncTrackers(index)
        }
        if isRunning {
            effects += ensureVirtualMACs(plan.started)
        }
        if isRunning && !isStartupDelayed {
            for index in plan.started where !deferStartForVirtualMAC(index) {
                effects += applyTrackers(of: index, now: now)
                effects += feed(index, .startup, now: now)
            }
            for index in instances.indices {
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
        for index in instances.indices where !started.contains(index) && instances[index].router.state == statesBefore[index] {
            effects += notifyFIFOLines(instance: index, .entered(instances[index].router.state))
        }
        return effects
    }
}
