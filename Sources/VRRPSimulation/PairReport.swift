/// What `vipkeeper check --pair` prints: for every scenario and instance who holds the VIPs
/// afterwards and how long the move took, then the findings.
public struct PairReport: Sendable, Encodable {
    public struct Member: Sendable, Encodable {
        public var name: String
        public var path: String
    }

    /// One virtual router of the cluster, as the files configure it on each node.
    public struct Instance: Sendable, Encodable {
        public var name: String
        public var addresses: [String]
        /// `node-a VRID 51 priority 110 preempt`, per node that runs it.
        public var configured: [String]
    }

    public struct Row: Sendable, Encodable {
        /// `all up, healthy`, `harbor_ping failing on node-a`, `harbor_ping passing again on node-a`.
        public var event: String
        public var instance: String
        /// The nodes whose instance is MASTER once the cluster settled (more than one: split brain).
        public var holders: [String]
        /// From the event to the last change of Master, when the Master changed.
        public var moveSeconds: Double?
        /// Each node's state and priority afterwards.
        public var nodes: String
        /// Why nothing moved, or what is odd: empty when nothing is.
        public var note: String
        /// When the Master changed: why the new one took over, in its node model's own words
        /// (the history `vipkeeper history` shows on a real node); times from the event.
        public var why: String?
    }

    public var members: [Member]
    public var instances: [Instance]
    public var rows: [Row]
    public var flags: [PairFlag]
    /// What the simulation assumed where the files do not say, or cannot be modelled.
    public var assumptions: [String]

    /// 1 when any error (the pair cannot fail over, or has no or two Masters, or flaps), 2 for
    /// warnings only, 0 otherwise.
    public var exitStatus: Int32 {
        if flags.contains(where: { $0.severity == .error }) { return 1 }
        return flags.isEmpty ? 0 : 2
    }

    /// The human report: members, instances, the table, the findings.
    public var text: String {
        var lines = members.map { "\($0.name): \($0.path)" }
        for instance in instances {
            lines.append("\(instance.name) (\(instance.addresses.isEmpty ? "no VIPs" : instance.addresses.joined(separator: ", "))): "
                + instance.configured.joined(separator: "; "))
        }
        lines.append("")
        let header = ["WHAT HAPPENS", "INSTANCE", "HOLDER AFTER", "MOVE", "NODES AFTER"]
        let cells = rows.map { row in
            [row.event, row.instance, row.holders.isEmpty ? "none" : row.holders.joined(separator: " + "),
             row.moveSeconds.map { Self.seconds($0) } ?? "—", row.nodes + (row.note.isEmpty ? "" : " (\(row.note))")]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        for line in [header] + cells {
            lines.append(line.indices.map { column in
                column == line.count - 1 ? line[column] : line[column] + String(repeating: " ", count: widths[column] - line[column].count)
            }.joined(separator: "  "))
        }
        let moved = rows.filter { $0.why != nil }
        if !moved.isEmpty {
            lines.append("")
            lines.append("why the Master changed (each node model's own causes, times from the event):")
            lines += moved.map { "  \($0.event)\(instances.count > 1 ? " (\($0.instance))" : ""): \($0.why ?? "")" }
        }
        if !assumptions.isEmpty {
            lines.append("")
            lines += assumptions.map { "assumed: \($0)" }
        }
        lines.append("")
        if flags.isEmpty {
            lines.append("every single failure fails over and back as configured")
        } else {
            lines += flags.map(\.description)
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        return "\(milliseconds / 1000).\(String(String(milliseconds % 1000 + 1000).dropFirst())) s"
    }
}
