import Config
import VRRP

/// keepalived's `virtual_routes` / `virtual_rules` and `static_routes` / `static_rules`.
///
/// An instance installs its routes, then its rules, right after its addresses when it becomes
/// Master (a route with `src VIP` needs the address), and removes its rules, then its routes,
/// before its addresses when it leaves Master, stops or is stopped (keepalived's
/// vrrp_state_become_master / vrrp_state_leave_master). Static ones are installed at start,
/// after removing what a crashed run may have left, and removed at stop (keepalived's
/// vrrp_daemon.c does both). A change netlink refuses is logged once per streak, counted,
/// shown in `status` and retried every second.
extension Node {
    /// How often route and rule changes netlink refused are tried again.
    static let routingRetryInterval: Duration = .seconds(1)

    private func routingChange(_ owner: RoutingChange.Owner, _ state: RoutingState) -> RoutingChange {
        Self.routingChange(owner, state)
    }

    private static func routingChange(_ owner: RoutingChange.Owner, _ state: RoutingState) -> RoutingChange {
        RoutingChange(owner: owner, entry: state.entry)
    }

    private func routingOwner(_ index: Int) -> RoutingChange.Owner {
        .instance(instances[index].id, name: instances[index].name)
    }

    /// Becoming Master: every route, then every rule, added.
    mutating func installRouting(of index: Int) -> [NodeEffect] {
        let owner = routingOwner(index)
        return instances[index].routing.indices.map { slot in
            instances[index].routing[slot].phase = .installed
            return .addRouting(routingChange(owner, instances[index].routing[slot]))
        }
    }

    /// Leaving Master: what may be installed goes, rules first, then routes.
    /// A Master a reload restarts in place (`Node.reload`): the routes and rules the new
    /// configuration drops go; the rest stay installed for the restarted instance.
    mutating func removeRouting(of index: Int, except kept: [RoutingEntry]) -> [NodeEffect] {
        let owner = routingOwner(index)
        return instances[index].routing.reversed().compactMap { state in
            guard state.phase != .absent, !kept.contains(state.entry) else { return nil }
            return .removeRouting(routingChange(owner, state))
        }
    }

    mutating func removeRouting(of index: Int) -> [NodeEffect] {
        let owner = routingOwner(index)
        return instances[index].routing.indices.reversed().compactMap { slot in
            let state = instances[index].routing[slot]
            instances[index].routing[slot].phase = .absent
            instances[index].routing[slot].refusals = nil
            guard state.phase != .absent else { return nil }
            return .removeRouting(routingChange(owner, state))
        }
    }

    /// At start: what a crashed run of this instance may have left (keepalived issue 2361,
    /// as for addresses); absent is no error.
    mutating func removeLeftoverRouting(of index: Int) -> [NodeEffect] {
        let owner = routingOwner(index)
        return instances[index].routing.reversed().map { .removeRouting(RoutingChange(owner: owner, entry: $0.entry, isRepair: true)) }
    }

    /// At start: leftovers of a crashed run removed, then every static route and rule added.
    mutating func startStaticRouting() -> [NodeEffect] {
        let leftovers: [NodeEffect] = staticRouting.reversed().map { .removeRouting(RoutingChange(owner: .static, entry: $0.entry, isRepair: true)) }
        return leftovers + staticRouting.indices.map { slot in
            staticRouting[slot].phase = .installed
            return .addRouting(routingChange(.static, staticRouting[slot]))
        }
    }

    /// At stop: the static rules, then routes, removed (keepalived clears them on shutdown).
    mutating func stopStaticRouting() -> [NodeEffect] {
        staticRouting.indices.reversed().compactMap { slot in
            let state = staticRouting[slot]
            staticRouting[slot].phase = .absent
            staticRouting[slot].refusals = nil
            guard state.phase != .absent else { return nil }
            return .removeRouting(routingChange(.static, state))
        }
    }

    /// Netlink refused a change: the entry is not as wanted; logged on the first refusal of a
    /// streak, counted, retried every second.
    mutating func routingChangeFailed(_ change: RoutingChange, adding: Bool, _ error: EffectError, now: Instant) -> [NodeEffect] {
        let name: String
        switch change.owner {
        case .static:
            guard let slot = staticRouting.firstIndex(where: { $0.entry == change.entry }) else { return [] }
            name = "static"
            guard staticRouting[slot].phase == (adding ? RoutingState.Phase.installed : .absent) || staticRouting[slot].isRefused else { return [] }
            staticRouting[slot].phase = adding ? .addRefused : .removeRefused
            staticRouting[slot].refusals = Self.refused(staticRouting[slot].refusals, error)
            guard staticRouting[slot].refusals?.count == 1 else { return armRoutingRetry(now: now) }
        case .instance(let id, let instanceName):
            name = instanceName
            guard let index = index(of: id), let slot = instances[index].routing.firstIndex(where: { $0.entry == change.entry }) else {
                // An instance a reload removed: nobody wants the entry any more.
                return rateLimitedRouting(instanceName, "could not remove \(change.entry) of a removed instance: \(error)", now: now)
            }
            instances[index].counters.routingFailures += 1
            let wanted = instances[index].wantsAddresses
            // A leftover removal at start that failed while the instance is not Master is
            // retried too: the entry may still be there.
            guard adding == wanted || !adding else { return [] }
            instances[index].routing[slot].phase = adding ? .addRefused : .removeRefused
            instances[index].routing[slot].refusals = Self.refused(instances[index].routing[slot].refusals, error)
            guard instances[index].routing[slot].refusals?.count == 1 else { return armRoutingRetry(now: now) }
        }
        let line = LogLine(.error, "[\(name)] could not \(adding ? "add" : "remove") \(change.entry): \(error); retrying every \(Self.routingRetryInterval.formattedSeconds) s")
        return [.log(line)] + armRoutingRetry(now: now)
    }

    private static func refused(_ previous: AddressRefusals?, _ error: EffectError) -> AddressRefusals {
        AddressRefusals(count: (previous?.count ?? 0) + 1, lastError: error.message)
    }

    private func armRoutingRetry(now: Instant) -> [NodeEffect] {
        isRunning ? [.armTimer(.routingRetry, at: now + Self.routingRetryInterval)] : []
    }

    private mutating func rateLimitedRouting(_ name: String, _ message: String, now: Instant) -> [NodeEffect] {
        guard let line = rateLimited.record(key: "\(name)/routing", message: "[\(name)] \(message)", now: now) else { return [] }
        return [.log(LogLine(.error, line))]
    }

    /// The retry timer: each refused change is asked again (a refusal comes back in the same
    /// turn and re-arms the timer); an entry whose last retry went through is reported done.
    mutating func retryRouting(now: Instant) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        var retried = false
        func retry(_ state: inout RoutingState, owner: RoutingChange.Owner, name: String, wanted: Bool) {
            switch state.phase {
            case .addRefused where wanted, .removeRefused where !wanted:
                let adding = state.phase == .addRefused
                state.phase = adding ? .installed : .absent
                let change = Self.routingChange(owner, state)
                effects.append(adding ? .addRouting(change) : .removeRouting(change))
                retried = true
            case .addRefused, .removeRefused:
                state.phase = .absent  // no longer wanted that way: the next transition decides
                state.refusals = nil
            case .installed, .absent:
                if let refusals = state.refusals {
                    effects.append(.log(LogLine(.notice, "[\(name)] \(state.phase == .installed ? "added" : "removed") \(state.entry) after \(Self.attempts(refusals.count))")))
                    state.refusals = nil
                }
            }
        }
        for index in instances.indices {
            let owner = routingOwner(index), name = instances[index].name, wanted = instances[index].wantsAddresses
            for slot in instances[index].routing.indices {
                retry(&instances[index].routing[slot], owner: owner, name: name, wanted: wanted)
            }
        }
        for slot in staticRouting.indices {
            retry(&staticRouting[slot], owner: .static, name: "static", wanted: isRunning)
        }
        // One more turn after a retry: it reports the entries that went through.
        if retried { effects += armRoutingRetry(now: now) }
        return effects
    }

    /// Routes or rules changed in the kernel (anyone's, ours included): one check a moment
    /// later, however many changes come meanwhile.
    mutating func routingChanged(now: Instant) -> [NodeEffect] {
        guard isRunning, !isRoutingCheckArmed else { return [] }
        isRoutingCheckArmed = true
        return [.armTimer(.routingCheck, at: now + Self.routingCheckDelay)]
    }

    /// How long route changes are gathered before the installed entries are asserted again.
    static let routingCheckDelay: Duration = .milliseconds(100)

    /// Every entry this node has installed is added again: one deleted by someone else comes
    /// back (static ones as keepalived reinstates them; an instance's as its addresses are put
    /// back while Master), the others are present, which is no error and no change.
    mutating func checkRouting() -> [NodeEffect] {
        isRoutingCheckArmed = false
        var effects: [NodeEffect] = []
        for index in instances.indices where instances[index].wantsAddresses {
            let owner = routingOwner(index)
            for state in instances[index].routing where state.phase == .installed {
                effects.append(.addRouting(RoutingChange(owner: owner, entry: state.entry, isRepair: true)))
            }
        }
        for state in staticRouting where state.phase == .installed {
            effects.append(.addRouting(RoutingChange(owner: .static, entry: state.entry, isRepair: true)))
        }
        return effects
    }

    /// A reload: an instance that continues keeps the entries that did not change; as Master
    /// it removes those gone (rules first) and adds the new ones. The static set is diffed
    /// the same way (keepalived's clear_diff_static_routes / _rules).
    mutating func reloadRouting(continuing index: Int, from previous: [RoutingState]) -> [NodeEffect] {
        let wanted = instances[index].bound.routing
        let (states, effects) = diff(previous, to: wanted, owner: routingOwner(index), installs: instances[index].wantsAddresses)
        instances[index].routing = states
        return effects
    }

    mutating func reloadStaticRouting(to wanted: [RoutingEntry]) -> [NodeEffect] {
        let (states, effects) = diff(staticRouting, to: wanted, owner: .static, installs: isRunning)
        staticRouting = states
        return effects
    }

    private func diff(_ previous: [RoutingState], to wanted: [RoutingEntry], owner: RoutingChange.Owner,
                      installs: Bool) -> ([RoutingState], [NodeEffect]) {
        var removals: [NodeEffect] = []
        for state in previous.reversed() where !wanted.contains(state.entry) && state.phase != .absent {
            removals.append(.removeRouting(routingChange(owner, state)))
        }
        var additions: [NodeEffect] = []
        let states: [RoutingState] = wanted.map { entry in
            if let kept = previous.first(where: { $0.entry == entry }) { return kept }
            var fresh = RoutingState(entry: entry)
            if installs {
                fresh.phase = .installed
                additions.append(.addRouting(routingChange(owner, fresh)))
            }
            return fresh
        }
        return (states, removals + additions)
    }
}
