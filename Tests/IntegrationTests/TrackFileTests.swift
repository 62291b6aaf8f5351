import Foundation
import Testing

extension NamespaceSuites {
    /// `track_file` on real nodes: the file is followed with inotify, so writing 1 into it moves
    /// the VIP at once, as keepalived's maintainers' drain knob does.
    @Suite("track_file against keepalived", .serialized)
    struct TrackFileTests {
        private func trackFileConfig(_ lab: NetworkLab, priority: Int, path: String) -> String {
            "track_file drain {\n    file \(path)\n    weight 0\n    init_file\n}\n"
                + lab.config(priority: priority, extra: "    track_file {\n        drain\n    }\n")
        }

        private func write(_ value: String, to path: String) throws {
            try (value + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        }

        @Test("vipkeeper Master tracks a file (weight 0, init_file): 1 in it hands the VIP to keepalived at once, 0 takes it back; keepalived does the same with vipkeeper as its peer")
        func drain() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "tf", subnet: 95, nodes: 2) else { return }
            defer { lab.tearDown() }
            let path = lab.directory + "/drain"
            let ours = lab.startVipkeeper(node: 0, config: trackFileConfig(lab, priority: 200, path: path))
            let theirs = lab.startKeepalived(node: 1, config: lab.config(priority: 100))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            #expect((try? String(contentsOfFile: path, encoding: .utf8)) == "0\n", "init_file writes 0 into a missing file")
            try write("1", to: path)
            let drained = waitUntil(timeout: skew(100) + 2) { lab.holders() == [1] }
            measured("echo 1 > track_file -> keepalived holds the VIP", drained, bound: skew(100) + 0.5)
            #expect(drained != nil, "\(lab.log("node0.log"))")
            #expect(lab.status(0)?["state"] as? String == "FAULT")
            try write("0", to: path)
            #expect(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            lab.crash(ours)
            lab.crash(theirs)
            for node in 0..<2 { Shell.run("ip -n \(lab.nodes[node]) addr del \(lab.virtualAddress)/24 dev eth0 2>/dev/null") }

            // The reference: keepalived tracking the same file, vipkeeper its peer.
            try write("0", to: path)
            lab.startKeepalived(node: 0, config: trackFileConfig(lab, priority: 200, path: path))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("keepalived0.log"))")
            try write("1", to: path)
            #expect(waitUntil(timeout: skew(100) + 2) { lab.holders() == [1] } != nil, "\(lab.log("keepalived0.log"))")
        }
    }
}
