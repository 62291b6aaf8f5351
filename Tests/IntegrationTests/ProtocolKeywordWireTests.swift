import Foundation
import Testing

extension NamespaceSuites {
    /// keepalived's protocol keywords of issue 17 as they show on the wire and in the kernel
    /// (real namespaces, two vipkeeper nodes and a client).
    @Suite("protocol keywords on the wire: down_timer_adverts, vrrp_garp_interval, vrrp_startup_delay, dont_track_primary, garp_lower_prio_*, skip_check_adv_addr, vrrp_min_garp", .serialized)
    struct ProtocolKeywordWireTests {
        /// Sends well-formed adverts for VRID 51 from the client (a stand-in peer), one per
        /// address list, `gap` seconds apart; fails the test when it cannot.
        private func inject(_ lab: NetworkLab, priority: Int, gap: Double = 1, lists: [[String]]) throws {
            let result = Shell.run("ip netns exec \(lab.client) python3 \(NetworkLab.tools)/vrrp-advert.py eth0 10.250.\(lab.subnet).200 51 \(priority) harbor \(gap) "
                                   + lists.map { $0.joined(separator: ",") }.joined(separator: " "), timeout: Double(lists.count) * gap + 10)
            try #require(result.status == 0 && result.output.contains("sent \(lists.count)"), "injector: \(result.output)")
        }

        /// The gratuitous ARPs a Master on node 0 sends when it hears one advert of a lower
        /// priority, by their kernel receive time at the client.
        private func lowerPriorityBurst(_ lab: NetworkLab, start: () -> Int32) throws -> [Double] {
            let daemon = start()
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil,
                         "\(lab.log("node0.log"))\(lab.log("keepalived0.log"))")
            usleep(1_000_000)  // the takeover's one gratuitous ARP is over
            let heard = lab.gratuitousARPs { try? inject(lab, priority: 100, lists: [[lab.virtualAddress]]) }
            lab.crash(daemon)
            // A crash leaves the VIP: the next daemon must not look like a Master before it is one.
            Shell.run("ip -n \(lab.nodes[0]) addr del \(lab.virtualAddress)/24 dev eth0 2>/dev/null")
            try #require(heard != nil, "\(lab.log("arp.log"))")
            let mac = lab.mac(of: 0)
            return lab.log("arp.log").split(separator: "\n").filter { $0.hasSuffix(mac) }.compactMap { line in
                line.split(separator: " ").first.flatMap { Double($0) }
            }
        }

        @Test("garp_lower_prio_repeat 3 / garp_lower_prio_delay 2: one lower-priority advert heard by the Master: 3 gratuitous ARPs at once and 3 more 2 s later, as keepalived sends")
        func lowerPriorityGratuitousARP() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "lp", subnet: 92, nodes: 1) else { return }
            defer { lab.tearDown() }
            let extra = "    garp_master_repeat 1\n    garp_master_delay 0\n    garp_lower_prio_repeat 3\n    garp_lower_prio_delay 2\n"
            let theirs = try lowerPriorityBurst(lab) { lab.startKeepalived(node: 0, config: lab.config(priority: 200, extra: extra)) }
            let ours = try lowerPriorityBurst(lab) { lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: extra)) }
            #expect(theirs.count == 6, "keepalived: \(theirs)")
            #expect(ours.count == theirs.count, "vipkeeper \(ours), keepalived \(theirs)\n\(lab.log("node0.log"))")
            try #require(ours.count == 6)
            #expect(ours[2] - ours[0] < 0.5, "the first three at once: \(ours)")
            // After the delay, not before; the upper bound only tells it from another burst.
            #expect(ours[3] - ours[0] > 1.9 && ours[3] - ours[0] < 4, "the second three after garp_lower_prio_delay: \(ours)")
        }

        @Test("vrrp_min_garp: a takeover sends one gratuitous ARP and nothing after it, from keepalived and from vipkeeper alike")
        func minimalGratuitousARP() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "mg", subnet: 97, nodes: 1) else { return }
            defer { lab.tearDown() }
            let config = "global_defs {\n    vrrp_min_garp\n}\n" + lab.config(priority: 200)
            var counts: [Int?] = []
            for start in [{ lab.startKeepalived(node: 0, config: config) }, { lab.startVipkeeper(node: 0, config: config) }] {
                var daemon: Int32 = 0
                counts.append(lab.gratuitousARPs { daemon = start() })
                #expect(lab.stop(daemon), "the daemon did not stop on SIGTERM")
                Shell.run("ip -n \(lab.nodes[0]) addr del \(lab.virtualAddress)/24 dev eth0 2>/dev/null")
            }
            // keepalived's default would be 5 at once and 5 more after 5 s.
            #expect(counts == [1, 1], "keepalived, vipkeeper: \(counts)\n\(lab.log("arp.log"))")
        }

        @Test("skip_check_adv_addr: a Master's later adverts with another address list are taken (no takeover), as keepalived takes them; without it they are dropped and both take over")
        func skipAddressCheck() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "sk", subnet: 93, nodes: 2) else { return }
            defer { lab.tearDown() }
            // Two good adverts from a new Master, then six whose list names another address,
            // 1 s apart: 5 s of wrong lists is longer than Master_Down_Interval (3.6 s).
            let lists = [[lab.virtualAddress], [lab.virtualAddress]] + Array(repeating: ["10.250.254.254"], count: 6)
            for skip in [true, false] {
                let extra = skip ? "    skip_check_adv_addr\n" : ""
                let before = lab.log("keepalived1.log").components(separatedBy: "Entering MASTER STATE").count
                let ours = lab.startVipkeeper(node: 0, config: lab.config(priority: 100, extra: extra))
                let theirs = lab.startKeepalived(node: 1, config: lab.config(priority: 100, extra: extra))
                try #require(waitUntil(timeout: 3) { lab.status(0) != nil } != nil, "\(lab.log("node0.log"))")
                try inject(lab, priority: 200, lists: lists)
                let status = try #require(lab.status(0), "no status from node 0")
                let drops = try #require(status["drops"] as? [String: Int], "status has no drops: \(status)")
                // INIT -> BACKUP is one transition; a takeover adds one.
                let oursTookOver = try #require(status["transitions"] as? Int, "\(status)") > 1
                let theirsTookOver = lab.log("keepalived1.log").components(separatedBy: "Entering MASTER STATE").count > before
                if skip {
                    #expect(!oursTookOver && !theirsTookOver, "with skip_check_adv_addr: vipkeeper took over \(oursTookOver), keepalived \(theirsTookOver)\n\(lab.log("keepalived1.log"))")
                    #expect(drops["addr_list_err"] == nil, "\(drops)")
                } else {
                    // Both drop the wrong lists, so both time the Master out; at equal priority the
                    // one whose Master_Down_Timer fires first takes over, and the other may hear
                    // it before its own fires: a race. What must hold is that the injected Master
                    // is not followed: at least one took over, and a vipkeeper that did not
                    // follows keepalived, not the injected source.
                    let master = status["master"] as? String
                    #expect(oursTookOver || theirsTookOver, "without skip_check_adv_addr: neither took over")
                    #expect(oursTookOver || master == lab.address(of: 1), "vipkeeper stayed Backup of \(master ?? "nobody")")
                    #expect(drops["addr_list_err"] ?? 0 >= 3, "\(drops)")
                }
                lab.crash(ours)
                lab.crash(theirs)
                for node in 0..<2 { Shell.run("ip -n \(lab.nodes[node]) addr del \(lab.virtualAddress)/24 dev eth0 2>/dev/null") }
            }
        }

        @Test("down_timer_adverts 6: the Backup waits six missed adverts (plus Skew_Time) before it takes over, not three")
        func downTimerAdverts() throws {
            guard let lab = openLab(tag: "dt", subnet: 66, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 200))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: "    down_timer_adverts 6\n"))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] && lab.status(1)?["state"] as? String == "BACKUP" } != nil,
                         "\(lab.log("node0.log"))\(lab.log("node1.log"))")
            lab.crash(master)
            let bound = 6 + Double(256 - 100) / 256
            let takeover = waitUntil(timeout: bound + 3) { lab.holdsVirtualAddress(1) }
            measured("Master SIGKILL -> Backup with down_timer_adverts 6 holds the VIP", takeover, bound: bound)
            let seconds = try #require(takeover, "\(lab.log("node1.log"))")
            // The last advert came at most one interval before the crash: 6 × 1 s + Skew_Time
            // after it is at least 5 + 0.61 s after the crash; three adverts would be 3.6 s.
            #expect(seconds > 5, "took over after \(seconds) s: the down timer still counts 3 adverts")
        }

        @Test("vrrp_garp_interval 0.25: the takeover's gratuitous ARPs are at least 0.25 s apart on the wire")
        func gratuitousARPInterval() throws {
            guard let lab = openLab(tag: "gi", subnet: 67, nodes: 1) else { return }
            defer { lab.tearDown() }
            let globals = "global_defs {\n    vrrp_garp_interval 0.25\n    vrrp_garp_master_repeat 3\n    vrrp_garp_master_delay 0\n}\n"
            let heard = lab.gratuitousARPs { lab.startVipkeeper(node: 0, config: globals + lab.config(priority: 200)) }
            #expect(heard == 3, "\(lab.log("arp.log"))\n\(lab.log("node0.log"))")
            let times = lab.log("arp.log").split(separator: "\n").compactMap { line in line.split(separator: " ").first.flatMap { Double($0) } }
            try #require(times.count == 3, "\(lab.log("arp.log"))")
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            #expect(gaps.allSatisfy { $0 >= 0.24 }, "gaps \(gaps): frames closer than vrrp_garp_interval")
        }

        @Test("vrrp_startup_delay 4: no Master and no VIP during the delay (status says INIT); after it, a Backup's Master_Down_Interval, then Master")
        func startupDelay() throws {
            guard let lab = openLab(tag: "sd", subnet: 69, nodes: 1) else { return }
            defer { lab.tearDown() }
            let started = Date()
            lab.startVipkeeper(node: 0, config: "global_defs {\n    vrrp_startup_delay 4\n}\n" + lab.config(priority: 200))
            try #require(waitUntil(timeout: 3) { lab.status(0) != nil } != nil, "\(lab.log("node0.log"))")
            var seen: Set<String> = []
            // Up to 3 s of the 4: a status call under load still answers before the delay ends.
            while Date().timeIntervalSince(started) < 3 {
                seen.insert(lab.status(0)?["state"] as? String ?? "no status")
                #expect(!lab.holdsVirtualAddress(0), "the VIP during the startup delay")
                usleep(200_000)
            }
            #expect(seen == ["INIT"], "states during the delay: \(seen)")
            let master = waitUntil(timeout: masterDown(200) + 4) { lab.holdsVirtualAddress(0) }
            #expect(master != nil, "\(lab.log("node0.log"))")
            #expect(Date().timeIntervalSince(started) > 4 + masterDown(200) - 0.5, "Master before the delay plus Master_Down_Interval")
            #expect(lab.log("node0.log").contains("delaying the start of the VRRP instances for 4 s"))
        }

        @Test("dont_track_primary: the Master's eth0 going down is no FAULT (it stays MASTER with its VIP); without it, FAULT")
        func dontTrackPrimary() throws {
            guard let lab = openLab(tag: "tp", subnet: 68, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: "    dont_track_primary\n"))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 200, node: 1))
            try #require(waitUntil(timeout: masterDown(200) + 3) {
                lab.status(0)?["state"] as? String == "MASTER" || lab.status(1)?["state"] as? String == "MASTER"
            } != nil, "\(lab.log("node0.log"))\(lab.log("node1.log"))")
            // Both down; each alone on its dead link: the tracked one goes to FAULT, the other stays.
            for node in 0..<2 { Shell.must("ip -n \(lab.nodes[node]) link set eth0 down") }
            let settled = waitUntil(timeout: masterDown(200) + 3) {
                lab.status(1)?["state"] as? String == "FAULT" && lab.status(0)?["state"] as? String == "MASTER"
            }
            #expect(settled != nil, "node0 \(lab.status(0)?["state"] ?? "?"), node1 \(lab.status(1)?["state"] ?? "?")\n\(lab.log("node0.log"))")
            #expect(lab.holdsVirtualAddress(0))
        }
    }
}
