import VRRP

/// The checks instances track — `vrrp_script` commands and `vrrp_http_check` requests —
/// each run on its interval (counted from the start of a run, as in keepalived), never two
/// runs of one check at once, their results turned into up/down verdicts through rise/fall.
struct CheckTable: Hashable, Sendable {
    private(set) var checks: [CheckState] = []
    private var nextID: UInt64 = 0

    /// A verdict that flipped.
    struct Flip: Hashable, Sendable {
        var name: String
        var isUp: Bool
    }

    /// Runs `wanted` from now on. A check whose `BoundCheck` is unchanged keeps running as it
    /// was (verdict, counts, a run in flight, its timer); a changed one with the same name is
    /// a new check that starts from the old one's verdict (and its run durations), so nothing
    /// flips until its own results say so; a new name starts from the verdict `carried` over
    /// from the process this one followed (`NodeEvent.resume`), else from `init_fail`.
    /// Returns the effects: timers for new checks (due now) and cancels for the ones that went away.
    mutating func configure(_ wanted: [BoundCheck], now: Instant, carried: [String: Bool] = [:]) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        var kept: [CheckState] = []
        for bound in wanted {
            if let same = checks.first(where: { $0.bound == bound }) {
                kept.append(same)
                continue
            }
            nextID += 1
            let previous = checks.first { $0.name == bound.name }
            var check = CheckState(id: CheckID(nextID), bound: bound, initiallyUp: previous?.isUp ?? carried[bound.name] ?? !bound.schedule.initFail)
            // The durations' series is named by the check's name: it goes on, never back to zero.
            check.durations = previous?.durations ?? DurationHistogram()
            kept.append(check)
            effects.append(.armTimer(.check(check.id), at: now))
        }
        let keptIDs = Set(kept.map(\.id))
        for old in checks where !keptIDs.contains(old.id) {
            effects.append(.cancelTimer(.check(old.id)))
        }
        checks = kept
        return effects
    }

    /// Every check's verdict, by name: what a restart carries over (`MasterResume`).
    var verdicts: [String: Bool] {
        Dictionary(checks.map { ($0.name, $0.isUp) }, uniquingKeysWith: { first, _ in first })
    }

    func verdict(of name: String) -> Bool? {
        checks.first { $0.name == name }?.isUp
    }

    /// Every check's timer, cancelled (shutdown).
    var cancelAll: [NodeEffect] { checks.map { .cancelTimer(.check($0.id)) } }

    /// A check's timer fired: start a run, unless one is still in flight.
    mutating func due(_ id: CheckID, now: Instant) -> [NodeEffect] {
        guard let index = checks.firstIndex(where: { $0.id == id }) else { return [] }
        guard checks[index].running == nil else {
            checks[index].overdue = true
            return []
        }
        return start(index, now: now)
    }

    private mutating func start(_ index: Int, now: Instant) -> [NodeEffect] {
        checks[index].runs += 1
        checks[index].running = checks[index].runs
        checks[index].overdue = false
        let check = checks[index]
        return [.runCheck(CheckRun(id: CheckRunID(check: check.id, run: check.runs), name: check.name, kind: check.bound.kind,
                                   timeout: check.bound.schedule.effectiveTimeout)),
                .armTimer(.check(check.id), at: now + check.bound.schedule.interval)]
    }

    /// A run finished. Returns the flip of the verdict, if any, and the effects (log lines; the
    /// next run when the interval passed while this one ran).
    mutating func complete(_ run: CheckRunID, _ outcome: CheckOutcome, duration: Duration, now: Instant) -> (Flip?, [NodeEffect]) {
        guard let index = checks.firstIndex(where: { $0.id == run.check }), checks[index].running == run.run else {
            return (nil, [])  // a run of a check a reload replaced, or a duplicate answer
        }
        checks[index].running = nil
        checks[index].lastOutcome = outcome
        checks[index].lastDuration = duration
        checks[index].durations.record(duration)
        var effects: [NodeEffect] = []
        let name = checks[index].name
        switch outcome {
        case .success:
            break
        case .timedOut:
            checks[index].failures += 1
            effects.append(.log(LogLine(.warning, "check \(name) \(outcome)")))
        case .failure:
            checks[index].failures += 1
            effects.append(.log(LogLine(.debug, "check \(name) failed: \(outcome)")))
        }
        var flip: Flip?
        if checks[index].counter.record(success: outcome.succeeded) {
            let up = checks[index].isUp
            let schedule = checks[index].bound.schedule
            let counts = up ? "\(schedule.rise) success(es)" : "\(schedule.fall) failure(s)"
            effects.append(.log(LogLine(.notice, "check \(name) is \(up ? "up" : "down") after \(counts): \(outcome)")))
            flip = Flip(name: name, isUp: up)
        }
        if checks[index].overdue {
            effects += start(index, now: now)
        }
        return (flip, effects)
    }
}
