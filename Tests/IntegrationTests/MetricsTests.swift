import Foundation
import Testing

/// One sample of the Prometheus text exposition format.
struct Sample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// Parses the text exposition format strictly enough that a malformed line fails the test.
func parseExposition(_ text: String) -> (samples: [Sample], types: [String: String], errors: [String]) {
    var samples: [Sample] = []
    var types: [String: String] = [:]
    var errors: [String] = []
    let sample = #/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/#
    let label = #/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/#
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        if line.hasPrefix("# HELP ") { continue }
        if line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            if parts.count == 4 { types[String(parts[2])] = String(parts[3]) } else { errors.append(String(line)) }
            continue
        }
        guard let match = try? sample.wholeMatch(in: String(line)), let value = Double(match.3) else {
            errors.append(String(line))
            continue
        }
        var labels: [String: String] = [:]
        if let body = match.2 {
            for pair in body.matches(of: label) { labels[String(pair.1)] = String(pair.2) }
        }
        samples.append(Sample(name: String(match.1), labels: labels, value: value))
    }
    return (samples, types, errors)
}

extension NamespaceSuites {
    @Suite("Prometheus metrics with keepalived-exporter names", .serialized)
    struct MetricsTests {
        func scrape(_ lab: NetworkLab, _ node: Int) -> String {
            Shell.run("ip netns exec \(lab.nodes[node]) curl -sf --max-time 2 http://127.0.0.1:9650/metrics").output
        }

        func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
        }

        @Test("/metrics parses as Prometheus text and carries the exporter's names with the right values for Master and Backup")
        func exposition() throws {
            guard let lab = openLab(tag: "mx", subnet: 47, nodes: 2) else { return }
            defer { lab.tearDown() }
            let globals = "global_defs {\n    metrics_listen 127.0.0.1:9650\n}\nvrrp_script chk {\n    script \"/bin/true\"\n    interval 1\n    weight -10\n}\n"
            let track = "    track_script {\n        chk\n    }\n"
            lab.startVipkeeper(node: 0, config: lab.config(priority: 150, extra: track, checks: globals))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: track, checks: globals))
            #expect(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil)
            usleep(2_000_000)
            let vip = ["iname": "VI_1", "intf": "eth0", "vrid": "51", "ip_address": "\(lab.virtualAddress)/24"]
            for (node, state) in [(0, 2.0), (1, 1.0)] {
                let text = scrape(lab, node)
                let (samples, types, errors) = parseExposition(text)
                #expect(!samples.isEmpty, "node \(node): no samples in \(text.prefix(300))")
                #expect(errors.isEmpty, "node \(node): malformed lines \(errors)")
                #expect(value(samples, "keepalived_up") == 1)
                #expect(value(samples, "keepalived_vrrp_state", vip) == state, "node \(node)")
                #expect(value(samples, "keepalived_script_status", ["name": "chk"]) == 1)
                #expect(value(samples, "vipkeeper_priority", ["iname": "VI_1"]) == (node == 0 ? 150 : 100))
                #expect(value(samples, "vipkeeper_build_info") == 1)
                #expect((value(samples, "vipkeeper_check_duration_seconds_count", ["name": "chk"]) ?? 0) >= 1)
                for counter in ["keepalived_advertisements_received_total", "keepalived_advertisements_sent_total", "keepalived_become_master_total",
                                "keepalived_release_master_total", "keepalived_packet_length_errors_total",
                                "keepalived_advertisements_interval_errors_total", "keepalived_ip_ttl_errors_total",
                                "keepalived_invalid_type_received_total", "keepalived_address_list_errors_total",
                                "keepalived_authentication_invalid_total", "keepalived_authentication_mismatch_total",
                                "keepalived_authentication_failure_total", "keepalived_priority_zero_received_total",
                                "keepalived_priority_zero_sent_total"] {
                    #expect(types[counter] == "counter", "node \(node): \(counter) is \(types[counter] ?? "missing")")
                    #expect(value(samples, counter, ["iname": "VI_1", "intf": "eth0", "vrid": "51"]) != nil, "node \(node): no \(counter)")
                }
                #expect(types["keepalived_vrrp_state"] == "gauge")
                #expect(types["vipkeeper_check_duration_seconds"] == "histogram")
            }
            let master = parseExposition(scrape(lab, 0)).samples
            #expect((value(master, "keepalived_advertisements_sent_total", ["iname": "VI_1"]) ?? 0) >= 2)
            #expect(value(master, "keepalived_become_master_total", ["iname": "VI_1"]) == 1)
            let backup = parseExposition(scrape(lab, 1)).samples
            #expect((value(backup, "keepalived_advertisements_received_total", ["iname": "VI_1"]) ?? 0) >= 2)
            // The exporter's sample alert: exactly one Master per VRID across the nodes.
            let masters = [master, backup].filter { value($0, "keepalived_vrrp_state", vip) == 2 }.count
            #expect(masters == 1)
        }

        @Test("scrapers that connect and say nothing cannot delay adverts or status")
        func slowScrapers() throws {
            guard let lab = openLab(tag: "ms", subnet: 48, nodes: 2) else { return }
            defer { lab.tearDown() }
            let globals = "global_defs {\n    metrics_listen 127.0.0.1:9650\n}\n"
            lab.startVipkeeper(node: 0, config: lab.config(priority: 150, checks: globals))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil)
            // 20 connections that never send a request, held until stopped (8 s at most). The
            // scraper says when all are connected: one that never connected would test nothing.
            let idle = lab.spawn(["ip", "netns", "exec", lab.nodes[0], "python3", "-c",
                                  "import socket,time\ns=[socket.create_connection(('127.0.0.1',9650), timeout=2) for _ in range(20)]\nprint('connected', len(s), flush=True)\ntime.sleep(8)"],
                                 log: lab.directory + "/idle.log")
            try #require(waitUntil(timeout: 3) { lab.log("idle.log").contains("connected 20") } != nil,
                         "the idle scrapers did not connect: \(lab.log("idle.log"))")
            let before = try #require(lab.status(1)?["advertisementsReceived"] as? Int)
            usleep(3_000_000)
            let after = try #require(lab.status(1)?["advertisementsReceived"] as? Int)
            #expect(after - before >= 2, "the Backup heard \(after - before) adverts in 3 s")
            #expect(lab.report(0) != nil)
            #expect(!scrape(lab, 0).isEmpty, "a scrape failed while idle scrapers were connected")
            // Still holding its connections (it holds them 8 s; about 3.5 s have passed).
            #expect(kill(idle, 0) == 0 && !lab.log("idle.log").contains("Traceback"), "the idle scrapers ended early: \(lab.log("idle.log"))")
            lab.stop(idle)
            #expect(lab.holders() == [0])
        }

        @Test("a reload that removes an instance and a check removes their series from /metrics; the kept ones stay")
        func reloadRemovesSeries() throws {
            guard let lab = openLab(tag: "mxr", subnet: 107, nodes: 1) else { return }
            defer { lab.tearDown() }
            let globals = "global_defs {\n    metrics_listen 127.0.0.1:9650\n}\n"
            let checks = ["chk_keep", "chk_gone"].map { "vrrp_script \($0) {\n    script \"/bin/true\"\n    interval 1\n}\n" }
            let second = ReloadTests.secondInstance(lab, extra: "    track_script {\n        chk_gone\n    }\n")
            let keepTrack = "    track_script {\n        chk_keep\n    }\n"
            let pid = lab.startVipkeeper(node: 0, config: lab.config(priority: 150, extra: keepTrack, checks: globals + checks.joined()) + second)
            #expect(waitUntil(timeout: masterDown(100) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            let labels = { (name: String, vrid: String) in ["iname": name, "intf": "eth0", "vrid": vrid] }
            // Both instances and both checks are there before the reload, with counters that moved.
            let bothSeen = waitUntil(timeout: 5) { () -> Bool in
                let samples = parseExposition(scrape(lab, 0)).samples
                return (value(samples, "keepalived_advertisements_sent_total", labels("VI_2", "52")) ?? 0) >= 1
                    && value(samples, "keepalived_vrrp_state", labels("VI_1", "51")) == 2
                    && (value(samples, "vipkeeper_check_duration_seconds_count", ["name": "chk_gone"]) ?? 0) >= 1
            }
            let before = parseExposition(scrape(lab, 0)).samples
            #expect(bothSeen != nil, "VI_2 or chk_gone never showed: \(before.map(\.name).prefix(40))")
            #expect(value(before, "keepalived_vrrp_state", labels("VI_2", "52").merging(["ip_address": "10.250.\(lab.subnet).101/24"]) { a, _ in a }) == 2)
            #expect(value(before, "keepalived_script_status", ["name": "chk_gone"]) == 1)

            _ = lab.write("node0.conf", lab.config(priority: 150, extra: keepTrack, checks: globals + checks[0]))
            kill(pid, SIGHUP)
            #expect(waitUntil(timeout: 5) { lab.log("node0.log").contains("reload applied") } != nil, "\(lab.log("node0.log"))")
            usleep(300_000)  // past the 250 ms a rendering is reused for
            var after: [Sample] = []
            let gone = waitUntil(timeout: 5) { () -> Bool in
                after = parseExposition(scrape(lab, 0)).samples
                return !after.isEmpty && !after.contains { $0.labels["iname"] == "VI_2" || $0.labels["name"] == "chk_gone" }
            }
            #expect(gone != nil, "series of the removed instance or check stayed: \(after.filter { $0.labels["iname"] == "VI_2" || $0.labels["name"] == "chk_gone" }.map(\.name))")
            #expect(value(after, "keepalived_vrrp_state", labels("VI_1", "51")) == 2, "the kept instance lost its state series")
            #expect((value(after, "keepalived_advertisements_sent_total", labels("VI_1", "51")) ?? 0) >= 1, "the kept instance lost its counters")
            #expect(value(after, "keepalived_script_status", ["name": "chk_keep"]) == 1)
            #expect((value(after, "vipkeeper_check_duration_seconds_count", ["name": "chk_keep"]) ?? 0) >= 1)
            #expect(value(after, "keepalived_up") == 1)
        }

        @Test("70 idle connections: the oldest idle ones are closed, a scrape is still answered, idle ones go after 10 s; 431, 404, 405 over the wire; no descriptor to accept with does not spin the loop")
        func connectionBounds() throws {
            guard let lab = openLab(tag: "mxc", subnet: 108, nodes: 1) else { return }
            defer { lab.tearDown() }
            let globals = "global_defs {\n    metrics_listen 127.0.0.1:9650\n}\n"
            let pid = lab.startVipkeeper(node: 0, config: lab.config(priority: 150, checks: globals))
            #expect(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            // 70 connections that say nothing. After a second: how many the server closed (read
            // as end of file); then, 12.5 s after connecting, how many are closed (the loop expires
            // idle connections on its turn, at least once a second).
            let idle = lab.write("idle.py", """
            import select, socket, sys, time
            start = time.monotonic()
            s = [socket.create_connection(('127.0.0.1', 9650), timeout=2) for _ in range(70)]
            print('connected', len(s), flush=True)
            def closed():
                count = 0
                for c in s:
                    if select.select([c], [], [], 0)[0]:
                        try:
                            if c.recv(1) == b'':
                                count += 1
                        except OSError:
                            count += 1
                return count
            time.sleep(1)
            print('closed early', closed(), flush=True)
            time.sleep(max(0, 12.5 - (time.monotonic() - start)))
            print('closed late', closed(), flush=True)
            """)
            let idler = lab.spawn(["ip", "netns", "exec", lab.nodes[0], "python3", idle], log: lab.directory + "/idle.log")
            try #require(waitUntil(timeout: 5) { lab.log("idle.log").contains("closed early") } != nil, "\(lab.log("idle.log"))")
            #expect(lab.log("idle.log").contains("connected 70\nclosed early 6\n"),
                    "70 idle connections against a cap of 64 should close 6: \(lab.log("idle.log"))")
            let scrape = Shell.run("ip netns exec \(lab.nodes[0]) curl -sf --max-time 3 http://127.0.0.1:9650/metrics")
            #expect(scrape.status == 0 && scrape.output.contains("keepalived_up 1"), "the scrape failed (\(scrape.status)): \(scrape.output.prefix(300))")

            // An oversized request head: 431, the answer arrives whole, then the server closes.
            let big = lab.write("big.py", """
            import socket
            c = socket.create_connection(('127.0.0.1', 9650), timeout=3)
            c.sendall(b'GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nX-Padding: ' + b'a' * 12000 + b'\\r\\n\\r\\n')
            answer = b''
            while True:
                chunk = c.recv(4096)
                if not chunk:
                    break
                answer += chunk
            print(answer.split(b'\\r\\n')[0].decode(), len(answer), flush=True)
            """)
            let oversized = Shell.run("ip netns exec \(lab.nodes[0]) python3 \(big)")
            #expect(oversized.status == 0 && oversized.output.hasPrefix("HTTP/1.1 431 "), "(\(oversized.status)) \(oversized.output)")
            for (arguments, code) in [("http://127.0.0.1:9650/other", "404"), ("-X POST http://127.0.0.1:9650/metrics", "405"),
                                      ("-0 http://127.0.0.1:9650/metrics?name=x", "200")] {
                let answer = Shell.run("ip netns exec \(lab.nodes[0]) curl -s -o /dev/null -w '%{http_code}' --max-time 3 \(arguments)")
                #expect(answer.output == code, "curl \(arguments): \(answer.output) (\(answer.status))")
            }

            #expect(waitUntil(timeout: 16) { lab.log("idle.log").contains("closed late") } != nil, "\(lab.log("idle.log"))")
            #expect(lab.log("idle.log").contains("closed late 70\n"), "idle connections outlived the 10 s timeout: \(lab.log("idle.log"))")
            lab.stop(idler)

            // The soft limit down to the descriptors open now: accept(2) fails with EMFILE, the
            // listener pauses instead of staying readable in every poll, and the scraper waiting in
            // the backlog is answered once descriptors are back.
            let limitsText = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            let limitLine = try #require(limitsText.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }), "no limits for \(pid)")
            let limits = limitLine.split(separator: " ").compactMap { Int($0) }
            try #require(limits.count == 2, "\(limitLine)")
            let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
            Shell.must("prlimit --pid \(pid) --nofile=\(open):\(limits[1])")
            let waiting = lab.spawn(["ip", "netns", "exec", lab.nodes[0], "curl", "-s", "--max-time", "10", "http://127.0.0.1:9650/metrics"],
                                    log: lab.directory + "/waiting.log")
            usleep(300_000)
            let before = try #require(cpuSeconds(pid), "the daemon is gone")
            usleep(2_000_000)
            let used = try #require(cpuSeconds(pid), "the daemon is gone") - before
            print("measured: daemon CPU with a scraper waiting and no descriptor to accept it: \(String(format: "%.2f", used)) s over 2 s")
            #expect(used < 0.5, "the daemon used \(used) s of CPU in 2 s")
            #expect(lab.log("node0.log").contains("metrics listener 127.0.0.1:9650: cannot accept a connection: Too many open files; retrying every 1000 ms"),
                    "\(lab.log("node0.log"))")
            #expect(!lab.log("waiting.log").contains("keepalived_up"), "answered without a descriptor to accept it: the limit did not bite")
            Shell.must("prlimit --pid \(pid) --nofile=\(limits[0]):\(limits[1])")
            let answered = waitUntil(timeout: 6) { lab.log("waiting.log").contains("keepalived_up 1") }
            #expect(answered != nil, "the waiting scraper got no answer once descriptors were back: \(lab.log("waiting.log"))")
            lab.stop(waiting)
            #expect(kill(pid, 0) == 0, "the daemon is gone")
            #expect(lab.holders() == [0])
        }
    }
}
