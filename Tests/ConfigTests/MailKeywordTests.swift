import Testing
import VRRP
@testable import Config

/// keepalived 2.2.7's e-mail alert keywords (core/global_parser.c, vrrp_parser.c
/// `vrrp_smtp_handler` / `vrrp_gsmtp_handler`): read into the model, bad values reported at
/// the word.
@Suite("e-mail alert keywords: notification_email, smtp_server, smtp_alert, ...")
struct MailKeywordTests {
    let config = TemporaryConfig()

    func load(_ text: String) -> (Configuration?, [String]) {
        let result = config.load(text)
        return (result.configuration, short(result.diagnostics))
    }

    @Test("every global keyword is read, none is ignored; the instance and the sync group read smtp_alert")
    func globals() throws {
        let (configuration, diagnostics) = load("""
            global_defs {
                notification_email {
                    ops@example.com
                    oncall@example.com
                }
                notification_email_from "Harbor VIP <vip@example.com>"
                smtp_server mail.example.com 587
                smtp_helo_name harbor-a.example.com
                smtp_connect_timeout 10
                smtp_alert
                smtp_alert_vrrp off
                no_email_faults
            }
            vrrp_sync_group G1 {
                group {
                    VI_1
                }
                smtp_alert on
            }

            """ + minimalInstance(with: "smtp_alert yes"))
        #expect(diagnostics == [])
        let mail = try #require(configuration).globals.mail
        #expect(mail.recipients == ["ops@example.com", "oncall@example.com"])
        #expect(mail.from == "Harbor VIP <vip@example.com>")
        #expect(mail.server?.host == "mail.example.com" && mail.server?.port == 587 && mail.server?.location.line == 7)
        #expect(mail.heloName == "harbor-a.example.com")
        #expect(mail.connectTimeout == .seconds(10))
        #expect(mail.alert == true && mail.alertVRRP == false && mail.noEmailFaults)
        #expect(try #require(configuration).instances.first?.smtpAlert == true)
        #expect(try #require(configuration).syncGroups.first?.smtpAlert == true)
        #expect(MailAddress.envelope(of: "Harbor VIP <vip@example.com>") == "vip@example.com")
    }

    @Test("smtp_server: IPv4, IPv6 (bare or in brackets), default port 25")
    func servers() throws {
        for (written, host) in [("10.250.98.1", "10.250.98.1"), ("fd00:250:98::1", "fd00:250:98::1"), ("[fd00:250:98::1]", "fd00:250:98::1")] {
            let (configuration, diagnostics) = load("global_defs {\n    smtp_server \(written)\n}\n" + minimalInstance)
            #expect(diagnostics == [])
            #expect(configuration?.globals.mail.server?.host == host)
            #expect(configuration?.globals.mail.server?.port == 25)
        }
        #expect(SMTPServer(host: "fd00:250:98::1").description == "[fd00:250:98::1]:25")
    }

    @Test("bad values are errors at the word: a port, a host, a control character in an address, a timeout, a flag")
    func errors() {
        let (_, diagnostics) = load("""
            global_defs {
                smtp_server 10.250.98.1 70000
                smtp_server mail_server
                notification_email {
                    "ops@example.com\u{07}"
                }
                smtp_connect_timeout soon
                smtp_alert maybe
                smtp_helo_name "two words"
            }

            """ + minimalInstance)
        #expect(diagnostics == [
            "2:29: error: `smtp_server` expects a whole number from 1 to 65535, got `70000`",
            "3:17: error: `smtp_server` expects an IPv4 or IPv6 address or a host name, got `mail_server`",
            "5:9: error: `notification_email` entry `ops@example.com\u{07}` cannot be sent: it has a control character",
            "7:26: error: `smtp_connect_timeout` expects a whole number from 0 to 4294, got `soon`",
            "8:16: error: `smtp_alert` expects on|off|true|false|yes|no, got `maybe`",
            "9:20: error: `smtp_helo_name` expects a host name (letters, digits, `-`, `_` and `.`), got `two words`",
        ])
    }

    @Test("what keepalived sends as written but a server will likely refuse (brackets, a comma, an empty `<>`) is a warning, and used")
    func oddAddresses() throws {
        let (configuration, diagnostics) = load("""
            global_defs {
                notification_email {
                    [notice@example.com]
                    "ops@example.com,boss@example.com"
                }
                notification_email_from "VIP <>"
            }

            """ + minimalInstance)
        #expect(diagnostics == [
            "3:9: warning: `notification_email` entry `[notice@example.com]` does not look like an e-mail address (the address has `[`); it is used as written, as keepalived uses it, and the server will likely refuse it",
            "4:9: warning: `notification_email` entry `ops@example.com,boss@example.com` does not look like an e-mail address (the address has `,`); it is used as written, as keepalived uses it, and the server will likely refuse it",
            "6:29: warning: `notification_email_from` `VIP <>` does not look like an e-mail address (`<>` holds no address); it is used as written, as keepalived uses it, and the server will likely refuse it",
        ])
        #expect(try #require(configuration).globals.mail.recipients.count == 2)
    }

    @Test("smtp_alert without smtp_server or notification_email: a warning (keepalived sends nothing); smtp_connect_timeout 0 reads as 1")
    func warnings() {
        let (configuration, diagnostics) = load("global_defs {\n    smtp_alert\n    smtp_connect_timeout 0\n    notification_email {\n    }\n}\n" + minimalInstance)
        #expect(configuration?.globals.mail.connectTimeout == .seconds(1))
        #expect(diagnostics == [
            "3:26: warning: `smtp_connect_timeout 0` is read as 1 second, as keepalived reads it",
            "4:5: warning: empty `notification_email` block: no alert can be sent without an address (keepalived warns too)",
            "7:15: warning: `smtp_alert` is on for `VI_1`, but global_defs has no `smtp_server` and `notification_email`: no e-mail is sent (keepalived sends none either)",
        ])
    }
}
