#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Runs the built `vipkeeper` binary (it sits next to the test bundle in the build folder).
struct Executable {
    static let path: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let me = String(cString: Array(buffer[0..<max(0, count)]) + [0])
        return String(me[..<me.lastIndex(of: "/")!]) + "/vipkeeper"
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: String = "") -> Output {
        let directory = String(cString: mkdtemp(strdup("/tmp/vipkeeper-cli-XXXXXX")))
        defer { _ = system("rm -rf '\(directory)'") }
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let status = system("\(environment.isEmpty ? "" : "env '\(environment)' ")'\(path)' \(quoted) >'\(directory)/out' 2>'\(directory)/err' </dev/null")
        return Output(status: status & 0x7f == 0 ? (status >> 8) & 0xff : -1,
                      stdout: read("\(directory)/out"), stderr: read("\(directory)/err"))
    }

    static func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

let packageRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

func writeTemporary(_ text: String) -> String {
    let path = String(cString: mkdtemp(strdup("/tmp/vipkeeper-cli-XXXXXX"))) + "/keepalived.conf"
    let file = fopen(path, "w")!
    fputs(text, file)
    fclose(file)
    return path
}

@Suite("vipkeeper check (the executable)")
struct CheckCommandTests {
    @Test("the Harbor guide's keepalived.conf is valid: exit 0 and a summary", arguments: ["master", "backup"])
    func keepalivedExamples(side: String) {
        let output = Executable.run(["check", "--no-host-checks", "-f", "\(packageRoot)/examples/harbor-keepalived-\(side).conf"])
        #expect(output.status == 0)
        #expect(output.stderr == "")
        #expect(output.stdout.contains("vrrp_instance VI_1: VRID 251 on ens33, VRRPv2 IPv4 every 1s, priority \(side == "master" ? 100 : 90)"))
    }

    @Test("the native Harbor pair is valid", arguments: ["a", "b"])
    func nativeExamples(node: String) {
        let output = Executable.run(["check", "--no-host-checks", "--config", "\(packageRoot)/examples/harbor-pair/node-\(node).conf"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("vrrp_http_check harbor_health: GET http://127.0.0.1:80/api/v2.0/health"))
    }

    @Test("an error exits 1 and points at the right line and column")
    func error() {
        let path = writeTemporary("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n    advert_int 1\n    virtual_ipaddress {\n        10.250.0.66/40\n    }\n}\n")
        let output = Executable.run(["check", "--no-host-checks", "-f", path])
        #expect(output.status == 1)
        #expect(output.stderr == "\(path):7:9: error: prefix length must be 0 to 32, got `/40`\n")
        #expect(output.stdout.contains("1 error; not valid"))
    }

    @Test("warnings only exit 2")
    func warnings() {
        let path = writeTemporary("vrrp_script lonely { script /bin/true }\nvrrp_instance VI_1 { interface eth0\n virtual_router_id 51\n virtual_ipaddress { 10.250.0.66 } }\n")
        let output = Executable.run(["check", "--no-host-checks", "-f", path, "--quiet"])
        #expect(output.status == 2)
        #expect(output.stderr.hasPrefix("\(path):1:13: warning: vrrp_script `lonely` is tracked by no vrrp_instance"))
        #expect(output.stdout == "")
        // systemd's ExecStartPre/ExecReload: warnings are reported but do not fail.
        let allowed = Executable.run(["check", "--no-host-checks", "-f", path, "--quiet", "--allow-warnings"])
        #expect(allowed.status == 0)
        #expect(allowed.stderr == output.stderr)
        let broken = writeTemporary("vrrp_instance VI_1 { priority 300 }\n")
        #expect(Executable.run(["check", "--no-host-checks", "-f", broken, "--quiet", "--allow-warnings"]).status == 1)
    }

    @Test("a migrated file: the summary names the deviations that apply and every ignored keepalived keyword; LVS is warned about once")
    func migration() {
        let path = writeTemporary("virtual_server 10.0.0.1 80 { lb_algo rr }\nvirtual_server 10.0.0.2 80 { lb_algo rr }\nvrrp_instance VI_1 { interface eth0\n virtual_router_id 51\n virtual_ipaddress { 10.250.0.66 } }\n")
        let output = Executable.run(["check", "--no-host-checks", "-f", path, "--allow-warnings"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("ignored (keepalived features vipkeeper does not implement): virtual_server\n"), "\(output.stdout)")
        // LVS is said once per file, naming what still serves it.
        #expect(output.stderr.split(separator: "\n").filter { $0.contains("served by keepalived's checker") }.count == 1, "\(output.stderr)")
        #expect(output.stdout.contains("deviation: a Master that yields sends one more advert first"), "\(output.stdout)")
        let clean = writeTemporary("global_defs { vrrp_higher_prio_send_advert false }\nvrrp_instance VI_1 { interface eth0\n virtual_router_id 51\n virtual_ipaddress { 10.250.0.66 } }\n")
        let plain = Executable.run(["check", "--no-host-checks", "-f", clean])
        #expect(plain.stdout.contains("ignored: nothing; every keyword of the file is implemented"), "\(plain.stdout)")
        #expect(!plain.stdout.contains("deviation:"), "\(plain.stdout)")
    }

    @Test("an unreadable file exits 1")
    func unreadable() {
        let output = Executable.run(["check", "--no-host-checks", "-f", "/nonexistent/vipkeeper.conf"])
        #expect(output.status == 1)
        #expect(output.stderr == "/nonexistent/vipkeeper.conf:1:1: error: cannot read /nonexistent/vipkeeper.conf: No such file or directory\n")
    }

    @Test("a keepalived.conf for two nodes, saved on Windows with a GBK comment: --config-id picks the node's lines")
    func configID() {
        let text = "! \u{1}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n@nodeA priority 101\n@nodeB priority 100\n    virtual_ipaddress {\n        10.250.0.66\n    }\n}\n"
        // CRLF line ends, and the comment's \u{1} replaced by GBK bytes (主节点).
        let bytes = Array(text.utf8).flatMap { byte -> [UInt8] in
            byte == 0x0A ? [0x0D, 0x0A] : byte == 0x01 ? [0xD6, 0xF7, 0xBD, 0xDA, 0xB5, 0xE3] : [byte]
        }
        let path = writeTemporary("")
        let file = fopen(path, "w")!
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        for (node, priority) in [("nodeA", 101), ("nodeB", 100)] {
            let output = Executable.run(["check", "--no-host-checks", "-f", path, "--config-id", node])
            #expect(output.status == 0)
            #expect(output.stderr == "")
            #expect(output.stdout.contains("config-id `\(node)` (--config-id): 1 conditional line read, 1 skipped"))
            #expect(output.stdout.contains("vrrp_instance VI_1: VRID 51 on eth0, VRRPv2 IPv4 every 1s, priority \(priority), preempt"))
        }
        #expect(Executable.run(["check", "--no-host-checks", "-f", path, "-i", "nodeB"]).stdout.contains("priority 100"))
        #expect(Executable.run(["run", "--help"]).stdout.contains("--config-id <ID>"))
    }

    @Test("an instance without virtual addresses is valid with a warning (exit 2), and the summary says so")
    func noVirtualAddress() {
        let path = writeTemporary("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    notify_master /usr/local/bin/move-elastic-ip.sh\n}\n")
        let output = Executable.run(["check", "--no-host-checks", "-f", path])
        #expect(output.status == 2)
        #expect(output.stderr.hasPrefix("\(path):1:15: warning: vrrp_instance `VI_1` has no virtual address"))
        #expect(output.stdout.contains("priority 100, preempt, multicast 224.0.0.18, no VIPs"))
    }

    @Test("mail alerts: the summary says to whom, through which server, for which instances; without a server, that none is sent")
    func mailAlerts() {
        let instance = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    smtp_alert\n    virtual_ipaddress {\n        10.250.98.100\n    }\n}\n"
        let mail = "    notification_email {\n        ops@example.com\n    }\n"
        let on = Executable.run(["check", "--no-host-checks", "-f", writeTemporary("global_defs {\n\(mail)    smtp_server mail.example.com 587\n    smtp_connect_timeout 5\n}\n" + instance)])
        #expect(on.status == 0, "\(on.stderr)")
        #expect(on.stdout.contains("  mail alerts: on state changes of VI_1, to ops@example.com through smtp://mail.example.com:587 (connect timeout 5s)"), "\(on.stdout)")
        let off = Executable.run(["check", "--no-host-checks", "-f", writeTemporary("global_defs {\n\(mail)}\n" + instance)])
        #expect(off.status == 2)
        #expect(off.stdout.contains("  mail alerts: off (no smtp_server; keepalived sends none either)"), "\(off.stdout)")
    }

    @Test("--help documents the exit codes")
    func help() {
        let output = Executable.run(["check", "--no-host-checks", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Exit status: 0 the configuration is valid; 1 it has errors"))
    }
}

@Suite("vipkeeper check on this machine (as keepalived -t)")
struct HostCheckCommandTests {
    static let missing = "vkmissing0"

    /// An instance on `interface` (unicast on 127.0.0.1 when it is lo), its VIP on `device`;
    /// the VIP's line is line 10 with unicast.
    static func file(interface: String, device: String? = nil) -> String {
        let unicast = interface == "lo" ? "    unicast_src_ip 127.0.0.1\n    unicast_peer {\n        127.0.0.2\n    }\n" : ""
        return writeTemporary("vrrp_instance VI_1 {\n    interface \(interface)\n    virtual_router_id 51\n    priority 100\n\(unicast)"
                              + "    virtual_ipaddress {\n        10.250.1.100/24\(device.map { " dev \($0)" } ?? "")\n    }\n}\n")
    }

    @Test("an interface this machine lacks is an error at the instance, unless --no-host-checks; -t is check")
    func missingInterface() {
        let path = Self.file(interface: Self.missing)
        let checked = Executable.run(["check", "-f", path])
        #expect(checked.status == 1, "\(checked.stderr)")
        #expect(checked.stderr.contains("\(path):1:15: error: interface \(Self.missing) does not exist on this machine"), "\(checked.stderr)")
        let alone = Executable.run(["check", "--no-host-checks", "-f", path])
        #expect(alone.status == 0, "\(alone.stderr)")
        let keepalivedStyle = Executable.run(["-t", "-f", path])
        #expect(keepalivedStyle.status == 1 && keepalivedStyle.stderr.contains("does not exist on this machine"), "\(keepalivedStyle.stderr)")
    }

    @Test("a VIP device this machine lacks is an error at the address")
    func missingDevice() {
        let path = Self.file(interface: "lo", device: Self.missing)
        let checked = Executable.run(["check", "-f", path])
        #expect(checked.status == 1, "\(checked.stderr)")
        #expect(checked.stderr.contains("\(path):10:9: error: interface \(Self.missing) does not exist on this machine"), "\(checked.stderr)")
    }

    @Test("a file that binds here passes the host checks (lo, a unicast pair on 127.0.0.1)")
    func binds() {
        let checked = Executable.run(["check", "-f", Self.file(interface: "lo")])
        #expect(checked.status == 0, "\(checked.stderr)")
    }

    @Test("check takes run's options (the unit's DAEMON_ARGS follows both) and validates them")
    func daemonArguments() {
        let path = Self.file(interface: "lo")
        let accepted = Executable.run(["check", "-f", path, "--metrics", "127.0.0.1:9650", "--verbose", "--no-socket", "--state-directory", "/tmp"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let refused = Executable.run(["check", "-f", path, "--metrics", "nonsense"])
        #expect(refused.status != 0 && refused.stderr.contains("--metrics takes ADDR:PORT"), "\(refused.status) \(refused.stderr)")
    }

    @Test("$VIPKEEPER_CONFIG names the file when -f does not (the unit's /etc/default/vipkeeper)")
    func configurationFromEnvironment() {
        let path = Self.file(interface: Self.missing)
        let output = Executable.run(["check", "--no-host-checks"], environment: "VIPKEEPER_CONFIG=\(path)")
        #expect(output.status == 0 && output.stdout.contains(path), "\(output.stdout) \(output.stderr)")
    }

    @Test("--condition (the unit's ExecCondition): 1 for a missing, empty or all-comments file; 0 for one that defines an instance, or has errors (ExecStartPre reports them)")
    func condition() {
        let comments = writeTemporary("! nothing yet\n#vrrp_instance VI_1 {\n#    interface eth0\n#}\n")
        let skipped = Executable.run(["check", "--condition", "-f", comments])
        #expect(skipped.status == 1 && skipped.stdout.contains("defines no vrrp_instance"), "\(skipped)")
        #expect(Executable.run(["check", "--condition", "-f", "/nonexistent/vipkeeper.conf"]).status == 1)
        #expect(Executable.run(["check", "--condition", "-f", writeTemporary("")]).status == 1)
        #expect(Executable.run(["check", "--condition", "-f", Self.file(interface: "lo")]).status == 0)
        #expect(Executable.run(["check", "--condition", "-f", writeTemporary("vrrp_instance VI_1 {\n    priorty 100\n}\n")]).status == 0)
        // A bad option must fail the start, not skip it: systemd skips on 1-254, fails on 255.
        let refused = Executable.run(["check", "--condition", "--metrics", "nonsense", "-f", Self.file(interface: "lo")])
        #expect(refused.status == 255 && refused.stderr.contains("--metrics takes ADDR:PORT"), "\(refused.status) \(refused.stderr)")
    }

    @Test("the packaged configuration is inert as shipped, and valid once its lines are uncommented")
    func packagedConfiguration() {
        let shipped = "\(packageRoot)/packaging/vipkeeper.conf"
        #expect(Executable.run(["check", "--condition", "-f", shipped]).status == 1)
        let text = Executable.read(shipped)
        #expect(text.contains("vrrp_instance"), "cannot read \(shipped)")
        let activated = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("#") ? String($0.dropFirst()) : String($0) }.joined(separator: "\n")
        let output = Executable.run(["check", "--no-host-checks", "-f", writeTemporary(activated)])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("vrrp_instance harbor_vip"), "\(output.stdout)")
    }
}

@Suite("vipkeeper check --pair (the executable)")
struct PairCheckCommandTests {
    @Test("the Harbor pair: a table of holders, every failure fails over and back, exit 0")
    func harborPair() {
        let output = Executable.run(["check", "--pair", "\(packageRoot)/examples/harbor-pair/node-a.conf", "\(packageRoot)/examples/harbor-pair/node-b.conf"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(8).joined(separator: " ") }
        #expect(lines.contains { $0.hasPrefix("all up, healthy harbor_vip node-a") })
        #expect(lines.contains { $0.hasPrefix("harbor_ping failing on node-a harbor_vip node-b") })
        #expect(lines.contains { $0.hasPrefix("harbor_ping passing again on node-a harbor_vip node-a") })
        #expect(output.stdout.hasSuffix("every single failure fails over and back as configured\n"))
    }

    @Test("a weight that cannot fail over: exit 1 and the numbers")
    func cannotFailOver() {
        let master = "vrrp_script chk { \n script \"/bin/true\"\n interval 2\n weight -5\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress {\n 10.0.0.100/24\n }\n track_script {\n chk\n }\n}\n"
        let a = writeTemporary(master)
        let b = writeTemporary(master.replacingPriority(with: 90))
        let output = Executable.run(["check", "--pair", a, b])
        #expect(output.status == 1)
        #expect(output.stdout.contains("\(a):6:15: error: chk failing on keepalived can never fail over: keepalived VI_1 keeps 10.0.0.100: its priority goes 100 → 95 (weight -5) and stays above keepalived#2's 90"))
    }

    @Test("--json, and a file with an error exits 1 with file:line:col")
    func jsonAndErrors() {
        let output = Executable.run(["check", "--json", "--pair", "\(packageRoot)/examples/harbor-keepalived-master.conf", "\(packageRoot)/examples/harbor-keepalived-backup.conf"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("\"holders\" : [\n        \"harbor-keepalived-backup\"\n      ]"))
        let broken = writeTemporary("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n        10.250.0.66/40\n    }\n}\n")
        let refused = Executable.run(["check", "--pair", broken, "\(packageRoot)/examples/harbor-keepalived-backup.conf"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "\(broken):6:9: error: prefix length must be 0 to 32, got `/40`\n")
        #expect(Executable.run(["check", "--pair", broken]).status == 64)
    }
}

private extension String {
    func replacingPriority(with priority: Int) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(" priority ") ? " priority \(priority)" : String($0) }
            .joined(separator: "\n").replacingState()
    }

    func replacingState() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0 == " state MASTER" ? " state BACKUP" : String($0) }.joined(separator: "\n")
    }
}
