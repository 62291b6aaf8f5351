import Config
import ControlProtocol
import Node
import Testing
import VRRP

/// keepalived's e-mail alerts (vrrp_notify.c `vrrp_smtp_notifier`, `vrrp_sync_smtp_notifier`;
/// core/smtp.c `smtp_alert`) as the node decides them: which transitions mail, and the text.
@Suite("e-mail alerts: which transitions mail, and keepalived's subject and body")
struct NodeMailTests {
    static let globals = """
        global_defs {
            router_id harbor-a
            notification_email {
                ops@example.com
                oncall@example.com
            }
            notification_email_from "VIP <vip@example.com>"
            smtp_server 10.250.98.1 2525
            smtp_helo_name harbor-a.example.com
            smtp_connect_timeout 3
        EXTRA}

        """

    static func config(globals extra: String = "", instance: String = "    smtp_alert\n", group: String? = nil) -> String {
        globals.replacingOccurrences(of: "EXTRA", with: extra) + (group ?? "") + instanceText(extra: instance)
    }

    func alerts(_ harness: NodeHarness) -> [MailAlert] {
        harness.effects.compactMap { if case .sendMail(let alert) = $0 { alert } else { nil } }
    }

    @Test("a takeover mails BACKUP then MASTER, a stop mails Stopping: keepalived's subjects and bodies, every setting carried")
    func takeoverAndStop() throws {
        let harness = try NodeHarness(Self.config())
        harness.advance(by: .seconds(5))
        let sent = alerts(harness)
        #expect(sent.map(\.subject) == ["[harbor-a] VRRP Instance VI_1 - Entering BACKUP state",
                                        "[harbor-a] VRRP Instance VI_1 - Entering MASTER state"])
        #expect(sent.map(\.body) == ["=> VRRP Instance is no longer owning VRRP VIPs <=", "=> VRRP Instance is now owning VRRP VIPs <="])
        let first = try #require(sent.first)
        #expect(first.from == "VIP <vip@example.com>")
        #expect(first.recipients == ["ops@example.com", "oncall@example.com"])
        #expect(first.server == SMTPServer(host: "10.250.98.1", port: 2525))
        #expect(first.heloName == "harbor-a.example.com")
        #expect(first.connectTimeout == .seconds(3))
        harness.effects = []
        harness.handle(.stop)
        #expect(alerts(harness).map(\.subject) == ["[harbor-a] VRRP Instance VI_1 - Stopping"])
        #expect(alerts(harness).map(\.body) == ["=> VRRP Instance stopping <="])
    }

    @Test("the message: keepalived's headers (Date, From, Subject, X-Mailer, To), a blank line, the body, CRLF line ends")
    func message() throws {
        let harness = try NodeHarness(Self.config())
        harness.advance(by: .seconds(5))
        let alert = try #require(alerts(harness).last)
        #expect(alert.message(date: "Thu, 03 Dec 2026 03:00:00 +0000") == """
            Date: Thu, 03 Dec 2026 03:00:00 +0000\r
            From: VIP <vip@example.com>\r
            Subject: [harbor-a] VRRP Instance VI_1 - Entering MASTER state\r
            X-Mailer: Keepalived (vipkeeper)\r
            To: ops@example.com, oncall@example.com\r
            \r
            => VRRP Instance is now owning VRRP VIPs <=\r

            """)
        #expect(MailAddress.envelope(of: alert.from) == "vip@example.com")
    }

    @Test("a fault mails Entering FAULT; with no_email_faults it does not (the way back through BACKUP is mailed either way)")
    func fault() throws {
        func run(_ extra: String) throws -> [String] {
            let harness = try NodeHarness(Self.config(globals: extra))
            harness.advance(by: .seconds(5))
            harness.effects = []
            harness.handle(.interface("eth0", eth0(up: false)))
            harness.handle(.interface("eth0", eth0(up: true)))
            harness.advance(by: .seconds(5))
            return alerts(harness).map(\.subject)
        }
        #expect(try run("") == ["[harbor-a] VRRP Instance VI_1 - Entering FAULT state", "[harbor-a] VRRP Instance VI_1 - Entering BACKUP state",
                                "[harbor-a] VRRP Instance VI_1 - Entering MASTER state"])
        #expect(try run("    no_email_faults\n") == ["[harbor-a] VRRP Instance VI_1 - Entering BACKUP state",
                                                      "[harbor-a] VRRP Instance VI_1 - Entering MASTER state"])
    }

    @Test("smtp_alert: per instance, else smtp_alert_vrrp, else smtp_alert, else off; nothing without smtp_server or recipients")
    func defaults() throws {
        func count(globals: String = "", instance: String = "", text: String? = nil) throws -> Int {
            let harness = try NodeHarness(text ?? Self.config(globals: globals, instance: instance))
            harness.advance(by: .seconds(5))
            return alerts(harness).count
        }
        #expect(try count() == 0)
        #expect(try count(globals: "    smtp_alert\n") == 2)
        #expect(try count(globals: "    smtp_alert\n    smtp_alert_vrrp off\n") == 0)
        #expect(try count(globals: "    smtp_alert off\n    smtp_alert_vrrp\n") == 2)
        #expect(try count(globals: "    smtp_alert\n", instance: "    smtp_alert off\n") == 0)
        #expect(try count(text: "global_defs {\n    smtp_alert\n    notification_email {\n        a@b\n    }\n}\n" + instanceText()) == 0)
    }

    @Test("a sync group with smtp_alert mails `VRRP Group` subjects with the group bodies, once the whole group is in the state")
    func group() throws {
        let group = "vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n    smtp_alert\n}\n"
        let harness = try NodeHarness(Self.config(instance: "", group: group))
        harness.advance(by: .seconds(5))
        #expect(alerts(harness).map(\.subject) == ["[harbor-a] VRRP Group G1 - Entering BACKUP state", "[harbor-a] VRRP Group G1 - Entering MASTER state"])
        #expect(alerts(harness).map(\.body) == ["=> All VRRP group instances are now in BACKUP state <=",
                                                "=> All VRRP group instances are now in MASTER state <="])
    }

    @Test("failures are counted and logged once per outage; a full queue counts as dropped; status shows it all")
    func failures() throws {
        let harness = try NodeHarness(Self.config())
        harness.advance(by: .seconds(5))
        let sent = alerts(harness)
        let refused = EffectError(code: -1, message: "Failed to connect to 10.250.98.1 port 2525: Connection refused")
        harness.handle(.effectFailed(.sendMail(sent[0]), refused))
        harness.handle(.effectFailed(.sendMail(sent[1]), refused))
        harness.handle(.effectFailed(.sendMail(sent[1]), EffectError(code: EffectError.queueFull, message: "full")))
        harness.handle(.effectFailed(.sendMail(sent[1]), EffectError(code: EffectError.queueFull, message: "full")))
        #expect(harness.logs.filter { $0.hasPrefix("smtp alert") }.count == 2, "one failure and one drop logged: \(harness.logs)")
        harness.handle(.mailSent(sent[1]))
        #expect(harness.log(containing: "accepts mail again"))
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "test", pid: 1, startedAt: .seconds(0), configurationFile: nil))
        let mail = try #require(report.mail)
        #expect(mail == StatusReport.Mail(server: "10.250.98.1:2525", recipients: 2, queued: 2, sent: 1, failed: 2, dropped: 2, lastError: "full"))
    }

    @Test("keepalived's defaults: sender USER@HOST, HELO the host name, router_id the host name, 30 s")
    func boundDefaults() {
        var definition = MailDefinition()
        definition.server = SMTPServer(host: "mail.example.com")
        definition.recipients = ["ops@example.com"]
        let bound = BoundMail.bind(definition, routerID: nil, localName: "harbor-b", userName: "root")
        #expect(bound == BoundMail(server: SMTPServer(host: "mail.example.com", port: 25), heloName: "harbor-b", from: "root@harbor-b",
                                   recipients: ["ops@example.com"], connectTimeout: .seconds(30), routerID: "harbor-b", noEmailFaults: false))
        definition.recipients = []
        #expect(BoundMail.bind(definition, routerID: nil, localName: "harbor-b", userName: "root") == nil)
    }

    @Test("an instance a reload removes mails as keepalived: `Deleted` with notify_deleted, else `Entering FAULT state` (its FAULT notify)")
    func removedByReload() throws {
        func subjects(_ extra: String) throws -> [String] {
            let harness = try NodeHarness(Self.config(instance: "    smtp_alert\n" + extra) + instanceText("VI_2", vrid: 52, priority: 100))
            harness.advance(by: .seconds(5))
            harness.effects = []
            harness.handle(.reload(try bind(loadConfiguration(Self.config(instance: "").replacingOccurrences(of: "VI_1", with: "VI_2")
                .replacingOccurrences(of: "virtual_router_id 51", with: "virtual_router_id 52")))))
            return alerts(harness).map { "\($0.subject) / \($0.body)" }
        }
        #expect(try subjects("    notify_deleted\n") == ["[harbor-a] VRRP Instance VI_1 - Deleted / => VRRP Deleted at reload <="])
        #expect(try subjects("") == ["[harbor-a] VRRP Instance VI_1 - Entering FAULT state / => VRRP Instance is no longer owning VRRP VIPs <="])
    }
}
