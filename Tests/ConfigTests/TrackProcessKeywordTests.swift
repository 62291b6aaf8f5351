import Testing
import VRRP
@testable import Config

/// `vrrp_track_process` and an instance's `track_process` with keepalived 2.2.7's reading
/// (vrrp_parser.c `vrrp_tprocess_*`, vrrp_track.c `alloc_track_process`): what it reports and
/// then ignores is a warning, the rest an error.
@Suite("vrrp_track_process / track_process")
struct TrackProcessKeywordTests {
    let config = TemporaryConfig()

    @Test("every keyword: process with quoted words and parameters, param_match, weight, quorum, quorum_max, delays, full_command; the instance's weight override keeps the definition's reverse")
    func keywords() throws {
        let text = """
        vrrp_track_process haproxy {
            process haproxy
            weight -20 reverse
            quorum 2
            quorum_max 4
            delay 0.5
            fork_delay 1.25
        }
        vrrp_track_process app {
            process "/opt/a b/app" --config "x y"
            param_match initial
            terminate_delay 3
        }
        vrrp_track_process none_running {
            process forbidden
            quorum_max 0
            full_command
        }
        """ + "\n" + minimalInstance(with: "track_process {\n        haproxy weight 30\n        app weight 5 noreverse\n        none_running\n    }")
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        #expect(short(result.diagnostics) == [])
        let haproxy = try #require(configuration.trackProcess(named: "haproxy"))
        #expect(haproxy.process == "haproxy" && haproxy.parameters.isEmpty && !haproxy.fullCommand && haproxy.parameterMatch == .none)
        #expect(haproxy.weight == TrackerWeight(-20, reverse: true))
        #expect(haproxy.quorum == 2 && haproxy.quorumMaximum == 4)
        #expect(haproxy.terminateDelay == .milliseconds(500) && haproxy.forkDelay == .milliseconds(1250))
        let app = try #require(configuration.trackProcess(named: "app"))
        #expect(app.process == "/opt/a b/app" && app.parameters == ["--config", "x y"])
        #expect(app.fullCommand && app.parameterMatch == .initial, "param_match given first is kept by the parameters")
        #expect(app.weight == TrackerWeight(0) && app.quorum == 1 && app.quorumMaximum == nil, "keepalived's defaults: weight 0, quorum 1, no maximum")
        #expect(app.terminateDelay == .seconds(3) && app.forkDelay == .zero)
        let none = try #require(configuration.trackProcess(named: "none_running"))
        #expect(none.quorum == 0 && none.quorumMaximum == 0 && none.fullCommand, "quorum_max 0: up only while none runs")
        #expect(none.hasQuorum(count: 0) && !none.hasQuorum(count: 1))
        let tracked = try #require(configuration.instances.first).trackedProcesses
        #expect(tracked.map(\.name) == ["haproxy", "app", "none_running"])
        let trackers = configuration.trackerSet(for: try #require(configuration.instances.first))
        #expect(trackers.entries.filter { if case .process = $0.object { true } else { false } }.map(\.weight)
                == [TrackerWeight(30, reverse: true), TrackerWeight(5), TrackerWeight(0)])
        #expect(trackers.entries.filter { if case .process = $0.object { true } else { false } }.map(\.isUp) == [false, false, true],
                "before the first count nothing runs")
    }

    @Test("parameters make it a command-line match with exact parameters; param_match alone means none")
    func parametersImplyFullCommand() throws {
        let configuration = try #require(config.load("vrrp_track_process p {\n    process nginx -g daemon\n}\nvrrp_track_process q {\n    param_match\n    process sshd\n}\n"
                                                     + minimalInstance(with: "track_process {\n        p\n        q\n    }")).configuration)
        let p = try #require(configuration.trackProcess(named: "p"))
        #expect(p.fullCommand && p.parameterMatch == .exact && p.parameters == ["-g", "daemon"])
        let q = try #require(configuration.trackProcess(named: "q"))
        #expect(q.fullCommand && q.parameterMatch == .exact && q.parameters.isEmpty)
    }

    @Test("keepalived's 'ignoring' cases are warnings and the value is ignored; its other complaints are errors")
    func warningsAndErrors() throws {
        let text = """
        vrrp_track_process p {
            process a
            process b
            param_match whole
            weight
            weight 300
            weight 5
            weight 6
            quorum 0
            quorum 3
            quorum_max 2
            delay 0
            fork_delay 3601
        }
        """ + "\n" + minimalInstance(with: "track_process {\n        p\n        p weight 1\n        p bogus\n        p weight\n    }")
        let result = config.load(text)
        let configuration = try #require(result.configuration, "\(short(result.diagnostics))")
        let p = try #require(configuration.trackProcess(named: "p"))
        #expect(p.process == "a" && p.parameterMatch == .none && p.weight == TrackerWeight(5) && p.quorum == 3 && p.quorumMaximum == nil)
        #expect(p.forkDelay == .zero && p.terminateDelay == .zero)
        let diagnostics = short(result.diagnostics)
        #expect(diagnostics.allSatisfy { $0.contains(": warning: ") }, "\(diagnostics)")
        let lines = diagnostics.compactMap { Int($0.split(separator: ":")[0]) }
        #expect(lines == [3, 4, 5, 6, 8, 9, 11, 12, 13, 19, 20, 21], "\(diagnostics)")
        #expect(try #require(configuration.instances.first).trackedProcesses.map(\.name) == ["p"])

        let badOption = config.load("vrrp_track_process p {\n    process a\n    weight 5 sideways\n}\n" + minimalInstance(with: "track_process {\n        p\n    }"))
        #expect(short(badOption.diagnostics) == ["3:14: error: vrrp_track_process `p`: unknown weight option `sideways` (only `reverse`)"])
        let noProcess = config.load("vrrp_track_process p {\n    weight 2\n}\n" + minimalInstance)
        #expect(short(noProcess.diagnostics) == ["1:20: error: vrrp_track_process `p` has no `process` (keepalived: process name not specified)"])
        let unknown = config.load(minimalInstance(with: "track_process {\n        hapraxy\n    }") + "\nvrrp_track_process haproxy {\n    process haproxy\n}\n")
        #expect(short(unknown.diagnostics).first?.hasPrefix("4:9: error: vrrp_instance `VI_1` tracks process `hapraxy`, which is not a vrrp_track_process") == true,
                "\(short(unknown.diagnostics))")
    }

    @Test("a name longer than the kernel keeps (15 bytes) never matches /proc/PID/comm: a warning, unless full_command")
    func longNames() throws {
        let long = config.load("vrrp_track_process p {\n    process kube-controller-manager\n}\n" + minimalInstance(with: "track_process {\n        p\n    }"))
        #expect(short(long.diagnostics).count == 1 && short(long.diagnostics)[0].hasPrefix("1:20: warning: vrrp_track_process `p`: the process name `kube-controller-manager` is longer than the 15 bytes"))
        let full = config.load("vrrp_track_process p {\n    process kube-controller-manager\n    full_command\n}\n" + minimalInstance(with: "track_process {\n        p\n    }"))
        #expect(short(full.diagnostics) == [])
    }
}
