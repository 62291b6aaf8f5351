import Foundation
import Testing

/// The repository root (`repositoryRoot`).
private let repository = repositoryRoot

/// Every panel query of mehdy/keepalived-exporter's Grafana dashboard
/// (grafana/dashboards/keepalived-exporter.json, commit 5aedbfb) whose metric vipkeeper exports:
/// all but `keepalived_exporter_check_script_status`, which the exporter computes itself by
/// running its own `--ka.check-script`. `$instance` is the dashboard's node variable.
private let exporterDashboardQueries = [
    #"keepalived_up{instance="$instance"}"#,
    #"keepalived_script_status{instance="$instance"}"#,
    #"keepalived_script_state{instance="$instance"}"#,
    #"keepalived_vrrp_state{instance="$instance"}"#,
    #"rate(keepalived_become_master_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_release_master_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_advertisements_sent_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_advertisements_received_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_priority_zero_sent_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_priority_zero_received_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_gratuitous_arp_delay_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_advertisements_interval_errors_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_packet_length_errors_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_ip_ttl_errors_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_invalid_type_received_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_address_list_errors_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_authentication_invalid_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_authentication_failure_total{instance="$instance"}[$__rate_interval])"#,
    #"rate(keepalived_authentication_mismatch_total{instance="$instance"}[$__rate_interval])"#,
]

/// A Prometheus server (Debian's `prometheus`) in the lab's client namespace, scraping both
/// nodes every second and evaluating the shipped rules every second.
private struct PrometheusServer {
    let lab: NetworkLab
    let port = 9090

    /// The JSON `data` of an HTTP API call (`/api/v1/query?query=...`); nil on any failure,
    /// with the reason recorded by the caller through `lastError`.
    func api(_ path: String, query: String? = nil) -> (data: Any?, error: String?) {
        var command = "ip netns exec \(lab.client) curl -sS --max-time 5 -G http://127.0.0.1:\(port)\(path)"
        if let query { command += " --data-urlencode \(shellQuoted("query=" + query))" }
        let result = Shell.run(command, timeout: 10)
        guard result.status == 0 else { return (nil, "curl exit \(result.status): \(result.output)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
            return (nil, "not JSON: \(result.output.prefix(300))")
        }
        guard object["status"] as? String == "success" else { return (nil, "API error: \(result.output.prefix(300))") }
        return (object["data"], nil)
    }

    /// The result vector of an instant query.
    func vector(_ query: String) -> (samples: [[String: Any]], error: String?) {
        let (data, error) = api("/api/v1/query", query: query)
        guard let data = data as? [String: Any], let result = data["result"] as? [[String: Any]] else {
            return ([], error ?? "no result in the answer")
        }
        return (result, nil)
    }

    /// The labels of the alerts in `state` ("firing" or "pending") named `name`; nil when
    /// the API did not answer (so "no alert" can never be read from a failed call).
    func alerts(_ name: String, state: String = "firing") -> [[String: String]]? {
        guard let data = api("/api/v1/alerts").data as? [String: Any], let alerts = data["alerts"] as? [[String: Any]] else { return nil }
        return alerts.compactMap { alert in
            guard alert["state"] as? String == state, let labels = alert["labels"] as? [String: String],
                  labels["alertname"] == name else { return nil }
            return labels
        }
    }
}

private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

extension NamespaceSuites {
    @Suite("a real Prometheus with the shipped rules and dashboard", .serialized)
    struct PrometheusTests {
        /// The virtual routers of the test's configuration: (VRID, the rules' `family`).
        static let routers: Set<[String]> = [["51", ""], ["52", "ipv6"], ["53", ""], ["53", "ipv6"]]

        /// An IPv4 router (VRID 51), an IPv6 one (52) and a dual-stack pair kept together by a
        /// sync group (VRID 53 in both families, as examples/harbor-pair-v3), one check.
        func configuration(_ lab: NetworkLab, node: Int, priority: Int) -> String {
            let s = lab.subnet
            func instance(_ name: String, _ vrid: Int, _ address: String, track: Bool = false) -> String {
                """
                vrrp_instance \(name) {
                    state BACKUP
                    interface eth0
                    virtual_router_id \(vrid)
                    priority \(priority)
                    advert_int 1
                    virtual_ipaddress {
                        \(address)
                    }
                \(track ? "    track_script {\n        chk_harbor\n    }\n" : "")}

                """
            }
            return """
            global_defs {
                vrrp_version 3
                metrics_listen \(lab.address(of: node)):9650
            }
            vrrp_script chk_harbor {
                script "/bin/true"
                interval 1
                weight -20
            }

            """
                + instance("v4_only", 51, "10.250.\(s).100/24", track: true)
                + instance("v6_only", 52, "fd00:250:\(s)::100/64")
                + instance("dual4", 53, "10.250.\(s).101/24")
                + instance("dual6", 53, "fd00:250:\(s)::101/64")
                + "vrrp_sync_group dual {\n    group {\n        dual4\n        dual6\n    }\n}\n"
        }

        /// Drops VRRP (IP protocol 112, both families) arriving at a node: a partition.
        func cutVRRP(_ lab: NetworkLab, _ node: Int) {
            _ = Shell.must("ip netns exec \(lab.nodes[node]) nft 'add table inet vkpm; add chain inet vkpm in { type filter hook input priority 0; }; add rule inet vkpm in meta l4proto 112 drop'")
        }

        @Test("promtool accepts the rules; every panel of ours and the exporter's finds data; no/two-Master alerts fire in a split brain and an outage, and stay silent on a healthy IPv4, IPv6 and dual-stack pair")
        func rulesAndDashboards() throws {
            guard let lab = openLab(tag: "pm", subnet: 111, nodes: 2) else { return }
            defer { lab.tearDown() }
            let rules = repository + "/packaging/prometheus/vipkeeper-rules.yml"
            let dashboard = repository + "/packaging/grafana/vipkeeper-dashboard.json"
            for tool in ["/usr/bin/prometheus", "/usr/bin/promtool"] where !FileManager.default.isExecutableFile(atPath: tool) {
                Issue.record("\(tool) is missing: scripts/install-deps.sh installs Debian's prometheus")
                return
            }
            let check = Shell.run("promtool check rules \(rules)")
            try #require(check.status == 0, "promtool check rules: \(check.output)")

            let nodes = [lab.startVipkeeper(node: 0, config: configuration(lab, node: 0, priority: 150)),
                         lab.startVipkeeper(node: 1, config: configuration(lab, node: 1, priority: 100))]
            try #require(waitUntil(timeout: masterDown(150) + 5) { lab.holders() == [0] && lab.holders6() == [0] } != nil,
                         "A never held both families' VIPs: \(lab.log("node0.log"))")

            let configFile = lab.write("prometheus.yml", """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - \(rules)
            scrape_configs:
              - job_name: vipkeeper
                static_configs:
                  - targets: ['\(lab.address(of: 0)):9650', '\(lab.address(of: 1)):9650']

            """)
            let server = PrometheusServer(lab: lab)
            lab.spawn(["ip", "netns", "exec", lab.client, "/usr/bin/prometheus", "--config.file=\(configFile)",
                       "--storage.tsdb.path=\(lab.directory)/tsdb", "--web.listen-address=127.0.0.1:\(server.port)", "--log.level=warn"],
                      log: lab.directory + "/prometheus.log")
            let upQuery = "up{job=\"vipkeeper\"} == 1"
            try #require(waitUntil(timeout: 30) { server.vector(upQuery).samples.count == 2 } != nil,
                         "Prometheus never scraped both nodes: \(server.vector("up").samples) \(lab.log("prometheus.log"))")

            // Healthy: 20 s of samples (more than the rules' `for: 15s`), then every panel.
            usleep(20_000_000)
            let panels = try panelQueries(dashboard)
            #expect(panels.count >= 10, "the dashboard has \(panels.count) queries")
            let rateWindow = "30s"
            for query in panels {
                let concrete = query.replacingOccurrences(of: "$instance", with: ".*").replacingOccurrences(of: "$__rate_interval", with: rateWindow)
                let (samples, error) = server.vector(concrete)
                #expect(!samples.isEmpty, "our dashboard: no data for \(concrete) \(error ?? "")")
            }
            for node in 0..<2 {
                let target = "\(lab.address(of: node)):9650"
                for query in exporterDashboardQueries {
                    let concrete = query.replacingOccurrences(of: "$instance", with: target).replacingOccurrences(of: "$__rate_interval", with: rateWindow)
                    let (samples, error) = server.vector(concrete)
                    #expect(!samples.isEmpty, "the exporter's dashboard: no data for \(concrete) \(error ?? "")")
                }
            }
            // Not even pending at any evaluation of the healthy pair since both nodes were scraped.
            let silent = server.vector(#"count_over_time(ALERTS{alertname=~"VRRPNoMaster|VRRPMultipleMasters|VipkeeperDown"}[15s])"#)
            #expect(silent.error == nil && silent.samples.isEmpty, "alerts on a healthy pair: \(silent.samples) \(silent.error ?? "")")
            let masters = server.vector(#"count by (vrid, family) (group by (instance, vrid, family) (label_replace(keepalived_vrrp_state == 2, "family", "ipv6", "ip_address", ".*:.*")))"#)
            #expect(Set(masters.samples.compactMap { sample -> [String]? in
                guard let labels = sample["metric"] as? [String: String], let value = sample["value"] as? [Any], value.last as? String == "1" else { return nil }
                return [labels["vrid"] ?? "?", labels["family"] ?? ""]
            }) == Self.routers, "one Master per virtual router: \(masters.samples)")

            // A split brain: both nodes stop hearing each other, B takes over everything too.
            cutVRRP(lab, 0)
            cutVRRP(lab, 1)
            let split = waitUntil(timeout: 45) {
                Set((server.alerts("VRRPMultipleMasters") ?? []).map { [$0["vrid"] ?? "?", $0["family"] ?? ""] }) == Self.routers
            }
            #expect(split != nil, "VRRPMultipleMasters did not fire for every router: \(String(describing: server.alerts("VRRPMultipleMasters"))) \(String(describing: server.alerts("VRRPMultipleMasters", state: "pending")))")
            let noMaster = server.alerts("VRRPNoMaster")
            #expect(noMaster != nil && noMaster!.isEmpty, "VRRPNoMaster fired in a split brain (or the API failed): \(String(describing: noMaster))")
            for node in 0..<2 { _ = Shell.must("ip netns exec \(lab.nodes[node]) nft delete table inet vkpm") }
            #expect(waitUntil(timeout: 10) { lab.holders() == [0] && lab.holders6() == [0] } != nil, "the split did not heal")

            // A total outage: both daemons stop.
            for pid in nodes { #expect(lab.stop(pid), "vipkeeper \(pid) did not stop") }
            let outage = waitUntil(timeout: 45) {
                Set((server.alerts("VRRPNoMaster") ?? []).map { [$0["vrid"] ?? "?", $0["family"] ?? ""] }) == Self.routers
            }
            #expect(outage != nil, "VRRPNoMaster did not fire for every router: \(String(describing: server.alerts("VRRPNoMaster"))) \(String(describing: server.alerts("VRRPNoMaster", state: "pending")))")
            let down = waitUntil(timeout: 45) { Set((server.alerts("VipkeeperDown") ?? []).compactMap { $0["instance"] }).count == 2 }
            #expect(down != nil, "VipkeeperDown did not fire for both nodes: \(String(describing: server.alerts("VipkeeperDown", state: "pending")))")
            let multiple = server.alerts("VRRPMultipleMasters")
            #expect(multiple != nil && multiple!.isEmpty, "VRRPMultipleMasters still fires with no daemon (or the API failed): \(String(describing: multiple))")
        }

        /// Every `expr` of the dashboard's panels.
        func panelQueries(_ path: String) throws -> [String] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let panels = try #require(dashboard["panels"] as? [[String: Any]])
            return panels.flatMap { panel in ((panel["targets"] as? [[String: Any]]) ?? []).compactMap { $0["expr"] as? String } }
        }
    }
}
