import Foundation
import Testing

extension NamespaceSuites {
    /// `vipkeeper history` on real nodes: the causes of each step of an operator's day, kept
    /// across a restart and a SIGKILL, bounded under a storm.
    @Suite("transition history on a Harbor pair", .serialized)
    struct HistoryTests {
        func vipkeeper(_ lab: NetworkLab, _ node: Int, _ arguments: String, timeout: TimeInterval = 60) -> Shell.Result {
            Shell.run("ip netns exec \(lab.nodes[node]) \(NetworkLab.vipkeeper) \(arguments) --socket \(lab.socket(node))", timeout: timeout)
        }

        /// The node's history as text lines (the daemon's answer, or the file's when `fromFile`).
        func history(_ lab: NetworkLab, _ node: Int, fromFile: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
            let result = historyResult(lab, node, fromFile: fromFile)
            #expect(result.status == 0, "history exit \(result.status): \(result.output)", sourceLocation: sourceLocation)
            return result.output.split(separator: "\n").map(String.init)
        }

        /// `vipkeeper history` of a node: from the daemon (and only from it), or from its file.
        func historyResult(_ lab: NetworkLab, _ node: Int, fromFile: Bool = false) -> Shell.Result {
            let source = fromFile ? "--file \(lab.directory)/state\(node)/history.jsonl" : "--state-directory /nonexistent"
            return vipkeeper(lab, node, "history --limit 100000 \(source)")
        }

        /// The daemon answers `history` with more than `count` entries.
        func historyGrows(_ lab: NetworkLab, _ node: Int, beyond count: Int, timeout: TimeInterval = 10) -> Bool {
            waitUntil(timeout: timeout) {
                let result = historyResult(lab, node)
                return result.status == 0 && result.output.split(separator: "\n").count > count
            } != nil
        }

        /// Waits until a line of the node's history contains every one of `parts`; the line.
        @discardableResult
        func expectLine(_ lab: NetworkLab, _ node: Int, _ parts: [String], timeout: TimeInterval = 10,
                        sourceLocation: SourceLocation = #_sourceLocation) -> String? {
            var found: String?
            _ = waitUntil(timeout: timeout) {
                found = historyResult(lab, node).output.split(separator: "\n").map(String.init).last { line in parts.allSatisfy { line.contains($0) } }
                return found != nil
            }
            #expect(found != nil, "no history line with \(parts):\n\(history(lab, node).suffix(30).joined(separator: "\n"))",
                    sourceLocation: sourceLocation)
            return found
        }

        @Test("nginx stopped, link down, reload, drill, crash and restart: each step's line names its cause; the history survives a SIGKILL and a restart")
        func scriptedSequence() throws {
            guard let lab = openLab(tag: "hi", subnet: 131, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startNginx(0)
            lab.startNginx(1)
            let checks = harborChecks(weight: -30)
            var nodeA = lab.startVipkeeper(node: 0, config: lab.config(priority: 110, extra: trackHarbor, checks: checks))
            try #require(waitUntil(timeout: masterDown(110) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: trackHarbor, checks: checks))
            usleep(2_500_000)
            try #require(lab.holders() == [0])
            let peer = lab.address(of: 1)

            // 1. nginx stopped on A: its checks fail, its priority falls, B preempts.
            lab.stopNginx(0)
            try #require(waitUntil(timeout: 2 + masterDown(100) + 3) { lab.holders() == [1] } != nil)
            expectLine(lab, 0, ["[VI_1] MASTER -> BACKUP", "because a higher priority (100 > ", "advert from \(peer) arrived",
                                "our priority fell", "check harbor_", "failed 2/2"])
            expectLine(lab, 0, ["check harbor_ping failed", "2/2"])
            expectLine(lab, 0, ["[VI_1] removed 10.250.131.100/24", "because the instance is BACKUP"])

            // 2. nginx back: A's priority rises and it preempts when B's adverts lose.
            lab.startNginx(0)
            try #require(waitUntil(timeout: 4 + masterDown(110) + 3) { lab.holders() == [0] } != nil)
            expectLine(lab, 0, ["[VI_1] BACKUP -> MASTER", "because Master \(peer) advertised a lower priority (100 < 110) and preempt is on",
                                "our priority rose", "check harbor_", "passed 2/2"])

            // 3. A's link down: FAULT, B takes over; link up: A back.
            _ = Shell.must("ip -n \(lab.nodes[0]) link set eth0 down")
            try #require(waitUntil(timeout: masterDown(100) + 3) { lab.holders() == [1] } != nil)
            expectLine(lab, 0, ["[VI_1] MASTER -> FAULT", "because FAULT:", "eth0"])
            _ = Shell.must("ip -n \(lab.nodes[0]) link set eth0 up")
            try #require(waitUntil(timeout: masterDown(110) + 5) { lab.holders() == [0] } != nil)
            expectLine(lab, 0, ["[VI_1] FAULT -> ", "because every fault cleared"])

            // 4. A reload lowering A's priority to 105: the reload, then the priority change it made.
            _ = lab.write("node0.conf", lab.config(priority: 105, extra: trackHarbor, checks: checks))
            kill(nodeA, SIGHUP)
            expectLine(lab, 0, ["reload applied"])
            expectLine(lab, 0, ["[VI_1] INIT -> MASTER (priority 105)", "because restarted as Master by a reload that changed its configuration"])

            // 5. A drill: its steps, and B's readiness in A's status.
            let drill = vipkeeper(lab, 0, "drill --hold 2", timeout: 60)
            #expect(drill.status == 0, "drill: \(drill.output)")
            expectLine(lab, 0, ["drill of VI_1: started"])
            expectLine(lab, 0, ["drill of VI_1: \(peer) took over"])
            expectLine(lab, 0, ["drill of VI_1: PASSED"])
            expectLine(lab, 0, ["[VI_1] MASTER -> BACKUP", "because drill"])
            let status = vipkeeper(lab, 0, "status")
            #expect(status.output.contains("peer \(peer)") && status.output.contains("ready as of a drill"), "\(status.output)")
            #expect(status.output.contains("VI_1: BACKUP -> MASTER") && status.output.contains("because"), "\(status.output)")

            // 6. SIGKILL: nothing gets to resign; the file keeps every entry; the next start reads
            // it back and numbers on.
            let before = history(lab, 0)
            try #require(before.count > 20, "\(before)")
            lab.crash(nodeA)
            let offline = history(lab, 0, fromFile: true)
            #expect(offline == before, "the file after a SIGKILL differs from what the daemon answered")
            nodeA = lab.startVipkeeper(node: 0, config: lab.config(priority: 105, extra: trackHarbor, checks: checks))
            #expect(historyGrows(lab, 0, beyond: before.count), "the restarted daemon does not answer with its history")
            let after = history(lab, 0)
            let new = Array(after.dropFirst(before.count))
            #expect(new.first?.contains("previous run ended without stopping") == true && new.dropFirst().first?.contains("daemon started") == true,
                    "\(new.prefix(5))")
            #expect(Array(after.prefix(before.count)) == before, "entries before the crash were lost or changed")
            try #require(waitUntil(timeout: masterDown(105) + 5) { lab.holders() == [0] } != nil)
            // What the drill proved survives the crash (takeovers.json).
            let restarted = vipkeeper(lab, 0, "status")
            #expect(restarted.output.contains("peer \(peer)") && restarted.output.contains("ready as of a drill"), "\(restarted.output)")
            print("status after the crash and restart:\n\(restarted.output)")

            // 7. A clean restart (SIGTERM): stopping and stopped are recorded, and kept.
            #expect(lab.stop(nodeA))
            let stopped = history(lab, 0, fromFile: true)
            #expect(stopped.contains { $0.contains("daemon stopping") } && stopped.last?.contains("daemon stopped") == true, "\(stopped.suffix(5))")
            nodeA = lab.startVipkeeper(node: 0, config: lab.config(priority: 105, extra: trackHarbor, checks: checks))
            #expect(historyGrows(lab, 0, beyond: stopped.count), "the restarted daemon does not answer with its history")
            #expect(Array(history(lab, 0).prefix(stopped.count)) == stopped)

            // The JSON lines are numbered without a gap across both restarts.
            let json = vipkeeper(lab, 0, "history --json --limit 100000")
            let sequences = json.output.split(separator: "\n").compactMap { line -> Int? in
                guard let data = line.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
                return object["sequence"] as? Int
            }
            #expect(!sequences.isEmpty && sequences == Array(1...sequences.count), "\(sequences.prefix(10))…")
            print("history: \(sequences.count) entries over the sequence:\n" + history(lab, 0).joined(separator: "\n"))
        }

        @Test("a 10,000-flip storm of a track_file: the journal stays under its bound, memory keeps 2000 entries, the daemon keeps answering")
        func storm() throws {
            guard let lab = openLab(tag: "hs", subnet: 132, nodes: 1) else { return }
            defer { lab.tearDown() }
            let file = lab.directory + "/drain"
            _ = lab.write("drain", "0\n")
            let config = "track_file drain {\n    file \(file)\n    weight -20\n}\n"
                + lab.config(priority: 110, extra: "    track_file {\n        drain\n    }\n")
            let pid = lab.startVipkeeper(node: 0, config: config)
            try #require(waitUntil(timeout: masterDown(110) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            let cpuBefore = try #require(cpuSeconds(pid))
            let flips = 10_000
            // Each write is a flip: 0 -> 1 -> 0 ..., paced at 1 ms so the daemon reads most of them
            // (it reads the file when inotify says it changed: a write it has not read yet is
            // coalesced with the next, and is no flip).
            let writer = "import time\nfor i in range(\(flips)):\n    open('\(file)', 'w').write(str(i % 2))\n    time.sleep(0.001)\n"
            let storm = Shell.run("python3 \(lab.write("storm.py", writer))", timeout: 600)
            try #require(storm.status == 0, "\(storm.output)")
            _ = Shell.must("echo 0 > \(file)")
            // Settled: the last value (0) read back, priority 110 again.
            try #require(waitUntil(timeout: 30) { lab.status(0)?["priority"] as? Int == 110 } != nil)
            let cpu = try #require(cpuSeconds(pid)) - cpuBefore
            let path = "\(lab.directory)/state0/history.jsonl"
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            let rotated = (try? FileManager.default.attributesOfItem(atPath: path + ".1")[.size] as? Int) ?? nil
            let json = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) history --json --limit 100000 --socket \(lab.socket(0))")
            let kept = json.output.split(separator: "\n").count
            let lastSequence = json.output.split(separator: "\n").last.flatMap { line -> Int? in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["sequence"] as? Int
            }
            let rss = Shell.run("awk '/VmRSS/ {print $2}' /proc/\(pid)/status").output.trimmingCharacters(in: .whitespacesAndNewlines)
            print("measured: history storm: \(flips) writes -> \(lastSequence ?? -1) entries recorded, \(kept) kept in memory, file \(size ?? -1) B + rotated \(rotated ?? -1) B, daemon CPU \(String(format: "%.2f", cpu)) s, RSS \(rss) kB")
            let recorded = try #require(lastSequence)
            #expect(recorded > 2_000, "the storm recorded only \(recorded) entries: not a storm")
            #expect(kept == 2_000, "memory keeps the newest 2000 entries, got \(kept)")
            #expect((size ?? .max) <= 1 << 20 && (rotated ?? 0) <= 1 << 20, "the journal passed its bound: \(size ?? -1) + \(rotated ?? -1) bytes")
            #expect(size != nil)
            #expect(lab.status(0) != nil, "the daemon no longer answers")
        }
    }
}
