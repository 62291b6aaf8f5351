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

        @Test("SIGTERM of the Master: the peer adds the VIP before the old Master deletes it; the overlap stays under Skew_Time + one interval; no client request fails")
        func stopIsMakeBeforeBreak() throws {
            guard let lab = openLab(tag: "mbs", subnet: 114, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try pair(lab)
            let old = AddressMonitor(lab, node: 0), new = AddressMonitor(lab, node: 1)
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
            #expect(summary.failures == 0, "\(summary.failures) requests failed through the handover")
            #expect(summary.tries > 100)
            #expect(lab.log("node0.log").contains("\(lab.address(of: 1)) announced itself Master"), "\(lab.log("node0.log"))")
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
