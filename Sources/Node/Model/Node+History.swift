import Config
import ControlProtocol
import VRRP

/// The transition history (`HistoryEntry`): the node records what it changed and why from its
/// own decisions, as effects (`NodeEffect.record`) the runtime numbers and keeps.
extension Node {
    /// One entry, stamped with the model's clock (the runtime adds the wall clock).
    func record(_ change: HistoryChange, of index: Int?, causes: [HistoryCause], now: Instant) -> NodeEffect {
        .record(HistoryEntry(monotonic: now.sinceOrigin.secondsValue, instance: index.map { instances[$0].name }, change: change,
                             causes: causes))
    }

    /// Why an instance changed state: the router's reason, then what led to it — the
    /// instance's own priority move since its last transition (and that move's causes), or
    /// the tracked object being applied now (a FAULT's check or interface).
    func causes(of reason: TransitionReason, index: Int, now: Instant) -> [HistoryCause] {
        let instance = instances[index]
        let ours = Int(instance.router.priority)
        var chain: [HistoryCause]
        switch reason {
        case .startup: chain = [.startup(addressOwner: false)]
        case .addressOwner: chain = [.startup(addressOwner: true)]
        case .masterDown:
            let last = instance.peers.max { $0.value.lastAdvertAt < $1.value.lastAdvertAt }
            if let (source, peer) = last, peer.priority == 0, now - peer.lastAdvertAt < instance.router.masterDownInterval {
                chain = [.masterResigned(source: "\(source)")]
            } else if let (source, peer) = last, peer.priority != 0, peer.priority < instance.router.priority,
               now - peer.lastAdvertAt < instance.router.masterDownInterval {
                // Its adverts kept coming, lower than ours: discarded (§6.4.2), so we preempted.
                chain = [.preempted(source: "\(source)", theirs: Int(peer.priority), ours: ours)]
            } else {
                chain = [.masterDown(lastMaster: last.map { "\($0.key)" }, silentSeconds: last.map { (now - $0.value.lastAdvertAt).secondsValue })]
            }
        case .higherPriority(let source, let priority):
            chain = [.higherPriorityAdvert(source: "\(source)", theirs: Int(priority), ours: ours)]
        case .lowerPriorityMaster(let source, let priority):
            chain = [.lowerPriorityMaster(source: "\(source)", theirs: Int(priority), ours: ours)]
        case .shutdown: chain = [.shutdown]
        case .fault(let cause): chain = [.fault(cause.description)]
        case .faultCleared: chain = [.faultCleared]
        case .syncGroup(let group, let member): chain = [.syncGroup(group: group, member: member)]
        case .operatorRequest(let what): chain = [.operatorRequest(what)]
        case .resumed: chain = [.resumed(reason.description)]
        }
        switch reason {
        case .fault(let cause):
            // What is being applied, unless the fault already names it (an interface down).
            chain += applying.filter { !cause.description.contains($0.sentence { _ in "" }) }
        case .faultCleared:
            chain += applying
        case .masterDown, .higherPriority, .lowerPriorityMaster, .syncGroup:
            if let move = instance.lastPriorityMove, move.at >= (instance.lastTransition?.at ?? .origin) {
                chain.append(.priorityMoved(from: Int(move.from), to: Int(move.to), at: move.at.sinceOrigin.secondsValue))
                chain += move.causes
            } else {
                chain += applying
            }
        case .startup, .addressOwner, .shutdown, .operatorRequest, .resumed:
            break
        }
        return chain
    }

    /// A priority change of an instance, recorded with what is being applied now.
    mutating func priorityMoved(_ index: Int, from before: UInt8, now: Instant) -> [NodeEffect] {
        let after = instances[index].router.priority
        guard after != before, instances[index].router.state != .initialize || isRunning else { return [] }
        instances[index].lastPriorityMove = .init(from: before, to: after, at: now, causes: applying)
        return [record(.priority(from: Int(before), to: Int(after)), of: index, causes: applying, now: now)]
    }

    /// Runs `body` with `cause` as what the trackers are applying (the cause of the priority
    /// changes and FAULTs it leads to).
    mutating func applying(_ cause: HistoryCause, _ body: (inout Node) -> [NodeEffect]) -> [NodeEffect] {
        let outer = applying
        applying = [cause]
        defer { applying = outer }
        return body(&self)
    }

    /// `check harbor_health failed 2/2: component registry unhealthy`.
    static func checkCause(_ flip: CheckTable.Flip, schedule: CheckSchedule?, outcome: CheckOutcome?) -> HistoryCause {
        let count = schedule.map { flip.isUp ? "\($0.rise)/\($0.rise)" : "\($0.fall)/\($0.fall)" }
        let detail = [count, flip.isUp ? nil : outcome.map { "\($0)" }].compactMap { $0 }.joined(separator: ": ")
        return .tracker(.check, name: flip.name, up: flip.isUp, detail: detail.isEmpty ? nil : detail)
    }

    /// How a make-before-break release ended, for the history.
    static func sentence(of end: HandoverEnd) -> String {
        switch end {
        case .tookOver(let master, let after):
            return "\(master.map { "the new Master \($0)" } ?? "a new Master") announced itself \(after.formattedMilliseconds) after the priority-0 advert (make-before-break)"
        case .timedOut(let after):
            return "no new Master announced itself within \(after.formattedMilliseconds) of the priority-0 advert"
        case .abandoned(let after):
            return "released without waiting for the new Master, \(after.formattedMilliseconds) after the priority-0 advert"
        }
    }
}
