import Foundation
import Testing

extension NamespaceSuites {
    /// keepalived's e-mail alerts (`smtp_alert`) delivered to a real MTA: Debian's OpenSMTPD,
    /// started by the test in the lab's client namespace (10.250.98.200:25, its queue on a
    /// tmpfs of that namespace's own mounts, mail stored in a maildir under the lab's
    /// directory), killed by pid. The host's MTA and port 25 are never touched.
    @Suite("e-mail alerts through a real MTA (OpenSMTPD)", .serialized)
    struct MailAlertTests {
        static let recipients = ["ops@example.com", "oncall@example.com"]

        /// Starts OpenSMTPD listening on the client's address; nil when it does not listen.
        private func startMTA(_ lab: NetworkLab) -> (pid: Int32, maildir: String)? {
            let maildir = lab.directory + "/maildir"
            try? FileManager.default.createDirectory(atPath: maildir, withIntermediateDirectories: true)
            chmod(lab.directory, 0o755)
            chmod(maildir, 0o777)  // delivered as nobody
            let conf = lab.write("smtpd.conf", """
                table vusers { "@" = "nobody" }
                listen on 10.250.\(lab.subnet).200 port 25
                action "store" maildir "\(maildir)" virtual <vusers>
                match from any for any action "store"

                """)
            // `ip netns exec` gives the command its own mount namespace: the tmpfs queue is
            // seen by this smtpd only. Each `exec` keeps the pid: the one killed is smtpd's.
            let pid = lab.spawn(["ip", "netns", "exec", lab.client, "sh", "-c",
                                 "mount -t tmpfs -o mode=0755 tmpfs /var/spool && mkdir -m 711 /var/spool/smtpd && exec /usr/sbin/smtpd -d -f \(conf)"],
                                log: lab.directory + "/smtpd.log")
            let listening = waitUntil(timeout: 10) {
                Shell.run("ip netns exec \(lab.client) ss -Hltn").output.contains("10.250.\(lab.subnet).200:25")
            }
            guard listening != nil else {
                Issue.record("OpenSMTPD does not listen: \(lab.log("smtpd.log"))")
                return nil
            }
            return (pid, maildir)
        }

        /// One delivered message: its headers (first of each name) and body.
        struct Message {
            var headers: [String: String]
            var body: String
        }

        private func messages(in maildir: String) -> [Message] {
            let directory = maildir + "/new"
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return files.compactMap { name -> Message? in
                guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8),
                      let split = text.range(of: "\n\n") else { return nil }
                var headers: [String: String] = [:]
                for line in text[..<split.lowerBound].split(separator: "\n") where !line.hasPrefix("\t") && !line.hasPrefix(" ") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = String(line[..<colon])
                    if headers[name] == nil { headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
                }
                return Message(headers: headers, body: String(text[split.upperBound...]))
            }
        }

        private func globals(_ routerID: String, server: String, timeout: Int = 5) -> String {
            """
            global_defs {
                router_id \(routerID)
                notification_email {
                    \(Self.recipients.joined(separator: "\n        "))
                }
                notification_email_from "vipkeeper <vip@example.com>"
                smtp_server \(server)
                smtp_connect_timeout \(timeout)
                smtp_helo_name \(routerID).example.com
            }

            """
        }

        @Test("a takeover, a fault (track_file) and a stop (SIGTERM) each arrive at the MTA with keepalived's headers, subject and body, for every recipient")
        func takeoverFaultStop() throws {
            guard let lab = openLab(tag: "mail", subnet: 98, nodes: 2) else { return }
            defer { lab.tearDown() }
            guard let mta = startMTA(lab) else { return }
            let drain = lab.write("drain", "0\n")
            let trackFile = "track_file drain {\n    file \(drain)\n    weight 0\n}\n"
            let alert = "    smtp_alert\n"
            let b = lab.startVipkeeper(node: 1, config: globals("node-b", server: "10.250.98.200") + lab.config(priority: 100, extra: alert))
            #expect(waitUntil(timeout: masterDown(100) + 5) { lab.holders() == [1] } != nil, "\(lab.log("node1.log"))")
            let a = lab.startVipkeeper(node: 0, config: globals("node-a", server: "10.250.98.200 25")
                                        + lab.config(priority: 200, extra: alert + "    track_file {\n        drain\n    }\n", checks: trackFile))
            #expect(waitUntil(timeout: masterDown(200) + 5) { lab.holders() == [0] } != nil, "takeover: \(lab.log("node0.log"))")
            _ = lab.write("drain", "1\n")  // weight 0 and not 0: FAULT
            #expect(waitUntil(timeout: masterDown(100) + 5) { lab.holders() == [1] } != nil, "fault: \(lab.log("node0.log"))")
            #expect(lab.stop(b), "node-b stops on SIGTERM")
            #expect(lab.stop(a), "node-a stops on SIGTERM")

            func subject(_ router: String, _ text: String) -> String { "[\(router)] VRRP Instance VI_1 - \(text)" }
            let expected: [String: Int] = [
                subject("node-b", "Entering BACKUP state"): 2, subject("node-b", "Entering MASTER state"): 2,
                subject("node-b", "Stopping"): 1,
                subject("node-a", "Entering BACKUP state"): 1, subject("node-a", "Entering MASTER state"): 1,
                subject("node-a", "Entering FAULT state"): 1, subject("node-a", "Stopping"): 1,
            ]
            let total = expected.values.reduce(0, +) * Self.recipients.count
            _ = waitUntil(timeout: 10) { messages(in: mta.maildir).count >= total }
            #expect(lab.stop(mta.pid), "OpenSMTPD stops on SIGTERM")
            let delivered = messages(in: mta.maildir)
            #expect(delivered.count == total, "\(delivered.map { $0.headers["Subject"] ?? "?" }) \(lab.log("smtpd.log"))")
            var counts: [String: Int] = [:]
            for recipient in Self.recipients {
                for message in delivered where message.headers["Delivered-To"] == recipient {
                    counts[message.headers["Subject"] ?? "", default: 0] += 1
                }
                #expect(counts == expected, "to \(recipient)")
                counts = [:]
            }
            let bodies = [
                "Entering BACKUP state": "=> VRRP Instance is no longer owning VRRP VIPs <=",
                "Entering MASTER state": "=> VRRP Instance is now owning VRRP VIPs <=",
                "Entering FAULT state": "=> VRRP Instance is no longer owning VRRP VIPs <=",
                "Stopping": "=> VRRP Instance stopping <=",
            ]
            let date = try Regex(#"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"#)
            for message in delivered {
                let subject = message.headers["Subject"] ?? ""
                #expect(message.headers["From"] == "vipkeeper <vip@example.com>")
                #expect(message.headers["Return-Path"] == "<vip@example.com>", "the envelope sender is the address alone")
                #expect(message.headers["To"] == Self.recipients.joined(separator: ", "))
                #expect(message.headers["X-Mailer"] == "Keepalived (vipkeeper)")
                #expect(message.headers["Date"].map { (try? date.wholeMatch(in: $0)) != nil } == true, "Date: \(message.headers["Date"] ?? "-")")
                let router = subject.hasPrefix("[node-a]") ? "node-a" : "node-b"
                #expect(message.headers["Received"]?.hasPrefix("from \(router).example.com ") == true, "HELO name: \(message.headers["Received"] ?? "-")")
                let state = subject.components(separatedBy: " - ").last ?? ""
                #expect(message.body == (bodies[state] ?? "?") + "\n", "\(subject): \(message.body)")
            }
        }

        @Test("an MTA that swallows the connection (SYNs dropped) never delays an advert: VRRPv3 at 0.1 s keeps its gaps while two alerts time out, and status counts the failures")
        func deadMTA() throws {
            guard let lab = openLab(tag: "mail", subnet: 99, nodes: 1) else { return }
            defer { lab.tearDown() }
            // The client's address answers ARP, but every SYN to port 25 is dropped: each
            // connect hangs for the whole smtp_connect_timeout.
            _ = Shell.must("ip netns exec \(lab.client) nft 'add table ip vkmail; add chain ip vkmail in { type filter hook input priority 0; }; add rule ip vkmail in tcp dport 25 drop'")
            let mail = globals("node-a", server: "10.250.99.200", timeout: 2).replacingOccurrences(of: "global_defs {\n", with: "global_defs {\n    vrrp_version 3\n")
            let config = lab.config3(priority: 200, family: "ipv4", interval: "0.1", extra: "    smtp_alert\n")
                .replacingOccurrences(of: "global_defs {\n    vrrp_version 3\n}\n", with: "")
            let pid = lab.startVipkeeper(node: 0, config: mail + config)
            #expect(waitUntil(timeout: masterDown3(200, interval: 0.1) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            // The BACKUP and MASTER alerts are in flight now, one after the other, each for 2 s.
            let gaps = Shell.run("ip netns exec \(lab.client) python3 \(NetworkLab.tools)/vrrp-gaps.py eth0 \(lab.address(of: 0)) 5", timeout: 15).output
            let parts = gaps.split(separator: " ")
            let total = parts.count == 4 ? Int(parts[1]) : nil
            let maxGap = parts.count == 4 ? Double(parts[3].trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            // An advert that waited for a connect would leave a gap of the whole 2 s timeout;
            // half of it is the bound, so a loaded 2-core machine's scheduling delay is no failure.
            measured("largest advert gap at 0.1 s while alerts time out", maxGap, bound: 1.0)
            #expect((total ?? 0) >= 40, "adverts in 5 s at 0.1 s: \(gaps)")
            #expect((maxGap ?? 99) < 1.0, "an advert waited for the mail: \(gaps)")
            let failed = waitUntil(timeout: 8) { ((lab.report(0)?["mail"] as? [String: Any])?["failed"] as? Int ?? 0) >= 2 }
            let report = lab.report(0)?["mail"] as? [String: Any]
            #expect(failed != nil, "mail status: \(report ?? [:]) \(lab.log("node0.log"))")
            #expect((report?["sent"] as? Int) == 0)
            #expect((report?["lastError"] as? String)?.contains("imeout") == true || (report?["lastError"] as? String)?.contains("timed out") == true,
                    "last error: \(report?["lastError"] ?? "-")")
            #expect(lab.log("node0.log").components(separatedBy: "smtp alert").count - 1 == 1, "one failure logged: \(lab.log("node0.log"))")
            #expect(lab.stop(pid, timeout: 10))
        }
    }
}
