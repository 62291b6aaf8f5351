import ControlProtocol
import Config
import VRRP

extension Node {
    /// The runtime counted the processes matching a `vrrp_track_process` (keepalived's
    /// `update_process_status` / `process_update_track_process_status`): when the quorum
    /// verdict moves, every instance tracking it takes its weight, or FAULT with weight 0.
    mutating func trackedProcessCounted(_ name: String, count: Int, cause: ProcessCountCause, now: Instant) -> [NodeEffect] {
        guard let definition = configuration.trackProcesses.first(where: { $0.name == name }) else { return [] }
        var quorum = trackedProcesses[name] ?? ProcessQuorum(definition)
        let step = quorum.count(count, cause: cause, definition)
        trackedProcesses[name] = quorum
        switch step {
        case .none:
            return []
        case .delay(let delay):
            let which = cause == .fork ? "fork_delay" : "terminate_delay"
            return [.log(LogLine(.info, "track_process \(name): \(count) running; the quorum is judged after \(which) \(delay.formattedSeconds) s")),
                    .armTimer(.processDelay(name), at: now + delay)]
        case .cancelled:
            guard cause != .scan else { return [.cancelTimer(.processDelay(name))] }
            return [.cancelTimer(.processDelay(name)),
                    .log(LogLine(.info, "track_process \(name): \(count) running again within its delay; quorum \(quorum.hasQuorum ? "kept" : "still lost")"))]
        case .judged(let cancelledDelay):
            return (cancelledDelay ? [.cancelTimer(.processDelay(name))] : []) + applyProcessQuorum(name, now: now)
        }
    }

    /// `NodeTimer.processDelay`: the quorum is judged from the count now.
    mutating func processDelayOver(_ name: String, now: Instant) -> [NodeEffect] {
        guard let definition = configuration.trackProcesses.first(where: { $0.name == name }),
              var quorum = trackedProcesses[name] else { return [] }
        let moved = quorum.delayOver(definition)
        trackedProcesses[name] = quorum
        return moved ? applyProcessQuorum(name, now: now) : []
    }

    /// The verdict of `name` for every instance that tracks it.
    private mutating func applyProcessQuorum(_ name: String, now: Instant) -> [NodeEffect] {
        guard let quorum = trackedProcesses[name] else { return [] }
        let cause = HistoryCause.tracker(.process, name: name, up: quorum.hasQuorum, detail: "(\(quorum.count) running)")
        let effects: [NodeEffect] = [.log(LogLine(.notice, "Quorum \(quorum.hasQuorum ? "gained" : "lost") for tracked process \(name) (\(quorum.count) running)")),
                                     record(.tracker(.process, name: name, up: quorum.hasQuorum, detail: "(\(quorum.count) running)"), of: nil, causes: [], now: now)]
        return effects + applying(cause) { node in
            var effects: [NodeEffect] = []
            for index in node.instances.indices where node.instances[index].trackers.set(.process(name), isUp: quorum.hasQuorum) {
                effects += node.applyTrackers(of: index, now: now)
            }
            return effects
        }
    }

    /// The verdict the instances see for `name`: unknown until counted is "none running".
    func processQuorum(_ name: String) -> Bool? {
        if let quorum = trackedProcesses[name] { return quorum.hasQuorum }
        return configuration.trackProcesses.first { $0.name == name }?.hasQuorum(count: 0)
    }

    /// How many processes matched `name` at the last count.
    func processCount(_ name: String) -> Int {
        trackedProcesses[name]?.count ?? 0
    }
}
