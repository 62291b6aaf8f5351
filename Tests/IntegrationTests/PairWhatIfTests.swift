import Foundation
import Testing

extension NamespaceSuites {
    /// `vipkeeper check --pair` against the real thing: examples/harbor-pair run in namespaces
    /// with nginx standing in for Harbor, and a sample of the what-if's rows done for real; the
    /// VIP must end where the table said.
    @Suite("check --pair's table against the same failures on real nodes", .serialized)
    struct PairWhatIfRealTests {
        static let examples = repositoryRoot + "/examples/harbor-pair"

        /// The what-if's rows, by event, from the binary's JSON.
        func whatIf() throws -> [String: [String]] {
            let result = Shell.run("\(NetworkLab.vipkeeper) check --json --pair \(Self.examples)/node-a.conf \(Self.examples)/node-b.conf")
            try #require(result.status == 0, "check --pair exit \(result.status): \(result.output)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            let rows = try #require(json["rows"] as? [[String: Any]])
            var holders: [String: [String]] = [:]
            for row in rows {
                if let event = row["event"] as? String, let nodes = row["holders"] as? [String] { holders[event] = nodes }
            }
            return holders
        }

        @Test("baseline, harbor_health failing and back on each node, maintenance on and off, a stop and a start: the VIP ends where the table says")
        func sampledRows() throws {
            let table = try whatIf()
            guard let lab = openLab(tag: "pw", subnet: 10, nodes: 2) else { return }
            defer { lab.tearDown() }
            let index = ["node-a": 0, "node-b": 1]
            func expected(_ event: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Int] {
                let names = try #require(table[event], "no row `\(event)` in \(table.keys.sorted())", sourceLocation: sourceLocation)
                return try names.map { try #require(index[$0], sourceLocation: sourceLocation) }
            }
            /// Waits for the holders the table predicts, then checks they stay for `hold` s.
            func verify(_ event: String, timeout: TimeInterval, hold: TimeInterval = 2, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let want = try expected(event, sourceLocation: sourceLocation)
                let took = waitUntil(timeout: timeout) { lab.holders() == want }
                #expect(took != nil, "\(event): the table says \(want), the nodes hold \(lab.holders())", sourceLocation: sourceLocation)
                usleep(UInt32(hold * 1_000_000))
                #expect(lab.holders() == want, "\(event): \(want) did not stay: \(lab.holders())", sourceLocation: sourceLocation)
                print("measured: check --pair row `\(event)`: the table says \(table[event] ?? []), the real pair agrees after \(took.map { String(format: "%.3f s", $0) } ?? "timeout")")
            }
            let configA = try String(contentsOfFile: Self.examples + "/node-a.conf", encoding: .utf8)
            let configB = try String(contentsOfFile: Self.examples + "/node-b.conf", encoding: .utf8)
            lab.startNginx(0)
            lab.startNginx(1)
            var nodeA = lab.startVipkeeper(node: 0, config: configA)
            lab.startVipkeeper(node: 1, config: configB)
            try verify("all up, healthy", timeout: masterDown(100) + 5)
            // harbor_health: interval 5, fall 2: two failed runs, then the move.
            lab.setHarborHealth(0, unhealthy: ["registry"])
            try verify("harbor_health failing on node-a", timeout: 15 + masterDown(100))
            lab.setHarborHealth(0, unhealthy: [])
            try verify("harbor_health passing again on node-a", timeout: 15 + masterDown(110))
            lab.setHarborHealth(1, unhealthy: ["registry"])
            try verify("harbor_health failing on node-b", timeout: 2, hold: 13)
            lab.setHarborHealth(1, unhealthy: [])
            usleep(12_000_000)  // node-b's check rises again (2 runs at 5 s)
            try verify("harbor_health passing again on node-b", timeout: 2)
            let on = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) maintenance on --reason what-if --socket \(lab.socket(0))", timeout: 30)
            #expect(on.status == 0, "\(on.output)")
            try verify("node-a in maintenance", timeout: 5)
            let off = Shell.run("ip netns exec \(lab.nodes[0]) \(NetworkLab.vipkeeper) maintenance off --socket \(lab.socket(0))", timeout: 30)
            #expect(off.status == 0, "\(off.output)")
            try verify("node-a out of maintenance", timeout: masterDown(110) + 3)
            #expect(lab.stop(nodeA))
            try verify("node-a stopped", timeout: 5)
            nodeA = lab.startVipkeeper(node: 0, config: configA)
            try verify("node-a started again", timeout: masterDown(110) + 5)
        }
    }
}
