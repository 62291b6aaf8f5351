import ControlProtocol
import Foundation
import Node
import Testing
import VRRP

extension NodeHarness {
    /// Sends a command as `peer` and returns the reply it produced (nil while it is pending).
    func command(_ command: NodeCommand, as peer: Peer = .root) -> ControlReply? {
        effects = []
        handle(.command(command, from: peer, reply: ReplyID(7)))
        return lastReply
    }

    var lastReply: ControlReply? {
        effects.compactMap { if case .reply(_, let reply) = $0 { reply } else { nil } }.last
    }

    func report() -> StatusReport {
        node.status(now: now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
    }

    /// A peer Master's advert every second for `seconds` (the peer that takes over).
    func peerAdvertises(priority: UInt8 = 100, for seconds: Int) {
        for _ in 0..<seconds {
            receive(priority: priority)
            advance(by: .seconds(1))
        }
    }
}

@Suite("node: control requests, drill, maintenance")
struct NodeOperatorTests {
    static let drill = NodeCommand.drill(target: nil, hold: .seconds(3), timeout: .seconds(10), dryRun: false)

    func master(_ text: String = instanceText()) throws -> NodeHarness {
        let harness = try NodeHarness(text)
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        return harness
    }

    @Test("only root or control_group may change anything; anyone who can connect may read status")
    func authorisation() throws {
        let harness = try master()
        let stranger = Peer(userID: 1000, groupIDs: [1000])
        #expect(harness.command(Self.drill, as: stranger)?.outcome == .refused)
        #expect(harness.lastReply?.message?.contains("you are uid 1000") == true)
        #expect(harness.views.first?.state == .master)
        #expect(harness.command(.status(DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil)), as: stranger)?.outcome == .ok)
        // control_group lets its members in, and nobody else.
        var bound = try bind(loadConfiguration(instanceText()))
        bound.controlGroup = "vipkeeper"
        bound.controlGroupID = 990
        let grouped = NodeHarness(bound)
        let on = NodeCommand.maintenanceOn(target: nil, reason: "upgrade", strict: false, requestedAt: 0)
        #expect(grouped.command(on, as: stranger)?.message?.contains("only root or members of control_group vipkeeper") == true)
        #expect(grouped.command(on, as: Peer(userID: 1000, groupIDs: [100, 990]))?.outcome == .ok)
    }

    @Test("drill refusals: not Master, a failing check, maintenance, a sync-group member named alone, a drill running")
    func refusals() throws {
        let backup = try NodeHarness(instanceText())
        #expect(backup.command(Self.drill)?.outcome == .refused)
        #expect(backup.lastReply?.message?.contains("VI_1 is BACKUP here") == true)

        let checks = "vrrp_script chk {\n    script \"/bin/true\"\n    weight -10\n}\n"
        let failing = try master(checks + instanceText(extra: "    track_script {\n        chk\n    }\n"))
        failing.answerChecks(.failure("exited 1"))
        #expect(failing.command(Self.drill)?.message?.contains("has a failing check (chk)") == true)

        let grouped = try master("vrrp_sync_group VG {\n    group {\n        VI_1\n        VI_2\n    }\n}\n" + instanceText()
                                 + instanceText("VI_2", vrid: 52, priority: 150))
        #expect(grouped.command(.drill(target: "VI_1", hold: .seconds(1), timeout: .seconds(5), dryRun: false))?.message?
                .contains("VI_1 is in sync group VG: drill the group (--instance VG)") == true)
        #expect(grouped.command(.drill(target: "VX", hold: .seconds(1), timeout: .seconds(5), dryRun: false))?.message?
                .contains("no instance or sync group is named VX") == true)

        let harness = try master()
        #expect(harness.command(.drill(target: nil, hold: .seconds(3), timeout: .seconds(10), dryRun: true))?.message?.hasPrefix("dry run: would hand VI_1 over") == true)
        #expect(harness.sends.isEmpty && harness.views.first?.state == .master)
        #expect(harness.command(Self.drill)?.outcome == .ok)
        #expect(harness.command(Self.drill)?.message?.contains("a drill of VI_1 is already running") == true)
    }

    @Test("drill passes: priority-0 advert, the peer's first advert is timed, the hold ends, the node takes the VIP back (preempt)")
    func drillPasses() throws {
        let harness = try master()
        #expect(harness.command(Self.drill)?.outcome == .ok)
        #expect(harness.sends.map(\.priority) == [0])
        // Make-before-break: a Backup now, the VIP kept until the new Master announces itself.
        #expect(harness.kernel == [vip] && harness.views.first?.state == .backup)
        // The runtime is asked to listen for the new Master's announcements, once.
        #expect(harness.effects.filter { $0 == .watchAnnouncements(true) }.count == 1)
        harness.advance(by: .milliseconds(400))
        #expect(harness.kernel == [vip])
        harness.receive(priority: 100)
        #expect(harness.kernel == [vip], "released before the new Master's gratuitous ARP")
        harness.handle(.gratuitousARPSeen(interfaceIndex: 2, address: vip, hardwareAddress: [2, 0, 0, 0, 0, 2]))
        #expect(harness.kernel == [vip], "no drain after the new Master's announcement")
        harness.advance(by: PendingRelease.drain)
        #expect(harness.kernel.isEmpty)
        harness.advance(by: .seconds(1) - PendingRelease.drain)
        harness.peerAdvertises(for: 2)
        #expect(harness.report().lastDrill?.result == .running)
        // The hold ends 3 s after the first advert; at its full priority (150) the node waits
        // out its Master_Down_Timer over the peer's lower adverts, then preempts.
        harness.peerAdvertises(for: 1)
        harness.advance(by: mdi150)
        let drill = try #require(harness.report().lastDrill)
        #expect(drill.result == .passed, "\(drill)")
        #expect(drill.newMaster == "10.250.1.12")
        #expect(drill.firstAdvertSeconds == 0.4)
        #expect(drill.addressesGoneSeconds == 0.45)
        #expect(drill.gratuitousARPSeen)
        #expect(drill.returnMode == "preempt" && drill.returnSeconds != nil)
        #expect(harness.views.first?.state == .master && harness.kernel == [vip])
        #expect(harness.effects.filter { $0 == .watchAnnouncements(false) }.count == 1, "the listener is closed once the hold ends")
    }

    @Test("drill with no backup: the node takes the VIP back within Skew_Time + one interval and the drill FAILS")
    func drillAborts() throws {
        let harness = try master()
        #expect(harness.command(Self.drill)?.outcome == .ok)
        harness.advance(by: .seconds(3))
        let drill = try #require(harness.report().lastDrill)
        #expect(drill.result == .failed)
        #expect(drill.verdict?.hasPrefix("no backup took over within 1.414 s") == true, "\(drill.verdict ?? "")")
        #expect(drill.takenBackSeconds == 1.4140625)  // Skew_Time at priority 150 + 1 s
        #expect(harness.views.first?.state == .master && harness.kernel == [vip])
        #expect(harness.views.first?.priority == 150)
    }

    @Test("drill with nopreempt: the node stays Backup after the hold and the report says so")
    func drillNopreempt() throws {
        let harness = try master(instanceText(extra: "    nopreempt\n"))
        #expect(harness.command(Self.drill)?.outcome == .ok)
        harness.peerAdvertises(for: 6)
        let drill = try #require(harness.report().lastDrill)
        #expect(drill.result == .passed && drill.verdict == "stays BACKUP: nopreempt")
        #expect(harness.views.first?.state == .backup && harness.views.first?.priority == 150)
    }

    @Test("maintenance on as Master: hands over, then a Backup at priority 1, persisted; off: back in the election")
    func maintenance() throws {
        let harness = try master()
        #expect(harness.command(.maintenanceOn(target: nil, reason: "Harbor 2.11 upgrade", strict: false, requestedAt: 1_700_000_000)) == nil)
        #expect(harness.sends.map(\.priority) == [0])
        harness.advance(by: .milliseconds(300))
        harness.receive(priority: 100)
        #expect(harness.lastReply?.outcome == .ok)
        #expect(harness.lastReply?.message?.contains("10.250.1.12 took over") == true)
        #expect(harness.views.first?.priority == 1)
        #expect(harness.effects.contains(.persistMaintenance([MaintenanceRecord(instance: "VI_1", reason: "Harbor 2.11 upgrade", since: 1_700_000_000, strict: false)])))
        #expect(harness.report().instances.first?.maintenance?.reason == "Harbor 2.11 upgrade")
        #expect(harness.report().degradations == ["VI_1 is in maintenance: Harbor 2.11 upgrade"])
        harness.peerAdvertises(for: 10)
        #expect(harness.views.first?.state == .backup)
        // Survives a reload of the same file.
        harness.handle(.reload(harness.node.configuration))
        #expect(harness.views.first?.priority == 1)
        _ = harness.command(.maintenanceOff(target: nil))
        #expect(harness.lastReply?.outcome == .ok)
        #expect(harness.effects.contains(.persistMaintenance([])))
        #expect(harness.views.first?.priority == 150)
        harness.peerAdvertises(for: 1)
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
    }

    @Test("maintenance on with no peer: the node stays Master and the request is refused")
    func maintenanceWithoutPeer() throws {
        let harness = try master()
        #expect(harness.command(.maintenanceOn(target: nil, reason: "x", strict: false, requestedAt: 0)) == nil)
        harness.advance(by: .seconds(3))
        #expect(harness.lastReply?.outcome == .refused)
        #expect(harness.lastReply?.message?.contains("stays MASTER, not in maintenance") == true)
        #expect(harness.views.first?.state == .master && harness.kernel == [vip])
        #expect(harness.report().instances.first?.maintenance == nil)
    }

    @Test("strict maintenance keeps a Backup out entirely (FAULT); maintenance is restored after a restart")
    func strictAndRestore() throws {
        let harness = try NodeHarness(instanceText())
        #expect(harness.command(.maintenanceOn(target: "VI_1", reason: "disk swap", strict: true, requestedAt: 100))?.outcome == .ok)
        #expect(harness.views.first?.state == .fault)
        #expect(harness.views.first?.fault == .maintenance("disk swap"))
        harness.advance(by: .seconds(10))
        #expect(harness.sends.isEmpty)

        let restarted = NodeHarness(harness.node.configuration, start: false)
        restarted.handle(.restoreMaintenance([MaintenanceRecord(instance: "VI_1", reason: "disk swap", since: 100, strict: true)], wallClock: 160))
        restarted.handle(.start)
        #expect(restarted.views.first?.state == .fault)
        let entry = try #require(restarted.report().instances.first?.maintenance)
        #expect(entry.reason == "disk swap" && entry.strict && entry.secondsAgo == 60)
    }

    @Test("a restored maintenance record whose start time is no time (NaN, infinite, negative, 1e300, in the future) is kept, aged from now, and logged; never trapped on",
          arguments: [Double.nan, .infinity, -.infinity, -5, 1e300, -1e300, 1e18, 1_000])
    func restoreDamagedTime(since: Double) throws {
        let harness = NodeHarness(try NodeHarness(instanceText()).node.configuration, start: false)
        harness.handle(.restoreMaintenance([MaintenanceRecord(instance: "VI_1", reason: "disk swap", since: since, strict: false)], wallClock: 160))
        harness.handle(.start)
        #expect(harness.log(containing: "[VI_1] the maintenance record's start time \(since) is not a usable time; counting its age from now"), "\(harness.logs)")
        #expect(harness.log(containing: "[VI_1] still in maintenance: disk swap"))
        let entry = try #require(harness.report().instances.first?.maintenance)
        #expect(entry.reason == "disk swap" && entry.secondsAgo == 0)
        harness.advance(by: .seconds(5))
        #expect(harness.report().instances.first?.maintenance?.secondsAgo == 5)
    }

    @Test("a sync group drill: every member resigns with its own priority-0 advert and comes back together")
    func groupDrill() throws {
        let harness = try master("vrrp_sync_group VG {\n    group {\n        VI_1\n        VI_2\n    }\n}\n" + instanceText()
                                 + instanceText("VI_2", vrid: 52, priority: 150))
        #expect(harness.views.map(\.state) == [.master, .master])
        #expect(harness.command(.drill(target: "VG", hold: .seconds(2), timeout: .seconds(10), dryRun: false))?.outcome == .ok)
        #expect(harness.sends.map { [$0.virtualRouterID, $0.priority] } == [[51, 0], [52, 0]])
        #expect(harness.views.map(\.state) == [.backup, .backup])
        for _ in 0..<3 {
            harness.receive(priority: 100)
            harness.receive(priority: 100, vrid: 52, addresses: [IPv4Address(10, 250, 1, 52)])
            harness.advance(by: .seconds(1))
        }
        harness.advance(by: mdi150 + .seconds(1))
        let drill = try #require(harness.report().lastDrill)
        #expect(drill.result == .passed, "\(drill)")
        #expect(drill.instances == ["VI_1", "VI_2"])
        #expect(harness.views.map(\.state) == [.master, .master])
    }

    @Test("status degradations name every reason monitoring should see")
    func degradations() throws {
        let checks = "vrrp_script chk {\n    script \"/bin/true\"\n    weight 0\n}\n"
        let harness = try master(checks + instanceText(extra: "    track_script {\n        chk\n    }\n"))
        #expect(harness.report().degradations.isEmpty)
        harness.netlinkFails = true
        harness.kernel = []
        harness.handle(.addresses(interfaceIndex: 2, present: []))
        #expect(harness.report().degradations == ["VI_1 is MASTER but does not hold all its virtual addresses"])
        #expect(harness.report().monitoringStatus == 2, "a Master without its VIPs is CRITICAL")
        harness.netlinkFails = false
        harness.advance(by: .seconds(1))
        harness.handle(.reloadRefused("1 error in x.conf"))
        harness.answerChecks(.failure("exited 1"))
        #expect(harness.report().degradations == ["VI_1 is in FAULT: chk down", "check chk is down", "the last reload was refused"])
        #expect(harness.report().criticalProblems == ["VI_1 is in FAULT: chk down"])
        #expect(harness.report().monitoringStatus == 2)
    }

    @Test("status exit codes as monitoring plugins: 0 OK, 1 WARNING (maintenance), 2 CRITICAL (a Backup that hears no Master past Master_Down_Interval)")
    func monitoringStatus() throws {
        let harness = try master()
        #expect(harness.report().monitoringStatus == 0)
        #expect(harness.command(.maintenanceOn(target: nil, reason: "upgrade", strict: false, requestedAt: 1_700_000_000)) == nil)
        harness.advance(by: .milliseconds(300))
        harness.receive(priority: 100)
        harness.peerAdvertises(for: 3)
        let backup = try #require(harness.report().instances.first)
        #expect(backup.state == "BACKUP" && !backup.hearsNoMaster)
        let masterDown = try #require(backup.masterDownSeconds, "a Backup reports its Master_Down_Interval")
        #expect(masterDown > 3 && masterDown < 4, "Master_Down_Interval \(masterDown) s at 1 s adverts")
        #expect(harness.report().monitoringStatus == 1, "maintenance is a WARNING: \(harness.report().degradations)")
        // A Backup silent past its Master_Down_Interval (it should have taken over: a stuck node).
        var stuck = harness.report()
        stuck.instances[0].lastAdvertSecondsAgo = masterDown + 1
        stuck.instances[0].secondsInState = masterDown + 5
        #expect(stuck.instances[0].hearsNoMaster)
        #expect(stuck.criticalProblems == ["VI_1 is BACKUP and has heard no Master for \(Int(masterDown + 1)) s"])
        #expect(stuck.monitoringStatus == 2)
        // An advert heard before the node was last Master says nothing: only the time in BACKUP counts.
        var justResigned = harness.report()
        justResigned.instances[0].lastAdvertSecondsAgo = 86_400
        justResigned.instances[0].secondsInState = 0.5
        #expect(!justResigned.instances[0].hearsNoMaster)
    }
}
