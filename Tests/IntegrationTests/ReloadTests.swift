import Foundation
import Testing

extension NamespaceSuites {
    @Suite("SIGHUP reload", .serialized)
    struct ReloadTests {
        /// A second instance on the same interface: VRID 52, VIP .101 (`extra`: more lines in
        /// its block, such as a track_script).
        static func secondInstance(_ lab: NetworkLab, extra: String = "") -> String {
            """
            vrrp_instance VI_2 {
                state BACKUP
                interface eth0
                virtual_router_id 52
                priority 100
                advert_int 1
                virtual_ipaddress {
                    10.250.\(lab.subnet).101/24
                }
            \(extra)}

            """
        }

        /// A node's instances by name; a failed status call is recorded (not read as "no instances").
        static func instances(_ lab: NetworkLab, _ node: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [String: [String: Any]] {
            guard let list = lab.report(node)?["instances"] as? [[String: Any]] else {
                Issue.record("no status from node \(node)", sourceLocation: sourceLocation)
                return [:]
            }
            return Dictionary(list.compactMap { entry in (entry["name"] as? String).map { ($0, entry) } }, uniquingKeysWith: { a, _ in a })
        }

        static func holds(_ lab: NetworkLab, _ node: Int, _ address: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
            lab.holds(node, family: "-4", address: address, sourceLocation: sourceLocation)
        }

        @Test("an unchanged instance keeps its state across SIGHUP, an added one starts, a bad file changes nothing, a changed one restarts and a removed one releases its VIP")
        func reload() throws {
            guard let lab = openLab(tag: "hup", subnet: 31, nodes: 2) else { return }
            defer { lab.tearDown() }
            let second = "10.250.\(lab.subnet).101"
            let pid = lab.startVipkeeper(node: 0, config: lab.config(priority: 150))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(150) + 2) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            usleep(1_500_000)
            let before = try #require(Self.instances(lab, 0)["VI_1"])
            let transitions = try #require(before["transitions"] as? Int)

            // 1. Same VI_1 (moved down the file by an edit above it) plus a new VI_2.
            _ = lab.write("node0.conf", "# edited: a comment and a blank line move every line below\n\n"
                          + lab.config(priority: 150) + Self.secondInstance(lab))
            kill(pid, SIGHUP)
            var holdersSeen: Set<[Int]> = []
            let added = waitUntil(timeout: masterDown(100) + 3) {
                holdersSeen.insert(lab.holders())
                return Self.instances(lab, 0)["VI_2"]?["state"] as? String == "MASTER" && Self.holds(lab, 0, second)
            }
            #expect(added != nil, "VI_2 did not start: \(lab.log("node0.log"))")
            let kept = try #require(Self.instances(lab, 0)["VI_1"])
            #expect(kept["state"] as? String == "MASTER")
            #expect(kept["transitions"] as? Int == transitions, "VI_1 went through a transition on reload")
            #expect(holdersSeen == [[0]], "the VIP left node 0 during the reload: \(holdersSeen)")
            let peer = try #require(lab.status(1))
            #expect(peer["becameMaster"] as? Int == 0)
            #expect(peer["priorityZeroReceived"] as? Int == 0, "node 0 resigned VI_1 on a reload that did not change it")
            #expect(lab.log("node0.log").contains("reload applied: 1 unchanged (VI_1), 0 restarted, 1 added (VI_2), 0 removed"),
                    "\(lab.log("node0.log"))")
            let applied = lab.report(0)?["lastReload"] as? [String: Any]
            #expect(applied?["applied"] as? Bool == true, "\(String(describing: applied))")

            // 2. A broken file: refused with its position, nothing applied, the daemon runs on.
            _ = lab.write("node0.conf", "vrrp_instance VI_1 {\n    priority 300\n")
            kill(pid, SIGHUP)
            let refused = waitUntil(timeout: 5) { lab.log("node0.log").contains("reload refused") }
            #expect(refused != nil, "\(lab.log("node0.log"))")
            #expect(lab.log("node0.log").contains("node0.conf:2:"), "the error names the file and line: \(lab.log("node0.log"))")
            #expect(kill(pid, 0) == 0, "vipkeeper exited on a bad reload")
            let refusal = lab.report(0)?["lastReload"] as? [String: Any]
            #expect(refusal?["applied"] as? Bool == false)
            #expect((refusal?["result"] as? String)?.hasPrefix("refused: 4 errors in ") == true, "\(String(describing: refusal))")
            let table = Shell.run("\(NetworkLab.vipkeeper) status --socket \(lab.socket(0))").output
            #expect(table.range(of: #"last reload \d+s ago: refused: 4 errors in "#, options: .regularExpression) != nil, "\(table)")
            let afterBad = Self.instances(lab, 0)
            #expect(afterBad["VI_1"]?["state"] as? String == "MASTER")
            #expect(afterBad["VI_1"]?["transitions"] as? Int == transitions)
            #expect(afterBad["VI_2"]?["state"] as? String == "MASTER")
            #expect(lab.holders() == [0] && Self.holds(lab, 0, second))

            // A valid file naming an interface this machine lacks: refused by the daemon.
            _ = lab.write("node0.conf", lab.config(priority: 150).replacingOccurrences(of: "interface eth0", with: "interface eth9"))
            kill(pid, SIGHUP)
            let unbound = waitUntil(timeout: 5) {
                (lab.report(0)?["lastReload"] as? [String: Any])?["result"] as? String == "refused: interface eth9 does not exist"
            }
            #expect(unbound != nil, "\(lab.log("node0.log"))")
            #expect(Self.instances(lab, 0).keys.sorted() == ["VI_1", "VI_2"])
            #expect(lab.holders() == [0] && Self.holds(lab, 0, second))

            // 3. VI_1 drops to priority 50 (changed: it restarts as Master, advertising 50, and
            // the peer preempts it when its Master_Down_Timer runs out), VI_2 is removed (no
            // peer has it: it keeps its VIP for its handover window, then releases it).
            _ = lab.write("node0.conf", lab.config(priority: 50))
            kill(pid, SIGHUP)
            let moved = waitUntil(timeout: masterDown(100) + 3) { lab.holders() == [1] }
            measured("reload lowers the Master's priority -> peer holds VIP", moved, bound: masterDown(100) + 0.5)
            #expect(moved != nil, "\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 2) { !Self.holds(lab, 0, second) } != nil, "the removed VI_2 kept its VIP")
            #expect(lab.log("node0.log").contains("[VI_1] configuration changed: restarting as MASTER"), "\(lab.log("node0.log"))")
            #expect(lab.log("node0.log").contains("[VI_2] no other Master announced itself within"), "\(lab.log("node0.log"))")
            let after = Self.instances(lab, 0)
            #expect(after.keys.sorted() == ["VI_1"])
            #expect(after["VI_1"]?["priority"] as? Int == 50)
            #expect(after["VI_1"]?["state"] as? String == "BACKUP")
            let peerAfter = try #require(lab.status(1), "no status from node 1")
            #expect(peerAfter["priorityZeroReceived"] as? Int == 0, "the changed Master resigned instead of restarting as Master")
            #expect(lab.log("node0.log").contains("reload applied: 0 unchanged, 1 restarted (VI_1), 0 added, 1 removed (VI_2)"),
                    "\(lab.log("node0.log"))")
            #expect(lab.clientReachesVirtualAddress())
            #expect(lab.stop(pid))
        }

        @Test("a reload keeps a failing HTTP check's verdict: a Harbor node whose nginx is down does not take the VIP back")
        func reloadKeepsCheckState() throws {
            guard let lab = openLab(tag: "hupc", subnet: 32, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startNginx(0)
            lab.startNginx(1)
            let config0 = lab.config(priority: 110, extra: trackHarbor, checks: harborChecks(weight: -30, fall: 1, rise: 1))
            let pid = lab.startVipkeeper(node: 0, config: config0)
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: trackHarbor, checks: harborChecks(weight: -30, fall: 1, rise: 1)))
            #expect(waitUntil(timeout: masterDown(110) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            lab.stopNginx(0)
            #expect(waitUntil(timeout: masterDown(100) + 4) { lab.holders() == [1] } != nil, "\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 3) { lab.status(0)?["priority"] as? Int == 50 } != nil)
            let checksBefore = try #require(lab.report(0)?["checks"] as? [[String: Any]], "no status from node 0")
            let runsBefore = checksBefore.compactMap { $0["runs"] as? Int }
            try #require(runsBefore.count == 2, "\(checksBefore)")

            // The same file, re-read: the checks keep their verdicts (down), so node 0 keeps
            // priority 50 and never preempts node 1.
            _ = lab.write("node0.conf", config0)
            kill(pid, SIGHUP)
            #expect(waitUntil(timeout: 3) { lab.log("node0.log").contains("reload applied: 1 unchanged") } != nil, "\(lab.log("node0.log"))")
            var sawOtherHolder = false
            var sawOtherPriority = false
            var failedReads = 0
            let deadline = Date().addingTimeInterval(masterDown(110) + 1.5)
            while Date() < deadline {
                if lab.holders() != [1] { sawOtherHolder = true }
                if let priority = lab.status(0)?["priority"] as? Int {
                    if priority != 50 { sawOtherPriority = true }
                } else {
                    failedReads += 1
                }
                usleep(100_000)
            }
            #expect(!sawOtherHolder, "the VIP moved after a reload that changed nothing")
            #expect(!sawOtherPriority, "node 0's priority changed on reload")
            #expect(failedReads == 0, "node 0's status could not be read \(failedReads) times while watching its priority")
            let checks = try #require(lab.report(0)?["checks"] as? [[String: Any]], "no status from node 0")
            #expect(checks.count == 2 && checks.allSatisfy { $0["up"] as? Bool == false }, "\(checks)")
            let runsAfter = checks.compactMap { $0["runs"] as? Int }
            try #require(runsAfter.count == runsBefore.count, "\(checks)")
            #expect(zip(runsBefore, runsAfter).allSatisfy { $0 < $1 }, "check counts restarted: \(runsBefore) -> \(runsAfter)")
            #expect(lab.stop(pid))
        }
    }
}
