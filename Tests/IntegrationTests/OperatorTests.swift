import Foundation
import Testing

extension NamespaceSuites {
    @Suite("operating a Harbor pair: drill, maintenance, status exit codes, an authorised socket", .serialized)
    struct OperatorTests {
        /// Node 0 (150) Master, node 1 (100) Backup, nginx on both, the client reaching node 0.
        func pair(_ lab: NetworkLab, extra: String = "") -> Int32 {
            lab.startNginx(0)
            lab.startNginx(1)
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 150, extra: extra))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: extra))
            #expect(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            return master
        }

        /// Runs `vipkeeper ARGS --socket` of a node inside its namespace.
        func vipkeeper(_ lab: NetworkLab, _ node: Int, _ arguments: String, timeout: TimeInterval = 60) -> Shell.Result {
            Shell.run("ip netns exec \(lab.nodes[node]) \(NetworkLab.vipkeeper) \(arguments) --socket \(lab.socket(node))", timeout: timeout)
        }

        func drillReport(_ result: Shell.Result) throws -> [String: Any] {
            let json = try #require(result.output.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] },
                                    "not a JSON report: \(result.output)")
            return try #require(json["drill"] as? [String: Any])
        }

        @Test("a drill hands the VIP to the peer and back (preempt), timing the hand-over and the outage a client sees")
        func drillPasses() throws {
            guard let lab = openLab(tag: "dp", subnet: 40, nodes: 2) else { return }
            defer { lab.tearDown() }
            _ = pair(lab)
            let old = AddressMonitor(lab, node: 0), new = AddressMonitor(lab, node: 1)
            let client = ClientProbe(lab, seconds: 9)
            let result = vipkeeper(lab, 0, "drill --hold 3 --json --probe http://\(lab.virtualAddress)/api/v2.0/ping")
            #expect(result.status == 0, "\(result.output)\n\(lab.log("node0.log"))")
            let drill = try drillReport(result)
            #expect(drill["result"] as? String == "passed")
            #expect(drill["newMaster"] as? String == lab.address(of: 1))
            let handover = try #require(drill["firstAdvertSeconds"] as? Double)
            measured("drill: priority-0 advert -> the peer's first advert as Master", handover, bound: skew(100))
            #expect(handover < masterDown(100) - 1, "not the Skew_Time path")
            #expect(drill["gratuitousARPSeen"] as? Bool == true, "the peer's gratuitous ARP was not seen: \(drill)")
            let back = try #require(drill["returnSeconds"] as? Double)
            measured("drill: end of hold -> this node Master again (preempt)", back, bound: masterDown(150))
            // The return leg is one Master_Down_Interval of the preempting node; a return that
            // needed a second one (or waited for the drill's deadline) fails.
            #expect(back > 0 && back < masterDown(150) + 2, "the return took \(back) s")
            let probe = try #require((try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])?["probe"] as? [String: Any])
            let outage = try #require(probe["longestOutageSeconds"] as? Double)
            print("measured: drill: client-visible outage (probe every 20 ms from the Master through the VIP): \(String(format: "%.3f", outage)) s, \(probe["tries"] ?? 0) tries")
            #expect((probe["tries"] as? Int ?? 0) > 20)
            #expect(lab.holders() == [0])
            #expect(lab.log("node0.log").contains("drill of VI_1: PASSED"))
            // Make-before-break, both ways: node 1 added the VIP before node 0 deleted it, and
            // node 0 took it back (preempt) before node 1 deleted it.
            let added1 = try #require(new.times(of: lab.virtualAddress, deleted: false).first, "\(lab.log("addresses1.log"))")
            let deleted0 = try #require(old.times(of: lab.virtualAddress, deleted: true).first, "\(lab.log("addresses0.log"))")
            measured("drill: both nodes hold the VIP (node 1 added -> node 0 deleted)", deleted0 - added1, bound: skew(150) + 1)
            #expect(deleted0 >= added1, "node 0 deleted the VIP before node 1 had it")
            #expect(deleted0 - added1 < skew(150) + 1, "the overlap passed the stated bound")
            let summary = try #require(client.summary(timeout: 10), "the client probe did not report: \(lab.log("probe.log"))")
            print("measured: drill: the client (GET every 15 ms): \(summary.tries) tries, \(summary.failures) failed, longest gap \(String(format: "%.3f", summary.longestGap)) s")
            #expect(summary.tries > 100)
            let last = try #require(lab.report(0)?["lastDrill"] as? [String: Any])
            #expect(last["result"] as? String == "passed")
        }

        @Test("a drill with the only peer dead fails safely: the node takes the VIP back within about a second")
        func drillAborts() throws {
            guard let lab = openLab(tag: "da", subnet: 41, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startNginx(0)
            lab.startVipkeeper(node: 0, config: lab.config(priority: 150))
            let peer = lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil)
            lab.stop(peer, signal: SIGKILL)
            let monitor = AddressMonitor(lab, node: 0)
            let result = vipkeeper(lab, 0, "drill --json --probe http://\(lab.virtualAddress)/api/v2.0/ping")
            #expect(result.status == 1, "\(result.output)")
            let drill = try drillReport(result)
            #expect(drill["result"] as? String == "failed")
            #expect((drill["verdict"] as? String)?.hasPrefix("no backup took over") == true, "\(drill)")
            let back = try #require(drill["takenBackSeconds"] as? Double)
            measured("drill with no backup: priority-0 advert -> VIP taken back", back, bound: 1 + skew(150))
            // Taken back by the drill's abort (Skew_Time + one interval, ~1.4 s), not by this node's
            // own Master_Down_Timer as a Backup with no Master (~3.4 s): the bound lies between.
            #expect(back < masterDown(150) - 1, "the VIP came back after \(back) s: not the drill's abort")
            let transition = try #require(lab.status(0)?["lastTransition"] as? [String: Any], "no status from node 0")
            #expect(transition["to"] as? String == "MASTER")
            #expect(transition["reason"] as? String == "drill aborted: no backup took over", "\(transition)")
            let probe = try #require((try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])?["probe"] as? [String: Any])
            print("measured: drill with no backup: client-visible outage: \(String(format: "%.3f", probe["longestOutageSeconds"] as? Double ?? -1)) s")
            // Make-before-break: with nobody to take over, the VIP never left node 0.
            #expect(monitor.isWatching(), "the address monitor saw nothing: \(lab.log("addresses0.log"))")
            #expect(monitor.times(of: lab.virtualAddress, deleted: true).isEmpty, "the VIP was deleted during the drill: \(lab.log("addresses0.log"))")
            #expect(lab.holders() == [0])
            #expect(lab.status(0)?["state"] as? String == "MASTER")
        }

        @Test("drill refusals exit 2 with one sentence: on the Backup; a dry run changes nothing")
        func drillRefusals() throws {
            guard let lab = openLab(tag: "dr", subnet: 42, nodes: 2) else { return }
            defer { lab.tearDown() }
            _ = pair(lab)
            let onBackup = vipkeeper(lab, 1, "drill")
            #expect(onBackup.status == 2)
            #expect(onBackup.output.contains("VI_1 is BACKUP here (Master: \(lab.address(of: 0))); run the drill on the Master"), "\(onBackup.output)")
            let dry = vipkeeper(lab, 0, "drill --dry-run")
            #expect(dry.status == 0)
            #expect(dry.output.contains("dry run: would hand VI_1 over"), "\(dry.output)")
            #expect(lab.holders() == [0])
            #expect(lab.status(0)?["transitions"] as? Int == 2)
        }

        @Test("a sync group is drilled as one: both VIPs go to the peer together and come back together")
        func groupDrill() throws {
            guard let lab = openLab(tag: "dg", subnet: 49, nodes: 2) else { return }
            defer { lab.tearDown() }
            func config(_ priority: Int) -> String {
                "vrrp_sync_group VG {\n    group {\n        VI_1\n        VI_2\n    }\n}\n" + lab.config(priority: priority)
                    + lab.config(priority: priority, vrid: 52).replacingOccurrences(of: "VI_1", with: "VI_2")
                        .replacingOccurrences(of: "\(lab.virtualAddress)/24", with: "10.250.\(lab.subnet).101/24")
            }
            lab.startVipkeeper(node: 0, config: config(150))
            lab.startVipkeeper(node: 1, config: config(100))
            func holdsBoth(_ node: Int) -> Bool {
                lab.holdsVirtualAddress(node) && lab.holds(node, family: "-4", address: "10.250.\(lab.subnet).101")
            }
            #expect(waitUntil(timeout: masterDown(150) + 3) { holdsBoth(0) } != nil, "\(lab.log("node0.log"))")
            let alone = vipkeeper(lab, 0, "drill --instance VI_1")
            #expect(alone.status == 2 && alone.output.contains("drill the group (--instance VG)"), "\(alone.output)")
            let result = vipkeeper(lab, 0, "drill --instance VG --hold 2 --json")
            #expect(result.status == 0, "\(result.output)\n\(lab.log("node0.log"))")
            let drill = try drillReport(result)
            #expect(drill["instances"] as? [String] == ["VI_1", "VI_2"])
            let handover = try #require(drill["firstAdvertSeconds"] as? Double)
            #expect(handover < masterDown(100) - 1, "the members did not resign with priority 0: \(handover) s")
            #expect(lab.log("node1.log").components(separatedBy: "BACKUP -> MASTER").count - 1 >= 2)
            #expect(waitUntil(timeout: 3) { holdsBoth(0) && !holdsBoth(1) } != nil)
        }

        @Test("with nopreempt the drill's return leg leaves the node Backup, and says so")
        func drillNopreempt() throws {
            guard let lab = openLab(tag: "dn", subnet: 43, nodes: 2) else { return }
            defer { lab.tearDown() }
            _ = pair(lab, extra: "    nopreempt\n")
            let result = vipkeeper(lab, 0, "drill --hold 2")
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("PASSED: stays BACKUP: nopreempt"), "\(result.output)")
            #expect(result.output.contains("return: nopreempt"))
            usleep(1_500_000)
            #expect(lab.holders() == [1])
        }

        @Test("maintenance: on hands over; it holds across SIGHUP and a restart; status exits 1 meanwhile; off takes the VIP back")
        func maintenance() throws {
            guard let lab = openLab(tag: "mt", subnet: 44, nodes: 2) else { return }
            defer { lab.tearDown() }
            var master = pair(lab)
            #expect(vipkeeper(lab, 0, "status").status == 0)
            let on = vipkeeper(lab, 0, "maintenance on --reason 'Harbor upgrade'")
            #expect(on.status == 0, "\(on.output)")
            #expect(on.output.contains("VI_1 in maintenance: \(lab.address(of: 1)) took over"), "\(on.output)")
            // The command returns as the peer takes over; this node's copy goes after the drain.
            #expect(waitUntil(timeout: 1) { lab.holders() == [1] } != nil, "holders: \(lab.holders())")
            let degraded = vipkeeper(lab, 0, "status")
            #expect(degraded.status == 1)
            #expect(degraded.output.contains("DEGRADED: VI_1 is in maintenance: Harbor upgrade"), "\(degraded.output)")
            #expect(lab.status(0)?["priority"] as? Int == 1)
            kill(master, SIGHUP)
            #expect(waitUntil(timeout: 5) { lab.log("node0.log").contains("reload applied") } != nil)
            usleep(masterDownMicroseconds(150))
            #expect(lab.holders() == [1], "a reload ended maintenance")
            #expect(lab.stop(master))
            master = lab.startVipkeeper(node: 0, config: lab.config(priority: 150))
            #expect(waitUntil(timeout: 5) { (lab.status(0)?["maintenance"] as? [String: Any])?["reason"] as? String == "Harbor upgrade" } != nil,
                    "maintenance did not survive a restart: \(lab.log("node0.log"))")
            usleep(masterDownMicroseconds(150))
            #expect(lab.holders() == [1], "the restarted node took the VIP while in maintenance")
            let off = vipkeeper(lab, 0, "maintenance off")
            #expect(off.status == 0, "\(off.output)")
            #expect(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "off did not bring the VIP back")
            #expect(vipkeeper(lab, 0, "status").status == 0)
        }

        @Test("status exit codes: 0 OK, 1 WARNING (a check down), 2 CRITICAL (FAULT: the link is down), 3 UNKNOWN (unreachable)")
        func statusExitCodes() throws {
            guard let lab = openLab(tag: "se", subnet: 45, nodes: 1) else { return }
            defer { lab.tearDown() }
            let checks = "vrrp_script marker {\n    script \"test -e \(lab.directory)/healthy\"\n    interval 1\n    weight -10\n}\n"
            _ = lab.write("healthy", "")
            lab.startVipkeeper(node: 0, config: lab.config(priority: 100, extra: "    track_script {\n        marker\n    }\n", checks: checks))
            #expect(waitUntil(timeout: masterDown(100) + 2) { lab.holders() == [0] } != nil)
            #expect(vipkeeper(lab, 0, "status").status == 0)
            unlink(lab.directory + "/healthy")
            let down = waitUntil(timeout: 5) { vipkeeper(lab, 0, "status").status == 1 }
            #expect(down != nil)
            #expect(vipkeeper(lab, 0, "status").output.contains("DEGRADED: check marker is down"))
            // The link goes down: FAULT, CRITICAL.
            _ = Shell.must("ip -n \(lab.nodes[0]) link set eth0 down")
            let critical = waitUntil(timeout: 5) { vipkeeper(lab, 0, "status").status == 2 }
            #expect(critical != nil, "\(vipkeeper(lab, 0, "status").output)")
            #expect(vipkeeper(lab, 0, "status").output.contains("CRITICAL: VI_1 is in FAULT"))
            _ = Shell.must("ip -n \(lab.nodes[0]) link set eth0 up")
            let unreachable = Shell.run("\(NetworkLab.vipkeeper) status --socket \(lab.directory)/nothing.sock")
            #expect(unreachable.status == 3, "\(unreachable.output)")
        }

        @Test("the control socket: a non-root user cannot connect (0600); where it can, it may read status but not start a drill")
        func authorisedSocket() throws {
            guard let lab = openLab(tag: "as", subnet: 46, nodes: 2) else { return }
            defer { lab.tearDown() }
            _ = pair(lab)
            let asNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups"
            let denied = Shell.run("ip netns exec \(lab.nodes[0]) \(asNobody) \(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect(denied.status == 3, "\(denied.output)")
            #expect(denied.output.contains("Permission denied"), "\(denied.output)")
            // Loosened by hand: SO_PEERCRED still tells the daemon who is asking.
            chmod(lab.directory, 0o755)
            chmod(lab.socket(0), 0o666)
            let status = Shell.run("ip netns exec \(lab.nodes[0]) \(asNobody) \(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect(status.status == 0, "\(status.output)")
            let drill = Shell.run("ip netns exec \(lab.nodes[0]) \(asNobody) \(NetworkLab.vipkeeper) drill --socket \(lab.socket(0))")
            #expect(drill.status == 2, "\(drill.output)")
            #expect(drill.output.contains("you are uid 65534"), "\(drill.output)")
            #expect(lab.holders() == [0])
            // A malformed request is an error reply, and the daemon carries on.
            let junk = Shell.run("printf '{\"version\":9}\\n' | ip netns exec \(lab.nodes[0]) python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read()); print(s.recv(4096).decode())' \(lab.socket(0))")
            #expect(junk.output.contains("protocol version 9 is not spoken here"), "\(junk.output)")
            let huge = Shell.run("ip netns exec \(lab.nodes[0]) python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b\"x\" * 70000); print(s.recv(4096).decode())' \(lab.socket(0))")
            #expect(huge.output.contains("at most 65536 are read"), "\(huge.output)")
            #expect(vipkeeper(lab, 0, "status").status == 0)
        }
    }
}

func masterDownMicroseconds(_ priority: Int) -> UInt32 { UInt32((masterDown(priority) + 0.5) * 1_000_000) }
