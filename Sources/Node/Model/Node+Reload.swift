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
            if isRunning { effects += feed(index, .shutdown, now: now) }
            effects.append(.cancelTimer(.addressRetry(instances[index].id)))
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
            effects += instances[index].addresses.filter { !held.contains($0.binding) }
                .map { .removeLeftoverAddress(change(instances[index], $0.binding)) }
        }
        for index in instances.indices {
            _ = syncTrackers(index)
        }
        if isRunning && !isStartupDelayed {
            for index in plan.started {
                effects += applyTrackers(of: index, now: now)
                effects += feed(index, .startup, now: now)
            }
            for index in instances.indices {
                effects += applyTrackers(of: index, now: now)
            }
        }
        effects.append(.log(LogLine(.notice, plan.summary)))
        effects.append(.statusChanged(summary))
        lastReload = .applied(summary: plan.summary, at: now)
        return effects
    }
}
