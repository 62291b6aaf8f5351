import Config

/// What a SIGHUP reload does to each instance (spec/vrrp.md: "a reload keeps the state of
/// every instance whose configuration did not change").
///
/// An instance *continues* — same router state, timers, tracker verdicts, counters, no advert
/// out of turn — when its settings, the global settings that shape its router, the checks it
/// tracks and what it is bound to on this machine (interface, source address, peers, virtual
/// address devices) are all the same. Anything else about it changed: the running one stops
/// as on shutdown (priority-0 advert if Master, addresses released, notify_stop) and the new
/// one starts from Initialize, as at daemon start.
struct ReloadPlan: Equatable {
    /// For each instance of the new configuration, in order: the index of the running
    /// instance it continues, or nil when it starts afresh.
    var continues: [Int?]
    /// Running instances that stop: removed from the configuration, or changed.
    var stops: [Int]

    init(running: [InstanceRuntime], in old: Configuration, resolved: [InstanceRuntime], in new: Configuration) {
        continues = resolved.map { candidate in
            running.firstIndex { current in
                current.name == candidate.name
                    && new.runsSame(candidate.definition, as: old)
                    && current.binding == candidate.binding
            }
        }
        let continued = Set(continues.compactMap { $0 })
        stops = running.indices.filter { !continued.contains($0) }
    }

    var started: [Int] { continues.indices.filter { continues[$0] == nil } }
}
