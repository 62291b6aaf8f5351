import VRRP

/// The outcome of one simulated run.
public struct SimulationReport: Sendable {
    public var scenario: ClusterScenario
    /// Every broken invariant, with the virtual time it was seen.
    public var violations: [String]
    /// One line per processed event: replay material for a failing seed.
    public var trace: [String]
    /// Packets dropped by receive validation, by keepalived counter.
    public var drops: [DropCounter: Int]
    public var transitions: Int
    /// How many times the one-Master invariant really ran (an instance with an eligible node
    /// at a convergence check); a seed whose every node is faulted checks none.
    public var oneMasterChecks = 0
    /// Host chaos (re-created interface, changed MAC, removed source) applied to a running node.
    public var hostChanges = 0

    public var passed: Bool { violations.isEmpty }

    /// The scenario, the violations and the last `traceLines` lines of the trace.
    public func failureDescription(traceLines: Int = 150) -> String {
        var lines = ["simulation failed — replay with VK_SIM_SEED=\(scenario.seed)", scenario.description, "violations:"]
        lines += violations.map { "  " + $0 }
        lines.append("trace (last \(min(traceLines, trace.count)) of \(trace.count) lines):")
        lines += trace.suffix(traceLines).map { "  " + $0 }
        return lines.joined(separator: "\n")
    }
}
