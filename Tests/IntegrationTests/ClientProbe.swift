import Foundation
import Testing

/// A client in the lab's client namespace that GETs http://VIP/api/v2.0/ping every 15 ms on a
/// new connection (1 s timeout) for a fixed time (`Tests/Tools/http-probe.py`), and reports what
/// a client saw: tries, failures, and the longest time between two answered requests.
struct ClientProbe {
    let lab: NetworkLab
    let name: String

    struct Summary {
        var tries: Int
        var failures: Int
        /// The longest time between the ends of two answered requests.
        var longestGap: Double
        /// Failures by kind (`ConnectionResetError`, `timeout`, `HTTP 502`).
        var errors: [String: Int] = [:]

        /// Failures beyond the one an L2 move cannot rule out: a connection the client opened
        /// to the old Master just before the new Master's gratuitous ARP sends its next packet
        /// to the new MAC, whose kernel knows no such connection and resets it (keepalived,
        /// or any VRRP move, has the same race; a loaded machine that deschedules the client
        /// between connect and send widens it). Anything else, or a second one, counts.
        var failuresBeyondTheARPSwitch: Int {
            failures - min(errors["ConnectionResetError"] ?? 0, 1)
        }
    }

    init(_ lab: NetworkLab, name: String = "probe", seconds: Double) {
        self.lab = lab
        self.name = name
        lab.spawn(["ip", "netns", "exec", lab.client, "python3", NetworkLab.tools + "/http-probe.py",
                   "http://\(lab.virtualAddress)/api/v2.0/ping", "\(seconds)"], log: lab.directory + "/\(name).log")
    }

    /// Waits (bounded) for the probe's report.
    func summary(timeout: TimeInterval) -> Summary? {
        var found: Summary?
        _ = waitUntil(timeout: timeout) {
            guard let line = lab.log("\(name).log").split(separator: "\n").last,
                  let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let tries = json["tries"] as? Int, let failures = json["failures"] as? Int, let gap = json["longestGap"] as? Double
            else { return false }
            let errors = (json["errors"] as? [String: [Any]] ?? [:]).compactMapValues { $0.first as? Int }
            found = Summary(tries: tries, failures: failures, longestGap: gap, errors: errors)
            return true
        }
        return found
    }
}

/// `ip -ts monitor address` in a node namespace: when the VIP was added and deleted there, on
/// the machine's wall clock (the same for every namespace).
struct AddressMonitor {
    let lab: NetworkLab
    let node: Int

    init(_ lab: NetworkLab, node: Int) {
        self.lab = lab
        self.node = node
        lab.spawn(["ip", "netns", "exec", lab.nodes[node], "ip", "-ts", "monitor", "address"], log: lab.directory + "/addresses\(node).log")
        usleep(200_000)  // the monitor subscribes before anything it must see
    }

    /// Whether the monitor reports changes: a marker address added to the node's eth0 shows
    /// up in its log (an empty log must not pass for "nothing was deleted").
    func isWatching() -> Bool {
        let marker = "10.250.\(lab.subnet).250"
        guard Shell.run("ip -n \(lab.nodes[node]) addr add \(marker)/32 dev eth0").status == 0 else { return false }
        defer { _ = Shell.run("ip -n \(lab.nodes[node]) addr del \(marker)/32 dev eth0") }
        return waitUntil(timeout: 3) { !times(of: marker, deleted: false).isEmpty } != nil
    }

    /// The times (seconds since the epoch) of the VIP's additions (`deleted: false`) or deletions.
    func times(of address: String, deleted: Bool) -> [Double] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"
        return lab.log("addresses\(node).log").split(separator: "\n").compactMap { line -> Double? in
            // [2026-12-03T14:02:01.123456] Deleted 3: eth0    inet 10.250.114.100/24 ...
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]"),
                  line.contains(" \(address)/"), line.contains("Deleted") == deleted,
                  let date = formatter.date(from: String(line[line.index(after: line.startIndex)..<close])) else { return nil }
            return date.timeIntervalSince1970
        }
    }
}
