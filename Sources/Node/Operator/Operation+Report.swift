import ControlProtocol
import VRRP

extension Operation {
    /// From the priority-0 advert to the new Master's first advert, once it came.
    var handoverTime: Duration? {
        takeover.map { $0.at - startedAt }
    }

    /// The drill as `vipkeeper drill` and `status` show it; `now` says how long ago it started.
    func drillReport(now: Instant) -> DrillReport {
        var hold: Duration = .zero
        var returnsByPreempt = false
        if case .drill(let held, _, let preempt) = purpose { (hold, returnsByPreempt) = (held, preempt) }
        var returnSeconds: Double?
        var takenBackSeconds: Double?
        switch verdict {
        case .tookBack(let duration)?: returnSeconds = duration.secondsValue
        case .noTakeover(let duration)?: takenBackSeconds = duration.secondsValue
        case .handedOver?, .staysBackup?, .notTakenBack?, .interrupted?, nil: break
        }
        var report = DrillReport(target: target, instances: members, result: verdict.map { $0.passed ? .passed : .failed } ?? .running,
                           verdict: verdict?.description, secondsAgo: (now - startedAt).secondsValue,
                           newMaster: takeover?.master.description,
                           firstAdvertSeconds: handoverTime?.secondsValue,
                           addressesGoneSeconds: addressesGoneAt.map { ($0 - startedAt).secondsValue },
                           gratuitousARPSeen: gratuitousARPSeen, holdSeconds: hold.secondsValue,
                           returnMode: returnsByPreempt ? "preempt" : "nopreempt", returnSeconds: returnSeconds,
                           takenBackSeconds: takenBackSeconds)
        if !expectsGratuitousARP { report.gratuitousARPExpected = false }
        if let takeover, let gone = addressesGoneAt {
            report.overlapSeconds = (gone - takeover.at).secondsValue
            if let announced = gratuitousARPAt { report.gapSeconds = max(.zero, announced - gone).secondsValue }
        }
        return report
    }
}
