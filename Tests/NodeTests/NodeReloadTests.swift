import Foundation
import Config
import Node
import Testing
import VRRP

@Suite("node: reload")
struct NodeReloadTests {
    static let base = """
    global_defs { router_id harbor-a }
    vrrp_script chk_nginx {
        script "/usr/bin/true"
        interval 2
        weight -20
    }
    vrrp_instance VI_1 {
        interface eth0
        virtual_router_id 51
        priority 150
        advert_int 1
        virtual_ipaddress { 10.250.1.100/24 }
        track_script { chk_nginx }
    }
    vrrp_instance VI_2 {
        interface eth0
        virtual_router_id 52
        priority 100
        virtual_ipaddress { 10.250.1.101/24 }
    }

    """

    func same(_ name: String, _ old: String, _ new: String) throws -> Bool {
        let before = try bind(loadConfiguration(old)), after = try bind(loadConfiguration(new))
        let instance = try #require(after.instances.first { $0.name == name })
        return before.instances.first { $0.name == name }.map { $0.runsSame(as: instance) } ?? false
    }

    @Test("an edit that only moves lines (comments, blank lines) changes no instance")
    func movedLines() throws {
        let moved = "# edited by hand\n\n\n" + Self.base.replacingOccurrences(of: "    priority 150", with: "    # higher wins\n    priority 150")
        #expect(try same("VI_1", Self.base, moved))
        #expect(try same("VI_2", Self.base, moved))
    }

    @Test("a changed priority, address, tracker weight or multicast group changes the instance, and only it", arguments: [
        ("    priority 150", "    priority 90", "VI_1"),
        ("10.250.1.100/24", "10.250.1.110/24", "VI_1"),
        ("    weight -20", "    weight -40", "VI_1"),
        ("    priority 100", "    priority 101", "VI_2"),
    ])
    func changed(old: String, new: String, changed: String) throws {
        let edited = Self.base.replacingOccurrences(of: old, with: new)
        #expect(edited != Self.base)
        for name in ["VI_1", "VI_2"] {
            #expect(try same(name, Self.base, edited) == (name != changed), "\(name) after \(old) -> \(new)")
        }
    }

    @Test("what a check runs (its interval, its user) is the check's identity, not the instance's")
    func checkIdentity() throws {
        let slower = Self.base.replacingOccurrences(of: "    interval 2", with: "    interval 3")
        #expect(try same("VI_1", Self.base, slower))
        let before = try bind(loadConfiguration(Self.base)), after = try bind(loadConfiguration(slower))
        #expect(before.checks != after.checks)
    }

    @Test("the multicast group changes every instance; the router_id none; a recreated interface restarts")
    func globalsAndBinding() throws {
        let group = Self.base.replacingOccurrences(of: "router_id harbor-a", with: "router_id harbor-a\n    vrrp_mcast_group4 224.0.0.19")
        #expect(try !same("VI_1", Self.base, group))
        #expect(try !same("VI_2", Self.base, group))
        let renamed = Self.base.replacingOccurrences(of: "router_id harbor-a", with: "router_id harbor-b")
        #expect(try same("VI_1", Self.base, renamed))
        let configuration = try loadConfiguration(Self.base)
        #expect(try !bind(configuration).instances[0].runsSame(as: bind(configuration, interfaceIndex: 7).instances[0]))
    }

    @Test("plan: unchanged continue (same id, state, timers), a changed one restarts, a removed one stops, a new one starts")
    func plan() throws {
        let harness = try NodeHarness(instanceText(priority: 150) + instanceText("VI_2", vrid: 52, priority: 100) + instanceText("VI_3", vrid: 53, priority: 100))
        harness.advance(by: .seconds(5))
        let before = harness.views
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration("# edited\n" + instanceText("VI_4", vrid: 54, priority: 100)
                                                         + instanceText("VI_3", vrid: 53, priority: 90) + instanceText(priority: 150)))))
        #expect(harness.log(containing: "reload applied: 1 unchanged (VI_1), 1 restarted (VI_3), 1 added (VI_4), 1 removed (VI_2)"))
        let after = harness.views
        // The removed Master waits, out of the configuration, for a new Master (make-before-break).
        #expect(after.map(\.name) == ["VI_4", "VI_3", "VI_1", "VI_2"])
        #expect(after[2].id == before[0].id && after[2].state == .master && after[2].armedTimers == before[0].armedTimers)
        // No peer: all three were Master. The changed one restarts as Master at its new
        // priority; the removed one resigns (priority 0); the continuing one sends nothing
        // out of turn.
        #expect(after[1].id != before[2].id && after[1].state == .master)
        #expect(harness.sends.map { [$0.virtualRouterID, $0.priority] } == [[52, 0], [53, 90]])
        #expect(harness.kernel.contains(.v4(IPv4Address(10, 250, 1, 100))))
        #expect(harness.kernel.contains(.v4(IPv4Address(10, 250, 1, 52))), "the removed Master released before anyone took over")
        harness.advance(by: .milliseconds(1_700))  // VI_2's window: Skew_Time 0.609 s + 1 s
        #expect(harness.views.map(\.name) == ["VI_4", "VI_3", "VI_1"])
        #expect(!harness.kernel.contains(.v4(IPv4Address(10, 250, 1, 52))))
        #expect(harness.kernel.contains(.v4(IPv4Address(10, 250, 1, 53))))
    }

    @Test("a reload that changes a Master's priority and one VIP restarts it as Master: no priority-0 advert, the kept VIP never leaves, the dropped one goes, the new one comes")
    func restartedMasterStaysMaster() throws {
        let harness = try NodeHarness(instanceText(priority: 150, extra: "    virtual_ipaddress {\n        10.250.1.101/24\n    }\n"))
        harness.advance(by: .seconds(5))
        let kept = IPAddress.v4(IPv4Address(10, 250, 1, 100)), dropped = IPAddress.v4(IPv4Address(10, 250, 1, 101))
        let added = IPAddress.v4(IPv4Address(10, 250, 1, 102))
        try #require(harness.kernel == [kept, dropped])
        let before = try #require(harness.views.first)
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 120, extra: "    virtual_ipaddress {\n        10.250.1.102/24\n    }\n")))))
        #expect(harness.log(containing: "reload applied: 0 unchanged, 1 restarted (VI_1), 0 added, 0 removed"))
        #expect(harness.log(containing: "[VI_1] configuration changed: restarting as MASTER"))
        let after = try #require(harness.views.first)
        #expect(after.id != before.id && after.state == .master)
        #expect(harness.sends.map(\.priority) == [120], "a priority-0 advert, or no advert at the new priority")
        #expect(harness.kernel == [kept, added])
        let removals = harness.effects.compactMap { effect -> IPAddress? in
            switch effect {
            case .removeAddress(let change), .removeLeftoverAddress(let change): return change.binding.address.address
            default: return nil
            }
        }
        #expect(removals == [dropped], "the kept VIP was removed (and added back), or the dropped one stayed")
        #expect(harness.log(containing: "[VI_1] INIT -> MASTER (restarted as Master by a reload that changed its configuration)"))
        // Its timers are the new router's: one advert a second at the new priority, no more.
        harness.effects = []
        harness.advance(by: .milliseconds(3_050))
        #expect(harness.sends.map(\.priority) == [120, 120, 120])
    }

    @Test("a restarted Master its new tracker puts in FAULT gives up the VIP it kept")
    func restartedMasterInFault() throws {
        let harness = try NodeHarness(instanceText(priority: 150))
        harness.advance(by: .seconds(5))
        harness.effects = []
        let failing = "vrrp_script chk_down {\n    script \"/usr/bin/false\"\n    interval 5\n    weight 0\n    init_fail\n}\n"
        harness.handle(.reload(try bind(loadConfiguration(failing + instanceText(priority: 150, extra: "    track_script {\n        chk_down\n    }\n")))))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.kernel.isEmpty, "the VIP stayed with an instance in FAULT")
        #expect(harness.sends.isEmpty)
    }

    @Test("a removed Master hands over make-before-break: its priority-0 advert, the VIP held until the new Master's advert and gratuitous ARP, then it leaves the node")
    func removedMasterHandsOver() throws {
        let harness = try NodeHarness(instanceText(priority: 150) + instanceText("VI_2", vrid: 52, priority: 150))
        harness.advance(by: .seconds(5))
        let vip2 = IPAddress.v4(IPv4Address(10, 250, 1, 52))
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 150)))))
        #expect(harness.sends.map { [$0.virtualRouterID, $0.priority] } == [[52, 0]])
        #expect(harness.kernel.contains(vip2))
        #expect(harness.log(containing: "[VI_2] keeps the virtual addresses until the new Master announces itself"))
        #expect(harness.effects.contains(.watchAnnouncements(true)))
        // A reload meanwhile leaves the wait alone.
        harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 150)))))
        #expect(harness.views.map(\.name) == ["VI_1", "VI_2"] && harness.kernel.contains(vip2))
        harness.advance(by: .milliseconds(400))
        harness.receive(priority: 100, vrid: 52, addresses: [IPv4Address(10, 250, 1, 52)])
        #expect(harness.kernel.contains(vip2), "released before the new Master's gratuitous ARP")
        harness.handle(.gratuitousARPSeen(interfaceIndex: 2, address: vip2, hardwareAddress: [2, 0, 0, 0, 0, 2]))
        harness.advance(by: PendingRelease.drain)
        #expect(!harness.kernel.contains(vip2))
        #expect(harness.views.map(\.name) == ["VI_1"])
        #expect(harness.log(containing: "[VI_2] 10.250.1.12 announced itself 0.450 s after the priority-0 advert"), "\(harness.logs)")
        #expect(!harness.log(containing: "dropped packet"), "\(harness.logs)")
        #expect(harness.effects.last { if case .watchAnnouncements = $0 { true } else { false } } == .watchAnnouncements(false))
        // The peer's later adverts for VRID 52 are no instance's now.
        harness.effects = []
        harness.receive(priority: 100, vrid: 52, addresses: [IPv4Address(10, 250, 1, 52)])
        harness.advance(by: .seconds(5))
        #expect(harness.kernel == [.v4(IPv4Address(10, 250, 1, 100))] && harness.sends.allSatisfy { $0.virtualRouterID == 51 })
    }

    @Test("vrrp_handover immediate: a removed Master's VIP goes with its priority-0 advert")
    func removedMasterImmediate() throws {
        let globals = "global_defs {\n    vrrp_handover immediate\n}\n"
        let harness = try NodeHarness(globals + instanceText(priority: 150) + instanceText("VI_2", vrid: 52, priority: 150))
        harness.advance(by: .seconds(5))
        harness.handle(.reload(try bind(loadConfiguration(globals + instanceText(priority: 150)))))
        #expect(harness.kernel == [.v4(IPv4Address(10, 250, 1, 100))] && harness.views.map(\.name) == ["VI_1"])
    }

    @Test("a removed instance whose VIP removal fails: logged once, counted, retried every second until the kernel shows it gone, shown in status meanwhile")
    func removedInstanceAddressRetried() throws {
        let harness = try NodeHarness(instanceText(priority: 150) + instanceText("VI_2", vrid: 52, priority: 100))
        harness.advance(by: .seconds(5))
        let orphan = IPAddress.v4(IPv4Address(10, 250, 1, 52))
        try #require(harness.kernel.contains(orphan), "VI_2 never held its VIP")
        harness.effects = []
        harness.netlinkFails = true
        harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 150)))))
        #expect(harness.log(containing: "reload applied: 1 unchanged (VI_1), 0 restarted, 0 added, 1 removed (VI_2)"))
        // Nobody takes over: the removed Master releases when its window passes.
        harness.advance(by: .milliseconds(1_700))
        #expect(harness.views.map(\.name) == ["VI_1"])
        #expect(harness.kernel.contains(orphan))
        let daemon = DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil)
        let pending = harness.node.status(now: harness.now, daemon: daemon).pendingRemovals
        #expect(pending.map(\.instance) == ["VI_2"] && pending.first?.address.hasPrefix("10.250.1.52/") == true, "\(pending)")
        #expect(pending.first?.lastError.contains("Operation not permitted") == true)
        harness.advance(by: .milliseconds(3_500))
        let retried = harness.node.status(now: harness.now, daemon: daemon)
        #expect(retried.pendingRemovals.first?.failures == 4, "\(retried.pendingRemovals)")
        #expect(retried.degradations.contains { $0.contains("10.250.1.52") && $0.contains("VI_2") }, "\(retried.degradations)")
        #expect(harness.logs.filter { $0.contains("could not remove") }.count == 1, "\(harness.logs)")
        harness.netlinkFails = false
        harness.advance(by: .seconds(1))
        #expect(!harness.kernel.contains(orphan))
        #expect(harness.node.status(now: harness.now, daemon: daemon).pendingRemovals == [])
        #expect(harness.log(containing: "10.250.1.52/24 dev eth0 is off eth0 after 4 failed attempts"), "\(harness.logs)")
        #expect(harness.timers[.orphanRetry] == nil, "the retry timer runs on with nothing to remove")
    }

    @Test("an instance a reload removes notifies as keepalived: FAULT by default (nothing if it was in FAULT), DELETED and notify_deleted's script with it")
    func removedInstanceNotifies() throws {
        func notifies(_ extra: String, fault: Bool = false) throws -> [String] {
            let notify = "    notify /usr/local/bin/on-change\n    notify_fault /usr/local/bin/on-fault\n    notify_stop /usr/local/bin/on-stop\n"
            let harness = try NodeHarness(instanceText(priority: 150) + instanceText("VI_2", vrid: 52, priority: 100, extra: notify + extra))
            harness.advance(by: .seconds(5))
            if fault {
                harness.handle(.interface("eth0", eth0(up: false)))
                try #require(harness.views.last?.state == .fault)
            }
            harness.effects = []
            harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 150)))))
            return harness.effects.compactMap { effect -> String? in
                guard case .runNotify(let job) = effect, job.queue == "VI_2" else { return nil }
                return ([job.label, job.command.executable ?? "?"] + job.arguments).joined(separator: " ")
            }
        }
        #expect(try notifies("") == ["notify_fault /usr/local/bin/on-fault", "notify /usr/local/bin/on-change INSTANCE VI_2 FAULT 100"])
        #expect(try notifies("", fault: true) == [])
        #expect(try notifies("    notify_deleted /usr/local/bin/on-delete\n")
                == ["notify_deleted /usr/local/bin/on-delete", "notify /usr/local/bin/on-change INSTANCE VI_2 DELETED 100"])
        #expect(try notifies("    notify_deleted\n") == ["notify /usr/local/bin/on-change INSTANCE VI_2 DELETED 100"])
    }

    @Test("a refused reload changes nothing and is remembered")
    func refused() throws {
        let harness = try NodeHarness(instanceText())
        harness.advance(by: mdi150)
        let before = harness.views
        harness.effects = []
        harness.handle(.reloadRefused("interface eth9 does not exist"))
        #expect(harness.views == before)
        #expect(harness.logs == ["reload refused: interface eth9 does not exist; still running the previous configuration"])
        #expect(harness.node.lastReload.map { if case .refused(let reason, _) = $0 { reason } else { "" } } == "interface eth9 does not exist")
    }

    @Test("changing script_user takes effect: the new check starts from the old verdict and restores the priority once it passes")
    func scriptUser() throws {
        let checks = """
        global_defs {
            script_user nobody
        }
        vrrp_script chk_harbor {
            script "/usr/local/bin/check-harbor"
            interval 1
            weight -30
        }

        """
        let text = checks + instanceText(extra: "    track_script {\n        chk_harbor\n    }\n")
        let harness = try NodeHarness(text)
        harness.answerChecks(.failure("exited 1 (nobody may not read the token)"))
        #expect(harness.views.first?.priority == 120)
        harness.effects = []
        let fixed = try bind(loadConfiguration(text.replacingOccurrences(of: "script_user nobody", with: "script_user harbor")))
        harness.handle(.reload(fixed))
        #expect(harness.log(containing: "reload applied: 1 unchanged (VI_1)"))
        // Same verdict as before: nothing flips until the new check says so.
        #expect(harness.views.first?.priority == 120)
        let run = try #require(harness.effects.compactMap { if case .runCheck(let run) = $0 { run } else { nil } }.first)
        guard case .script(_, let credentials) = run.kind else {
            Issue.record("not a script: \(run.kind)")
            return
        }
        #expect(credentials == Credentials(userID: 1000, groupID: 1000))
        harness.answerChecks(.success)
        #expect(harness.views.first?.priority == 150)
    }

    @Test("a result of a check the reload replaced is ignored")
    func staleResult() throws {
        let text = """
        vrrp_script chk {
            script "/usr/bin/true"
            weight -30
        }

        """ + instanceText(extra: "    track_script {\n        chk\n    }\n")
        let harness = try NodeHarness(text)
        let old = try #require(harness.effects.compactMap { if case .runCheck(let run) = $0 { run } else { nil } }.first)
        harness.handle(.reload(try bind(loadConfiguration(text.replacingOccurrences(of: "/usr/bin/true", with: "/bin/true")))))
        harness.handle(.checkCompleted(old.id, .failure("exited 1"), duration: .zero))
        #expect(harness.views.first?.priority == 150)
    }
}
