/// What a SIGHUP reload does to each instance (spec/vrrp.md: "a reload keeps the state of
/// every instance whose configuration did not change").
///
/// An instance *continues* — same router state, timers, tracker verdicts, counters, no advert
/// out of turn — when `BoundInstance.runsSame` says so. Otherwise the running one stops as on
/// shutdown (priority-0 advert if Master, addresses released, notify_stop) and the new one
/// starts from Initialize, as at daemon start.
struct ReloadPlan: Hashable, Sendable {
    /// For each instance of the new configuration, in order: the index of the running
    /// instance it continues, or nil when it starts afresh.
    let continues: [Int?]
    /// Running instances that stop: removed from the configuration, or changed.
    let stops: [Int]
    private let runningNames: [String]
    private let nextNames: [String]

    init(running: [BoundInstance], next: [BoundInstance]) {
        continues = next.map { candidate in
            running.firstIndex { $0.name == candidate.name && $0.runsSame(as: candidate) }
        }
        let continued = Set(continues.compactMap { $0 })
        stops = running.indices.filter { !continued.contains($0) }
        runningNames = running.map(\.name)
        nextNames = next.map(\.name)
    }

    /// New instances that start from Initialize: changed or added.
    var started: [Int] { continues.indices.filter { continues[$0] == nil } }

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
