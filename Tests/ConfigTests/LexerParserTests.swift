#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Testing
@testable import Config

@Suite("keepalived.conf lexer and parser")
struct LexerParserTests {
    func tokens(_ text: String) -> [String] {
        var log = DiagnosticLog()
        return Lexer(file: "t").tokens(of: text, log: &log).map(\.description)
    }

    @Test("comments with # and ! anywhere, quotes, braces glued to words")
    func lexing() {
        #expect(tokens("! header\nfoo bar # trailing\nbaz!x") == ["foo", "bar", "baz"])
        #expect(tokens("script \"killall -0 nginx\" # c") == ["script", "\"killall -0 nginx\""])
        #expect(tokens("a{b}c") == ["a", "{", "b", "}", "c"])
        #expect(tokens("auth_pass \"p#ss!\"") == ["auth_pass", "\"p#ss!\""])
    }

    @Test("columns are 1-based and count from the start of the line")
    func columns() {
        var log = DiagnosticLog()
        let lexed = Lexer(file: "f").tokens(of: "\n    priority 100", log: &log)
        #expect(lexed.map(\.location.description) == ["f:2:5", "f:2:14"])
    }

    @Test("an unterminated quote is an error at the quote")
    func unterminated() {
        var log = DiagnosticLog()
        _ = Lexer(file: "f").tokens(of: "script \"abc", log: &log)
        #expect(log.diagnostics.map(\.description) == ["f:1:8: error: unterminated quoted string"])
    }

    @Test("one-line blocks, a brace on the next line, and a closing brace after a statement")
    func blockShapes() {
        let config = TemporaryConfig()
        let result = config.load("""
        global_defs
        {
            router_id lab }
        vrrp_instance VI_1 { interface eth0
            virtual_router_id 51
            authentication { auth_type PASS auth_pass secret }
            virtual_ipaddress { 10.250.0.66/24 dev eth0 label eth0:1 10.250.0.67 }
            unicast_peer { 10.250.0.2 10.250.0.3 }
            track_interface { eth1 weight -10 eth2 }
        }
        """)
        // keepalived 2.2 would read only the first statement of each multi-statement one-liner.
        #expect(short(result.diagnostics).map { String($0.prefix(16)) } == ["6:37: warning: k", "7:62: warning: k", "8:31: warning: k", "9:39: warning: k"])
        #expect(result.diagnostics.first?.message == "keepalived reads this one-line block as the single statement `auth_type PASS` and ignores the rest from `auth_pass` on (vipkeeper reads all 2); a keepalived peer with this file would behave differently: put each on its own line")
        let instance = result.configuration?.instances.first
        #expect(result.configuration?.globals.routerID == "lab")
        #expect(instance?.authentication == .password("secret"))
        #expect(instance?.virtualAddresses.map(\.description) == ["10.250.0.66/24", "10.250.0.67/32"])
        #expect(instance?.virtualAddresses.first?.label == "eth0:1")
        #expect(instance?.unicastPeers.map(\.description) == ["10.250.0.2", "10.250.0.3"])
        #expect(instance?.trackedInterfaces.map(\.name) == ["eth1", "eth2"])
        #expect(instance?.trackedInterfaces.first?.weight.weight == -10)
    }

    @Test("unbalanced braces are reported where they are")
    func braces() {
        let config = TemporaryConfig()
        let unclosed = config.load("global_defs {\n  router_id x\n" + minimalInstance)
        #expect(short(unclosed.diagnostics).contains("1:13: error: this `{` is never closed"))
        let extra = config.load(minimalInstance + "\n}\n", name: "extra.conf")
        #expect(short(extra.diagnostics) == ["8:1: error: unexpected `}` with no block open"])
    }

    @Test("include: relative to the including file, globs sorted, errors point into the included file")
    func include() {
        let config = TemporaryConfig()
        config.write("conf.d/10-script.conf", "vrrp_script chk { script /bin/true }\n")
        config.write("conf.d/20-instance.conf", minimalInstance.replacingOccurrences(of: "    interface eth0\n", with: "    interface eth0\n    track_script { chk }\n    priority 999\n"))
        let result = config.load("include conf.d/*.conf\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.location.file.hasSuffix("conf.d/20-instance.conf") == true)
        #expect(result.diagnostics.first?.location.line == 4)
        #expect(result.diagnostics.first?.message == "`priority` expects a whole number from 1 to 255, got `999`")
    }

    @Test("include: no match is a warning, a cycle and excessive depth are errors")
    func includeProblems() {
        let config = TemporaryConfig()
        let none = config.load("include missing/*.conf\n" + minimalInstance)
        #expect(short(none.diagnostics) == ["1:9: warning: `include missing/*.conf` matched no file"])
        config.write("a.conf", "include b.conf\n")
        config.write("b.conf", "include a.conf\n")
        let cycle = config.load("include a.conf\n" + minimalInstance, name: "top.conf")
        #expect(cycle.diagnostics.contains { $0.message.contains("include cycle") })
        #expect(cycle.configuration == nil)
    }

    @Test("only regular files are read: `include /dev/zero` is a precise error, not an endless read")
    func includeDevice() {
        let config = TemporaryConfig()
        let zero = config.load("include /dev/zero\n" + minimalInstance)
        #expect(short(zero.diagnostics) == ["1:9: error: cannot read /dev/zero: not a regular file (a character device); configuration is read from regular files only"],
                "\(zero.diagnostics)")
        #expect(zero.configuration == nil)
        let directory = config.load("include \(config.directory)\n" + minimalInstance)
        #expect(directory.diagnostics.contains { $0.message.contains("not a regular file (a directory)") })
    }

    @Test("`include` of a FIFO is a precise error at once, not a read that waits for a writer (a SIGHUP would stall the loop)")
    func includeFIFO() throws {
        let config = TemporaryConfig()
        let fifo = config.directory + "/pipe.conf"
        try #require(mkfifo(fifo, 0o600) == 0, "mkfifo \(fifo) failed")
        // On a background thread, so a regression (open(2) blocking for a writer) fails the
        // test after the timeout instead of hanging the run.
        nonisolated(unsafe) var result: ConfigurationLoader.Result?
        nonisolated(unsafe) let scratch = config
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            result = scratch.load("include pipe.conf\n" + minimalInstance, name: "top.conf")
            done.signal()
        }
        let finished = done.wait(timeout: .now() + 10) == .success
        if !finished {
            // Release the blocked reader: a writer that opens and closes gives it end of file.
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            _ = done.wait(timeout: .now() + 5)
        }
        #expect(finished, "loading a configuration that includes a FIFO did not finish in 10 s")
        let loaded = try #require(result, "no load result")
        #expect(short(loaded.diagnostics) == ["1:9: error: cannot read \(fifo): not a regular file (a FIFO); configuration is read from regular files only"],
                "\(loaded.diagnostics)")
        #expect(loaded.configuration == nil)
    }

    @Test("20,000 instances whose VRIDs collide: every collision is reported, each once")
    func manyInstances() {
        var text = ""
        for index in 0..<20_000 {
            text += "vrrp_instance VI_\(index) {\n    interface eth0\n    virtual_router_id \(1 + index % 255)\n    virtual_ipaddress {\n        10.250.\(index / 250 % 250).\(index % 250)/32\n    }\n}\n"
        }
        let result = TemporaryConfig().load(text)
        let collisions = result.diagnostics.filter { $0.message.contains("is already used on eth0") }
        #expect(collisions.count == 20_000 - 255)
        #expect(result.configuration == nil)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
