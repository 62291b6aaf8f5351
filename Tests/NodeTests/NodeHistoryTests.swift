import ControlProtocol
import Node
import Testing
import VRRP

/// The transition history: every change recorded by the model with the chain of its causes.
@Suite("node: transition history")
struct NodeHistoryTests {
    static let checked = """
        vrrp_script chk_harbor {
            script "/usr/bin/true"
            interval 1
            fall 2
            rise 2
            weight -60
        }

        """ + instanceText(extra: "    track_script {\n        chk_harbor\n    }\n")

    private func entries(_ harness: NodeHarness) -> [HistoryEntry] {
        harness.effects.compactMap { if case .record(let entry) = $0 { entry } else { nil } }
    }

    private func sentence(_ entry: HistoryEntry) -> String {
        entry.sentence { "t\($0)" }
    }

    @Test("a failing check lowers the Master's priority and a peer preempts: the transition names the advert, the priority fall and the check's failures")
    func causeChain() throws {
        let harness = try NodeHarness(Self.checked)
        harness.answerChecks(.success)
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        let fellAt = harness.now
        for _ in 0..<2 {
            harness.advance(by: .seconds(1))
            harness.answerChecks(.failure("component registry unhealthy"))
        }
        try #require(harness.views.first?.priority == 90)
        harness.effects = []
        harness.receive(priority: 100)
        try #require(harness.views.first?.state == .backup)
        let transition = try #require(entries(harness).first { if case .state = $0.change { true } else { false } })
        #expect(transition.instance == "VI_1")
        #expect(transition.change == .state(from: "MASTER", to: "BACKUP", priority: 90))
        #expect(transition.causes.first == .higherPriorityAdvert(source: "10.250.1.12", theirs: 100, ours: 90))
        guard case .priorityMoved(150, 90, let at)? = transition.causes.dropFirst().first else {
            Issue.record("no priority move in \(transition.causes)")
            return
        }
        #expect(at > fellAt.sinceOrigin.secondsValue)
        #expect(transition.causes.last == .tracker(.check, name: "chk_harbor", up: false, detail: "2/2: component registry unhealthy"))
        let text = sentence(transition)
        #expect(text.hasPrefix("MASTER -> BACKUP (priority 90) because a higher priority (100 > 90) advert from 10.250.1.12 arrived; our priority fell 150 -> 90 at t"))
        #expect(text.hasSuffix("; check chk_harbor failed 2/2: component registry unhealthy"))
        // The VIP's removal says why too.
        #expect(entries(harness).contains { $0.change == .addressesRemoved(["10.250.1.100/24 dev eth0"]) && $0.causes == [.role("BACKUP")] })
    }

    @Test("the check's flip and the priority change are recorded where they happen, with the check as cause")
    func checkFlipAndPriority() throws {
        let harness = try NodeHarness(Self.checked)
        harness.answerChecks(.success)
        harness.effects = []
        for _ in 0..<2 {
            harness.advance(by: .seconds(1))
            harness.answerChecks(.failure("HTTP 502"))
        }
        let recorded = entries(harness)
        let cause = HistoryCause.tracker(.check, name: "chk_harbor", up: false, detail: "2/2: HTTP 502")
        #expect(recorded.contains { $0.change == .tracker(.check, name: "chk_harbor", up: false, detail: "2/2: HTTP 502") && $0.instance == nil && $0.causes.isEmpty })
        #expect(recorded.contains { $0.change == .priority(from: 150, to: 90) && $0.instance == "VI_1" && $0.causes == [cause] })
    }

    @Test("a Backup that stops hearing its Master: the transition names the silent Master and how long it was silent")
    func masterDown() throws {
        let harness = try NodeHarness(instanceText(priority: 100))
        harness.receive(priority: 200)
        harness.effects = []
        harness.advance(by: .seconds(4))
        let transition = try #require(entries(harness).first { $0.change == .state(from: "BACKUP", to: "MASTER", priority: 100) })
        guard case .masterDown(let master, let silent)? = transition.causes.first else {
            Issue.record("\(transition.causes)")
            return
        }
        #expect(master == "10.250.1.12")
        #expect((silent ?? 0) > 3 && (silent ?? 0) < 4)
        #expect(entries(harness).contains { if case .addressesAdded = $0.change { $0.causes == [.role("MASTER")] } else { false } })
    }

    @Test("status: the last transition's causes, the peers heard with priority, interval and age, and who took over in a drill")
    func statusPeersAndCauses() throws {
        let harness = try NodeHarness(instanceText(priority: 100))
        harness.receive(priority: 200)
        harness.advance(by: .seconds(1))
        harness.receive(priority: 200)
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        let instance = try #require(report.instances.first)
        let peer = try #require(instance.peers?.first)
        #expect(peer.address == "10.250.1.12" && peer.priority == 200 && peer.adverts == 2 && peer.advertIntervalSeconds == 1)
        #expect(peer.lastAdvertSecondsAgo == 0)
        #expect(peer.tookOverSecondsAgo == nil)
        #expect(instance.masterAdvertIntervalSeconds == 1)
        #expect(instance.lastTransition?.causes == ["startup"])
    }

    @Test("a peer's takeover read back at start: status shows it ready as of then, not heard yet")
    func restoredTakeover() throws {
        let harness = try NodeHarness(instanceText(priority: 150), start: false)
        let peer = IPAddress.v4(IPv4Address(10, 250, 1, 12))
        harness.handle(.restoreTakeovers([PeerTakeover(instance: "VI_1", peer: peer, at: harness.now + .seconds(-172_800))]))
        harness.handle(.start)
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        let shown = try #require(report.instances.first?.peers?.first)
        #expect(shown.address == "10.250.1.12" && shown.tookOverSecondsAgo == 172_800 && shown.lastAdvertSecondsAgo == nil)
    }

    @Test("a reload is recorded before the changes it makes, and they name it")
    func reload() throws {
        let harness = try NodeHarness(instanceText(priority: 150))
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 120)))))
        let recorded = entries(harness)
        guard case .reload(true, _)? = recorded.first?.change else {
            Issue.record("\(recorded)")
            return
        }
        #expect(recorded.contains { $0.change == .state(from: "INIT", to: "MASTER", priority: 120)
                && $0.causes == [.resumed("restarted as Master by a reload that changed its configuration")] })
        // The VIP stayed: nothing is recorded as added.
        #expect(!recorded.contains { if case .addressesAdded = $0.change { true } else { false } })
    }

    @Test("maintenance on and off are recorded per instance, and the drill's steps with who took over")
    func operatorSteps() throws {
        let harness = try NodeHarness(instanceText(priority: 100))
        harness.receive(priority: 200)
        harness.effects = []
        harness.handle(.command(.maintenanceOn(target: nil, reason: "kernel update", strict: false, requestedAt: 0), from: .root, reply: ReplyID(1)))
        harness.handle(.command(.maintenanceOff(target: nil), from: .root, reply: ReplyID(2)))
        let recorded = entries(harness)
        #expect(recorded.contains { $0.change == .maintenance(on: true, reason: "kernel update") && $0.instance == "VI_1" })
        #expect(recorded.contains { $0.change == .maintenance(on: false, reason: nil) && $0.instance == "VI_1" })
        #expect(recorded.contains { $0.change == .priority(from: 100, to: 1) && $0.causes == [.maintenance("kernel update")] })
    }

    @Test("start and stop are recorded")
    func daemonSteps() throws {
        let harness = try NodeHarness(instanceText())
        #expect(entries(harness).first?.change == .daemon(.started))
        harness.effects = []
        harness.handle(.stop)
        harness.advance(by: .seconds(3))
        #expect(entries(harness).first?.change == .daemon(.stopping))
        #expect(entries(harness).last?.change == .daemon(.stopped))
    }
}
