#if canImport(Glibc)
import Glibc
#endif
import Config
import Foundation
import Testing
import VRRP
@testable import VRRPSimulation

/// The repository's directory, from this file's path.
private let packageRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

/// The real keepalived.conf files of `../shared/corpus/keepalived-conf/` (or `VIPKEEPER_CORPUS`),
/// read in place as `Tests/IntegrationTests/CorpusTests.swift` finds them; never copied here.
private let corpus: String? = {
    let directory = getenv("VIPKEEPER_CORPUS").map { String(cString: $0) }
        ?? String(packageRoot[..<packageRoot.lastIndex(of: "/")!]) + "/shared/corpus/keepalived-conf"
    return access(directory, R_OK) == 0 ? directory : nil
}()

private func member(_ name: String, path: String) throws -> PairMember {
    let (loaded, result) = PairMember.load(path: path)
    let configuration = try #require(loaded?.configuration, "\(path): \(result.diagnostics)")
    return PairMember(name: name, path: path, configuration: configuration)
}

private func member(_ name: String, text: String, path: String) throws -> PairMember {
    let result = ConfigurationLoader.load(text: text, path: path, configID: name, users: PairMember.anyUser, checksScriptFiles: false)
    let configuration = try #require(result.configuration, "\(path): \(result.diagnostics)")
    return PairMember(name: name, path: path, configuration: configuration)
}

private func read(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// A second node derived from a real file as its author's guide says: `state MASTER` becomes
/// BACKUP, the priority the guide gives the backup, and the two unicast addresses swapped.
private func derive(_ text: String, priority: Int, swapping unicast: (String, String)? = nil) -> String {
    // "\r\n" is one Character: CRLF files are read as LF ones.
    var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard let keyword = words.first else { return String(line) }
        if keyword == "state", words.count > 1, words[1] == "MASTER" { return "    state BACKUP" }
        if keyword == "priority" { return "    priority \(priority)" }
        return String(line)
    }
    if let (mine, peer) = unicast {
        lines = lines.map {
            $0.replacingOccurrences(of: mine, with: "\u{1}").replacingOccurrences(of: peer, with: mine).replacingOccurrences(of: "\u{1}", with: peer)
        }
    }
    return lines.joined(separator: "\n")
}

/// Rows as `event → holders` (`+` between several, `none` for none), instance by instance.
private func holders(_ report: PairReport, instance: String? = nil) -> [String] {
    report.rows.filter { instance == nil || $0.instance == instance }.map {
        "\($0.event) → \($0.holders.isEmpty ? "none" : $0.holders.joined(separator: "+"))"
    }
}

/// The rows of a pair that fails over on every failure of `master` and back (preempt), and
/// that no failure of the other node moves: node by node, checks, then interfaces, stop,
/// maintenance.
private func failsOverAndBack(checks: [String], interfaces: [String], a: String = "a", b: String = "b", master: String? = nil) -> [String] {
    let master = master ?? a
    var rows = ["all up, healthy → \(master)"]
    for node in [a, b] {
        let holder = node == master ? (node == a ? b : a) : master
        for check in checks { rows += ["\(check) failing on \(node) → \(holder)", "\(check) passing again on \(node) → \(master)"] }
        for interface in interfaces { rows += ["\(interface) down on \(node) → \(holder)", "\(interface) up again on \(node) → \(master)"] }
        rows += ["\(node) stopped → \(holder)", "\(node) started again → \(master)", "\(node) in maintenance → \(holder)", "\(node) out of maintenance → \(master)"]
    }
    return rows
}

@Suite("check --pair: what would happen if")
struct PairWhatIfTests {
    @Test("examples/harbor-pair: node-a holds; each failure of node-a moves to node-b and back (fast_preempt)")
    func harborPair() throws {
        let report = PairWhatIf(members: [try member("node-a", path: packageRoot + "/examples/harbor-pair/node-a.conf"),
                                          try member("node-b", path: packageRoot + "/examples/harbor-pair/node-b.conf")]).run()
        #expect(holders(report) == failsOverAndBack(checks: ["harbor_ping", "harbor_health"], interfaces: ["eth0"], a: "node-a", b: "node-b"))
        #expect(report.flags.isEmpty, "\(report.flags)")
        #expect(report.exitStatus == 0)
        let failing = try #require(report.rows.first { $0.event == "harbor_ping failing on node-a" })
        #expect(failing.nodes == "node-a BACKUP 80, node-b MASTER 100")
        // fall 2 at interval 1, then the advert at 80 is heard: fast_preempt takes over at once.
        #expect((1.0...2.5).contains(failing.moveSeconds ?? 0), "\(failing)")
        // Back: node-a's next check passes twice (rise 2), then preempts after its next advert heard.
        let stopped = try #require(report.rows.first { $0.event == "node-a stopped" })
        #expect((stopped.moveSeconds ?? 9) < 1, "a stopping Master's priority-0 advert hands over within Skew_Time")
        // Why, in the node model's own words (its history), the advert's source named by node.
        #expect(failing.why == "node-b BACKUP -> MASTER (priority 100) because Master node-a (192.0.2.10) advertised a lower priority (80 < 100) and fast_preempt took over")
        #expect(stopped.why == "node-b BACKUP -> MASTER (priority 100) because Master node-a (192.0.2.10) resigned (priority-0 advert) and Skew_Time passed")
        let back = try #require(report.rows.first { $0.event == "harbor_ping passing again on node-a" })
        #expect(back.why?.hasSuffix("; check harbor_ping passed 2/2") == true, "\(back.why ?? "no why")")
        #expect(report.rows.first { $0.event == "harbor_ping failing on node-b" }?.why == nil, "nothing moved: no why")
    }

    @Test("examples/harbor-pair-v3: both instances (IPv4 and IPv6) fail over and back together")
    func harborPairV3() throws {
        let report = PairWhatIf(members: [try member("node-a", path: packageRoot + "/examples/harbor-pair-v3/node-a.conf"),
                                          try member("node-b", path: packageRoot + "/examples/harbor-pair-v3/node-b.conf")]).run()
        let expected = failsOverAndBack(checks: ["harbor_ping"], interfaces: ["eth0"], a: "node-a", b: "node-b")
        #expect(holders(report, instance: "harbor_vip4") == expected)
        #expect(holders(report, instance: "harbor_vip6") == expected)
        #expect(report.exitStatus == 0, "\(report.flags)")
    }

    @Test("examples/harbor-pair-l3: unicast across subnets with the VIP on lo, the same table as on one LAN")
    func harborPairL3() throws {
        let report = PairWhatIf(members: [try member("node-a", path: packageRoot + "/examples/harbor-pair-l3/node-a.conf"),
                                          try member("node-b", path: packageRoot + "/examples/harbor-pair-l3/node-b.conf")]).run()
        #expect(holders(report) == failsOverAndBack(checks: ["harbor_ping", "harbor_health"], interfaces: ["eth0"], a: "node-a", b: "node-b"))
        #expect(report.exitStatus == 0, "\(report.flags)")
        // The unicast sources are the files' own: nothing made up.
        let failing = try #require(report.rows.first { $0.event == "eth0 down on node-a" })
        #expect(failing.why == "node-b BACKUP -> MASTER (priority 100) because no advert from Master node-a (10.250.135.10) for 3.609 s (Master_Down_Interval)", "\(failing.why ?? "no why")")
    }

    @Test("the keepalived guide's pair: MASTER 100 / BACKUP 90, chk_nginx -20 fails over (100 - 20 = 80 < 90)")
    func keepalivedExamples() throws {
        let report = PairWhatIf(members: [try member("master", path: packageRoot + "/examples/harbor-keepalived-master.conf"),
                                          try member("backup", path: packageRoot + "/examples/harbor-keepalived-backup.conf")]).run()
        #expect(holders(report) == failsOverAndBack(checks: ["chk_nginx"], interfaces: ["ens33"], a: "master", b: "backup"))
        #expect(report.exitStatus == 0, "\(report.flags)")
    }

    @Test("weights that cannot fail over: MASTER 100 / BACKUP 90 with weight -5 is flagged with the numbers, exit 1")
    func weightsCannotFailOver() throws {
        let master = """
            vrrp_script chk_nginx {
                script "/usr/bin/pgrep nginx"
                interval 2
                weight -5
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    10.0.0.100/24
                }
                track_script {
                    chk_nginx
                }
            }

            """
        let report = PairWhatIf(members: [try member("a", text: master, path: "/tmp/a.conf"),
                                          try member("b", text: derive(master, priority: 90), path: "/tmp/b.conf")]).run()
        #expect(holders(report).prefix(3) == ["all up, healthy → a", "chk_nginx failing on a → a", "chk_nginx passing again on a → a"])
        #expect(report.exitStatus == 1)
        #expect(report.flags.map(\.description) == [
            "/tmp/a.conf:6:15: error: chk_nginx failing on a can never fail over: a VI_1 keeps 10.0.0.100: its priority goes 100 → 95 (weight -5) and stays above b's 90 (a Backup takes over only from a lower priority); the failure must take at least 11 off, e.g. weight -11, or weight 0 for FAULT",
        ])
    }

    @Test("files that disagree (auth_pass, advert_int) are flagged; split brain is an error")
    func mismatch() throws {
        let a = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                authentication {
                    auth_type PASS
                    auth_pass one
                }
                virtual_ipaddress {
                    10.0.0.100/24
                }
            }

            """
        let b = derive(a, priority: 90).replacingOccurrences(of: "auth_pass one", with: "auth_pass two")
        let report = PairWhatIf(members: [try member("a", text: a, path: "/tmp/a.conf"), try member("b", text: b, path: "/tmp/b.conf")]).run()
        #expect(holders(report).first == "all up, healthy → a+b")
        #expect(report.flags.contains { $0.severity == .warning && $0.message.contains("authentication (auth_type/auth_pass) differs") })
        #expect(report.flags.contains { $0.severity == .error && $0.message.hasPrefix("VI_1 has 2 Masters with every node up and healthy") })
        #expect(report.exitStatus == 1)
    }
}

/// At least ten pairs built from real files: each file's second node derived as its author's
/// guide (or the author's own backup file, where the repository has one) says.
@Suite("check --pair on real keepalived.conf pairs", .enabled(if: corpus != nil, "the corpus ../shared/corpus/keepalived-conf is not next to this checkout (VIPKEEPER_CORPUS names another)"))
struct PairWhatIfCorpusTests {
    private func pair(_ file: String, priority: Int, swapping unicast: (String, String)? = nil) throws -> PairReport {
        let path = try #require(corpus) + "/" + file
        let text = try read(path)
        return PairWhatIf(members: [try member("a", path: path),
                                    try member("b", text: derive(text, priority: priority, swapping: unicast), path: path + " (node b)")]).run()
    }

    /// Failing over on each failure and back, with no finding.
    @Test("MASTER/BACKUP pairs that fail over and back", arguments: [
        // The kubeadm HA guide: 101 on the first control plane, 100 on the others; weight -2.
        ("hopoffbaby__rkeexamples__keepalived.conf.master.conf", 100, ["check_apiserver"], ["enp0s3"]),
        ("Harry-322S__kubernetes__keepalived.conf", 100, ["check_apiserver"], ["ens33"]),
        // "101 on master, 100 on backup"; a weight-0 script: FAULT when it fails.
        ("qbm__lizardfs-failover__master_keepalived.conf", 100, ["check_lizardfs_master"], ["eth1"]),
        // The author's keepalived-backup.conf: priority 90; 100 - 20 = 80 < 90.
        ("EmilZackrisson__TraefikHighAvailabilitySyncer__keepalived_keepalived-master.conf", 90, ["chk_http"], ["eth0"]),
        // The author's keepalived-backup.conf: priority 100; weight 0.
        ("kevnguy__HALB-UnixSystemAdministration__keepalived-master.conf", 100, ["chk_haproxy"], ["enp0s3"]),
        // keepalived's own sample shape: 101 / 100; weight 0 with fall 2 rise 2.
        ("syedaali__configs__keepalived-master.conf", 100, ["check_haproxy"], ["eth0"]),
        ("AdilMektoub__install-cluster-k8s-centos-ubuntu__keepalived.conf", 99, ["reload_haproxy"], ["eth1"]),
    ])
    func failsOver(file: String, priority: Int, checks: [String], interfaces: [String]) throws {
        let report = try pair(file, priority: priority)
        #expect(holders(report) == failsOverAndBack(checks: checks, interfaces: interfaces), "\(report.text)")
        #expect(report.exitStatus == 0, "\(report.flags)")
    }

    @Test("unicast pairs: the addresses swapped, each failure of the Master fails over and back")
    func unicast() throws {
        // The author's keepalived.conf.backup.hc: priority 1, weight 100 (150 vs 101 healthy; 50 when failing).
        let sergio = try pair("sergio-gimenez__understanding-keepalived__conf_2-node-setup_keepalived.conf.master.hc.conf", priority: 1,
                              swapping: ("192.168.200.20", "192.168.200.52"))
        #expect(holders(sergio) == failsOverAndBack(checks: ["check_nginx"], interfaces: ["eth0"]))
        // The author's peer 10.10.10.14 as node b at priority 100 over a's 90, two +10 checks each:
        // one check failing on b leaves 110, a tie with a's 110, and a Backup does not take over
        // on a tie (RFC 3768 §6.4.2): flagged.
        let taurus = try pair("tauruscorpius__ka_script__config_keepalived.conf", priority: 100, swapping: ("10.10.10.15", "10.10.10.14"))
        let expected = failsOverAndBack(checks: ["check_application", "check_retry"], interfaces: ["ens33"], master: "b").map {
            $0.hasPrefix("check_") && $0.hasSuffix("failing on b → a") ? String($0.dropLast(1)) + "b" : $0
        }
        #expect(holders(taurus) == expected)
        #expect(taurus.flags.map(\.message).contains(
            "check_application failing on b can never fail over: b aii_siu_ha keeps 10.10.10.18: its priority goes 120 → 110 (weight 10) and ties with a's 110 (a Backup takes over only from a lower priority); the failure must take at least 11 off, e.g. weight -11, or weight 0 for FAULT"))
    }

    @Test("three nodes (unicast, each listing the other two): 150 / 100 / 50 with weight -10; stop and link loss move to the second")
    func threeNodes() throws {
        let file = "cabrel92__cabrel92-rabbitmq-haproxy-keepalived-tls-latest__keepalived-master.conf"
        let path = try #require(corpus) + "/" + file
        let text = try read(path)
        let report = PairWhatIf(members: [
            try member("a", path: path),
            try member("b", text: derive(text, priority: 100, swapping: ("192.168.59.40", "192.168.59.41")), path: path + " (node b)"),
            try member("c", text: derive(text, priority: 50, swapping: ("192.168.59.40", "192.168.59.42")), path: path + " (node c)"),
        ]).run()
        let rows = holders(report)
        #expect(rows.prefix(9) == [
            "all up, healthy → a",
            "chk_haproxy failing on a → a", "chk_haproxy passing again on a → a",
            "eth1 down on a → b", "eth1 up again on a → a",
            "a stopped → b", "a started again → a",
            "a in maintenance → b", "a out of maintenance → a",
        ])
        #expect(rows.dropFirst(9).allSatisfy { $0.hasSuffix("→ a") })
        #expect(report.flags.map(\.message) == [
            "chk_haproxy failing on a can never fail over: a VIP keeps 192.168.59.100: its priority goes 150 → 140 (weight -10) and stays above b's 100 (a Backup takes over only from a lower priority); the failure must take at least 51 off, e.g. weight -51, or weight 0 for FAULT",
        ])
    }

    @Test("both BACKUP at the same priority (weight +2): the higher address wins, a failing check moves it, the tie keeps it")
    func equalPriorities() throws {
        let report = try pair("enbiyagoral__ha-k8s-cluster__keepalived_keepalived.conf", priority: 100, swapping: ("192.168.56.121", "192.168.56.122"))
        // b has 192.168.56.122, the higher address: it wins the tie at start.
        #expect(Array(holders(report).prefix(5)) == [
            "all up, healthy → b",
            "chk_haproxy failing on a → b", "chk_haproxy passing again on a → b",
            "eth1 down on a → b", "eth1 up again on a → b",
        ])
        #expect(holders(report).contains("chk_haproxy failing on b → a"))
        // Back to 102 each: a Backup does not preempt an equal Master (RFC 3768 §6.4.2).
        #expect(holders(report).contains("chk_haproxy passing again on b → a"))
        #expect(report.exitStatus == 0, "\(report.flags)")
    }

    @Test("nopreempt on both (BACKUP 100, weight 0): a failure moves the VIP, the recovery leaves it")
    func nopreempt() throws {
        let report = try pair("dbtoolkit__mha4mysql-manager__conf_keepalived.conf", priority: 100)
        let rows = holders(report)
        let first = try #require(rows.first)
        #expect(first == "all up, healthy → b", "equal priorities: the higher address (b's) wins")
        #expect(rows.contains("vs_mysql_72 failing on b → a"))
        #expect(rows.contains("vs_mysql_72 passing again on b → a"))
        #expect(rows.contains("b stopped → a"))
        #expect(rows.contains("b started again → a"))
        #expect(report.exitStatus == 0, "\(report.flags)")
    }

    @Test("the author's BACKUP at 100 under a MASTER at 180 with weight +2: chk_haproxy failing never fails over")
    func positiveWeightTooSmall() throws {
        let report = try pair("budong__systemadministrator__haproxy_keepalived_m.conf", priority: 100)
        let rows = holders(report)
        #expect(rows.prefix(3) == ["all up, healthy → a", "chk_haproxy failing on a → a", "chk_haproxy passing again on a → a"])
        #expect(rows.contains("eth0 down on a → b"))
        #expect(report.exitStatus == 1)
        #expect(report.flags.map(\.message).contains(
            "chk_haproxy failing on a can never fail over: a VI_WEB keeps 192.168.245.133: its priority goes 182 → 180 (weight 2) and stays above b's 102 (a Backup takes over only from a lower priority); the failure must take at least 81 off, e.g. weight -81, or weight 0 for FAULT"))
    }

    @Test("priority 255 owns the address: no tracker lowers it, so a failing check never fails over")
    func addressOwner() throws {
        let report = try pair("yNeshy__PostgreSQL-automatic-failover__master_keepalived.conf", priority: 100)
        #expect(holders(report).prefix(2) == ["all up, healthy → a", "check_psql failing on a → a"])
        #expect(holders(report).contains("a stopped → b"))
        #expect(report.flags.contains { $0.severity == .error && $0.message.contains("priority 255 makes it the address owner") })
    }

    @Test("nopreempt keeps a failing Master: MASTER 101 (+20 / -20), BACKUP 100 with nopreempt")
    func nopreemptKeepsFailingMaster() throws {
        let report = try pair("alfredcs__Docker-Marathon__etc_keepalived_keepalived.conf", priority: 100)
        let rows = holders(report)
        #expect(rows.first == "all up, healthy → a")
        #expect(rows.contains("chk_haproxy failing on a → a"))
        #expect(report.flags.contains { $0.message.hasPrefix("chk_haproxy failing on a can never fail over") && $0.message.contains("b has nopreempt") })
        #expect(report.exitStatus == 1)
    }
}
