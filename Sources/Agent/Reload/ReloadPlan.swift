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
    let continues: [Int?]
    /// Running instances that stop: removed from the configuration, or changed.
    let stops: [Int]
    private let runningNames: [String]
    private let nextNames: [String]

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
        runningNames = running.map(\.name)
        nextNames = resolved.map(\.name)
    }

    /// New instances that start from Initialize: changed or added.
    var started: [Int] { continues.indices.filter { continues[$0] == nil } }

    /// The instance's new index for each running instance that continues.
    var renumbering: [Int: Int] {
        var mapping: [Int: Int] = [:]
        for (index, continued) in continues.enumerated() {
            if let continued { mapping[continued] = index }
        }
        return mapping
    }

    /// Whether the running instance at `index` stops for good (it is not in the new file).
    func isRemoved(_ index: Int) -> Bool { !nextNames.contains(runningNames[index]) }

    /// One log line: `reload applied: 1 unchanged (VI_1), 1 restarted (VI_2), 0 added, 0 removed`.
    var summary: String {
        let unchanged = continues.compactMap { $0 }.map { runningNames[$0] }
        let restarted = started.map { nextNames[$0] }.filter(runningNames.contains)
        let added = started.map { nextNames[$0] }.filter { !runningNames.contains($0) }
        let removed = stops.map { runningNames[$0] }.filter { !nextNames.contains($0) }
        func part(_ names: [String], _ what: String) -> String {
            "\(names.count) \(what)" + (names.isEmpty ? "" : " (\(names.joined(separator: ", ")))")
        }
        return "reload applied: " + [part(unchanged, "unchanged"), part(restarted, "restarted"),
                                     part(added, "added"), part(removed, "removed")].joined(separator: ", ")
    }
}
