import Foundation
import Config
import ControlProtocol
import Node
import Testing
import VRRP

/// Master_Down_Interval at priority 150 and 1 s adverts: 3 + 106/256 s.
let mdi150 = Duration.seconds(3) + Timing.skewTime(priority: 150)
let vip = IPAddress.v4(IPv4Address(10, 250, 1, 100))

@Suite("node: start, takeover, stop")
struct NodeLifecycleTests {
    @Test("start removes leftovers first, then every instance starts as Backup; the down timer makes it Master with a full GARP burst")
    func takeover() throws {
        let harness = try NodeHarness(instanceText())
        guard case .removeLeftoverAddress(let leftover)? = harness.effects.first else {
            Issue.record("the first effect is not a leftover removal: \(harness.effects)")
            return
        }
        #expect(leftover.binding.address.address == vip)
        #expect(harness.views.first?.state == .backup)
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        #expect(harness.kernel == [vip])
        #expect(harness.views.first?.holdsEveryAddress == true)
        // keepalived's burst: garp_master_repeat (5) rounds at once, the same again after
        // garp_master_delay (5 s); each round one frame per address.
        #expect(harness.gratuitousARPs.map(\.addresses.count) == [1, 1, 1, 1, 1])
        harness.advance(by: .seconds(5))
        #expect(harness.gratuitousARPs.count == 10)
    }

    @Test("virtual_ipaddress_excluded: held, announced and released with the instance, never advertised (either family)")
    func excludedAddresses() throws {
        let excluded = IPAddress("fd00:250:1::100")!
        let harness = try NodeHarness(instanceText(extra: "    virtual_ipaddress_excluded {\n        fd00:250:1::100/64\n    }\n"))
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        #expect(harness.kernel == [vip, excluded])
        #expect(harness.views.first?.holdsEveryAddress == true)
        #expect(harness.gratuitousARPs.first?.addresses.map(\.address.address) == [vip, excluded])
        #expect(harness.sends.last?.addresses == [vip], "an excluded address went into the advert")
        harness.handle(.stop)
        harness.receive(priority: 100)
        harness.advance(by: PendingRelease.announcementGrace)  // no gratuitous ARP seen: the grace ends it
        #expect(harness.kernel.isEmpty)
    }

    @Test("stop: priority-0 advert and notify_stop; the VIP stays until the new Master's first advert (make-before-break), then goes; nothing happens afterwards")
    func stop() throws {
        let harness = try NodeHarness(instanceText(extra: "    notify_stop /usr/local/bin/on-stop\n"))
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.stop)
        #expect(harness.sends.map(\.priority) == [0])
        #expect(harness.kernel == [vip] && harness.node.isStopping && harness.node.isRunning)
        #expect(harness.effects.contains { if case .runNotify(let job) = $0 { job.label == "notify_stop" } else { false } })
        #expect(harness.log(containing: "stopping: VI_1 keeps the virtual addresses until the new Master announces itself, at most 1.414 s"))
        harness.advance(by: .milliseconds(600))
        #expect(harness.kernel == [vip], "released before anyone took over")
        // A priority-0 advert is no new Master.
        harness.receive(priority: 0)
        #expect(harness.kernel == [vip])
        #expect(harness.effects.contains(.watchAnnouncements(true)), "the wire is not watched for the new Master's gratuitous ARP")
        harness.receive(priority: 90)
        #expect(harness.kernel == [vip], "released before the new Master's gratuitous ARP")
        // The new Master's gratuitous ARP, from its MAC: clients move now.
        harness.advance(by: .milliseconds(7))
        harness.handle(.gratuitousARPSeen(interfaceIndex: 2, address: vip, hardwareAddress: [2, 0, 0, 0, 0, 2]))
        // The drain: requests the clients sent just before their caches moved are answered.
        harness.advance(by: PendingRelease.drain - .milliseconds(1))
        #expect(harness.kernel == [vip] && harness.node.isStopping)
        harness.advance(by: .milliseconds(1))
        #expect(harness.kernel.isEmpty && !harness.node.isRunning && !harness.node.isStopping)
        #expect(harness.log(containing: "[VI_1] 10.250.1.12 announced itself 0.657 s after the priority-0 advert: releasing the virtual addresses (make-before-break)"))
        harness.effects = []
        harness.receive(priority: 200)
        harness.advance(by: .seconds(10))
        #expect(harness.effects.isEmpty)
    }

    @Test("stop with nobody to take over: the VIP goes anyway when the window (Skew_Time + one interval) passes; a second stop releases at once")
    func stopWithoutPeer() throws {
        let harness = try NodeHarness(instanceText())
        harness.advance(by: mdi150)
        harness.handle(.stop)
        harness.advance(by: .milliseconds(1_400))
        #expect(harness.kernel == [vip] && harness.node.isRunning)
        harness.advance(by: .milliseconds(20))
        #expect(harness.kernel.isEmpty && !harness.node.isRunning)
        #expect(harness.log(containing: "[VI_1] no other Master announced itself within 1.414 s of the priority-0 advert: releasing the virtual addresses anyway"))

        let twice = try NodeHarness(instanceText())
        twice.advance(by: mdi150)
        twice.handle(.stop)
        twice.advance(by: .milliseconds(100))
        twice.handle(.stop)
        #expect(twice.kernel.isEmpty && !twice.node.isRunning)
        #expect(twice.sends.filter { $0.priority == 0 }.count == 1, "a second stop sent another priority-0 advert")
        #expect(twice.log(containing: "[VI_1] releasing the virtual addresses now, 0.100 s after the priority-0 advert, without waiting for the new Master"))
    }

    @Test("resume (vipkeeper restart): a Master of the replaced process keeps its VIP and is Master at once, advertising; the others start as Backup and their leftovers go")
    func resume() throws {
        let harness = try NodeHarness(instanceText() + instanceText("VI_2", vrid: 52, priority: 100), start: false)
        let second = IPAddress.v4(IPv4Address(10, 250, 1, 52))
        harness.kernel = [vip, second]  // both left by the replaced image; only VI_1 was Master
        harness.handle(.resume(masters: ["VI_1", "VI_9"], after: .inPlace, checkVerdicts: [:]))
        #expect(harness.views.map(\.state) == [.master, .backup])
        #expect(harness.kernel == [vip], "VI_1's VIP went, or VI_2's leftover stayed")
        #expect(harness.sends.map { [$0.virtualRouterID, $0.priority] } == [[51, 150]])
        #expect(harness.log(containing: "resuming in place: VI_1 stays MASTER"))
        #expect(harness.log(containing: "[VI_1] INIT -> MASTER (resumed the Master of the process it replaced (in-place restart))"))
        #expect(!harness.effects.contains { if case .removeLeftoverAddress(let change) = $0 { change.instanceName == "VI_1" } else { false } })
    }

    @Test("resume: the checks start from the verdicts the previous process had, so a failing check keeps its weight from the first advert")
    func resumeCarriesCheckVerdicts() throws {
        let text = "vrrp_script chk_harbor {\n    script \"/usr/bin/true\"\n    interval 2\n    weight -60\n}\n"
            + instanceText(extra: "    track_script {\n        chk_harbor\n    }\n")
        let carried = try NodeHarness(text, start: false)
        carried.handle(.resume(masters: ["VI_1"], after: .successor, checkVerdicts: ["chk_harbor": false, "gone": true]))
        #expect(carried.views.first?.priority == 90)
        #expect(carried.sends.map(\.priority) == [90])
        let fresh = try NodeHarness(text, start: false)
        fresh.handle(.resume(masters: ["VI_1"], after: .successor, checkVerdicts: [:]))
        #expect(fresh.views.first?.priority == 150)
        #expect(carried.node.checkVerdicts == ["chk_harbor": false])
    }

    @Test("hand-off (systemctl restart): each Master advertises once more at its priority; nothing is released; the node is no longer running")
    func handOff() throws {
        let harness = try NodeHarness(instanceText() + instanceText("VI_2", vrid: 52, priority: 100))
        harness.advance(by: mdi150)
        harness.receive(priority: 200, vrid: 52, addresses: [IPv4Address(10, 250, 1, 52)])
        try #require(harness.views.map(\.state) == [.master, .backup])
        harness.effects = []
        harness.handle(.handOff)
        #expect(harness.sends.map { [$0.virtualRouterID, $0.priority] } == [[51, 150]])
        #expect(harness.kernel == [vip] && !harness.node.isRunning && !harness.node.isStopping)
        #expect(!harness.effects.contains { if case .removeAddress = $0 { true } else { false } })
        #expect(!harness.effects.contains { if case .runNotify = $0 { true } else { false } }, "notify scripts ran on a hand-off")
    }

    @Test("vrrp_handover immediate, and vrrp_strict: the VIP goes with the priority-0 advert, as keepalived")
    func immediateHandover() throws {
        let unauthenticated = instanceText().replacingOccurrences(of: "    authentication {\n        auth_type PASS\n        auth_pass harbor\n    }\n", with: "")
        for globals in ["global_defs {\n    vrrp_handover immediate\n}\n", "global_defs {\n    vrrp_strict\n}\n"] {
            let harness = try NodeHarness(globals + unauthenticated)
            harness.advance(by: mdi150)
            harness.handle(.stop)
            #expect(harness.kernel.isEmpty && !harness.node.isRunning, "\(globals)")
        }
    }
}

@Suite("node: receive demux and drop attribution (RFC 3768 §7.1)")
struct NodeReceiveTests {
    @Test("a bad packet for a configured VRID is counted against its instance; an unknown VRID against the interface, silently; garbage against the interface")
    func drops() throws {
        let harness = try NodeHarness(instanceText() + instanceText("VI_2", vrid: 52, priority: 100))
        harness.receive(priority: 200, password: "wrong")
        harness.receive(priority: 200, ttl: 64)
        harness.receive(priority: 200, vrid: 99)
        harness.handle(.packet([0x45, 0, 0, 5], interfaceIndex: 2))
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances[0].drops == ["auth_failure": 1, "ip_ttl_err": 1])
        #expect(report.instances[1].drops.isEmpty)
        #expect(report.interfaceDrops == ["eth0": ["unknown_vrid": 1, "packet_len_err": 1]])
        #expect(harness.log(containing: "[VI_1] dropped packet from 10.250.1.12: authentication password does not match (auth_failure)"))
        #expect(!harness.log(containing: "virtual router id 99"))
        #expect(harness.log(containing: "[eth0] dropped packet"))
        // Rate-limited: the same reason again within the window logs nothing more.
        harness.effects = []
        harness.receive(priority: 200, password: "wrong")
        #expect(harness.logs.isEmpty)
    }

    @Test("an advert reaches only the instance with its VRID; our own looped-back advert is ignored")
    func demux() throws {
        let harness = try NodeHarness(instanceText() + instanceText("VI_2", vrid: 52, priority: 100))
        harness.receive(priority: 200, vrid: 52, addresses: [IPv4Address(10, 250, 1, 52)])
        harness.receive(priority: 200, from: IPv4Address(10, 250, 1, 11))
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances.map(\.advertisementsReceived) == [0, 1])
        #expect(report.instances[1].master == "10.250.1.12")
    }
}

@Suite("node: virtual addresses as the kernel has them")
struct NodeAddressTests {
    @Test("a failed add is not reported as held: logged once with the error, counted, retried every second, held once the kernel has it")
    func failedAdd() throws {
        let harness = try NodeHarness(instanceText())
        harness.netlinkFails = true
        harness.advance(by: mdi150)
        let view = try #require(harness.views.first)
        #expect(view.state == .master)
        #expect(!view.holdsEveryAddress && view.heldAddresses.isEmpty && view.failingAddresses == 1)
        #expect(harness.logs.filter { $0.contains("could not add 10.250.1.100/24 dev eth0: Object exists; retrying every 1 s") }.count == 1)
        harness.advance(by: .seconds(3))
        #expect(harness.logs.filter { $0.contains("could not add") }.count == 1)  // once per streak
        var report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances[0].holdsVirtualAddresses == false)
        #expect(report.instances[0].virtualAddresses.first?.failures == 4)
        #expect(report.instances[0].virtualAddresses.first?.lastError == "Object exists")
        harness.netlinkFails = false
        harness.advance(by: .seconds(1))
        #expect(harness.kernel == [vip])
        #expect(harness.views.first?.holdsEveryAddress == true)
        #expect(harness.log(containing: "10.250.1.100/24 dev eth0 is on eth0 after 4 failed attempts"))
        report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances[0].virtualAddresses.first?.failures == 0)
        #expect(harness.gratuitousARPs.last?.addresses.map(\.address.address) == [vip])
    }

    @Test("an address deleted by someone else while Master is put back at once, with gratuitous ARP, and counted")
    func deletedExternally() throws {
        let harness = try NodeHarness(instanceText())
        harness.advance(by: mdi150)
        harness.effects = []
        harness.kernel = []
        harness.handle(.addresses(interfaceIndex: 2, present: []))
        #expect(harness.kernel == [vip])
        #expect(harness.log(containing: "was deleted by someone else while MASTER; adding it back"))
        #expect(harness.gratuitousARPs.count == 5, "a full burst for the address put back")
        #expect(harness.views.first?.addressesRestored == 1)
        #expect(harness.views.first?.state == .master)
        #expect(harness.sends.isEmpty)  // no election, no advert out of turn
    }

    @Test("an address that appears while Backup is reported once")
    func appearsWhileBackup() throws {
        let harness = try NodeHarness(instanceText())
        harness.handle(.addresses(interfaceIndex: 2, present: [HostAddress(vip, prefixLength: 24)]))
        harness.handle(.addresses(interfaceIndex: 2, present: [HostAddress(vip, prefixLength: 24)]))
        #expect(harness.logs.filter { $0.contains("is present although this instance is BACKUP") }.count == 1)
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances[0].virtualAddresses.first?.foreign == true)
        #expect(report.instances[0].holdsVirtualAddresses == false)
    }

    @Test("a failed removal stays pending and is retried until the address is gone")
    func failedRemoval() throws {
        let harness = try NodeHarness(instanceText())
        harness.advance(by: mdi150)
        harness.netlinkFails = true
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        #expect(harness.kernel == [vip])
        #expect(harness.views.first?.heldAddresses.isEmpty == true)
        #expect(harness.views.first?.failingAddresses == 1)
        harness.netlinkFails = false
        harness.advance(by: .seconds(1))
        #expect(harness.kernel.isEmpty)
        #expect(harness.views.first?.failingAddresses == 0)
    }
}

@Suite("node: trackers and sync groups")
struct NodeTrackerTests {
    static let checks = """
    vrrp_script chk_nginx {
        script "/usr/bin/true"
        interval 1
        fall 2
        rise 2
        weight -30
    }

    """

    @Test("a check's verdict follows rise/fall and moves the effective priority; a run is never started twice at once")
    func riseFall() throws {
        let harness = try NodeHarness(Self.checks + instanceText(extra: "    track_script {\n        chk_nginx\n    }\n"))
        #expect(harness.effects.contains { if case .runCheck = $0 { true } else { false } })
        harness.answerChecks(.failure("exited 1"))
        harness.advance(by: .seconds(1))
        #expect(harness.views.first?.priority == 150)
        harness.answerChecks(.timedOut(.seconds(1)))
        #expect(harness.views.first?.priority == 120)
        #expect(harness.log(containing: "check chk_nginx is down after 2 failure(s): timed out after 1s"))
        // Overdue: the timer fires while a run is in flight; the next run starts when it ends.
        harness.effects = []
        harness.advance(by: .seconds(2.5))
        let started = harness.effects.filter { if case .runCheck = $0 { true } else { false } }.count
        #expect(started == 1)
        harness.answerChecks(.success)
        #expect(harness.effects.filter { if case .runCheck = $0 { true } else { false } }.count == 1)  // the overdue run
        harness.answerChecks(.success)
        #expect(harness.views.first?.priority == 150)
    }

    @Test("sync group: each member's weights apply to every member; one member's FAULT faults them all")
    func syncGroup() throws {
        let text = Self.checks + """
        vrrp_script chk_db {
            script "/usr/bin/true"
            weight 0
        }
        vrrp_sync_group VG_1 {
            group {
                VI_1
                VI_2
            }
        }

        """ + instanceText(extra: "    track_script {\n        chk_nginx\n    }\n")
            + instanceText("VI_2", vrid: 52, priority: 140, extra: "    track_script {\n        chk_db\n    }\n")
        let harness = try NodeHarness(text)
        for _ in 0..<2 {
            harness.answerChecks(.failure("exited 1"), named: "chk_nginx")
            harness.advance(by: .seconds(1))
        }
        #expect(harness.views.map(\.priority) == [120, 110])
        harness.answerChecks(.failure("exited 1"), named: "chk_db")
        #expect(harness.views.map(\.state) == [.fault, .fault])
        #expect(harness.views[0].fault == .syncGroup(group: "VG_1", member: "VI_2", cause: .down([.check("chk_db")])))
        #expect(harness.views[1].fault == .down([.check("chk_db")]))
    }

    @Test("a sync group's own trackers: every member follows them, a weight moves the group once, weight 0 faults every member")
    func syncGroupTrackers() throws {
        let text = Self.checks + """
        vrrp_script chk_db {
            script "/usr/bin/true"
            weight 0
        }
        vrrp_sync_group VG_1 {
            group {
                VI_1
                VI_2
            }
            track_script {
                chk_nginx
                chk_db
            }
        }

        """ + instanceText() + instanceText("VI_2", vrid: 52, priority: 140)
        let harness = try NodeHarness(text)
        for _ in 0..<2 {
            harness.answerChecks(.failure("exited 1"), named: "chk_nginx")
            harness.advance(by: .seconds(1))
        }
        // −30 once for the group, not −30 per member.
        #expect(harness.views.map(\.priority) == [120, 110])
        for _ in 0..<2 {
            harness.answerChecks(.success, named: "chk_nginx")
            harness.advance(by: .seconds(1))
        }
        #expect(harness.views.map(\.priority) == [150, 140])
        harness.answerChecks(.failure("exited 1"), named: "chk_db")
        #expect(harness.views.map(\.state) == [.fault, .fault])
        #expect(harness.views.map(\.fault) == [.down([.check("chk_db")]), .down([.check("chk_db")])])
    }

    @Test("a link going down puts its instance in FAULT; coming back clears it")
    func link() throws {
        let harness = try NodeHarness(instanceText())
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.interface("eth0", eth0(up: false)))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.views.first?.fault == .down([.interface("eth0")]))
        #expect(harness.sends.map(\.priority) == [0])
        #expect(harness.kernel.isEmpty)
        harness.handle(.interface("eth0", eth0(up: true)))
        #expect(harness.views.first?.state == .backup)
    }
}

@Suite("node: an address the kernel never shows")
struct NodeInvisibleAddressTests {
    @Test("an add that succeeds but never shows up is a failed add, retried every second, not a restore loop")
    func invisible() throws {
        let harness = try NodeHarness(instanceText())
        harness.advance(by: mdi150)
        harness.effects = []
        // The kernel takes the address but reports a list without it, again and again.
        harness.kernel = []
        for _ in 0..<3 { harness.node.handle(.addresses(interfaceIndex: 2, present: []), now: harness.now).forEach { harness.effects.append($0) } }
        let restores = harness.effects.filter { if case .addAddress = $0 { true } else { false } }.count
        #expect(restores == 1)
        #expect(harness.views.first?.addressesRestored == 1)
        #expect(harness.views.first?.failingAddresses == 1)
        #expect(harness.log(containing: "could not add 10.250.1.100/24 dev eth0: added, but the kernel does not show it"))
    }
}
