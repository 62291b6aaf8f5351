import Foundation
import Testing

extension NamespaceSuites {
    @Suite("planned handovers are make-before-break: the old Master keeps the VIP until the new one announces itself", .serialized)
    struct HandoverTests {
        /// Node 0 (150) Master, node 1 (100) Backup, nginx on both.
        func pair(_ lab: NetworkLab, extra: String = "") throws -> Int32 {
            lab.startNginx(0)
            lab.startNginx(1)
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 150, extra: extra))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: extra))
            try #require(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            return master
        }

        /// Address monitors on node 0 (the Master) and node 1, proven to be watching.
        func watchAddresses(_ lab: NetworkLab) throws -> (old: AddressMonitor, peer: AddressMonitor) {
            let old = AddressMonitor(lab, node: 0), peer = AddressMonitor(lab, node: 1)
            try #require(old.isWatching() && peer.isWatching(), "an address monitor saw nothing")
            return (old, peer)
        }

        /// The VIP never moved: node 0 never deleted it, node 1 never added it.
        func expectNoMove(_ lab: NetworkLab, old: AddressMonitor, peer: AddressMonitor, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(old.times(of: lab.virtualAddress, deleted: true).isEmpty, "node 0 deleted the VIP: \(lab.log("addresses0.log"))",
                    sourceLocation: sourceLocation)
            #expect(peer.times(of: lab.virtualAddress, deleted: false).isEmpty, "node 1 took the VIP: \(lab.log("addresses1.log"))",
                    sourceLocation: sourceLocation)
        }

        @Test("SIGTERM of the Master: the peer adds the VIP before the old Master deletes it; the overlap stays under Skew_Time + one interval; no client request fails")
        func stopIsMakeBeforeBreak() throws {
            guard let lab = openLab(tag: "mbs", subnet: 114, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try pair(lab)
            let old = AddressMonitor(lab, node: 0), new = AddressMonitor(lab, node: 1)
            let probeStarted = Date().timeIntervalSince1970
            let probe = ClientProbe(lab, seconds: 4)
            usleep(1_000_000)
            let stopped = Date().timeIntervalSince1970
            #expect(lab.stop(master), "vipkeeper on node 0 did not stop")
            let stopTook = Date().timeIntervalSince1970 - stopped
            let summary = try #require(probe.summary(timeout: 10), "the probe did not report: \(lab.log("probe.log"))")
            let added = try #require(new.times(of: lab.virtualAddress, deleted: false).first, "node 1 never added the VIP: \(lab.log("node1.log"))")
            let deleted = try #require(old.times(of: lab.virtualAddress, deleted: true).first, "node 0 never deleted the VIP: \(lab.log("node0.log"))")
            let overlap = deleted - added
            measured("SIGTERM: both nodes hold the VIP (node 1 added -> node 0 deleted)", overlap, bound: skew(150) + 1)
            measured("SIGTERM: SIGTERM -> node 1 holds the VIP", added - stopped, bound: skew(100))
            print("measured: SIGTERM: the client (GET every 15 ms): \(summary.tries) tries, \(summary.failures) failed, longest gap between answers \(String(format: "%.3f", summary.longestGap)) s; the daemon exited \(String(format: "%.3f", stopTook)) s after SIGTERM")
            #expect(overlap >= 0, "node 0 deleted the VIP \(-overlap) s before node 1 added it: break-before-make")
            #expect(overlap < skew(150) + 1, "the overlap \(overlap) s passed the stated bound")
            #expect(summary.failuresBeyondTheARPSwitch == 0, "\(summary.failures) requests failed through the handover: \(lab.log("probe.log")), SIGTERM at \(String(format: "%.3f", stopped - probeStarted)) s (probe clock starts with python, later)")
            #expect(summary.tries > 100)
            #expect(lab.log("node0.log").contains("\(lab.address(of: 1)) announced itself "), "\(lab.log("node0.log"))")
            #expect(lab.holders() == [1])
        }

        @Test("SIGTERM with no Backup alive: the VIP stays for the handover window, then goes anyway; a second SIGTERM releases at once")
        func stopWithoutPeer() throws {
            guard let lab = openLab(tag: "mbn", subnet: 115, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 150))
            try #require(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            kill(master, SIGTERM)
            usleep(700_000)
            #expect(lab.holders() == [0], "the VIP left with nobody to take it over")
            #expect(kill(master, 0) == 0, "the daemon exited while it held the VIP")
            let gone = waitUntil(timeout: 5) { lab.holders().isEmpty }
            measured("SIGTERM with no Backup: SIGTERM -> VIP released anyway", gone.map { $0 + 0.7 }, bound: skew(150) + 1)
            #expect(gone != nil, "the VIP was left behind")
            #expect(lab.stop(master), "the daemon did not exit")
            #expect(lab.log("node0.log").contains("no other Master announced itself within"), "\(lab.log("node0.log"))")

            let again = lab.startVipkeeper(node: 0, config: lab.config(priority: 150))
            try #require(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            kill(again, SIGTERM)
            usleep(200_000)
            let start = Date()
            #expect(lab.stop(again, timeout: 5), "the second SIGTERM did not end the daemon")
            measured("second SIGTERM -> exited", Date().timeIntervalSince(start), bound: 0)
            #expect(lab.holders().isEmpty, "the VIP was left behind")
            #expect(lab.log("node0.log").contains("without waiting for the new Master"), "\(lab.log("node0.log"))")
        }

        @Test("vipkeeper restart on the Master: the same pid runs the binary again and stays Master; the VIP never leaves, the peer never takes it, no request fails; a changed file is refused")
        func restartInPlace() throws {
            guard let lab = openLab(tag: "mbr", subnet: 128, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try pair(lab)
            let old = AddressMonitor(lab, node: 0), peer = AddressMonitor(lab, node: 1)
            let probe = ClientProbe(lab, seconds: 7)
            usleep(500_000)
            func descriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(master)/fd").count) ?? -1 }
            let before = descriptors()
            let restart = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) restart --socket \(lab.socket(0))", timeout: 20)
            #expect(restart.status == 0, "\(restart.output)\n\(lab.log("node0.log"))")
            #expect(restart.output.contains("restarted: pid \(master), VI_1 MASTER"), "\(restart.output)")
            // Past the peer's Master_Down_Interval: had it heard no advert, it would hold the VIP now.
            usleep(UInt32((masterDown(100) + 0.5) * 1_000_000))
            #expect(kill(master, 0) == 0, "the daemon's pid is gone")
            #expect(lab.holders() == [0])
            // Every descriptor of the old image closed in the exec: the new one has as many.
            let after = descriptors()
            print("measured: vipkeeper restart: open descriptors \(before) -> \(after)")
            #expect(before > 3 && after > 3 && abs(after - before) <= 2, "descriptors \(before) -> \(after): something leaked across the exec")
            let summary = try #require(probe.summary(timeout: 10), "the probe did not report: \(lab.log("probe.log"))")
            print("measured: vipkeeper restart of the Master: the client (GET every 15 ms): \(summary.tries) tries, \(summary.failures) failed, longest gap \(String(format: "%.3f", summary.longestGap)) s")
            #expect(summary.failures == 0 && summary.tries > 100)
            #expect(old.isWatching() && peer.isWatching(), "an address monitor saw nothing")
            expectNoMove(lab, old: old, peer: peer)
            let log = lab.log("node0.log")
            #expect(log.contains("restarted in place (vipkeeper restart): VI_1 was MASTER"), "\(log)")
            #expect(log.contains("INIT -> MASTER (resumed the Master of the process it replaced"), "\(log)")
            #expect(!lab.log("node1.log").contains("BACKUP -> MASTER"), "\(lab.log("node1.log"))")

            // A file that no longer binds to the running instances: refused, nothing changes.
            _ = lab.write("node0.conf", lab.config(priority: 140))
            let refused = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) restart --socket \(lab.socket(0))", timeout: 20)
            #expect(refused.status == 2, "\(refused.output)")
            #expect(refused.output.contains("changed VI_1 since it was loaded: reload first"), "\(refused.output)")
            #expect(lab.holders() == [0] && kill(master, 0) == 0)
        }

        @Test("vipkeeper hand-off (systemctl restart's ExecStop): the daemon exits keeping the VIP, the next process resumes it as Master; the peer never takes it, no request fails; a changed file is refused")
        func handOffToNextProcess() throws {
            guard let lab = openLab(tag: "mbo", subnet: 130, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try pair(lab)
            let (old, peer) = try watchAddresses(lab)

            // A file that no longer binds to the running instances: refused, the daemon runs on.
            _ = lab.write("node0.conf", lab.config(priority: 140))
            let refused = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) hand-off -f \(lab.directory)/node0.conf --socket \(lab.socket(0))", timeout: 20)
            #expect(refused.status == 2, "\(refused.output)")
            #expect(refused.output.contains("changed VI_1 since it was loaded"), "\(refused.output)")
            #expect(kill(master, 0) == 0 && lab.holders() == [0])
            // The next process would read another file, or one it cannot run: refused before
            // the daemon is asked.
            let otherFile = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) hand-off -f \(lab.write("other.conf", lab.config(priority: 150))) --socket \(lab.socket(0))", timeout: 20)
            #expect(otherFile.status == 2 && otherFile.output.contains("the next process reads "), "\(otherFile.output)")
            let badArguments = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) hand-off -f \(lab.directory)/node0.conf --socket \(lab.socket(0)) --metrics nonsense", timeout: 20)
            #expect(badArguments.status != 0 && badArguments.output.contains("--metrics takes ADDR:PORT"), "\(badArguments.output)")
            #expect(kill(master, 0) == 0 && lab.holders() == [0])

            // As systemd restarts the unit: hand-off (ExecStop), the process exits, a new one starts.
            let config = lab.config(priority: 150)
            _ = lab.write("node0.conf", config)
            let probe = ClientProbe(lab, seconds: 3 + masterDown(100))
            usleep(500_000)
            let asked = Date().timeIntervalSince1970
            let handOff = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) hand-off -f \(lab.directory)/node0.conf --socket \(lab.socket(0))", timeout: 20)
            #expect(handOff.status == 0, "\(handOff.output)\n\(lab.log("node0.log"))")
            #expect(handOff.output.contains("handing off to the next process: VI_1 stays MASTER"), "\(handOff.output)")
            #expect(lab.stop(master, signal: 0, timeout: 5), "the daemon did not exit after handing off")
            #expect(lab.holders() == [0], "the VIP went with the process")
            let oldLog = lab.log("node0.log")  // the next process writes its own
            #expect(oldLog.contains("exiting without a priority-0 advert"), "\(oldLog)")
            #expect(oldLog.contains("exited for the next process, which keeps the VIPs"), "\(oldLog)")
            let next = lab.startVipkeeper(node: 0, config: config)
            let waiting = Date().timeIntervalSince1970
            let resumed = waitUntil(timeout: 5) { lab.status(0)?["state"] as? String == "MASTER" }
            measured("hand-off: asked -> the next process is MASTER", resumed.map { waiting + $0 - asked }, bound: masterDown(100))
            #expect(resumed != nil, "\(lab.log("node0.log"))")
            usleep(UInt32((masterDown(100) + 0.5) * 1_000_000))  // the peer would have taken over by now
            let summary = try #require(probe.summary(timeout: 10), "the probe did not report: \(lab.log("probe.log"))")
            print("measured: hand-off and a new process: the client (GET every 15 ms): \(summary.tries) tries, \(summary.failures) failed, longest gap \(String(format: "%.3f", summary.longestGap)) s")
            #expect(summary.failures == 0 && summary.tries > 100)
            expectNoMove(lab, old: old, peer: peer)
            #expect(lab.holders() == [0])
            let log = lab.log("node0.log")
            #expect(log.contains("taking over from pid \(master), which handed off for a restart: VI_1 was MASTER"), "\(log)")
            #expect(log.contains("[VI_1] INIT -> MASTER (took over the Master of the process that handed off (systemctl restart))"), "\(log)")
            #expect(!lab.log("node1.log").contains("BACKUP -> MASTER"), "\(lab.log("node1.log"))")
            let peerStatus = try #require(lab.status(1), "no status from node 1")
            #expect(peerStatus["priorityZeroReceived"] as? Int == 0, "node 0 resigned on a hand-off")

            // A hand-off whose next process never starts (systemd's ExecStopPost after a failed
            // start): nothing after the handing-off process's own exit (result success); on
            // a failed result the VIP it left goes, and the peer takes over.
            let again = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) hand-off -f \(lab.directory)/node0.conf --socket \(lab.socket(0))", timeout: 20)
            #expect(again.status == 0, "\(again.output)")
            #expect(lab.stop(next, signal: 0, timeout: 5), "the daemon did not exit after handing off")
            let release = "\(NetworkLab.vipkeeper) hand-off --release-untaken -f \(lab.directory)/node0.conf --state-directory \(lab.directory)/state0"
            let afterExit = Shell.run("ip netns exec \(lab.nodes[0]) env SERVICE_RESULT=success \(release)", timeout: 20)
            #expect(afterExit.status == 0 && lab.holders() == [0], "\(afterExit.output)")
            let afterFailure = Shell.run("ip netns exec \(lab.nodes[0]) env SERVICE_RESULT=exit-code \(release)", timeout: 20)
            #expect(afterFailure.status == 0, "\(afterFailure.output)")
            #expect(afterFailure.output.contains("the start after a hand-off failed (exit-code): removed [VI_1] \(lab.virtualAddress)/24"), "\(afterFailure.output)")
            #expect(!FileManager.default.fileExists(atPath: lab.directory + "/state0/resume.json"), "the untaken record stayed")
            #expect(waitUntil(timeout: masterDown(100) + 2) { lab.holders() == [1] } != nil, "the peer did not take over the released VIP")
        }

        @Test("SIGHUP: a changed Master restarts as Master without a move; a removed Master hands over make-before-break; no client request fails")
        func reloadIsMakeBeforeBreak() throws {
            guard let lab = openLab(tag: "mbh", subnet: 129, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try pair(lab)
            let (old, peer) = try watchAddresses(lab)

            // 1. A changed Master (priority 150 -> 140, still above the peer's): it restarts
            //    as Master; the VIP stays where it is.
            let probe = ClientProbe(lab, seconds: 3 + masterDown(100))
            usleep(500_000)
            _ = lab.write("node0.conf", lab.config(priority: 140))
            kill(master, SIGHUP)
            let restarted = waitUntil(timeout: 5) { lab.log("node0.log").contains("reload applied: 0 unchanged, 1 restarted (VI_1)") }
            #expect(restarted != nil, "\(lab.log("node0.log"))")
            usleep(UInt32((masterDown(100) + 0.5) * 1_000_000))  // the peer would have taken over by now
            let steady = try #require(probe.summary(timeout: 10), "the probe did not report: \(lab.log("probe.log"))")
            print("measured: reload restarts the Master: the client (GET every 15 ms): \(steady.tries) tries, \(steady.failures) failed, longest gap \(String(format: "%.3f", steady.longestGap)) s")
            #expect(steady.failures == 0 && steady.tries > 100)
            expectNoMove(lab, old: old, peer: peer)
            #expect(lab.log("node0.log").contains("[VI_1] INIT -> MASTER (restarted as Master by a reload"), "\(lab.log("node0.log"))")
            let instance = try #require(ReloadTests.instances(lab, 0)["VI_1"], "no VI_1 in node 0's status")
            #expect(instance["priority"] as? Int == 140 && instance["state"] as? String == "MASTER", "\(instance)")
            let peerStatus = try #require(lab.status(1), "no status from node 1")
            #expect(peerStatus["priorityZeroReceived"] as? Int == 0, "node 0 resigned on a reload that restarted it")

            // 2. VI_1 removed (another instance, no peer's, stays): node 0 resigns and keeps the
            //    VIP until node 1 has announced itself.
            let handover = ClientProbe(lab, name: "probe2", seconds: 4)
            usleep(1_000_000)
            _ = lab.write("node0.conf", ReloadTests.secondInstance(lab))
            let reloaded = Date().timeIntervalSince1970
            kill(master, SIGHUP)
            let summary = try #require(handover.summary(timeout: 10), "the probe did not report: \(lab.log("probe2.log"))")
            let added = try #require(peer.times(of: lab.virtualAddress, deleted: false).first, "node 1 never added the VIP: \(lab.log("node1.log"))")
            let deleted = try #require(old.times(of: lab.virtualAddress, deleted: true).first, "node 0 never deleted the VIP: \(lab.log("node0.log"))")
            let overlap = deleted - added
            measured("reload removes the Master: both nodes hold the VIP (node 1 added -> node 0 deleted)", overlap, bound: skew(140) + 1)
            measured("reload removes the Master: SIGHUP -> node 1 holds the VIP", added - reloaded, bound: skew(100) + 0.5)
            print("measured: reload removes the Master: the client (GET every 15 ms): \(summary.tries) tries, \(summary.failures) failed, longest gap \(String(format: "%.3f", summary.longestGap)) s")
            #expect(overlap >= 0, "node 0 deleted the VIP \(-overlap) s before node 1 added it: break-before-make")
            #expect(overlap < skew(140) + 1, "the overlap \(overlap) s passed the stated bound")
            #expect(summary.failuresBeyondTheARPSwitch == 0 && summary.tries > 100, "\(summary.failures) of \(summary.tries) requests failed through the handover: \(lab.log("probe.log"))")
            #expect(lab.holders() == [1])
            let log = lab.log("node0.log")
            #expect(log.contains("[VI_1] keeps the virtual addresses until the new Master announces itself"), "\(log)")
            #expect(log.contains("[VI_1] \(lab.address(of: 1)) announced itself "), "\(log)")
            #expect(ReloadTests.instances(lab, 0).keys.sorted() == ["VI_2"], "the removed VI_1 is still in node 0's status")
            #expect(kill(master, 0) == 0)
        }

        @Test("vrrp_handover immediate: the VIP goes with the priority-0 advert, before the peer takes it (keepalived's behaviour)")
        func immediate() throws {
            guard let lab = openLab(tag: "mbi", subnet: 116, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try pair(lab)
            // The option is global: restart node 0 with it.
            #expect(lab.stop(master))
            try #require(waitUntil(timeout: masterDown(100) + 3) { lab.holders() == [1] } != nil)
            let immediate = lab.startVipkeeper(node: 0, config: "global_defs {\n    vrrp_handover immediate\n}\n" + lab.config(priority: 150))
            try #require(waitUntil(timeout: masterDown(150) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            let old = AddressMonitor(lab, node: 0), new = AddressMonitor(lab, node: 1)
            #expect(lab.stop(immediate))
            try #require(waitUntil(timeout: 5) { lab.holders() == [1] } != nil)
            let added = try #require(new.times(of: lab.virtualAddress, deleted: false).first)
            let deleted = try #require(old.times(of: lab.virtualAddress, deleted: true).first)
            measured("vrrp_handover immediate: node 0 deleted -> node 1 added (no node holds the VIP)", added - deleted, bound: skew(100))
            #expect(added > deleted, "with immediate, node 0 kept the VIP until node 1 had it")
        }
    }
}
