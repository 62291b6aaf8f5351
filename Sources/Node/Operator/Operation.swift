import VRRP

/// A hand-over the operator asked for: a drill, or entering maintenance as Master. While it
/// runs, its members are pinned at priority 1 so they do not take the VIP straight back.
///
/// A value machine: each input is a mutating method that takes the time and returns an
/// `Outcome`, which the node turns into effects (timers, logs, replies, the members' pins).
/// The phase and what was recorded on the way change only here.
///
///     handover ── advert, drill ───────▶ holding ── deadline, preempt ───▶ returning
///        │     ── advert, maintenance ─▶ finished(handedOver)                  │
///        │                                  │ ──── deadline, nopreempt ─▶ finished(staysBackup)
///        └── deadline ─▶ finished(noTakeover)    every member Master ─▶ finished(tookBack)
///                                                deadline ───────────▶ finished(notTakenBack)
///     any phase but finished ── a reload restarted a member ─▶ finished(interrupted)
struct Operation: Hashable, Sendable {
    enum Purpose: Hashable, Sendable {
        /// Hand over, let the peer hold the VIP for `hold`, then take it back within `timeout`
        /// (`returnsByPreempt`: every member has `preempt`) or stay Backup.
        case drill(hold: Duration, timeout: Duration, returnsByPreempt: Bool)
        case maintenance(reason: String, strict: Bool, requestedAt: Double, reply: ReplyID)
    }

    enum Phase: Hashable, Sendable {
        /// Resigned; waiting for another Master's advert until the abort deadline.
        case handover
        /// Drill: the peer holds the VIP until the hold ends.
        case holding
        /// Drill: the hold ended at `since`; the members take the VIP back (preempt) before
        /// the deadline.
        case returning(since: Instant)
        case finished(Verdict)
    }

    /// The Master that took over: its address, and when its first advert was heard.
    struct Takeover: Hashable, Sendable {
        let master: IPAddress
        let at: Instant
    }

    /// How an operation ended.
    enum Verdict: Hashable, Sendable, CustomStringConvertible {
        /// Maintenance: another Master took over; the members enter maintenance.
        case handedOver(Takeover)
        /// Drill: every member was Master again this long after the hold ended.
        case tookBack(in: Duration)
        /// Drill with nopreempt: the members stay Backup after the hold.
        case staysBackup
        /// Nobody took over before the abort deadline, this long after the start; the members
        /// take the VIP back at once.
        case noTakeover(within: Duration)
        /// Drill: the members were not all Master again this long after the hold ended.
        case notTakenBack(within: Duration)
        /// A reload restarted or removed these members.
        case interrupted(restarted: [String])

        var passed: Bool {
            switch self {
            case .handedOver, .tookBack, .staysBackup: return true
            case .noTakeover, .notTakenBack, .interrupted: return false
            }
        }

        /// The drill report's verdict.
        var description: String {
            switch self {
            case .handedOver(let takeover): return "\(takeover.master) took over"
            case .tookBack(let duration): return "took the VIP back (preempt) in \(duration.formattedMilliseconds)"
            case .staysBackup: return "stays BACKUP: nopreempt"
            case .noTakeover(let duration): return "no backup took over within \(duration.formattedSeconds) s; this node took the VIP back"
            case .notTakenBack(let duration): return "did not take the VIP back within \(duration.formattedSeconds) s"
            case .interrupted(let restarted): return "interrupted by a reload that restarted \(restarted.joined(separator: ", "))"
            }
        }
    }

    /// What the node must do after an input.
    enum Outcome: Hashable, Sendable {
        case nothing
        /// Drill: another Master took over; the operation's deadline is the end of the hold.
        case holding(Takeover, until: Instant)
        /// Drill: the hold ended; the members' pins are lifted and the operation's deadline is
        /// the return deadline.
        case returning(deadline: Instant)
        case finished(Verdict)
    }

    let id: UInt64
    /// The instance or sync group named.
    let target: String
    let members: [String]
    let purpose: Purpose
    let startedAt: Instant
    private(set) var phase: Phase = .handover
    private(set) var takeover: Takeover?
    /// When the addresses of every member were first seen gone from their devices.
    private(set) var addressesGoneAt: Instant?
    /// Drill: when the new Master's gratuitous ARP for a member's address was first heard on
    /// the wire.
    private(set) var gratuitousARPAt: Instant?
    var gratuitousARPSeen: Bool { gratuitousARPAt != nil }
    /// Whether a new Master announces the members' addresses on a segment at all: false when
    /// every one is on a device with no segment (routed: its BGP route announces it).
    var expectsGratuitousARP = true

    init(id: UInt64, target: String, members: [String], purpose: Purpose, startedAt: Instant) {
        self.id = id
        self.target = target
        self.members = members
        self.purpose = purpose
        self.startedAt = startedAt
    }

    var verdict: Verdict? {
        if case .finished(let verdict) = phase { return verdict }
        return nil
    }

    var isFinished: Bool { verdict != nil }

    var isDrill: Bool {
        if case .drill = purpose { return true }
        return false
    }

    /// Whether `member` is held at priority 1: from the resignation until the hold ends.
    func pins(_ member: String) -> Bool {
        guard members.contains(member) else { return false }
        switch phase {
        case .handover, .holding: return true
        case .returning, .finished: return false
        }
    }

    /// Whether a drill wants to hear the new Master's gratuitous ARP.
    var watchesGratuitousARP: Bool {
        guard isDrill, expectsGratuitousARP else { return false }
        switch phase {
        case .handover, .holding: return true
        case .returning, .finished: return false
        }
    }

    // MARK: - Inputs

    /// An advert another Master sent for `member`. During the hand-over the first one above
    /// priority 0 is the takeover: a drill holds, a maintenance hand-over is done.
    mutating func advertHeard(for member: String, from source: IPAddress, priority: UInt8, now: Instant) -> Outcome {
        guard phase == .handover, priority > 0, members.contains(member) else { return .nothing }
        let takeover = Takeover(master: source, at: now)
        self.takeover = takeover
        switch purpose {
        case .drill(let hold, _, _):
            phase = .holding
            return .holding(takeover, until: now + hold)
        case .maintenance:
            return finish(.handedOver(takeover))
        }
    }

    /// The addresses of every member are gone from their devices; the first time is recorded.
    mutating func addressesGone(now: Instant) {
        guard !isFinished, addressesGoneAt == nil else { return }
        addressesGoneAt = now
    }

    /// The new Master's gratuitous ARP for a member's address (the node matched the address,
    /// device and sender). Only a drill still watching records it.
    mutating func gratuitousARPHeard(now: Instant) {
        guard watchesGratuitousARP, gratuitousARPAt == nil else { return }
        gratuitousARPAt = now
    }

    /// Every member is Master again: on the return leg, the drill passed.
    mutating func everyMemberIsMaster(now: Instant) -> Outcome {
        guard case .returning(let since) = phase else { return .nothing }
        return finish(.tookBack(in: now - since))
    }

    /// The operation's deadline: the abort window of the hand-over, the end of the hold, or
    /// the end of the return leg.
    mutating func deadlinePassed(now: Instant) -> Outcome {
        switch phase {
        case .handover:
            return finish(.noTakeover(within: now - startedAt))
        case .holding:
            guard case .drill(_, let timeout, let returnsByPreempt) = purpose else { return .nothing }
            guard returnsByPreempt else { return finish(.staysBackup) }
            phase = .returning(since: now)
            return .returning(deadline: now + timeout)
        case .returning(let since):
            return finish(.notTakenBack(within: now - since))
        case .finished:
            return .nothing
        }
    }

    /// A reload that keeps `continuing` instances running as they were; restarting or removing
    /// a member ends the operation.
    mutating func reloaded(keeping continuing: Set<String>) -> Outcome {
        let restarted = members.filter { !continuing.contains($0) }
        guard !isFinished, !restarted.isEmpty else { return .nothing }
        return finish(.interrupted(restarted: restarted))
    }

    private mutating func finish(_ verdict: Verdict) -> Outcome {
        phase = .finished(verdict)
        return .finished(verdict)
    }
}
