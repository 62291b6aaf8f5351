import ControlProtocol
import Node
import Testing
import VRRP

/// `track_file`: the number in a file, read when inotify says it changed, moves the priority
/// or, with weight 0, is FAULT (keepalived's drain knob).
@Suite("node: track_file")
struct NodeTrackFileTests {
    private let files = "track_file drain {\n    file /run/drain\n    weight 0\n}\ntrack_file load {\n    file /run/load\n    weight -10\n}\n"
    private let tracking = "    track_file {\n        drain\n        load\n    }\n"

    @Test("weight 0: a non-zero number is FAULT (the Master lets the VIP go), 0 brings it back; a weight scales the number")
    func drainAndWeight() throws {
        let harness = try NodeHarness(files + instanceText(extra: tracking))
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        harness.handle(.trackedFile("drain", value: 1))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.kernel.isEmpty)
        #expect(harness.log(containing: "[VI_1] track_file drain reads 1"))
        harness.handle(.trackedFile("drain", value: 0))
        #expect(harness.views.first?.state == .backup)
        harness.handle(.trackedFile("load", value: 3))
        #expect(harness.views.first?.priority == 120)
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        let load = try #require(report.instances.first?.trackers.first { $0.name == "load" })
        #expect(load.kind == "file" && load.value == 3 && load.up && load.weight == -10)
        harness.effects = []
        harness.handle(.trackedFile("load", value: 3))
        #expect(harness.effects.isEmpty, "the same number again changes nothing")
    }

    @Test("a number read before the start counts at the start: the instance starts in FAULT")
    func beforeStart() throws {
        let harness = try NodeHarness(files + instanceText(extra: tracking), start: false)
        harness.handle(.trackedFile("drain", value: 1))
        harness.handle(.start)
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .fault)
    }
}
