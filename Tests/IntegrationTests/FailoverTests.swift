import Foundation
import Testing

/// Opens a lab. The namespace suites are enabled only as root, or in CI, where a machine
/// that cannot make namespaces fails the test instead of skipping it.
func openLab(tag: String, subnet: Int, nodes: Int, sourceLocation: SourceLocation = #_sourceLocation) -> NetworkLab? {
    guard Privileges.canUseNamespaces else {
        Issue.record("namespace tests must run: needs root and iproute2 (CI=\(Privileges.ci))", sourceLocation: sourceLocation)
        return nil
    }
    return NetworkLab(tag: tag, subnet: subnet, nodeCount: nodes)
}

/// Master_Down_Interval and Skew_Time at 1 s adverts (RFC 3768 §6.1).
func masterDown(_ priority: Int) -> Double { 3 + Double(256 - priority) / 256 }
func skew(_ priority: Int) -> Double { Double(256 - priority) / 256 }

/// Prints a measurement beside its protocol bound. Timing is measured here and benchmarked in
/// bench/; tests assert behaviour, with margins a loaded 2-core machine cannot miss.
func measured(_ what: String, _ seconds: TimeInterval?, bound: Double) {
    let value = seconds.map { String(format: "%.3f s", $0) } ?? "timeout"
    print("measured: \(what): \(value) (protocol bound \(String(format: "%.3f", bound)) s)")
}

extension NamespaceSuites {
    @Suite("vipkeeper run in network namespaces", .serialized)
    struct FailoverTests {
        @Test("election: the highest priority is the only VIP holder and the client reaches it")
        func election() throws {
            guard let lab = openLab(tag: "el", subnet: 11, nodes: 3) else { return }
            defer { lab.tearDown() }
            for (node, priority) in [(0, 50), (1, 150), (2, 100)] {
                lab.startVipkeeper(node: node, config: lab.config(priority: priority))
            }
            let elected = waitUntil(timeout: masterDown(150) + 2) { lab.holders() == [1] }
            #expect(elected != nil, "holders: \(lab.holders())\n\(lab.log("node1.log"))")
            // Stable: still exactly one holder a few adverts later.
            usleep(2_500_000)
            #expect(lab.holders() == [1])
            #expect(lab.clientReachesVirtualAddress())
            #expect(lab.clientNeighbourMAC() == lab.mac(of: 1))
            let master = try #require(lab.status(1))
            #expect(master["state"] as? String == "MASTER")
            #expect(master["holdsVirtualAddresses"] as? Bool == true)
            #expect((master["advertisementsSent"] as? Int ?? 0) >= 2)
            let backup = try #require(lab.status(0))
            #expect(backup["state"] as? String == "BACKUP")
            #expect(backup["master"] as? String == lab.address(of: 1))
            #expect((backup["advertisementsReceived"] as? Int ?? 0) >= 2)
        }

        @Test("graceful stop: the backup takes over on the Skew_Time path of the priority-0 advert, and the VIP leaves the old Master")
        func gracefulStop() {
            guard let lab = openLab(tag: "gs", subnet: 12, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 200))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            usleep(1_500_000)
            kill(master, SIGTERM)
            let takeover = waitUntil(timeout: skew(100) + 3) { lab.holders() == [1] }
            measured("graceful stop -> backup holds VIP", takeover, bound: skew(100) + 0.5)
            #expect(takeover != nil && takeover! < masterDown(100) - 1, "not the Skew_Time path of a priority-0 advert: \(String(describing: takeover))")
            #expect(lab.stop(master), "vipkeeper did not exit after SIGTERM")
            #expect(!lab.holdsVirtualAddress(0))
            #expect(lab.log("node0.log").contains("MASTER -> INIT (shutdown)"))
            // The takeover came from the resign advert (§6.4.2: Master_Down_Timer = Skew_Time).
            #expect((lab.status(1)?["priorityZeroReceived"] as? Int ?? 0) >= 1)
            #expect(lab.clientReachesVirtualAddress())
        }

        @Test("SIGKILL of the Master: the backup takes over when its Master_Down_Timer runs out; the restarted node removes its stale VIP")
        func crash() {
            guard let lab = openLab(tag: "kl", subnet: 13, nodes: 2) else { return }
            defer { lab.tearDown() }
            let config0 = lab.config(priority: 200)
            let master = lab.startVipkeeper(node: 0, config: config0)
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            usleep(1_200_000)
            lab.stop(master, signal: SIGKILL)
            let takeover = waitUntil(timeout: masterDown(100) + 3) { lab.holdsVirtualAddress(1) }
            measured("SIGKILL -> backup holds VIP", takeover, bound: masterDown(100) + 0.5)
            #expect(takeover != nil, "no takeover within \(masterDown(100) + 3) s")
            // The killed process could not clean up: its VIP is still on the interface.
            #expect(lab.holdsVirtualAddress(0))
            lab.startVipkeeper(node: 0, config: config0)
            let removed = waitUntil(timeout: 2) { !lab.holdsVirtualAddress(0) }
            #expect(removed != nil, "the restarted node kept the stale VIP")
            // The warning is written just after the netlink answer: wait for it, bounded.
            #expect(waitUntil(timeout: 2) { lab.log("node0.log").contains("left behind by an earlier run") } != nil,
                    "no warning about the stale VIP:\n\(lab.log("node0.log"))")
            // It comes back as Backup, then preempts (priority 200 > 100).
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
        }

        @Test("preempt, nopreempt and preempt_delay when the higher priority returns")
        func preemption() {
            guard let lab = openLab(tag: "pr", subnet: 14, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(100) + 2) { lab.holders() == [1] } != nil)

            // preempt (default): the returning 200 takes over after its down timer.
            var high = lab.startVipkeeper(node: 0, config: lab.config(priority: 200))
            let preempted = waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] }
            measured("preempt: returning higher priority holds VIP", preempted, bound: masterDown(200) + 0.5)
            #expect(preempted != nil)
            lab.stop(high)
            #expect(waitUntil(timeout: 2) { lab.holders() == [1] } != nil)

            // nopreempt: the returning 200 stays Backup while the 100 is alive.
            high = lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: "    nopreempt\n"))
            usleep(UInt32((masterDown(200) + 3) * 1_000_000))
            #expect(lab.holders() == [1], "nopreempt was not honoured")
            #expect(lab.status(0)?["state"] as? String == "BACKUP")
            lab.stop(high)

            // preempt_delay 5: no takeover before 5 s, takeover after 5 s + its down timer.
            high = lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: "    preempt_delay 5\n"))
            let started = Date()
            usleep(4_500_000)
            #expect(lab.holders() == [1], "preempt_delay was not honoured")
            let delayed = waitUntil(timeout: 5 + masterDown(200) + 2) { lab.holders() == [0] }
            let total = delayed.map { _ in Date().timeIntervalSince(started) }
            measured("preempt_delay 5: takeover after restart", total, bound: 5 + masterDown(200) + 1)
            #expect(total != nil && total! >= 5)
            lab.stop(high)
        }

        @Test("restarting the Backup, even one configured `state MASTER`, never takes the VIP from a healthy Master")
        func restartDoesNotFlap() throws {
            guard let lab = openLab(tag: "rs", subnet: 33, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startVipkeeper(node: 0, config: lab.config(priority: 150))
            #expect(waitUntil(timeout: masterDown(150) + 2) { lab.holders() == [0] } != nil)
            let transitions = try #require(lab.status(0)?["transitions"] as? Int)
            // The client holds an ARP entry for the VIP, which a stray gratuitous ARP would move.
            #expect(lab.clientReachesVirtualAddress())
            let backupConfig = lab.config(priority: 100).replacingOccurrences(of: "state BACKUP", with: "state MASTER")
            for round in 0..<2 {
                let backup = lab.startVipkeeper(node: 1, config: backupConfig)
                var holders: Set<[Int]> = []
                var macs: Set<String> = []
                let until = Date().addingTimeInterval(masterDown(100) + 1)
                while Date() < until {
                    holders.insert(lab.holders())
                    if let mac = lab.clientNeighbourMAC() { macs.insert(mac) }
                    usleep(50_000)
                }
                #expect(holders == [[0]], "round \(round): the VIP was taken from the healthy Master: \(holders)")
                #expect(macs == [lab.mac(of: 0)], "round \(round): the client's ARP entry moved: \(macs)")
                #expect(lab.status(1)?["state"] as? String == "BACKUP")
                #expect(lab.status(1)?["becameMaster"] as? Int == 0)
                #expect(lab.stop(backup))
            }
            #expect(lab.status(0)?["transitions"] as? Int == transitions, "the Master changed state while the Backup restarted")
        }

        /// Which side hears the other first when a split brain heals.
        enum HealOrder: String, CaseIterable, Sendable {
            /// The winner hears the loser's advert first and answers (advert + gratuitous ARP).
            case winnerHearsFirst
            /// The loser hears the winner's advert first and yields: without its one advert on
            /// yielding (vrrp_higher_prio_send_advert, on by default) the winner would never hear
            /// a lower priority, send no gratuitous ARP, and clients would stay on the loser.
            case loserHearsFirst
        }

        @Test("a partition makes two Masters; healing leaves one, and the client's ARP entry follows the winner whoever hears first",
              arguments: HealOrder.allCases)
        func partition(order: HealOrder) throws {
            guard let lab = openLab(tag: order == .winnerHearsFirst ? "pw" : "pl", subnet: 15, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startVipkeeper(node: 0, config: lab.config(priority: 200))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            #expect(lab.clientReachesVirtualAddress())
            try partitionAndHeal(lab, order: order, watchAdverts: order == .winnerHearsFirst ? 0 : 1)
            #expect(lab.log("node1.log").contains("MASTER -> BACKUP (higher priority 200 advertised by \(lab.address(of: 0)))"))
        }

        @Test("a keepalived winner: the vipkeeper loser that hears it first yields with one advert, and keepalived's gratuitous ARP moves the client")
        func partitionKeepalivedWinner() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "pk", subnet: 34, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startKeepalived(node: 0, config: lab.config(priority: 200))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("keepalived0.log"))")
            #expect(lab.clientReachesVirtualAddress())  // the client has an ARP entry to move
            try partitionAndHeal(lab, order: .loserHearsFirst, watchAdverts: 1)
        }

        /// Cuts VRRP between node 0 (the winner) and node 1 until both are Master and the
        /// client's ARP entry points at node 1; then heals right after `watchAdverts` sent an
        /// advert, so the other side's next advert is the first one heard.
        func partitionAndHeal(_ lab: NetworkLab, order: HealOrder, watchAdverts node: Int) throws {
            lab.blockVRRP(0)
            lab.blockVRRP(1)
            let splitBrain = waitUntil(timeout: masterDown(100) + 2) { lab.holders() == [0, 1] }
            #expect(splitBrain != nil, "the backup did not become Master during the partition")
            // The new Master's gratuitous ARP moved the client's entry to it.
            #expect(waitUntil(timeout: 7) { lab.clientNeighbourMAC() == lab.mac(of: 1) } != nil,
                    "client neighbour entry: \(lab.clientNeighbourMAC() ?? "none"), node1 \(lab.mac(of: 1))")
            let sent = try #require(lab.status(node)?["advertisementsSent"] as? Int, "no status from node \(node)")
            let justSent = waitUntil(timeout: 3) { (lab.status(node)?["advertisementsSent"] as? Int ?? sent) > sent }
            #expect(justSent != nil, "node \(node) sent no advert")
            lab.unblockVRRP(0)
            lab.unblockVRRP(1)
            let healed = waitUntil(timeout: 4) { lab.holders() == [0] }
            measured("partition healed (\(order.rawValue)) -> one Master", healed, bound: 1)
            #expect(healed != nil, "holders after healing: \(lab.holders())")
            let arp = waitUntil(timeout: 4) { lab.clientNeighbourMAC() == lab.mac(of: 0) }
            measured("partition healed (\(order.rawValue)) -> client ARP entry points at the winner", arp, bound: 1)
            // The target is 1 s; asserted with a margin a loaded machine cannot miss, and far below
            // the ~49 s a stale entry lasts when the winner never re-sends gratuitous ARP.
            #expect(arp != nil && arp! < 3, "client neighbour entry: \(lab.clientNeighbourMAC() ?? "none"), winner \(lab.mac(of: 0))")
            #expect(lab.clientReachesVirtualAddress())
        }

        @Test("unicast peers: election, graceful stop and crash failover without multicast")
        func unicast() {
            guard let lab = openLab(tag: "uc", subnet: 16, nodes: 2) else { return }
            defer { lab.tearDown() }
            // Multicast VRRP is dropped on both nodes, so only unicast can work.
            for node in 0..<2 {
                _ = Shell.must("ip netns exec \(lab.nodes[node]) nft 'add table ip vkmc; add chain ip vkmc in { type filter hook input priority 0; }; add rule ip vkmc in ip daddr 224.0.0.18 drop'")
            }
            let config0 = lab.config(priority: 200, unicastPeers: [1], node: 0)
            var master = lab.startVipkeeper(node: 0, config: config0)
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, unicastPeers: [0], node: 1))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            usleep(2_000_000)
            #expect(lab.holders() == [0])
            #expect(lab.status(1)?["master"] as? String == lab.address(of: 0))
            kill(master, SIGTERM)
            let graceful = waitUntil(timeout: skew(100) + 3) { lab.holders() == [1] }
            measured("unicast graceful stop -> backup holds VIP", graceful, bound: skew(100) + 0.5)
            #expect(graceful != nil && graceful! < masterDown(100) - 1, "not the Skew_Time path: \(String(describing: graceful))")
            lab.stop(master)
            master = lab.startVipkeeper(node: 0, config: config0)
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            usleep(1_000_000)
            lab.stop(master, signal: SIGKILL)
            let crash = waitUntil(timeout: masterDown(100) + 3) { lab.holdsVirtualAddress(1) }
            measured("unicast SIGKILL -> backup holds VIP", crash, bound: masterDown(100) + 0.5)
            #expect(crash != nil, "no takeover after the crash")
        }
    }
}

extension NamespaceSuites {
    @Suite("bad input on the segment", .serialized)
    struct BadInputTests {
        @Test("malformed, wrong-TTL, wrong-auth and foreign packets are counted drops that disturb nothing")
        func junk() throws {
            guard let lab = openLab(tag: "bi", subnet: 19, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 200))
            let backup = lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            usleep(1_500_000)
            let before = try #require(lab.status(1))
            let receivedBefore = try #require(before["advertisementsReceived"] as? Int, "\(before)")
            // 4 s of junk at ~200 packets/s from the client.
            let junk = Shell.run("ip netns exec \(lab.client) python3 \(NetworkLab.tools)/vrrp-junk.py eth0 10.250.\(lab.subnet).200 51 \(lab.virtualAddress) harbor 4 200", timeout: 20)
            #expect(junk.status == 0, Comment(rawValue: junk.output))
            print("junk sent: \(junk.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            // Nothing moved, nothing crashed.
            #expect(lab.holders() == [0])
            #expect(kill(master, 0) == 0 && kill(backup, 0) == 0)
            let masterStatus = try #require(lab.status(0))
            let backupStatus = try #require(lab.status(1))
            #expect(masterStatus["state"] as? String == "MASTER")
            #expect(masterStatus["transitions"] as? Int == 2)   // INIT -> BACKUP -> MASTER
            #expect(backupStatus["transitions"] as? Int == 1)   // INIT -> BACKUP
            // The Master kept advertising through the flood (junk must not reset its advert timer).
            let receivedDuring = try #require(backupStatus["advertisementsReceived"] as? Int, "\(backupStatus)") - receivedBefore
            #expect(receivedDuring >= 3, "the backup heard only \(receivedDuring) adverts during 4 s of junk")
            // Every kind of junk was counted under keepalived's counter names.
            for status in [masterStatus, backupStatus] {
                let drops = status["drops"] as? [String: Int] ?? [:]
                for counter in ["ip_ttl_err", "invalid_type_rcvd", "packet_len_err", "authtype_mismatch", "auth_failure",
                                "advert_interval_err", "addr_list_err"] {
                    #expect((drops[counter] ?? 0) > 0, "\(counter) not counted: \(drops)")
                }
            }
            let interfaceDrops = try #require((lab.report(0)?["interfaceDrops"] as? [String: [String: Int]])?["eth0"], "no interfaceDrops for eth0 in node 0's status")
            #expect((interfaceDrops["unknown_vrid"] ?? 0) > 0, "\(interfaceDrops)")
            // Logging is rate-limited: a few lines per reason, not hundreds.
            let dropLines = lab.log("node0.log").components(separatedBy: "\n").filter { $0.contains("dropped packet") }.count
            #expect(dropLines > 0 && dropLines < 40, "\(dropLines) drop log lines")
        }
    }
}
