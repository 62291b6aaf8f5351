/// One thing the node changed or saw change, and why: a state change, a priority change,
/// virtual addresses added, removed or put back, a tracked object flipping, a reload, a drill
/// or maintenance step, the daemon starting or stopping. The node model records it from its
/// own decisions (never from log text); the runtime numbers it, stamps the wall clock and keeps
/// it (`vipkeeper history`, `history.jsonl` under the state directory).
public struct HistoryEntry: Codable, Sendable, Hashable {
    /// Increasing over the journal's whole life, across restarts (0 until the journal keeps it).
    public var sequence: UInt64
    /// Unix time in seconds (0 until the journal keeps it).
    public var time: Double
    /// The model's clock at the change, in seconds (CLOCK_MONOTONIC: the same across a restart
    /// of the daemon, not across a reboot). The causes' own instants are on this clock.
    public var monotonic: Double
    /// The process that recorded it.
    public var pid: Int?
    /// The `vrrp_instance` it is about; nil for the node as a whole (a check, a reload).
    public var instance: String?
    public var change: HistoryChange
    /// Why, nearest cause first: each cause explains the change, the next one explains it.
    public var causes: [HistoryCause]

    public init(sequence: UInt64 = 0, time: Double = 0, monotonic: Double, pid: Int? = nil, instance: String?, change: HistoryChange,
                causes: [HistoryCause]) {
        self.sequence = sequence
        self.time = time
        self.monotonic = monotonic
        self.pid = pid
        self.instance = instance
        self.change = change
        self.causes = causes
    }

    /// Unix time of an instant on this entry's monotonic clock (a cause's `at`).
    public func wallClock(ofMonotonic seconds: Double) -> Double {
        time - (monotonic - seconds)
    }

    /// `MASTER -> BACKUP because a higher priority (110 > 80) advert from 10.0.0.12 arrived;
    /// our priority fell 110 -> 80 at 03:12:04.512 because check harbor_health failed 2/2: ...`
    public func sentence(formatTime: (Double) -> String) -> String {
        var text = change.description
        for (offset, cause) in causes.enumerated() {
            text += offset == 0 ? " because " : "; "
            text += cause.sentence { "at " + formatTime(wallClock(ofMonotonic: $0)) }
        }
        return text
    }
}

/// What changed (`HistoryEntry.change`).
public enum HistoryChange: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The instance changed state (`INIT`, `BACKUP`, `MASTER`, `FAULT`), at this priority.
    case state(from: String, to: String, priority: Int)
    /// The instance's effective priority changed.
    case priority(from: Int, to: Int)
    /// Virtual addresses asked of the kernel.
    case addressesAdded([String])
    /// Virtual addresses given up.
    case addressesRemoved([String])
    /// A virtual address someone else deleted while the instance was Master, put back.
    case addressRestored(String)
    /// A tracked object's verdict flipped (a check after its rise/fall, an interface, a
    /// `track_process`'s count), with what was seen (`2/2: HTTP 502`).
    case tracker(HistoryTracker, name: String, up: Bool, detail: String?)
    /// A reload (SIGHUP) was applied, with its summary, or refused, with why.
    case reload(applied: Bool, summary: String)
    /// A drill's step (started, took over, taken back, passed, failed).
    case drill(target: String, step: String)
    /// An instance entered (`on`) or left maintenance.
    case maintenance(on: Bool, reason: String?)
    /// The daemon's own steps.
    case daemon(HistoryDaemonStep)

    // The journal's JSON names every value (`{"tracker":{"kind":"check",...}}`), not `_0`.
    enum TrackerCodingKeys: String, CodingKey { case _0 = "kind", name, up, detail }
    enum DaemonCodingKeys: String, CodingKey { case _0 = "step" }
    enum AddressesAddedCodingKeys: String, CodingKey { case _0 = "addresses" }
    enum AddressesRemovedCodingKeys: String, CodingKey { case _0 = "addresses" }
    enum AddressRestoredCodingKeys: String, CodingKey { case _0 = "address" }

    public var description: String {
        switch self {
        case .state(let from, let to, let priority): return "\(from) -> \(to) (priority \(priority))"
        case .priority(let from, let to): return "priority \(from) -> \(to)"
        case .addressesAdded(let addresses): return "added \(addresses.joined(separator: ", "))"
        case .addressesRemoved(let addresses): return "removed \(addresses.joined(separator: ", "))"
        case .addressRestored(let address): return "put \(address) back"
        case .tracker(let kind, let name, let up, let detail): return "\(kind) \(name) \(kind.verdict(up))" + (detail.map { " \($0)" } ?? "")
        case .reload(true, let summary): return summary
        case .reload(false, let reason): return "reload refused: \(reason)"
        case .drill(let target, let step): return "drill of \(target): \(step)"
        case .maintenance(true, let reason): return "maintenance on" + (reason.map { " (\($0))" } ?? "")
        case .maintenance(false, _): return "maintenance off"
        case .daemon(let step): return step.description
        }
    }
}

/// The kind of a tracked object.
public enum HistoryTracker: String, Codable, Sendable, Hashable, CustomStringConvertible {
    case check
    case interface
    case file = "track_file"
    case process = "track_process"

    public var description: String { rawValue }

    /// `failed` / `passed` for a check, `down` / `up` for the others.
    public func verdict(_ up: Bool) -> String {
        switch self {
        case .check: return up ? "passed" : "failed"
        case .interface, .file, .process: return up ? "up" : "down"
        }
    }
}

/// The daemon's own steps in the history.
public enum HistoryDaemonStep: String, Codable, Sendable, Hashable, CustomStringConvertible {
    case started
    /// Started in a process that took its predecessor's Masters over (`vipkeeper restart`,
    /// `systemctl restart`).
    case resumed
    /// SIGTERM: the instances resign.
    case stopping
    case stopped
    /// Exited keeping the VIPs for the next process (`systemctl restart`).
    case handedOff = "handed off"
    /// Found at start: the journal's last run neither stopped nor handed off (a crash, a
    /// SIGKILL, a power loss); recorded by the runtime, which is the one to see it.
    case endedWithoutStopping = "ended without stopping"

    public var description: String {
        self == .endedWithoutStopping ? "the daemon's previous run ended without stopping (crash, SIGKILL or power loss)" : "daemon \(rawValue)"
    }
}

/// Why something changed (`HistoryEntry.causes`): the model's own reasons, typed.
public enum HistoryCause: Codable, Sendable, Hashable {
    /// RFC 3768 §6.4.3: an advert with a higher priority (or equal, from a higher address).
    case higherPriorityAdvert(source: String, theirs: Int, ours: Int)
    /// `fast_preempt`: the Master advertised a priority lower than ours.
    case lowerPriorityMaster(source: String, theirs: Int, ours: Int)
    /// §6.4.2: no advert from a Master within Master_Down_Interval (or a priority-0 advert
    /// ended it early).
    case masterDown(lastMaster: String?, silentSeconds: Double?)
    /// §6.4.2: the Master resigned with a priority-0 advert, and Skew_Time passed.
    case masterResigned(source: String)
    /// §6.4.2 with preempt: the Master's adverts carry a lower priority than ours, so they
    /// are discarded and the Master_Down_Timer runs out.
    case preempted(source: String, theirs: Int, ours: Int)
    /// §6.4.1: startup (as a Backup, or as the address owner).
    case startup(addressOwner: Bool)
    case shutdown
    /// The daemon handed its Masters to the next process, or took them from the previous one.
    case resumed(String)
    /// keepalived FAULT, with what caused it.
    case fault(String)
    case faultCleared
    case syncGroup(group: String, member: String)
    /// `vipkeeper drill` / `vipkeeper maintenance`, in the operator's words.
    case operatorRequest(String)
    /// The instance's own priority had moved (at, on the entry's monotonic clock).
    case priorityMoved(from: Int, to: Int, at: Double)
    /// A tracked object's verdict: `check harbor_health failed 2/2: component registry unhealthy`.
    case tracker(HistoryTracker, name: String, up: Bool, detail: String?)
    /// The instance became Master or left it: its addresses follow.
    case role(String)
    /// A make-before-break release ended (the new Master announced itself, or the wait ran out).
    case handover(String)
    /// Someone else deleted a virtual address while the instance was Master.
    case deletedBehindOurBack
    /// A reload changed the instance.
    case reload(String)
    /// An instance kept out of the election by the operator.
    case maintenance(String)

    // The journal's JSON names every value, not `_0`.
    enum TrackerCodingKeys: String, CodingKey { case _0 = "kind", name, up, detail }
    enum ResumedCodingKeys: String, CodingKey { case _0 = "how" }
    enum FaultCodingKeys: String, CodingKey { case _0 = "cause" }
    enum OperatorRequestCodingKeys: String, CodingKey { case _0 = "what" }
    enum RoleCodingKeys: String, CodingKey { case _0 = "state" }
    enum HandoverCodingKeys: String, CodingKey { case _0 = "how" }
    enum ReloadCodingKeys: String, CodingKey { case _0 = "what" }
    enum MaintenanceCodingKeys: String, CodingKey { case _0 = "reason" }

    /// One clause of an entry's sentence; `time` renders a monotonic instant (`at 03:12:04.512`,
    /// `12.3 s ago`).
    public func sentence(time: (Double) -> String) -> String {
        switch self {
        case .higherPriorityAdvert(let source, let theirs, let ours):
            return "a higher priority (\(theirs) > \(ours)) advert from \(source) arrived"
        case .lowerPriorityMaster(let source, let theirs, let ours):
            return "Master \(source) advertised a lower priority (\(theirs) < \(ours)) and fast_preempt took over"
        case .masterDown(let master, let silent):
            let who = master.map { "Master \($0)" } ?? "any Master"
            return "no advert from \(who)" + (silent.map { " for \(Self.seconds($0)) s" } ?? "") + " (Master_Down_Interval)"
        case .masterResigned(let source):
            return "Master \(source) resigned (priority-0 advert) and Skew_Time passed"
        case .preempted(let source, let theirs, let ours):
            return "Master \(source) advertised a lower priority (\(theirs) < \(ours)) and preempt is on"
        case .startup(let owner): return owner ? "startup as the address owner (priority 255)" : "startup"
        case .shutdown: return "the daemon stopped"
        case .resumed(let how): return how
        case .fault(let what): return "FAULT: \(what)"
        case .faultCleared: return "every fault cleared"
        case .syncGroup(let group, let member): return "sync group \(group) follows \(member)"
        case .operatorRequest(let what): return what
        case .priorityMoved(let from, let to, let at):
            return "our priority \(to < from ? "fell" : "rose") \(from) -> \(to) \(time(at))"
        case .tracker(.file, let name, _, let detail):
            return "track_file \(name)" + (detail.map { " \($0)" } ?? "")
        case .tracker(let kind, let name, let up, let detail):
            return "\(kind) \(name) \(kind.verdict(up))" + (detail.map { " \($0)" } ?? "")
        case .role(let state): return "the instance is \(state)"
        case .handover(let how): return how
        case .deletedBehindOurBack: return "someone else deleted it while the instance was MASTER"
        case .reload(let what): return "reload: \(what)"
        case .maintenance(let reason): return "maintenance: \(reason)"
        }
    }

    private static func seconds(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return "\(rounded)"
    }
}
