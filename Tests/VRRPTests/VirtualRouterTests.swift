import Testing
@testable import VRRP

let localAddress = IPv4Address(10, 250, 0, 5)
let lowerAddress = IPv4Address(10, 250, 0, 3)
let higherAddress = IPv4Address(10, 250, 0, 9)
let vip = IPv4Address(10, 250, 0, 100)

func makeConfig(priority: UInt8 = 100, preempt: Bool = true, preemptDelay: Duration = .zero,
                garp: GratuitousARPPolicy = .keepalivedDefaults, yieldAdvert: Bool = false, fastPreempt: Bool = false) -> RouterConfiguration {
    RouterConfiguration(virtualRouterID: 51, basePriority: priority, preempt: preempt, preemptDelay: preemptDelay,
                        authentication: .password("harbor"), virtualAddresses: [vip], localAddress: localAddress,
                        gratuitousARP: garp, sendAdvertisementOnYield: yieldAdvert, fastPreempt: fastPreempt)
}

func advert(_ priority: UInt8, from source: IPv4Address = higherAddress) -> RouterEvent {
    .advertisement(ReceivedAdvertisement(
        advertisement: Advertisement(virtualRouterID: 51, priority: priority, advertisementInterval: 1,
                                     authentication: .password("harbor"), addresses: [vip]),
        source: source))
}

func ours(_ priority: UInt8) -> RouterAction {
    .sendAdvertisement(Advertisement(virtualRouterID: 51, priority: priority, advertisementInterval: 1,
                                     authentication: .password("harbor"), addresses: [vip]))
}

func at(_ seconds: Double) -> Instant { .seconds(seconds) }

/// A FAULT caused by the named checks being down (`"chk_nginx down"`, `"eth0 down, chk down"`).
func fault(_ text: String) -> FaultCause {
    .down(text.split(separator: " ").filter { $0 != "down" }.map { .check(String($0.filter { $0 != "," })) })
}

func timer(_ kind: TimerKind, _ generation: UInt64, _ deadline: Instant) -> RouterAction {
    .setTimer(TimerToken(kind: kind, generation: generation), deadline: deadline)
}

/// MDI for priority 100 at 1 s adverts: 3.609375 s.
let mdi100 = Duration.nanoseconds(3_609_375_000)

/// A router started as Backup at t=0 (timer generation 1 is its first down timer).
func backup(_ config: RouterConfiguration = makeConfig()) -> RouterDriver {
    let router = RouterDriver(config)
    _ = router.handle(.startup, now: at(0))
    return router
}

/// A router that became Master at t=3.609375 through its down timer (generations 2 and 3 are
/// the advert and gratuitous ARP timers).
func master(_ config: RouterConfiguration = makeConfig()) -> RouterDriver {
    let router = backup(config)
    _ = router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: at(0) + mdi100)
    precondition(router.state == .master)
    return router
}

@Suite("§6.4.1 Initialize")
struct InitializeTests {
    @Test("non-owner: start Master_Down_Timer = Master_Down_Interval, go Backup")
    func startupBackup() {
        let router = RouterDriver(makeConfig())
        #expect(router.handle(.startup, now: at(10)) == [
            timer(.masterDown, 1, at(10) + mdi100),
            .stateChanged(from: .initialize, to: .backup, reason: .startup),
        ])
        #expect(router.state == .backup)
    }

    @Test("owner (255): send advert, gratuitous ARP, start Adver_Timer, go Master")
    func startupOwner() {
        let router = RouterDriver(makeConfig(priority: 255))
        #expect(router.handle(.startup, now: at(0)) == [
            ours(255), .addVirtualAddresses, .sendGratuitousARP(count: 5),
            timer(.advertisement, 1, at(1)), timer(.gratuitousARPDelay, 2, at(5)),
            .stateChanged(from: .initialize, to: .master, reason: .addressOwner),
        ])
    }

    @Test("a fault present at startup starts in FAULT, holding nothing")
    func startupFaulted() {
        let router = RouterDriver(makeConfig())
        #expect(router.handle(.faultRaised(fault("chk_nginx down")), now: at(0)) == [])
        #expect(router.handle(.startup, now: at(0)) == [.stateChanged(from: .initialize, to: .fault, reason: .fault(fault("chk_nginx down")))])
    }

    @Test("Initialize ignores adverts and a second startup")
    func initializeIgnores() {
        let router = RouterDriver(makeConfig())
        #expect(router.handle(advert(200), now: at(0)) == [])
        _ = router.handle(.startup, now: at(0))
        #expect(router.handle(.startup, now: at(1)) == [])
    }
}

@Suite("§6.4.2 Backup")
struct BackupTests {
    @Test("Master_Down_Timer fires: send advert, add VIPs, gratuitous ARP, Adver_Timer, go Master")
    func downTimerFires() {
        let router = backup()
        #expect(router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: at(0) + mdi100) == [
            ours(100), .addVirtualAddresses, .sendGratuitousARP(count: 5),
            timer(.advertisement, 2, at(0) + mdi100 + .seconds(1)), timer(.gratuitousARPDelay, 3, at(0) + mdi100 + .seconds(5)),
            .stateChanged(from: .backup, to: .master, reason: .masterDown),
        ])
    }

    @Test("Shutdown: cancel Master_Down_Timer, go Initialize")
    func shutdown() {
        let router = backup()
        #expect(router.handle(.shutdown(handover: true), now: at(1)) == [
            .cancelTimer(.masterDown), .stateChanged(from: .backup, to: .initialize, reason: .shutdown),
        ])
    }

    @Test("priority 0 advert: Master_Down_Timer = Skew_Time")
    func priorityZero() {
        let router = backup()
        #expect(router.handle(advert(0), now: at(2)) == [timer(.masterDown, 2, at(2) + .nanoseconds(609_375_000))])
    }

    @Test("priority >= local: reset Master_Down_Timer to Master_Down_Interval", arguments: [UInt8(100), 101, 254])
    func higherOrEqual(priority: UInt8) {
        let router = backup()
        #expect(router.handle(advert(priority, from: lowerAddress), now: at(2)) == [timer(.masterDown, 2, at(2) + mdi100)])
        #expect(router.currentMaster == .v4(lowerAddress))
    }

    @Test("lower priority with preemption: discard (the timer runs out and we preempt)")
    func lowerDiscarded() {
        let router = backup()
        #expect(router.handle(advert(50), now: at(2)) == [])
        #expect(router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: at(0) + mdi100).last
                == .stateChanged(from: .backup, to: .master, reason: .masterDown))
    }

    @Test("fast_preempt: a lower-priority Master is replaced at once, not after the down timer")
    func fastPreempt() {
        let router = backup(makeConfig(fastPreempt: true))
        #expect(router.handle(advert(80, from: lowerAddress), now: at(2)) == [
            .cancelTimer(.masterDown), ours(100), .addVirtualAddresses, .sendGratuitousARP(count: 5),
            timer(.advertisement, 2, at(3)), timer(.gratuitousARPDelay, 3, at(7)),
            .stateChanged(from: .backup, to: .master, reason: .lowerPriorityMaster(source: .v4(lowerAddress), priority: 80)),
        ])
    }

    @Test("fast_preempt honours nopreempt, preempt_delay and equal priority")
    func fastPreemptLimits() {
        let nopreempt = backup(makeConfig(preempt: false, fastPreempt: true))
        #expect(nopreempt.handle(advert(80), now: at(2)) == [timer(.masterDown, 2, at(2) + mdi100)])
        let delayed = backup(makeConfig(preemptDelay: .seconds(10), fastPreempt: true))
        #expect(delayed.handle(advert(80), now: at(2)) == [timer(.masterDown, 2, at(2) + mdi100)])
        #expect(delayed.handle(advert(80), now: at(11)).last == .stateChanged(from: .backup, to: .master, reason: .lowerPriorityMaster(source: .v4(higherAddress), priority: 80)))
        let equal = backup(makeConfig(fastPreempt: true))
        #expect(equal.handle(advert(100), now: at(2)) == [timer(.masterDown, 2, at(2) + mdi100)])
    }

    @Test("lower priority with nopreempt: reset the timer like any live Master")
    func nopreempt() {
        let router = backup(makeConfig(preempt: false))
        #expect(router.handle(advert(50), now: at(2)) == [timer(.masterDown, 2, at(2) + mdi100)])
    }

    @Test("preempt_delay: lower priority resets the timer until the delay after startup has passed")
    func preemptDelay() {
        let router = backup(makeConfig(preemptDelay: .seconds(30)))
        #expect(!router.preemptionAllowed(at: at(29.9)))
        #expect(router.handle(advert(50), now: at(29.9)) == [timer(.masterDown, 2, at(29.9) + mdi100)])
        #expect(router.preemptionAllowed(at: at(30)))
        #expect(router.handle(advert(50), now: at(30.5)) == [])
    }

    @Test("a stale timer fire (cancelled by a reset) is ignored")
    func staleTimer() {
        let router = backup()
        _ = router.handle(advert(150), now: at(2))
        #expect(router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: at(0) + mdi100) == [])
        #expect(router.state == .backup)
    }

    @Test("a lower priority lets a new effective priority re-arm the down timer from the last advert")
    func priorityChange() {
        let router = backup()
        _ = router.handle(advert(150), now: at(2))
        // 100 -> 80: MDI becomes 3 + 176/256 = 3.6875 s, counted from t=2.
        #expect(router.handle(.priorityChanged(80), now: at(3)) == [timer(.masterDown, 3, at(2) + .nanoseconds(3_687_500_000))])
        #expect(router.priority == 80)
        #expect(router.handle(.priorityChanged(80), now: at(3)) == [])
    }
}

@Suite("§6.4.3 Master")
struct MasterTests {
    let becameMaster = at(0) + mdi100

    @Test("Adver_Timer fires: send advert, reset Adver_Timer")
    func adverTimer() {
        let router = master()
        #expect(router.handle(.timerFired(TimerToken(kind: .advertisement, generation: 2)), now: becameMaster + .seconds(1)) == [
            ours(100), timer(.advertisement, 4, becameMaster + .seconds(2)),
        ])
    }

    @Test("Shutdown: cancel Adver_Timer, send advert with priority 0, remove VIPs, go Initialize")
    func shutdown() {
        let router = master()
        #expect(router.handle(.shutdown(handover: true), now: at(5)) == [
            .cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), ours(0), .removeVirtualAddresses,
            .stateChanged(from: .master, to: .initialize, reason: .shutdown),
        ])
    }

    @Test("priority 0 advert: send advert, reset Adver_Timer")
    func priorityZero() {
        let router = master()
        #expect(router.handle(advert(0), now: at(4)) == [ours(100), timer(.advertisement, 4, at(5))])
        #expect(router.state == .master)
    }

    @Test("higher priority: cancel Adver_Timer, remove VIPs, Master_Down_Timer, go Backup")
    func higherPriority() {
        let router = master()
        #expect(router.handle(advert(150, from: lowerAddress), now: at(4)) == [
            .cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), .removeVirtualAddresses,
            timer(.masterDown, 4, at(4) + mdi100),
            .stateChanged(from: .master, to: .backup, reason: .higherPriority(source: .v4(lowerAddress), priority: 150)),
        ])
    }

    @Test("equal priority from a higher primary address: go Backup")
    func equalHigherAddress() {
        let router = master()
        #expect(router.handle(advert(100, from: higherAddress), now: at(4)).last
                == .stateChanged(from: .master, to: .backup, reason: .higherPriority(source: .v4(higherAddress), priority: 100)))
    }

    @Test("equal priority from a lower primary address: stay Master and answer")
    func equalLowerAddress() {
        let router = master()
        #expect(router.handle(advert(100, from: lowerAddress), now: at(4)).prefix(2) == [ours(100), .sendGratuitousARP(count: 5)])
        #expect(router.state == .master)
    }

    @Test("lower priority: answer with advert and gratuitous ARP, at most once per interval")
    func lowerPriorityAnswerRateLimited() {
        let router = master()
        #expect(router.handle(advert(50), now: at(4)).prefix(2) == [ours(100), .sendGratuitousARP(count: 5)])
        #expect(router.handle(advert(50), now: at(4.5)) == [])
        #expect(router.handle(advert(50), now: at(4.99)) == [])
        #expect(router.handle(advert(50), now: at(5)).prefix(2) == [ours(100), .sendGratuitousARP(count: 5)])
    }

    @Test("garp_lower_prio_repeat / garp_lower_prio_delay: that burst at once and again after the delay; 0 repeats is none")
    func lowerPriorityGratuitousARP() throws {
        var garp = GratuitousARPPolicy.keepalivedDefaults
        garp.lowerPriorityRepeatCount = 2
        garp.lowerPriorityDelay = .seconds(3)
        let router = master(makeConfig(garp: garp))
        let actions = router.handle(advert(50), now: at(4))
        #expect(actions.prefix(2) == [ours(100), .sendGratuitousARP(count: 2)])
        let timer = try #require(actions.compactMap { action -> (TimerToken, Instant)? in
            if case .setTimer(let token, let deadline) = action, token.kind == .lowerPriorityGratuitousARP { (token, deadline) } else { nil }
        }.first, "no lower-priority burst timer: \(actions)")
        #expect(timer.1 == at(7))
        #expect(router.handle(.timerFired(timer.0), now: at(7)) == [.sendGratuitousARP(count: 2)])
        garp.lowerPriorityRepeatCount = 0
        let silent = master(makeConfig(garp: garp))
        #expect(silent.handle(advert(50), now: at(4)) == [ours(100), .heardLowerPriority(source: .v4(higherAddress), priority: 50)])
        #expect(actions.last == .heardLowerPriority(source: .v4(higherAddress), priority: 50), "keepalived's MASTER_RX_LOWER_PRI, last")
    }

    @Test("vrrp_higher_prio_send_advert: one more advert before yielding")
    func yieldAdvert() {
        let router = master(makeConfig(yieldAdvert: true))
        let actions = router.handle(advert(150), now: at(4))
        #expect(Array(actions.prefix(4)) == [.cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), ours(100), .removeVirtualAddresses])
    }

    @Test("a new effective priority is advertised at once")
    func priorityChange() {
        let router = master()
        #expect(router.handle(.priorityChanged(80), now: at(4)) == [ours(80), timer(.advertisement, 4, at(5))])
    }

    @Test("our own advert looped back is ignored")
    func ownAdvert() {
        let router = master()
        #expect(router.handle(advert(150, from: localAddress), now: at(4)) == [])
    }

    @Test("the address owner ignores adverts, even an equal priority from a higher address")
    func ownerIgnores() {
        let router = RouterDriver(makeConfig(priority: 255))
        _ = router.handle(.startup, now: at(0))
        #expect(router.handle(advert(255, from: higherAddress), now: at(1)) == [])
        #expect(router.state == .master)
    }
}

@Suite("gratuitous ARP (§8.2, keepalived garp_master_*)")
struct GratuitousARPTests {
    @Test("after garp_master_delay, garp_master_repeat more")
    func delayedRepeat() {
        let router = master()
        #expect(router.handle(.timerFired(TimerToken(kind: .gratuitousARPDelay, generation: 3)), now: at(8.7)) == [.sendGratuitousARP(count: 5)])
    }

    @Test("garp_master_refresh repeats while Master and stops on leaving")
    func refresh() {
        let router = master(makeConfig(garp: GratuitousARPPolicy(delay: .seconds(2), repeatCount: 0, refresh: .seconds(60), refreshRepeatCount: 2)))
        // generations: 1 down timer, 2 advert, 3 refresh (no delayed burst with repeat 0)
        #expect(router.armedTimers[.gratuitousARPDelay] == nil)
        #expect(router.handle(.timerFired(TimerToken(kind: .gratuitousARPRefresh, generation: 3)), now: at(63.6)) == [
            .sendGratuitousARP(count: 2), timer(.gratuitousARPRefresh, 4, at(123.6)),
        ])
        let leaving = router.handle(.shutdown(handover: true), now: at(70))
        #expect(leaving.contains(.cancelTimer(.gratuitousARPRefresh)))
    }
}

@Suite("FAULT (keepalived)")
struct FaultTests {
    @Test("Master in fault: priority-0 advert, remove VIPs, FAULT")
    func masterFault() {
        let router = master()
        #expect(router.handle(.faultRaised(fault("chk_nginx down")), now: at(9)) == [
            .cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), ours(0), .removeVirtualAddresses,
            .stateChanged(from: .master, to: .fault, reason: .fault(fault("chk_nginx down"))),
        ])
    }

    @Test("Backup in fault: stop the down timer, FAULT")
    func backupFault() {
        let router = backup()
        #expect(router.handle(.faultRaised(fault("eth0 down")), now: at(1)) == [
            .cancelTimer(.masterDown), .stateChanged(from: .backup, to: .fault, reason: .fault(fault("eth0 down"))),
        ])
    }

    @Test("FAULT ignores adverts, stale timers and priority changes, says nothing")
    func faultIsSilent() {
        let router = backup()
        _ = router.handle(.faultRaised(fault("eth0 down")), now: at(1))
        #expect(router.handle(advert(0), now: at(2)) == [])
        #expect(router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: at(4)) == [])
        #expect(router.handle(.priorityChanged(90), now: at(5)) == [])
        #expect(router.handle(.faultRaised(fault("eth0 down, chk down")), now: at(5)) == [])
        #expect(router.state == .fault)
    }

    @Test("fault cleared: back to Backup with a fresh down timer")
    func cleared() {
        let router = backup()
        _ = router.handle(.faultRaised(fault("eth0 down")), now: at(1))
        #expect(router.handle(.faultCleared, now: at(10)) == [
            timer(.masterDown, 2, at(10) + mdi100), .stateChanged(from: .fault, to: .backup, reason: .faultCleared),
        ])
        #expect(router.handle(.faultCleared, now: at(11)) == [])
    }

    @Test("the owner leaves FAULT straight to Master")
    func ownerCleared() {
        let router = RouterDriver(makeConfig(priority: 255))
        _ = router.handle(.faultRaised(fault("eth0 down")), now: at(0))
        _ = router.handle(.startup, now: at(0))
        #expect(router.handle(.faultCleared, now: at(3)).last == .stateChanged(from: .fault, to: .master, reason: .addressOwner))
    }

    @Test("shutdown from FAULT goes to Initialize without adverts")
    func shutdownFromFault() {
        let router = backup()
        _ = router.handle(.faultRaised(fault("x down")), now: at(1))
        #expect(router.handle(.shutdown(handover: true), now: at(2)) == [.stateChanged(from: .fault, to: .initialize, reason: .shutdown)])
    }
}

@Suite("sync groups (keepalived vrrp_sync_master / vrrp_sync_backup)")
struct SyncGroupEventTests {
    @Test("a Backup follows a member that became Master: advert, VIPs, GARP, Adver_Timer, Master")
    func followMaster() {
        let router = backup()
        let actions = router.handle(.syncGroupMaster(group: "VG", member: "VI_2"), now: at(1))
        #expect(actions.first == .cancelTimer(.masterDown))
        #expect(actions.contains(ours(100)) && actions.contains(.addVirtualAddresses))
        #expect(actions.last == .stateChanged(from: .backup, to: .master, reason: .syncGroup(group: "VG", member: "VI_2")))
        #expect(router.handle(.syncGroupMaster(group: "VG", member: "VI_2"), now: at(2)) == [])
    }

    @Test("a Master follows a member that went Backup: VIPs released, down timer, Backup; the owner and non-Masters ignore it")
    func followBackup() {
        let router = master()
        #expect(router.handle(.syncGroupBackup(group: "VG", member: "VI_2"), now: at(9)) == [
            .cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), .removeVirtualAddresses,
            timer(.masterDown, 4, at(9) + mdi100),
            .stateChanged(from: .master, to: .backup, reason: .syncGroup(group: "VG", member: "VI_2")),
        ])
        #expect(backup().handle(.syncGroupBackup(group: "VG", member: "VI_2"), now: at(1)) == [])
        let owner = RouterDriver(makeConfig(priority: 255))
        _ = owner.handle(.startup, now: at(0))
        #expect(owner.handle(.syncGroupBackup(group: "VG", member: "VI_2"), now: at(1)) == [])
    }
}

@Suite("operator requests (drill, maintenance)")
struct OperatorRequestTests {
    @Test("resign: priority-0 advert, VIPs released, Backup with a fresh down timer; take over: Master at once")
    func resignAndTakeOver() {
        let router = master()
        #expect(router.handle(.resign(reason: "drill"), now: at(9)) == [
            .cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), ours(0), .removeVirtualAddresses,
            timer(.masterDown, 4, at(9) + mdi100), .stateChanged(from: .master, to: .backup, reason: .operatorRequest("drill")),
        ])
        #expect(router.handle(.resign(reason: "drill"), now: at(10)) == [])
        let back = router.handle(.takeOver(reason: "drill aborted"), now: at(11))
        #expect(back.contains(ours(100)) && back.contains(.addVirtualAddresses))
        #expect(back.last == .stateChanged(from: .backup, to: .master, reason: .operatorRequest("drill aborted")))
    }
}

@Suite("make-before-break: a planned resignation keeps the addresses until the new Master announces itself")
struct HandoverTests {
    static func makeBeforeBreak() -> RouterConfiguration {
        var config = makeConfig()
        config.handover = .makeBeforeBreak
        return config
    }

    /// Skew_Time(100) + one interval: 1.609375 s.
    static let window = Duration.nanoseconds(1_609_375_000)

    @Test("Shutdown: the priority-0 advert and the release timer, no removal; after the new Master's first advert its announcement (or the grace) releases, after the drain")
    func shutdownWaitsForTheNewMaster() {
        let router = master(Self.makeBeforeBreak())
        #expect(router.handle(.shutdown(handover: true), now: at(5)) == [
            .cancelTimer(.advertisement), .cancelTimer(.gratuitousARPDelay), ours(0), timer(.release, 4, at(5) + Self.window),
            .stateChanged(from: .master, to: .initialize, reason: .shutdown),
        ])
        #expect(router.pendingRelease == PendingRelease(since: at(5), deadline: at(5) + Self.window))
        // A priority-0 advert is nobody taking over.
        #expect(router.handle(advert(0), now: at(5.3)) == [])
        #expect(router.handle(advert(90, from: lowerAddress), now: at(5.6)) == [
            .cancelTimer(.release), timer(.release, 5, at(5.6) + PendingRelease.announcementGrace),
        ])
        #expect(router.pendingRelease?.announcedBy == .v4(lowerAddress))
        // Its gratuitous ARP: the clients move now; the drain answers what they sent just before.
        #expect(router.handle(.newMasterAnnounced, now: at(5.607)) == [
            .cancelTimer(.release), timer(.release, 6, at(5.607) + PendingRelease.drain),
        ])
        #expect(router.handle(.newMasterAnnounced, now: at(5.608)) == [], "a second frame of the burst moved the drain")
        #expect(router.handle(.timerFired(TimerToken(kind: .release, generation: 6)), now: at(5.657)) == [
            .removeVirtualAddresses, .handoverEnded(.tookOver(by: .v4(lowerAddress), after: .milliseconds(657))),
        ])
        #expect(router.pendingRelease == nil)

        // The announcement before the advert (frames can cross): the drain runs from it.
        let early = master(Self.makeBeforeBreak())
        _ = early.handle(.shutdown(handover: true), now: at(5))
        _ = early.handle(.newMasterAnnounced, now: at(5.6))
        #expect(early.handle(advert(90, from: lowerAddress), now: at(5.601)) == [])
        #expect(early.handle(.timerFired(TimerToken(kind: .release, generation: 5)), now: at(5.65)) == [
            .removeVirtualAddresses, .handoverEnded(.tookOver(by: .v4(lowerAddress), after: .milliseconds(650))),
        ])

        // No announcement seen: the grace after the advert releases.
        let quiet = master(Self.makeBeforeBreak())
        _ = quiet.handle(.shutdown(handover: true), now: at(5))
        _ = quiet.handle(advert(90, from: lowerAddress), now: at(5.6))
        #expect(quiet.handle(.timerFired(TimerToken(kind: .release, generation: 5)), now: at(5.7)) == [
            .removeVirtualAddresses, .handoverEnded(.tookOver(by: .v4(lowerAddress), after: .milliseconds(700))),
        ])
    }

    @Test("nobody takes over: the release timer removes the addresses; a second stop, or a fault, releases at once")
    func windowAndAbandon() {
        let alone = master(Self.makeBeforeBreak())
        _ = alone.handle(.shutdown(handover: true), now: at(5))
        #expect(alone.handle(.timerFired(TimerToken(kind: .release, generation: 4)), now: at(5) + Self.window) == [
            .removeVirtualAddresses, .handoverEnded(.timedOut(after: Self.window)),
        ])
        let twice = master(Self.makeBeforeBreak())
        _ = twice.handle(.shutdown(handover: true), now: at(5))
        #expect(twice.handle(.shutdown(handover: true), now: at(5.1)) == [
            .cancelTimer(.release), .removeVirtualAddresses, .handoverEnded(.abandoned(after: .milliseconds(100))),
        ])
        let drilled = master(Self.makeBeforeBreak())
        _ = drilled.handle(.resign(reason: "drill"), now: at(5))
        #expect(drilled.state == .backup && drilled.pendingRelease != nil)
        let faulted = drilled.handle(.faultRaised(fault("chk down")), now: at(5.2))
        #expect(faulted.contains(.removeVirtualAddresses) && faulted.contains(.handoverEnded(.abandoned(after: .milliseconds(200)))))
    }

    @Test("a drill nobody answers: taking over again keeps the addresses (added again, announced); an instance a reload stops, a fault and immediate mode release with the advert")
    func takeBackAndImmediate() {
        let drilled = master(Self.makeBeforeBreak())
        _ = drilled.handle(.resign(reason: "drill"), now: at(5))
        let back = drilled.handle(.takeOver(reason: "drill aborted"), now: at(6.6))
        #expect(back.contains(.addVirtualAddresses) && !back.contains(.removeVirtualAddresses))
        #expect(drilled.pendingRelease == nil && drilled.state == .master)

        for (config, event) in [(Self.makeBeforeBreak(), RouterEvent.shutdown(handover: false)), (makeConfig(), .shutdown(handover: true)),
                                (Self.makeBeforeBreak(), .faultRaised(fault("chk down")))] {
            let router = master(config)
            let actions = router.handle(event, now: at(5))
            #expect(actions.contains(.removeVirtualAddresses), "\(event)")
            #expect(router.pendingRelease == nil)
        }
    }

    @Test("resumeAsMaster (vipkeeper restart): Master at once, advert and addresses; with a fault, FAULT")
    func resume() {
        let router = RouterDriver(makeConfig())
        let actions = router.handle(.resumeAsMaster(.inPlace), now: at(0))
        #expect(actions.first == ours(100) && actions.contains(.addVirtualAddresses))
        #expect(router.state == .master)
        let faulted = RouterDriver(makeConfig())
        _ = faulted.handle(.faultRaised(fault("chk down")), now: at(0))
        _ = faulted.handle(.resumeAsMaster(.inPlace), now: at(0))
        #expect(faulted.state == .fault)
    }
}
