import Config
import Node
import Testing
import VRRP

@Suite("node: check run durations, kept with the check")
struct NodeCheckDurationTests {
    @Test("a histogram counts each run into every bucket whose bound it does not pass, cumulative, with sum and count")
    func buckets() {
        var histogram = DurationHistogram()
        #expect(histogram.cumulativeCounts == Array(repeating: 0, count: 11))
        #expect(DurationHistogram.bounds.count == 11)
        histogram.record(.milliseconds(5))     // on the first bound: inside it
        histogram.record(.milliseconds(30))    // 50 ms and up
        histogram.record(.seconds(11))         // past every bound: only +Inf
        histogram.record(.milliseconds(-1))    // counted as zero
        #expect(histogram.cumulativeCounts == [2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3])
        #expect(histogram.count == 4)
        #expect(histogram.sum == .milliseconds(11_035))
    }

    @Test("completed runs reach the metrics view; a reload that removes the check removes its durations, one that keeps it keeps them")
    func reload() throws {
        let check = """
        vrrp_script chk {
            script "/usr/bin/true"
            weight -30
        }

        """
        let track = "    track_script {\n        chk\n    }\n"
        let harness = try NodeHarness(check + instanceText(extra: track))
        harness.answerChecks(.success)  // the harness says each run took 3 ms
        let first = try #require(harness.node.metricsSnapshot(now: harness.now).checks.first { $0.name == "chk" })
        #expect(first.durations.count == 1)
        #expect(first.durations.cumulativeCounts.first == 1, "3 ms is within the 5 ms bucket")
        #expect(first.durations.sum == .milliseconds(3))

        // The same check under a changed command: its series goes on.
        let changed = check.replacingOccurrences(of: "/usr/bin/true", with: "/bin/true")
        harness.handle(.reload(try bind(loadConfiguration(changed + instanceText(extra: track)))))
        let kept = try #require(harness.node.metricsSnapshot(now: harness.now).checks.first { $0.name == "chk" })
        #expect(kept.durations.count == 1, "a changed check's durations began again")
        harness.answerChecks(.success)
        #expect(harness.node.metricsSnapshot(now: harness.now).checks.first { $0.name == "chk" }?.durations.count == 2)

        // Without the check: no durations left to render.
        harness.handle(.reload(try bind(loadConfiguration(instanceText()))))
        #expect(harness.node.metricsSnapshot(now: harness.now).checks.isEmpty)
    }
}
