import Foundation
import Testing

/// HTTP checks against the local Harbor nginx, as in examples/harbor-pair.
func harborChecks(weight: Int, interval: Int = 1, fall: Int = 2, rise: Int = 2) -> String {
    """
    vrrp_http_check harbor_ping {
        url http://127.0.0.1/api/v2.0/ping
        expect_body "Pong"
        interval \(interval)
        timeout 1
        fall \(fall)
        rise \(rise)
        weight \(weight)
    }
    vrrp_http_check harbor_health {
        url http://127.0.0.1/api/v2.0/health
        require_components core registry
        interval \(interval)
        timeout 1
        fall \(fall)
        rise \(rise)
        weight \(weight)
    }

    """
}

let trackHarbor = "    track_script {\n        harbor_ping\n        harbor_health\n    }\n"

extension NamespaceSuites {
    @Suite("health tracking with a real nginx standing in for Harbor", .serialized)
    struct HealthTrackingTests {
        /// Two Harbor nodes: A (110) and B (100), both tracking the HTTP checks. B starts once
        /// A is Master: started together, A's Master_Down_Timer is only 39 ms shorter than B's,
        /// and a B that starts that much earlier becomes Master and, with nopreempt, stays.
        func pair(_ lab: NetworkLab, weight: Int, extraA: String = "", extraB: String = "") {
            lab.startNginx(0)
            lab.startNginx(1)
            lab.startVipkeeper(node: 0, config: lab.config(priority: 110, extra: trackHarbor + extraA, checks: harborChecks(weight: weight)))
            #expect(waitUntil(timeout: masterDown(110) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: trackHarbor + extraB, checks: harborChecks(weight: weight)))
            usleep(2_500_000)  // both checks have run a few times; still node A
            #expect(lab.holders() == [0])
        }

        @Test("nginx stops on the Master, weight -30: the Backup preempts when its down timer runs out; nginx back: the VIP returns (preempt)")
        func nginxStopNegativeWeight() {
            guard let lab = openLab(tag: "hn", subnet: 20, nodes: 2) else { return }
            defer { lab.tearDown() }
            pair(lab, weight: -30)
            lab.stopNginx(0)
            let moved = waitUntil(timeout: 2 + masterDown(100) + 3) { lab.holders() == [1] }
            measured("nginx stop, weight -30, RFC path -> VIP moves", moved, bound: 2 + masterDown(100) + 0.5)
            #expect(moved != nil, "the VIP did not move")
            #expect(lab.status(0)?["priority"] as? Int == 50)  // both checks fail with nginx gone: 110 - 30 - 30
            lab.startNginx(0)
            let back = waitUntil(timeout: 2 + masterDown(110) + 3) { lab.holders() == [0] }
            measured("nginx back, preempt -> VIP returns", back, bound: 2 + masterDown(110) + 0.5)
            #expect(back != nil)
        }

        @Test("fast_preempt: the Backup takes over as soon as it hears the lower priority")
        func fastPreempt() {
            guard let lab = openLab(tag: "hf", subnet: 21, nodes: 2) else { return }
            defer { lab.tearDown() }
            pair(lab, weight: -30, extraA: "    fast_preempt\n", extraB: "    fast_preempt\n")
            lab.stopNginx(0)
            let moved = waitUntil(timeout: 6) { lab.holders() == [1] }
            measured("nginx stop, weight -30, fast_preempt -> VIP moves", moved, bound: 2 + 0.5)
            #expect(moved != nil && moved! < 2 + masterDown(100) - 1, "not the fast path: \(String(describing: moved)) s")
            #expect(lab.log("node1.log").contains("fast preemption: master \(lab.address(of: 0)) advertises lower priority 80"))
        }

        @Test("Harbor's /health turns unhealthy for a required component (still HTTP 200): the VIP moves")
        func healthJSON() throws {
            guard let lab = openLab(tag: "hj", subnet: 22, nodes: 2) else { return }
            defer { lab.tearDown() }
            pair(lab, weight: -30)
            lab.setHarborHealth(0, unhealthy: ["registry"])
            let moved = waitUntil(timeout: 2 + masterDown(100) + 3) { lab.holders() == [1] }
            measured("/health registry unhealthy -> VIP moves", moved, bound: 2 + masterDown(100) + 0.5)
            #expect(moved != nil, "the VIP did not move")
            let checks = try #require(lab.report(0)?["checks"] as? [[String: Any]])
            let health = try #require(checks.first { $0["name"] as? String == "harbor_health" })
            #expect(health["up"] as? Bool == false)
            #expect(health["lastResult"] as? String == "Harbor components not healthy: registry unhealthy")
            // A shared component that is not required (database) does not move the VIP back or forth.
            lab.setHarborHealth(0, unhealthy: ["database"])
            #expect(waitUntil(timeout: 2 + masterDown(110) + 3) { lab.holders() == [0] } != nil)
        }

        @Test("weight 0: a failing check puts the Master in FAULT, which resigns with priority 0; nopreempt keeps the VIP on B after recovery")
        func faultAndNopreempt() {
            guard let lab = openLab(tag: "hz", subnet: 23, nodes: 2) else { return }
            defer { lab.tearDown() }
            pair(lab, weight: 0, extraA: "    nopreempt\n", extraB: "    nopreempt\n")
            lab.stopNginx(0)
            let moved = waitUntil(timeout: 2 + skew(100) + 3) { lab.holders() == [1] }
            measured("nginx stop, weight 0 (FAULT) -> VIP moves", moved, bound: 2 + skew(100) + 0.5)
            #expect(moved != nil && moved! < 2 + masterDown(100) - 1, "not the priority-0 path: \(String(describing: moved)) s")
            #expect(lab.status(0)?["state"] as? String == "FAULT")
            #expect((lab.status(0)?["fault"] as? String)?.contains("harbor_ping") == true)
            lab.startNginx(0)
            #expect(waitUntil(timeout: 5) { lab.status(0)?["state"] as? String == "BACKUP" } != nil)
            usleep(UInt32((masterDown(110) + 2) * 1_000_000))
            #expect(lab.holders() == [1], "nopreempt: node A must not take the VIP back from a healthy B")
        }

        @Test("a hanging check script is killed at its timeout and counted as a failure")
        func hangingScript() throws {
            guard let lab = openLab(tag: "hs", subnet: 24, nodes: 1) else { return }
            defer { lab.tearDown() }
            let checks = "vrrp_script hang {\n    script \"sleep 60\"\n    interval 2\n    timeout 1\n    fall 1\n    weight 0\n}\n"
            lab.startVipkeeper(node: 0, config: lab.config(priority: 100, extra: "    track_script {\n        hang\n    }\n", checks: checks))
            let faulted = waitUntil(timeout: 5) { lab.status(0)?["state"] as? String == "FAULT" }
            #expect(faulted != nil)
            let check = try #require((lab.report(0)?["checks"] as? [[String: Any]])?.first)
            #expect((check["lastResult"] as? String)?.hasPrefix("timed out after 1s") == true, "\(check)")
            #expect((check["failures"] as? Int ?? 0) >= 1)
            #expect(lab.log("node0.log").contains("check hang timed out"))
            #expect(lab.holders() == [])
            // No sleep survives in the node's namespace beyond the one currently running.
            let pids = Shell.run("ip netns pids \(lab.nodes[0])")
            try #require(pids.status == 0, "ip netns pids failed: \(pids.output)")
            let sleeping = Shell.run("ip netns pids \(lab.nodes[0]) | xargs -r ps -o comm= -p | grep -c '^sleep$'").output
            #expect((Int(sleeping.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99) <= 1, "\(sleeping)")
        }

        @Test("a check that flaps faster than rise/fall does not move the VIP")
        func flapping() throws {
            guard let lab = openLab(tag: "hp", subnet: 25, nodes: 2) else { return }
            defer { lab.tearDown() }
            let toggle = lab.directory + "/toggle"
            let checks = "vrrp_script flap {\n    script \"sh -c 'if [ -e \(toggle) ]; then rm -f \(toggle); exit 1; else touch \(toggle); exit 0; fi'\"\n    interval 1\n    rise 2\n    fall 2\n    weight -30\n}\n"
            lab.startVipkeeper(node: 0, config: lab.config(priority: 110, extra: "    track_script {\n        flap\n    }\n", checks: checks))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(110) + 2) { lab.holders() == [0] } != nil)
            for _ in 0..<16 {
                usleep(500_000)
                #expect(lab.holders() == [0])
            }
            let check = try #require((lab.report(0)?["checks"] as? [[String: Any]])?.first)
            #expect(check["up"] as? Bool == true)
            #expect((check["failures"] as? Int ?? 0) >= 3, "\(check)")
            #expect(lab.status(0)?["priority"] as? Int == 110)
        }
    }
}

extension NamespaceSuites {
    @Suite("links, notify, https and resources", .serialized)
    struct LinkAndNotifyTests {
        @Test("the Master's link goes down: FAULT, the Backup takes over; link up: it returns; notify scripts run in order")
        func linkDown() throws {
            guard let lab = openLab(tag: "ld", subnet: 27, nodes: 2) else { return }
            defer { lab.tearDown() }
            let record = lab.directory + "/notify.log"
            let notify = "    notify \"/bin/sh -c 'echo $2 $3 >> \(record)'\"\n"
            lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: notify))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            _ = Shell.must("ip -n \(lab.nodes[0]) link set eth0 down")
            #expect(waitUntil(timeout: 3) { lab.status(0)?["state"] as? String == "FAULT" } != nil)
            #expect(lab.status(0)?["fault"] as? String == "interface eth0 down")
            #expect(!lab.holdsVirtualAddress(0))
            let takeover = waitUntil(timeout: masterDown(100) + 3) { lab.holdsVirtualAddress(1) }
            measured("Master link down -> backup holds VIP", takeover, bound: masterDown(100) + 0.5)
            #expect(takeover != nil)
            _ = Shell.must("ip -n \(lab.nodes[0]) link set eth0 up")
            #expect(waitUntil(timeout: masterDown(200) + 4) { lab.holders() == [0] } != nil)
            // notify runs with INSTANCE NAME STATE PRIORITY; under sh -c, $0 is INSTANCE, so $2 $3 are STATE and PRIORITY.
            let states = waitUntil(timeout: 3) {
                ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n").count >= 5
            }
            #expect(states != nil)
            #expect((try? String(contentsOfFile: record, encoding: .utf8)) == "BACKUP 200\nMASTER 200\nFAULT 200\nBACKUP 200\nMASTER 200\n")
        }

        @Test("HTTP checks hold no sockets between runs: the descriptor count stays flat over hundreds of checks")
        func noSocketLeak() throws {
            guard let lab = openLab(tag: "fd", subnet: 28, nodes: 1) else { return }
            defer { lab.tearDown() }
            lab.startNginx(0)
            let checks = """
            vrrp_http_check fast_ping {
                url http://127.0.0.1/api/v2.0/ping
                expect_body "Pong"
                interval 0.1
                timeout 1
            }
            vrrp_http_check fast_refused {
                url http://127.0.0.1:81/
                interval 0.1
                timeout 1
                weight -10
            }

            """
            let pid = lab.startVipkeeper(node: 0, config: lab.config(priority: 100, extra: "    track_script {\n        fast_ping\n        fast_refused\n    }\n", checks: checks))
            // nil when the daemon is gone: a dead daemon must not read as "no growth".
            func descriptors() -> Int? { try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count }
            func residentKiB() -> Int? {
                guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
                return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            }
            usleep(3_000_000)
            let before = (try #require(descriptors(), "vipkeeper is not running: \(lab.log("node0.log"))"), try #require(residentKiB()))
            usleep(20_000_000)
            let after = (try #require(descriptors(), "vipkeeper exited: \(lab.log("node0.log"))"), try #require(residentKiB()))
            let checkList = try #require(lab.report(0)?["checks"] as? [[String: Any]])
            let runs = checkList.map { $0["runs"] as? Int ?? 0 }.reduce(0, +)
            print("measured: \(runs) HTTP check runs; descriptors \(before.0) -> \(after.0); RSS \(before.1) KiB -> \(after.1) KiB")
            #expect(runs >= 300)
            #expect(after.0 <= before.0 + 2, "descriptors grew from \(before.0) to \(after.0)")
            #expect(checkList.first { $0["name"] as? String == "fast_refused" }?["lastResult"] as? String != nil)
            #expect(checkList.first { $0["name"] as? String == "fast_ping" }?["up"] as? Bool == true)
        }

        @Test("https checks: tls_verify on fails an untrusted certificate, ca_file trusts it, tls_verify off accepts it; a server asking for a client certificate accepts client_certificate and refuses a check without")
        func https() throws {
            guard let lab = openLab(tag: "tl", subnet: 29, nodes: 1) else { return }
            defer { lab.tearDown() }
            let dir = lab.directory
            _ = Shell.must("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=harbor.test' -addext 'subjectAltName=DNS:harbor.test,IP:127.0.0.1' -keyout \(dir)/key.pem -out \(dir)/cert.pem 2>&1")
            _ = Shell.must("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=vipkeeper-check' -keyout \(dir)/client-key.pem -out \(dir)/client.pem 2>&1")
            _ = Shell.must("chmod 644 \(dir)/key.pem \(dir)/cert.pem \(dir)/client-key.pem \(dir)/client.pem")
            let conf = lab.write("nginx-tls.conf", """
            daemon off;
            worker_processes 1;
            pid \(dir)/tls.pid;
            error_log \(dir)/tls-error.log;
            events { worker_connections 16; }
            http {
                access_log off;
                client_body_temp_path \(dir); proxy_temp_path \(dir); fastcgi_temp_path \(dir); uwsgi_temp_path \(dir); scgi_temp_path \(dir);
                server {
                    listen 443 ssl;
                    ssl_certificate \(dir)/cert.pem;
                    ssl_certificate_key \(dir)/key.pem;
                    location = /api/v2.0/ping { default_type text/plain; return 200 "Pong"; }
                }
                server {
                    listen 8443 ssl;
                    ssl_certificate \(dir)/cert.pem;
                    ssl_certificate_key \(dir)/key.pem;
                    ssl_client_certificate \(dir)/client.pem;
                    ssl_verify_client on;
                    location = /api/v2.0/ping { default_type text/plain; return 200 "Pong"; }
                }
            }
            """)
            chmod(dir, 0o755)
            lab.spawn(["ip", "netns", "exec", lab.nodes[0], "nginx", "-c", conf, "-p", dir], log: dir + "/tls.log")
            usleep(500_000)
            func check(_ name: String, _ extra: String, port: Int = 443) -> String {
                "vrrp_http_check \(name) {\n    url https://127.0.0.1:\(port)/api/v2.0/ping\n    expect_body \"Pong\"\n    interval 1\n    timeout 2\n\(extra)}\n"
            }
            let checks = check("untrusted", "") + check("trusted", "    ca_file \(dir)/cert.pem\n") + check("unverified", "    tls_verify off\n")
                + check("mutual", "    ca_file \(dir)/cert.pem\n    client_certificate \(dir)/client.pem\n    client_key \(dir)/client-key.pem\n", port: 8443)
                + check("anonymous", "    ca_file \(dir)/cert.pem\n", port: 8443)
            let names = ["untrusted", "trusted", "unverified", "mutual", "anonymous"]
            lab.startVipkeeper(node: 0, config: lab.config(priority: 100, extra: "    track_script {\n" + names.map { "        \($0) weight -1\n" }.joined() + "    }\n", checks: checks))
            let settled = waitUntil(timeout: 8) {
                let list = lab.report(0)?["checks"] as? [[String: Any]] ?? []
                return list.count == names.count && list.allSatisfy { ($0["runs"] as? Int ?? 0) >= 2 }
            }
            #expect(settled != nil)
            let list = try #require(lab.report(0)?["checks"] as? [[String: Any]])
            let results = Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0["lastResult"] as? String ?? "") })
            #expect(results["trusted"] == "success", "\(results)")
            #expect(results["unverified"] == "success", "\(results)")
            #expect(results["untrusted"] != "success" && results["untrusted"]?.isEmpty == false, "\(results)")
            #expect(results["mutual"] == "success", "\(results)")
            // nginx answers 400 "No required SSL certificate was sent".
            #expect(results["anonymous"]?.hasPrefix("HTTP 400") == true, "\(results)")
            print("untrusted certificate: \(results["untrusted"] ?? "")")
        }
    }
}

extension NamespaceSuites {
    @Suite("vrrp_sync_group", .serialized)
    struct SyncGroupTests {
        @Test("a check tracked by one member moves every member of the group")
        func membersMoveTogether() throws {
            guard let lab = openLab(tag: "sg", subnet: 30, nodes: 2) else { return }
            defer { lab.tearDown() }
            let flag = lab.directory + "/healthy"
            #expect(FileManager.default.createFile(atPath: flag, contents: nil))
            let notifyLog = lab.directory + "/group.log"
            func config(priority: Int, tracked: Bool) -> String {
                let check = tracked ? "vrrp_script chk {\n    script \"test -e \(flag)\"\n    interval 1\n    fall 1\n    rise 1\n    weight -30\n}\n" : ""
                let track = tracked ? "    track_script {\n        chk\n    }\n" : ""
                return check + """
                vrrp_sync_group VG1 {
                    group {
                        VI_1
                        VI_2
                    }
                    notify "/bin/sh -c 'echo $0 $1 $2 >> \(notifyLog)\(priority)'"
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority \(priority)
                    virtual_ipaddress {
                        10.250.\(lab.subnet).100/24
                    }
                \(track)}
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    priority \(priority)
                    virtual_ipaddress {
                        10.250.\(lab.subnet).101/24
                    }
                }

                """
            }
            func holders(_ vip: String) -> [Int] {
                lab.nodes.indices.filter { lab.holds($0, family: "-4", address: vip) }
            }
            let first = "10.250.\(lab.subnet).100", second = "10.250.\(lab.subnet).101"
            lab.startVipkeeper(node: 0, config: config(priority: 110, tracked: true))
            lab.startVipkeeper(node: 1, config: config(priority: 100, tracked: false))
            #expect(waitUntil(timeout: masterDown(110) + 3) { holders(first) == [0] && holders(second) == [0] } != nil)
            unlink(flag)  // VI_1's check fails on node A: 110 - 30 = 80 for both members
            let moved = waitUntil(timeout: 2 + masterDown(100) + 3) { holders(first) == [1] && holders(second) == [1] }
            measured("sync group: one member's check fails -> both VIPs move", moved, bound: 2 + masterDown(100) + 0.5)
            #expect(moved != nil, "VI_1 on \(holders(first)), VI_2 on \(holders(second))")
            let instances = try #require(lab.report(0)?["instances"] as? [[String: Any]])
            #expect(instances.map { $0["priority"] as? Int } == [80, 80])
            #expect(FileManager.default.createFile(atPath: flag, contents: nil))
            #expect(waitUntil(timeout: 2 + masterDown(110) + 3) { holders(first) == [0] && holders(second) == [0] } != nil)
            // Node A's group notify record (each node writes its own file).
            let groupNotes = (try? String(contentsOfFile: notifyLog + "110", encoding: .utf8)) ?? ""
            #expect(groupNotes.hasPrefix("GROUP VG1 BACKUP\nGROUP VG1 MASTER\nGROUP VG1 BACKUP\nGROUP VG1 MASTER"), "\(groupNotes)")
        }
    }
}
