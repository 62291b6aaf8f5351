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
    }
}
