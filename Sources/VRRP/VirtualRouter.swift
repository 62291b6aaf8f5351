/// One virtual router as a pure state machine: VRRPv2 (RFC 3768 §6.4) or VRRPv3 (RFC 5798
/// §6.4 as updated by RFC 9568), with keepalived's FAULT, preemption control and effective
/// priority.
///
/// It never touches a socket or a clock: `handle(_:now:)` takes an event and the current
/// monotonic time and returns the effects to perform, in order. The order is a contract:
///
/// - becoming Master: cancel the down timer, send an advert, add the VIPs, send gratuitous
///   ARP, arm the advert timer, arm the gratuitous ARP timers, report the transition;
/// - leaving Master: cancel its timers, (send an advert), remove the VIPs, arm the down timer
///   when going Backup, report the transition;
/// - a planned resignation with make-before-break (`HandoverMode`): cancel the timers, send
///   the priority-0 advert, arm the release timer (the VIPs stay), report the transition;
///   later, on another Master's advert or the release timer: cancel it, remove the VIPs,
///   report how the handover ended.
public struct VirtualRouter: Sendable {
    public private(set) var configuration: RouterConfiguration
    public private(set) var state: RouterState = .initialize
    /// Effective priority: base plus tracker adjustments (see `TrackerSet`).
    public private(set) var priority: UInt8
    /// Set while a weight-0 tracker or tracked interface is down.
    public private(set) var fault: FaultCause?
    /// The Master last heard from while Backup (for status output).
    public private(set) var currentMaster: IPAddress?
    /// RFC 5798 §6.1 Master_Adver_Interval: in v3 a Backup learns it from the Master's adverts
    /// (§6.4.2); in v2 it is always the configured interval.
    public private(set) var masterAdvertisementInterval: AdvertisementInterval
    /// When the current state was entered.
    public private(set) var stateSince: Instant?
    /// A planned resignation whose addresses are still held until another Master announces
    /// itself (make-before-break).
    public private(set) var pendingRelease: PendingRelease?

    private var startedAt: Instant?
    /// Last time the Master_Down_Timer was (re)started from a Master's advert or at startup;
    /// a priority change re-arms the timer from here with the new interval.
    private var downTimerBase: Instant = .origin
    private var armed: [TimerKind: TimerToken] = [:]
    private var nextGeneration: UInt64 = 1
    private var lastAnswerToLowerPriority: Instant?

    public init(configuration: RouterConfiguration) {
        self.configuration = configuration
        self.priority = configuration.basePriority
        self.masterAdvertisementInterval = configuration.advertisementInterval
    }

    /// The interface's address this router advertises from changed under it (the one it used
    /// was removed, §5.1.1.1): later adverts and the §6.4.3 tie-break use the new one.
    public mutating func changeLocalAddress(to address: IPAddress) {
        if state == .master && currentMaster == configuration.localAddress { currentMaster = address }
        configuration.localAddress = address
    }

    /// The interface's MTU changed: the adverts carry the addresses that fit one frame now
    /// (RFC 5798 §5.2.9 lists the addresses; keepalived advertises what fits and holds the rest).
    public mutating func changeAdvertisedAddresses(to addresses: [IPAddress]) {
        configuration.virtualAddresses = addresses
    }

    /// §6.1 Master_Down_Interval at the current effective priority and Master_Adver_Interval.
    public var masterDownInterval: Duration {
        Timing.masterDownInterval(priority: priority, version: configuration.version,
                                  masterAdvertisementInterval: masterAdvertisementInterval, missedAdverts: configuration.downTimerAdverts)
    }

    /// §6.1 Skew_Time at the current effective priority and Master_Adver_Interval.
    public var skewTime: Duration {
        Timing.skewTime(priority: priority, version: configuration.version, masterAdvertisementInterval: masterAdvertisementInterval)
    }

    /// Advertisement_Interval, the configured interval this router advertises with as Master.
    private var advertisementInterval: Duration { configuration.advertisementInterval.duration }

    /// The timers currently armed, by kind.
    public var armedTimers: [TimerKind: TimerToken] { armed }

    /// Whether this router would take over from a live lower-priority Master at `now`:
    /// Preempt_Mode (§6.1) and, after startup, keepalived's `preempt_delay` has passed.
    public func preemptionAllowed(at now: Instant) -> Bool {
        guard configuration.preempt, let startedAt else { return false }
        return now >= startedAt + configuration.preemptDelay
    }

    /// The events that bring this router to a tracker verdict: an effective priority and a
    /// FAULT reason (nil when healthy). Priority first, so a router leaving FAULT starts with
    /// its current priority.
    public func events(towardPriority priorityTarget: UInt8, fault target: FaultCause?) -> [RouterEvent] {
        var events: [RouterEvent] = []
        if priorityTarget != priority { events.append(.priorityChanged(priorityTarget)) }
        if let target, target != fault { events.append(.faultRaised(target)) }
        if target == nil, fault != nil { events.append(.faultCleared) }
        return events
    }

    public mutating func handle(_ event: RouterEvent, now: Instant) -> [RouterAction] {
        switch event {
        case .startup: return startup(now: now)
        case .resumeAsMaster(let restart):
            guard state == .initialize else { return [] }
            guard fault == nil else { return startup(now: now) }
            startedAt = now
            return becomeMaster(reason: .resumed(restart), now: now)
        case .shutdown(let handover): return shutdown(handover: handover, now: now)
        case .advertisement(let received): return receive(received, now: now)
        case .timerFired(let token): return timerFired(token, now: now)
        case .priorityChanged(let newPriority): return priorityChanged(to: newPriority, now: now)
        case .faultRaised(let reason): return faultRaised(reason, now: now)
        case .faultCleared: return faultCleared(now: now)
        case .syncGroupMaster(let group, let member):
            // A Backup takes over with its group, as on Master_Down_Timer (§6.4.2).
            guard state == .backup else { return [] }
            return becomeMaster(reason: .syncGroup(group: group, member: member), now: now)
        case .syncGroupBackup(let group, let member):
            // A Master yields with its group: as on hearing a higher priority (§6.4.3), but the
            // group, not an advert, says so. The owner keeps its addresses.
            guard state == .master, priority != 255 else { return [] }
            var actions = cancelAllTimers()
            actions.append(.removeVirtualAddresses)
            currentMaster = nil
            downTimerBase = now
            masterAdvertisementInterval = configuration.advertisementInterval
            actions.append(arm(.masterDown, at: now + masterDownInterval))
            return actions + transition(to: .backup, reason: .syncGroup(group: group, member: member), now: now)
        case .resign(let reason):
            // As Shutdown (§6.4.3), so a Backup takes over after its Skew_Time, but the router
            // stays a Backup with a fresh Master_Down_Timer.
            guard state == .master, priority != 255 else { return [] }
            var actions = resign(planned: true, backstop: true, now: now)
            currentMaster = nil
            downTimerBase = now
            masterAdvertisementInterval = configuration.advertisementInterval
            actions.append(arm(.masterDown, at: now + masterDownInterval))
            return actions + transition(to: .backup, reason: .operatorRequest(reason), now: now)
        case .takeOver(let reason):
            guard state == .backup else { return [] }
            return becomeMaster(reason: .operatorRequest(reason), now: now)
        case .newMasterAnnounced:
            // The clients' caches move now; what they sent this node just before is answered
            // during the drain, then the addresses go (`.release`).
            guard var pending = pendingRelease, pending.announcementSeen == nil else { return [] }
            pending.announcementSeen = now
            pending.deadline = min(pending.deadline, now + PendingRelease.drain)
            pendingRelease = pending
            return cancel(.release) + [arm(.release, at: pending.deadline)]
        }
    }

    // MARK: - Events

    /// §6.4.1: the owner becomes Master at once; everyone else starts as Backup with
    /// Master_Down_Timer = Master_Down_Interval. A router with a fault starts in FAULT.
    private mutating func startup(now: Instant) -> [RouterAction] {
        guard state == .initialize else { return [] }
        startedAt = now
        if let fault {
            return transition(to: .fault, reason: .fault(fault), now: now)
        }
        return enterInitialRole(reason: priority == 255 ? .addressOwner : .startup, now: now)
    }

    /// §6.4.2/§6.4.3 Shutdown: a Master sends one advert with priority 0 and removes its
    /// addresses so a Backup takes over after Skew_Time — for a planned stop with
    /// make-before-break, once the new Master announces itself; then back to Initialize.
    private mutating func shutdown(handover: Bool, now: Instant) -> [RouterAction] {
        var actions: [RouterAction]
        switch state {
        case .initialize:
            // A second stop while the addresses wait for the new Master: release them now.
            return abandonHandover(now: now)
        case .master:
            actions = resign(planned: handover, backstop: false, now: now)
        case .backup, .fault:
            // Stopping during a drill's hand-over keeps waiting for the new Master, no longer
            // than a stop's window (an instance a reload stops releases at once).
            let pending = pendingRelease
            actions = cancelAllTimers()
            if !handover {
                actions += abandonHandover(now: now)
            } else if var pending {
                pending.deadline = min(pending.deadline, now + configuration.handoverWindow)
                pendingRelease = pending
                actions.append(arm(.release, at: pending.deadline))
            }
        }
        startedAt = nil
        currentMaster = nil
        return actions + transition(to: .initialize, reason: .shutdown, now: now)
    }

    private mutating func receive(_ received: ReceivedAdvertisement, now: Instant) -> [RouterAction] {
        let advert = received.advertisement
        // Our own adverts looped back (unicast to self, or a misconfigured loop) are not a peer.
        guard received.source != configuration.localAddress else { return [] }
        // The address owner keeps the addresses whatever others say, except (v3, RFC 9568
        // §6.4.3) against another owner: two routers claiming priority 255 is a
        // misconfiguration, and the §6.4.3 address tie-break leaves one Active instead of two.
        guard priority != 255 || (configuration.version == .v3 && (advert.priority == 255 || state == .backup)) else { return [] }
        let released = advert.priority > 0 ? releaseHandedOver(to: received.source, now: now) : []
        switch state {
        case .initialize, .fault:
            return released
        case .backup:
            return released + backupReceived(advert, from: received.source, now: now)
        case .master:
            return masterReceived(advert, from: received.source, now: now)
        }
    }

    /// Make-before-break: the first advert of another Master after a planned resignation is
    /// the new Master announcing itself; it adds the addresses and sends its gratuitous ARP
    /// right after (RFC 5798 §6.4.2). The addresses held until now go when that announcement
    /// is seen (`RouterEvent.newMasterAnnounced`), or `announcementGrace` from now.
    private mutating func releaseHandedOver(to source: IPAddress, now: Instant) -> [RouterAction] {
        guard var pending = pendingRelease, pending.announcedBy == nil else { return [] }
        pending.announcedBy = source
        // Its announcement already seen (it came first): the drain runs on.
        guard pending.announcementSeen == nil else {
            pendingRelease = pending
            return []
        }
        pending.deadline = min(pending.deadline, now + PendingRelease.announcementGrace)
        pendingRelease = pending
        return cancel(.release) + [arm(.release, at: pending.deadline)]
    }

    /// Ends a pending release at once (a fault, a second stop).
    private mutating func abandonHandover(now: Instant) -> [RouterAction] {
        guard let pending = pendingRelease else { return [] }
        pendingRelease = nil
        return cancel(.release) + [.removeVirtualAddresses, .handoverEnded(.abandoned(after: now - pending.since))]
    }

    /// §6.4.2, Backup receiving an ADVERTISEMENT.
    private mutating func backupReceived(_ advert: Advertisement, from source: IPAddress, now: Instant) -> [RouterAction] {
        if advert.priority == 0 {
            // "If the Priority in the ADVERTISEMENT is Zero, then: Set the Master_Down_Timer
            // to Skew_Time."
            currentMaster = nil
            downTimerBase = now
            return [arm(.masterDown, at: now + skewTime)]
        }
        if !preemptionAllowed(at: now) || advert.priority >= priority {
            // "If Preempt_Mode is False, or If the Priority in the ADVERTISEMENT is greater
            // than or equal to the local Priority, then: [v3: Set Master_Adver_Interval to Adver
            // Interval contained in the ADVERTISEMENT, Recompute the Master_Down_Interval,]
            // Reset the Master_Down_Timer to Master_Down_Interval."
            learnInterval(from: advert)
            currentMaster = source
            downTimerBase = now
            return [arm(.masterDown, at: now + masterDownInterval)]
        }
        // "Otherwise: Discard the ADVERTISEMENT" — the down timer runs out and we preempt.
        // vipkeeper's fast_preempt takes over now instead: the Master has told us it is lower.
        if configuration.fastPreempt {
            return becomeMaster(reason: .lowerPriorityMaster(source: source, priority: advert.priority), now: now)
        }
        return []
    }

    /// §6.4.3, Master receiving an ADVERTISEMENT.
    private mutating func masterReceived(_ advert: Advertisement, from source: IPAddress, now: Instant) -> [RouterAction] {
        if advert.priority == 0 {
            // "If the Priority in the ADVERTISEMENT is Zero, then: Send an ADVERTISEMENT,
            // Reset the Adver_Timer to Advertisement_Interval."
            return [.sendAdvertisement(currentAdvertisement()),
                    arm(.advertisement, at: now + advertisementInterval)]
        }
        let higher = advert.priority > priority
            || (advert.priority == priority && source > configuration.localAddress)
        if higher {
            // "Cancel Adver_Timer, [v3: Set Master_Adver_Interval to Adver Interval contained
            // in the ADVERTISEMENT, Recompute the Skew_Time and Master_Down_Interval,] Set
            // Master_Down_Timer to Master_Down_Interval, Transition to the {Backup} state" —
            // and give up the addresses.
            var actions = cancelAllTimers()
            masterAdvertisementInterval = configuration.advertisementInterval
            learnInterval(from: advert)
            if configuration.sendAdvertisementOnYield {
                actions.append(.sendAdvertisement(currentAdvertisement()))
            }
            actions.append(.removeVirtualAddresses)
            currentMaster = source
            downTimerBase = now
            actions.append(arm(.masterDown, at: now + masterDownInterval))
            return actions + transition(to: .backup, reason: .higherPriority(source: source, priority: advert.priority), now: now)
        }
        // Lower priority: another Master (split brain healing, or a peer that preempts late).
        // Answer at once so it yields (RFC 9568 §6.4.3 makes this the protocol's rule: "Send
        // an ADVERTISEMENT immediately"), and refresh ARP caches that may point at it; at most
        // once per advertisement interval so a flood cannot make us amplify it.
        if let last = lastAnswerToLowerPriority, now - last < advertisementInterval {
            return []
        }
        lastAnswerToLowerPriority = now
        // keepalived: garp_lower_prio_repeat per address now, and again after
        // garp_lower_prio_delay.
        let garp = configuration.gratuitousARP
        let heard = RouterAction.heardLowerPriority(source: source, priority: advert.priority)
        guard garp.lowerPriorityRepeatCount > 0 else { return [.sendAdvertisement(currentAdvertisement()), heard] }
        var actions: [RouterAction] = [.sendAdvertisement(currentAdvertisement()), .sendGratuitousARP(count: garp.lowerPriorityRepeatCount)]
        if garp.lowerPriorityDelay > .zero {
            actions.append(arm(.lowerPriorityGratuitousARP, at: now + garp.lowerPriorityDelay))
        }
        return actions + [heard]
    }

    private mutating func timerFired(_ token: TimerToken, now: Instant) -> [RouterAction] {
        // A late fire of a cancelled or re-armed timer is ignored.
        guard armed[token.kind] == token else { return [] }
        armed[token.kind] = nil
        switch token.kind {
        case .masterDown:
            // §6.4.2: "If the Master_Down_Timer fires, then: Send an ADVERTISEMENT, Broadcast a
            // gratuitous ARP request, Set the Adver_Timer, Transition to the {Master} state."
            guard state == .backup else { return [] }
            return becomeMaster(reason: .masterDown, now: now)
        case .advertisement:
            // §6.4.3: "If the Adver_Timer fires, then: Send an ADVERTISEMENT, Reset the
            // Adver_Timer to Advertisement_Interval."
            guard state == .master else { return [] }
            return [.sendAdvertisement(currentAdvertisement()),
                    arm(.advertisement, at: now + advertisementInterval)]
        case .gratuitousARPDelay:
            guard state == .master else { return [] }
            return [.sendGratuitousARP(count: configuration.gratuitousARP.repeatCount)]
        case .lowerPriorityGratuitousARP:
            guard state == .master else { return [] }
            return [.sendGratuitousARP(count: configuration.gratuitousARP.lowerPriorityRepeatCount)]
        case .release:
            // The drain after the new Master's announcement ended; or the announcement was not
            // seen within the grace after its advert; or no other Master within the window: a
            // stop releases the addresses anyway.
            guard let pending = pendingRelease else { return [] }
            pendingRelease = nil
            if pending.announcedBy != nil || pending.announcementSeen != nil {
                return [.removeVirtualAddresses, .handoverEnded(.tookOver(by: pending.announcedBy, after: now - pending.since))]
            }
            return [.removeVirtualAddresses, .handoverEnded(.timedOut(after: now - pending.since))]
        case .gratuitousARPRefresh:
            guard state == .master, let refresh = configuration.gratuitousARP.refresh else { return [] }
            return [.sendGratuitousARP(count: configuration.gratuitousARP.refreshRepeatCount),
                    arm(.gratuitousARPRefresh, at: now + refresh)]
        }
    }

    /// A new effective priority. A Master advertises it at once (a preempting peer reacts
    /// fast); a Backup re-arms its down timer with the new Master_Down_Interval.
    private mutating func priorityChanged(to newPriority: UInt8, now: Instant) -> [RouterAction] {
        guard newPriority != priority else { return [] }
        priority = newPriority
        switch state {
        case .master:
            return [.sendAdvertisement(currentAdvertisement()),
                    arm(.advertisement, at: now + advertisementInterval)]
        case .backup:
            guard armed[.masterDown] != nil else { return [] }
            let deadline = max(now, downTimerBase + masterDownInterval)
            return [arm(.masterDown, at: deadline)]
        case .initialize, .fault:
            return []
        }
    }

    /// keepalived FAULT: a Master resigns with a priority-0 advert (the Backup takes over after
    /// Skew_Time); nobody in FAULT holds addresses or sends adverts.
    private mutating func faultRaised(_ reason: FaultCause, now: Instant) -> [RouterAction] {
        fault = reason
        switch state {
        case .initialize, .fault:
            return []
        case .master:
            return resign(planned: false, backstop: false, now: now) + transition(to: .fault, reason: .fault(reason), now: now)
        case .backup:
            let released = abandonHandover(now: now)
            return cancelAllTimers() + released + transition(to: .fault, reason: .fault(reason), now: now)
        }
    }

    private mutating func faultCleared(now: Instant) -> [RouterAction] {
        guard fault != nil else { return [] }
        fault = nil
        guard state == .fault else { return [] }
        return enterInitialRole(reason: priority == 255 ? .addressOwner : .faultCleared, now: now)
    }

    // MARK: - Transitions

    private mutating func enterInitialRole(reason: TransitionReason, now: Instant) -> [RouterAction] {
        if priority == 255 {
            return becomeMaster(reason: reason, now: now)
        }
        // §6.4.1: "Set Master_Adver_Interval to Advertisement_Interval".
        currentMaster = nil
        downTimerBase = now
        masterAdvertisementInterval = configuration.advertisementInterval
        return [arm(.masterDown, at: now + masterDownInterval)] + transition(to: .backup, reason: reason, now: now)
    }

    private mutating func becomeMaster(reason: TransitionReason, now: Instant) -> [RouterAction] {
        var actions = cancelAllTimers()
        actions.append(.sendAdvertisement(currentAdvertisement()))
        actions.append(.addVirtualAddresses)
        // §8.2 with keepalived's policy: a burst of garp_master_repeat per address at once, and
        // the same burst again after garp_master_delay (0: no second burst).
        actions.append(.sendGratuitousARP(count: configuration.gratuitousARP.burstCount))
        actions.append(arm(.advertisement, at: now + advertisementInterval))
        let garp = configuration.gratuitousARP
        if garp.repeatCount > 0 && garp.delay > .zero {
            actions.append(arm(.gratuitousARPDelay, at: now + garp.delay))
        }
        if let refresh = garp.refresh {
            actions.append(arm(.gratuitousARPRefresh, at: now + refresh))
        }
        currentMaster = configuration.localAddress
        lastAnswerToLowerPriority = nil
        // A hand-over nobody took: the addresses never left, and are added (and announced)
        // again as any new Master's.
        pendingRelease = nil
        return actions + transition(to: .master, reason: reason, now: now)
    }

    /// Leave Master by resigning: priority-0 advert, then give the addresses up — at once, or
    /// for a `planned` move with make-before-break once another Master announces itself or the
    /// handover window passes (`backstop`: twice the window, for a hand-over whose own abort
    /// comes first).
    private mutating func resign(planned: Bool, backstop: Bool, now: Instant) -> [RouterAction] {
        var advert = currentAdvertisement()
        advert.priority = 0
        let actions = cancelAllTimers() + [.sendAdvertisement(advert)]
        guard planned, configuration.handover == .makeBeforeBreak else { return actions + [.removeVirtualAddresses] }
        let deadline = now + configuration.handoverWindow * (backstop ? 2 : 1)
        pendingRelease = PendingRelease(since: now, deadline: deadline)
        return actions + [arm(.release, at: deadline)]
    }

    private mutating func transition(to newState: RouterState, reason: TransitionReason, now: Instant) -> [RouterAction] {
        let old = state
        state = newState
        stateSince = now
        if newState != .backup && newState != .master {
            currentMaster = nil
        }
        return [.stateChanged(from: old, to: newState, reason: reason)]
    }

    // MARK: - Helpers

    /// The advert this router sends now: its version, effective priority, configured
    /// interval and addresses.
    public func currentAdvertisement() -> Advertisement {
        Advertisement(
            version: configuration.version,
            virtualRouterID: configuration.virtualRouterID,
            priority: priority,
            interval: configuration.advertisementInterval,
            authentication: configuration.authentication,
            addresses: configuration.virtualAddresses
        )
    }

    /// RFC 5798 §6.4.2/§6.4.3: a v3 router takes the Master's Max Adver Int as its
    /// Master_Adver_Interval (validation refused zero). v2 keeps the configured interval,
    /// which RFC 3768 §7.1 made every advert match.
    private mutating func learnInterval(from advert: Advertisement) {
        guard configuration.version == .v3 else { return }
        masterAdvertisementInterval = advert.interval
    }

    private mutating func arm(_ kind: TimerKind, at deadline: Instant) -> RouterAction {
        let token = TimerToken(kind: kind, generation: nextGeneration)
        nextGeneration += 1
        armed[kind] = token
        return .setTimer(token, deadline: deadline)
    }

    private mutating func cancel(_ kind: TimerKind) -> [RouterAction] {
        guard armed.removeValue(forKey: kind) != nil else { return [] }
        return [.cancelTimer(kind)]
    }

    /// Cancels every armed timer, in a fixed order so the action list is deterministic.
    private mutating func cancelAllTimers() -> [RouterAction] {
        var actions: [RouterAction] = []
        for kind in TimerKind.allCases where armed[kind] != nil {
            armed[kind] = nil
            actions.append(.cancelTimer(kind))
        }
        return actions
    }
}
