import Foundation
import Testing

extension NamespaceSuites {
    /// `track_process` on real nodes: the daemon follows processes through the kernel's proc
    /// connector, so a tracked process that dies hands the VIP over after its `delay`, and one
    /// that comes back takes it back.
    @Suite("track_process against keepalived", .serialized)
    struct TrackProcessTests {
        /// `delay`: long enough that a kill and a restart fit in it on a loaded 2-core machine.
        static let delay = 2.0

        /// A copy of /bin/sleep under a name no other process has (its comm), started by pid.
        private func startDummy(_ lab: NetworkLab, path: String) -> Int32 {
            lab.spawn([path, "600"], log: lab.directory + "/dummy.log")
        }

        @Test("vipkeeper Master tracks a process (weight 0, delay 2): killing it hands the VIP to keepalived within the delay and an advert, a restart within the delay changes nothing, starting it again takes the VIP back")
        func processDies() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "tp", subnet: 96, nodes: 2) else { return }
            defer { lab.tearDown() }
            let name = "vktpdummy\(getpid() % 100000)"
            let path = lab.directory + "/" + name
            try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: path)
            var dummy = startDummy(lab, path: path)
            try #require(dummy > 0)
            let config = "vrrp_track_process dummy {\n    process \(name)\n    weight 0\n    delay \(Self.delay)\n}\n"
                + lab.config(priority: 200, extra: "    track_process {\n        dummy\n    }\n")
            lab.startVipkeeper(node: 0, config: config)
            lab.startKeepalived(node: 1, config: lab.config(priority: 100))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            let report = try #require(lab.report(0))
            let monitor = report["processMonitor"] as? String
            print("track_process monitor: \(monitor ?? "none")")
            #expect(monitor?.hasPrefix("proc connector") == true, "\(lab.log("node0.log"))")
            let instance = lab.status(0)
            let tracker = (instance?["trackers"] as? [[String: Any]])?.first { $0["kind"] as? String == "process" }
            #expect(tracker?["count"] as? Int == 1 && tracker?["up"] as? Bool == true, "\(String(describing: tracker))")
            let transitions = instance?["transitions"] as? Int

            // Restarted within the delay: the instance never moves.
            #expect(lab.stop(dummy, signal: SIGKILL))
            dummy = startDummy(lab, path: path)
            Thread.sleep(forTimeInterval: Self.delay + 1)
            let after = lab.status(0)
            #expect(after?["state"] as? String == "MASTER" && after?["transitions"] as? Int == transitions,
                    "a process back within its delay flapped the instance: \(lab.log("node0.log"))")

            // Killed for good: FAULT after the delay, keepalived takes over.
            #expect(lab.stop(dummy, signal: SIGKILL))
            let moved = waitUntil(timeout: Self.delay + 1 + 3) { lab.holders() == [1] }
            measured("tracked process killed (delay 2) -> keepalived holds the VIP", moved, bound: Self.delay + 1)
            #expect(moved != nil, "\(lab.log("node0.log"))")
            #expect(lab.status(0)?["state"] as? String == "FAULT")

            // Started again: vipkeeper preempts back.
            dummy = startDummy(lab, path: path)
            let back = waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] }
            measured("tracked process started again -> vipkeeper holds the VIP", back, bound: masterDown(200))
            #expect(back != nil, "\(lab.log("node0.log"))")
            lab.stop(dummy, signal: SIGKILL)
        }
    }
}
