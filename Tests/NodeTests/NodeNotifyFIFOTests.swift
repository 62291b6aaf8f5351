import Config
import Node
import Testing
import VRRP

/// keepalived's notify FIFO lines (vrrp_notify.c `notify_fifo`) as the node decides them, and
/// who each notify script runs as.
@Suite("notify FIFO lines and per-script notify users")
struct NodeNotifyFIFOTests {
    static let fifos = "global_defs {\n    notify_fifo /run/all.fifo\n    vrrp_notify_fifo /run/vrrp.fifo\n}\n"

    /// The FIFO lines written to `path`, in order.
    func lines(_ harness: NodeHarness, path: String = "/run/vrrp.fifo") -> [String] {
        harness.effects.compactMap { effect in
            if case .writeNotifyFIFO(let line, let to) = effect, to == path { line.description } else { nil }
        }
    }

    @Test("a takeover and a stop: INSTANCE \"VI_1\" BACKUP/MASTER/STOP with the effective priority, to both FIFOs; the FIFOs are opened first and closed after STOP")
    func takeoverAndStop() throws {
        let harness = try NodeHarness(Self.fifos + instanceText())
        let opened = try #require(harness.effects.first)
        guard case .followNotifyFIFOs(let fifos) = opened else { Issue.record("first effect: \(opened)"); return }
        #expect(fifos.map(\.path) == ["/run/all.fifo", "/run/vrrp.fifo"])
        harness.advance(by: .seconds(5))
        #expect(lines(harness) == ["INSTANCE \"VI_1\" BACKUP 150", "INSTANCE \"VI_1\" MASTER 150"])
        #expect(lines(harness, path: "/run/all.fifo") == lines(harness))
        harness.effects = []
        harness.handle(.stop)
        harness.advance(by: .seconds(2))
        #expect(lines(harness) == ["INSTANCE \"VI_1\" STOP 150"])
        // The FIFOs close last (the announcement listener of the make-before-break wait aside).
        #expect(harness.effects.filter { $0 != .watchAnnouncements(false) }.last == .followNotifyFIFOs([]))
        #expect(NotifyFIFOLine(.instance("VI_1"), .master, priority: 100).text == "INSTANCE \"VI_1\" MASTER 100\n")
    }

    @Test("notify_priority_changes: MASTER_PRIORITY when a check's weight changes a Master's effective priority; none without it")
    func priorityChanges() throws {
        let check = "vrrp_script chk {\n    script /bin/true\n    interval 1\n    weight -10\n}\n"
        let tracked = "    track_script {\n        chk\n    }\n"
        func run(_ extra: String) throws -> [String] {
            let harness = try NodeHarness(Self.fifos + check + instanceText(extra: tracked + extra))
            harness.answerChecks(.success)
            harness.advance(by: .seconds(5))
            harness.answerChecks(.success)
            let mark = lines(harness).count
            harness.advance(by: .seconds(1))
            harness.answerChecks(.failure("exited 1"))
            harness.advance(by: .seconds(1))
            harness.answerChecks(.success)
            return Array(lines(harness).dropFirst(mark))
        }
        #expect(try run("    notify_priority_changes\n") == ["INSTANCE \"VI_1\" MASTER_PRIORITY 140", "INSTANCE \"VI_1\" MASTER_PRIORITY 150"])
        #expect(try run("") == [])
    }

    @Test("a Master that hears a lower priority writes MASTER_RX_LOWER_PRI with its own priority")
    func lowerPriority() throws {
        let harness = try NodeHarness(Self.fifos + instanceText())
        harness.advance(by: .seconds(5))
        harness.effects = []
        harness.receive(priority: 100)
        #expect(lines(harness) == ["INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 150"])
    }

    @Test("fifo_write_vrrp_states_on_reload: a reload writes the kept states again, groups first; a started instance only its own transition; without it nothing")
    func statesOnReload() throws {
        let group = "vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n}\n"
        func run(_ globals: String) throws -> [String] {
            let text = "global_defs {\n    vrrp_notify_fifo /run/vrrp.fifo\n" + globals + "}\n" + group + instanceText()
            let harness = try NodeHarness(text)
            harness.advance(by: .seconds(5))
            harness.effects = []
            harness.handle(.reload(try bind(loadConfiguration(text + instanceText("VI_2", vrid: 52, priority: 100)))))
            return lines(harness)
        }
        #expect(try run("    fifo_write_vrrp_states_on_reload\n") == ["INSTANCE \"VI_2\" BACKUP 100", "GROUP \"G1\" MASTER 0", "INSTANCE \"VI_1\" MASTER 150"])
        #expect(try run("") == ["INSTANCE \"VI_2\" BACKUP 100"])
    }

    @Test("notify_master_rx_lower_pri runs its script, without arguments, before the FIFO line; only while Master")
    func lowerPriorityScript() throws {
        let harness = try NodeHarness(Self.fifos + instanceText(extra: "    notify_master_rx_lower_pri \"/usr/local/bin/reclaim eth0\"\n"))
        harness.receive(priority: 100)
        #expect(!harness.effects.contains { if case .runNotify(let job) = $0 { job.label == "notify_master_rx_lower_pri" } else { false } })
        harness.advance(by: .seconds(5))
        harness.effects = []
        harness.receive(priority: 100)
        let jobs = harness.effects.compactMap { if case .runNotify(let job) = $0 { job } else { nil } }
        #expect(jobs.map(\.label) == ["notify_master_rx_lower_pri"])
        #expect(jobs.first?.command.text == "/usr/local/bin/reclaim eth0")
        #expect(jobs.first?.arguments == [])
        let order = harness.effects.map { effect -> String? in
            switch effect {
            case .runNotify: "script"
            case .writeNotifyFIFO(_, let path): path == "/run/vrrp.fifo" ? "fifo" : nil
            default: nil
            }
        }.compactMap { $0 }
        #expect(order == ["script", "fifo"])
    }

    @Test("a sync group's line and scripts carry priority 0, as keepalived's")
    func groupPriorityZero() throws {
        let group = "vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n    notify /usr/local/bin/on-group\n}\n"
        let harness = try NodeHarness(Self.fifos + group + instanceText())
        harness.advance(by: .seconds(5))
        #expect(lines(harness) == ["INSTANCE \"VI_1\" BACKUP 150", "GROUP \"G1\" BACKUP 0", "INSTANCE \"VI_1\" MASTER 150", "GROUP \"G1\" MASTER 0"])
        let groupJobs = harness.effects.compactMap { if case .runNotify(let job) = $0, job.queue == "group G1" { job.arguments } else { nil } }
        #expect(groupJobs == [["GROUP", "G1", "BACKUP", "0"], ["GROUP", "G1", "MASTER", "0"]])
    }

    @Test("each notify script runs as its own user; without one, as script_user")
    func perScriptCredentials() throws {
        let notify = "    notify_master /usr/local/bin/m.sh nobody\n    notify \"/usr/local/bin/any.sh x\"\n"
        let harness = try NodeHarness("global_defs {\n    script_user harbor\n}\n" + instanceText(extra: notify))
        harness.advance(by: .seconds(5))
        let jobs = harness.effects.compactMap { if case .runNotify(let job) = $0 { job } else { nil } }
        let master = try #require(jobs.first { $0.label == "notify_master" })
        #expect(master.credentials == Credentials(userID: 65534, groupID: 65534))
        #expect(jobs.filter { $0.label == "notify" }.allSatisfy { $0.credentials == Credentials(userID: 1000, groupID: 1000) })
    }

    @Test("a full pipe drops the line: counted, logged once, shown in status")
    func failuresCounted() throws {
        let harness = try NodeHarness(Self.fifos + instanceText())
        harness.effects = []
        let line = NotifyFIFOLine(.instance("VI_1"), .backup, priority: 150)
        let full = EffectError(code: EffectError.wouldBlock, message: "notify fifo /run/vrrp.fifo: write failed: Resource temporarily unavailable")
        harness.handle(.effectFailed(.writeNotifyFIFO(line, path: "/run/vrrp.fifo"), full))
        harness.handle(.effectFailed(.writeNotifyFIFO(line, path: "/run/vrrp.fifo"), full))
        #expect(harness.logs.filter { $0.hasPrefix("notify fifo /run/vrrp.fifo") }.count == 1)
        harness.advance(by: .seconds(5))
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "test", pid: 1, startedAt: .seconds(0), configurationFile: nil))
        let fifo = try #require(report.notifyFIFOs?.first { $0.path == "/run/vrrp.fifo" })
        #expect(fifo.linesDropped == 2)
        #expect(fifo.linesWritten == 0)
    }
}
