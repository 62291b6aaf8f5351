import Testing
@testable import VRRP

@Suite("tracker math (keepalived weight, rise/fall)")
struct TrackerTests {
    @Test("fall: the state flips only after N consecutive failures")
    func fall() {
        let counter = Box(CheckResultCounter(rise: 2, fall: 3))
        #expect(!counter.record(success: false))
        #expect(!counter.record(success: false))
        #expect(!counter.record(success: true))   // streak broken
        #expect(!counter.record(success: false))
        #expect(!counter.record(success: false))
        #expect(counter.isUp)
        #expect(counter.record(success: false))
        #expect(!counter.isUp)
    }

    @Test("rise: back up only after N consecutive successes")
    func rise() {
        let counter = Box(CheckResultCounter(rise: 2, fall: 1, initiallyUp: false))
        #expect(!counter.record(success: true))
        #expect(!counter.record(success: false))
        #expect(!counter.record(success: true))
        #expect(counter.record(success: true))
        #expect(counter.isUp)
    }

    @Test("a check flapping faster than rise/fall never flips")
    func flapping() {
        let counter = Box(CheckResultCounter(rise: 2, fall: 2))
        for index in 0..<100 {
            #expect(!counter.record(success: index % 2 == 0))
        }
        #expect(counter.isUp)
    }

    @Test("weight table", arguments: [
        // weight, reverse, isUp, effect
        (20, false, true, TrackerEffect.adjust(20)), (20, false, false, .adjust(0)),
        (-20, false, true, .adjust(0)), (-20, false, false, .adjust(-20)),
        (20, true, true, .adjust(-20)), (20, true, false, .adjust(0)),
        (-20, true, true, .adjust(0)), (-20, true, false, .adjust(20)),
        (0, false, true, .adjust(0)), (0, false, false, .fault),
        (0, true, true, .fault), (0, true, false, .adjust(0)),
    ])
    func weights(weight: Int, reverse: Bool, isUp: Bool, effect: TrackerEffect) {
        #expect(TrackerWeight(weight, reverse: reverse).effect(isUp: isUp) == effect)
    }

    @Test("effective priority is clamped to 1...254 and the owner stays 255")
    func clamp() {
        var set = TrackerSet(basePriority: 100, entries: [
            .init(.check("a"), weight: TrackerWeight(-60), isUp: true),
            .init(.check("b"), weight: TrackerWeight(-60), isUp: true),
            .init(.check("c"), weight: TrackerWeight(200), isUp: false),
        ])
        #expect(set.effectivePriority == 100)
        set.set(.check("a"), isUp: false)
        #expect(set.effectivePriority == 40)
        set.set(.check("b"), isUp: false)
        #expect(set.effectivePriority == 1)
        set.set(.check("c"), isUp: true)
        #expect(set.effectivePriority == 180)
        set.set(.check("a"), isUp: true); set.set(.check("b"), isUp: true)
        #expect(set.effectivePriority == 254)
        var owner = TrackerSet(basePriority: 255, entries: [.init(.check("a"), weight: TrackerWeight(-60), isUp: false)])
        #expect(owner.effectivePriority == 255)
        owner.set(.check("a"), isUp: true)
        #expect(owner.effectivePriority == 255)
    }

    @Test("a router is brought to a tracker verdict: priority, FAULT raised, FAULT cleared")
    func verdictEvents() {
        let healthy = TrackerSet(basePriority: 100, entries: [
            .init(.check("chk_nginx"), weight: TrackerWeight(-20), isUp: true),
            .init(.interface("eth0"), weight: TrackerWeight(0), isUp: true),
        ])
        let box = Box(healthy)
        #expect(box.set(.check("chk_nginx"), isUp: false))
        #expect(!box.set(.check("chk_nginx"), isUp: false))
        #expect(box.value.effectivePriority == 80)
        #expect(box.value.adjustment == -20)
        #expect(box.value.effectivePriority(adding: -30) == 50)  // a sync-group peer's weight
        #expect(box.value.fault == nil)
        #expect(box.set(.interface("eth0"), isUp: false))
        #expect(box.value.fault == .down([.interface("eth0")]))
        #expect(box.value.fault?.description == "interface eth0 down")

        let linkDown = FaultCause.down([.interface("eth0")])
        let driver = RouterDriver(RouterConfiguration(virtualRouterID: 1, virtualAddresses: [IPv4Address(10, 250, 0, 1)],
                                                      localAddress: IPv4Address(10, 250, 0, 2)))
        #expect(driver.router.events(towardPriority: 100, fault: nil) == [])
        #expect(driver.router.events(towardPriority: 80, fault: linkDown) == [.priorityChanged(80), .faultRaised(linkDown)])
        _ = driver.handle(.faultRaised(linkDown), now: .origin)
        #expect(driver.router.events(towardPriority: 100, fault: linkDown) == [])
        #expect(driver.router.events(towardPriority: 100, fault: .down([.check("chk")])) == [.faultRaised(.down([.check("chk")]))])
        #expect(driver.router.events(towardPriority: 100, fault: nil) == [.faultCleared])
    }

    @Test("track_file: value × weight (negated with reverse), limited to ±254, -254 or less is FAULT; weight 0: non-zero is FAULT (zero, with reverse)")
    func trackFileEffect() {
        #expect(TrackerWeight(0).effect(value: 0) == .adjust(0))
        #expect(TrackerWeight(0).effect(value: 1) == .fault)
        #expect(TrackerWeight(0).effect(value: -3) == .fault)
        #expect(TrackerWeight(0, reverse: true).effect(value: 0) == .fault)
        #expect(TrackerWeight(0, reverse: true).effect(value: 7) == .adjust(0))
        #expect(TrackerWeight(1).effect(value: 20) == .adjust(20))
        #expect(TrackerWeight(-10).effect(value: 3) == .adjust(-30))
        #expect(TrackerWeight(10, reverse: true).effect(value: 3) == .adjust(-30))
        #expect(TrackerWeight(1).effect(value: 1_000) == .adjust(254))
        #expect(TrackerWeight(1).effect(value: -253) == .adjust(-253))
        #expect(TrackerWeight(1).effect(value: -254) == .fault)
        #expect(TrackerWeight(254).effect(value: Int(Int32.min)) == .fault)

        var set = TrackerSet(basePriority: 100, entries: [.init(.file("drain"), weight: TrackerWeight(-10), isUp: true)])
        let changed = set.set(file: "drain", value: 2)
        #expect(changed && set.effectivePriority == 80 && set.fault == nil)
        let again = set.set(file: "drain", value: 2)
        #expect(!again, "no change")
        let faulted = set.set(file: "drain", value: 30)
        #expect(faulted)
        #expect(set.fault == .down([.file("drain")]))
        #expect(set.entries[0].isUp == false)
    }
}
