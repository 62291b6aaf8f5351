import Testing
@testable import Config

/// Which processes a `vrrp_track_process` counts: keepalived 2.2.7's `read_procs`,
/// `check_process` and `check_params`, given a process's comm and cmdline.
@Suite("track_process matching")
struct TrackProcessMatchingTests {
    func definition(_ process: String, _ parameters: [String] = [], match: TrackProcessDefinition.ParameterMatch = .none,
                    fullCommand: Bool = false) -> TrackProcessDefinition {
        var definition = TrackProcessDefinition(name: "t", location: .unplaced)
        definition.process = process
        definition.parameters = parameters
        definition.parameterMatch = match
        definition.fullCommand = fullCommand || match != .none
        return definition
    }

    func cmdline(_ words: String...) -> [UInt8] { words.flatMap { Array($0.utf8) + [0] } }

    @Test("by name: exactly the comm, not a prefix or a path (pgrep '^name$'), and never a name over 15 bytes")
    func byName() {
        let haproxy = definition("haproxy")
        #expect(haproxy.matches(comm: "haproxy", commandLine: nil))
        #expect(!haproxy.matches(comm: "haproxy2", commandLine: nil))
        #expect(!definition("ssh").matches(comm: "sshd", commandLine: nil))
        #expect(!definition("/usr/sbin/haproxy").matches(comm: "haproxy", commandLine: cmdline("/usr/sbin/haproxy")))
        #expect(!haproxy.matches(comm: nil, commandLine: cmdline("haproxy")), "a zombie (no name) is not counted")
        let long = definition("kube-controller-manager")
        #expect(!long.matches(comm: "kube-controller", commandLine: cmdline("kube-controller-manager")), "the kernel cut the name to 15 bytes")
    }

    @Test("full_command: argv[0] exactly, whatever the parameters")
    func fullCommand() {
        let nginx = definition("/usr/sbin/nginx", fullCommand: true)
        #expect(nginx.matches(comm: "nginx", commandLine: cmdline("/usr/sbin/nginx", "-g", "daemon off;")))
        #expect(!nginx.matches(comm: "nginx", commandLine: cmdline("nginx")))
        #expect(!nginx.matches(comm: "nginx", commandLine: []), "a zombie's command line is empty")
        #expect(!nginx.matches(comm: "nginx", commandLine: nil))
        let long = definition("kube-controller-manager", fullCommand: true)
        #expect(long.matches(comm: "kube-controller", commandLine: cmdline("kube-controller-manager", "--v=2")))
    }

    @Test("param_match exact: the parameters and nothing more; none given means no parameters at all")
    func exact() {
        let app = definition("app", ["-c", "x y"], match: .exact)
        #expect(app.matches(comm: nil, commandLine: cmdline("app", "-c", "x y")))
        #expect(!app.matches(comm: nil, commandLine: cmdline("app", "-c", "x y", "-v")))
        #expect(!app.matches(comm: nil, commandLine: cmdline("app", "-c", "x")))
        #expect(!app.matches(comm: nil, commandLine: cmdline("app", "-c", "x yz")))
        let bare = definition("sshd", match: .exact)
        #expect(bare.matches(comm: nil, commandLine: cmdline("sshd")))
        #expect(!bare.matches(comm: nil, commandLine: cmdline("sshd", "-D")))
    }

    @Test("param_match partial: the first parameters whole; initial: the last one may go on")
    func partialAndInitial() {
        let partial = definition("app", ["-c", "conf"], match: .partial)
        #expect(partial.matches(comm: nil, commandLine: cmdline("app", "-c", "conf")))
        #expect(partial.matches(comm: nil, commandLine: cmdline("app", "-c", "conf", "-v")))
        #expect(!partial.matches(comm: nil, commandLine: cmdline("app", "-c", "config")))
        #expect(!partial.matches(comm: nil, commandLine: cmdline("app", "-v", "-c", "conf")))
        let initial = definition("app", ["-c", "conf"], match: .initial)
        #expect(initial.matches(comm: nil, commandLine: cmdline("app", "-c", "config")))
        #expect(initial.matches(comm: nil, commandLine: cmdline("app", "-c", "conf", "-v")))
        #expect(!initial.matches(comm: nil, commandLine: cmdline("app", "-c")))
        #expect(!initial.matches(comm: nil, commandLine: cmdline("app", "-cc", "conf")))
        #expect(definition("app", match: .partial).matches(comm: nil, commandLine: cmdline("app", "anything")))
    }
}
