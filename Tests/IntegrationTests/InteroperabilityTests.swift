import Foundation
import Testing

extension NamespaceSuites {
    @Suite("a mixed cluster with keepalived 2.2", .serialized)
    struct InteroperabilityTests {
        @Test("vipkeeper Master, keepalived Backup: failover both ways with the same config syntax")
        func vipkeeperMaster() {
            guard keepalivedInstalled(), let lab = openLab(tag: "ka", subnet: 17, nodes: 2) else { return }
            defer { lab.tearDown() }
            let vipkeeperConfig = lab.config(priority: 200)
            var ours = lab.startVipkeeper(node: 0, config: vipkeeperConfig)
            lab.startKeepalived(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil)
            usleep(2_500_000)
            #expect(lab.holders() == [0], "keepalived log:\n\(lab.log("keepalived1.log"))")
            // keepalived's adverts pass our checks (no drops), ours pass keepalived's.
            #expect(lab.status(0)?["drops"] as? [String: Int] == [:])
            #expect(!lab.log("keepalived1.log").contains("auth"), Comment(rawValue: lab.log("keepalived1.log")))

            kill(ours, SIGTERM)
            let toKeepalived = waitUntil(timeout: skew(100) + 3) { lab.holders() == [1] }
            measured("vipkeeper SIGTERM -> keepalived holds VIP", toKeepalived, bound: skew(100) + 0.5)
            #expect(toKeepalived != nil && toKeepalived! < masterDown(100) - 1, "not the Skew_Time path: \(String(describing: toKeepalived))")
            lab.stop(ours)

            ours = lab.startVipkeeper(node: 0, config: vipkeeperConfig)
            let back = waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] }
            measured("vipkeeper returns and preempts keepalived", back, bound: masterDown(200) + 0.5)
            #expect(back != nil)
            #expect(lab.log("keepalived1.log").contains("Entering BACKUP STATE"))
            #expect(lab.clientReachesVirtualAddress())
        }

        @Test("keepalived Master, vipkeeper Backup: vipkeeper takes over on stop and on crash")
        func keepalivedMaster() {
            guard keepalivedInstalled(), let lab = openLab(tag: "kb", subnet: 18, nodes: 2) else { return }
            defer { lab.tearDown() }
            var theirs = lab.startKeepalived(node: 0, config: lab.config(priority: 200))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil)
            usleep(2_000_000)
            #expect(lab.holders() == [0])
            #expect(lab.status(1)?["state"] as? String == "BACKUP")
            #expect(lab.status(1)?["master"] as? String == lab.address(of: 0))
            #expect((lab.status(1)?["advertisementsReceived"] as? Int ?? 0) >= 2)
            #expect(lab.status(1)?["drops"] as? [String: Int] == [:])

            kill(theirs, SIGTERM)
            let graceful = waitUntil(timeout: skew(100) + 3) { lab.holders() == [1] }
            measured("keepalived SIGTERM -> vipkeeper holds VIP", graceful, bound: skew(100) + 0.5)
            #expect(graceful != nil && graceful! < masterDown(100) - 1, "not the Skew_Time path: \(String(describing: graceful))")
            lab.stop(theirs)

            theirs = lab.startKeepalived(node: 0, config: lab.config(priority: 200))
            #expect(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "keepalived did not preempt vipkeeper")
            #expect(lab.log("node1.log").contains("MASTER -> BACKUP (higher priority 200 advertised by \(lab.address(of: 0)))"))
            usleep(1_000_000)

            // The crash the test name promises: keepalived and its VRRP child killed at once, no
            // resign advert; vipkeeper takes over when its Master_Down_Timer runs out.
            lab.crash(theirs)
            let crash = waitUntil(timeout: masterDown(100) + 3) { lab.holdsVirtualAddress(1) }
            measured("keepalived SIGKILL -> vipkeeper holds VIP", crash, bound: masterDown(100) + 0.5)
            #expect(crash != nil, "vipkeeper did not take over after keepalived crashed: \(lab.log("node1.log"))")
        }
    }
}
