import VRRP

/// The `no_accept` drop rules the node last asked for (`NodeEffect.dropTraffic`).
struct DropRulesState: Hashable, Sendable {
    /// nil until the node first needs nftables: a node whose instances all accept traffic
    /// never touches it.
    var requested: [DroppedAddress]?
    /// Why the last request failed; cleared when it is tried again (a failure comes back in
    /// the same turn and sets it again).
    var error: String?
    /// Requests nftables refused since the start.
    var failures = 0
}

extension Node {
    /// How often drop rules nftables refused are applied again.
    static let dropRulesRetryInterval: Duration = .seconds(1)

    /// The addresses whose traffic is dropped now: those a `no_accept` instance is adding or
    /// holding (from before the add, so no packet reaches the address before its rule), and
    /// those it is releasing while they may still be on their device. Nothing once stopped.
    var wantedDropRules: [DroppedAddress] {
        guard isRunning else { return [] }
        let requested = Set(dropRules.requested ?? [])
        var wanted: Set<DroppedAddress> = []
        for instance in instances where instance.bound.definition.dropsTrafficToAddresses {
            for state in instance.addresses {
                let dropped = DroppedAddress(state.binding)
                switch state.phase {
                case .adding, .held, .addRefused: wanted.insert(dropped)
                case .releasing, .removeRefused: if requested.contains(dropped) { wanted.insert(dropped) }
                case .absent, .foreign: break
                }
            }
        }
        return wanted.sorted()
    }

    /// Whether some instance drops traffic to its addresses (`no_accept`, or `vrrp_strict`).
    var dropsTraffic: Bool {
        instances.contains { $0.bound.definition.dropsTrafficToAddresses }
    }

    /// Asks for the drop rules again when what is wanted changed in this turn. A rule that is
    /// added goes before the first address added in the turn; one that goes, after the
    /// removals. The first request of a node that drops traffic replaces whatever a crashed
    /// earlier run left.
    mutating func followDropRules(_ effects: [NodeEffect]) -> [NodeEffect] {
        // Most nodes drop nothing: no rule requested and none wanted costs no set per event.
        guard let requested = dropRules.requested else {
            guard isRunning && dropsTraffic else { return effects }
            let wanted = wantedDropRules
            dropRules.requested = wanted
            return place(.dropTraffic(wanted), in: effects, early: true)
        }
        let wanted = wantedDropRules
        guard wanted != requested else { return effects }
        dropRules.requested = wanted
        return place(.dropTraffic(wanted), in: effects, early: !Set(wanted).isSubset(of: requested))
    }

    private func place(_ effect: NodeEffect, in effects: [NodeEffect], early: Bool) -> [NodeEffect] {
        var effects = effects
        if early, let first = effects.firstIndex(where: { if case .addAddress = $0 { return true } else { return false } }) {
            effects.insert(effect, at: first)
        } else {
            effects.append(effect)
        }
        return effects
    }

    /// nftables refused the rules: logged at a limited rate, counted, shown in `status`, and
    /// applied again every second. The addresses stay held (keepalived holds them too): a
    /// Master without its drop rules still routes for the addresses, and it says so.
    mutating func dropRulesFailed(_ error: EffectError, now: Instant) -> [NodeEffect] {
        dropRules.error = error.message
        dropRules.failures += 1
        var effects: [NodeEffect] = []
        let count = dropRules.requested?.count ?? 0
        if let line = rateLimited.record(key: "drop rules", message: "could not apply the no_accept drop rules for \(count) address\(count == 1 ? "" : "es"): \(error); traffic to them is NOT dropped; retrying every \(Self.dropRulesRetryInterval.formattedSeconds) s", now: now) {
            effects.append(.log(LogLine(.error, line)))
        }
        if isRunning { effects.append(.armTimer(.dropRulesRetry, at: now + Self.dropRulesRetryInterval)) }
        return effects
    }

    mutating func retryDropRules() -> [NodeEffect] {
        guard dropRules.error != nil else { return [] }
        dropRules.error = nil
        let wanted = wantedDropRules
        dropRules.requested = wanted
        return [.dropTraffic(wanted)]
    }
}
