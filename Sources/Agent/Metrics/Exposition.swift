import Node
import VRRP

/// The Prometheus text exposition format, version 0.0.4, written line by line: samples are
/// grouped by metric family in the order the families first appear, each family opened by its
/// `# HELP` and `# TYPE` lines once. Label values are escaped (`\\`, `\"`, `\n`), help texts
/// too (`\\`, `\n`). A family with no sample is not written at all.
struct Exposition {
    enum Kind: String {
        case counter, gauge, histogram
    }

    private struct Family {
        let name: String
        let kind: Kind
        let help: String
        var lines: [String] = []
    }

    private var families: [Family] = []
    private var index: [String: Int] = [:]

    /// A gauge's sample: `name{labels} value`, the value as a decimal (`1.0`, `997.5`).
    mutating func gauge(_ name: String, _ labels: [(String, String)] = [], help: String, _ value: Double) {
        append(name, .gauge, help, Self.sample(name, labels, Self.number(value)))
    }

    /// A counter's sample: the value as a whole number.
    mutating func counter(_ name: String, _ labels: [(String, String)] = [], help: String, _ value: Int) {
        append(name, .counter, help, Self.sample(name, labels, "\(value)"))
    }

    /// A counter's sample with a fractional value (CPU seconds).
    mutating func counter(_ name: String, _ labels: [(String, String)] = [], help: String, _ value: Double) {
        append(name, .counter, help, Self.sample(name, labels, Self.number(value)))
    }

    /// A histogram of durations in seconds: one `_bucket` line per bound (cumulative) and
    /// `le="+Inf"`, then `_sum` and `_count`.
    mutating func histogram(_ name: String, _ labels: [(String, String)] = [], help: String, _ histogram: DurationHistogram) {
        var lines: [String] = []
        for (bound, count) in zip(DurationHistogram.bounds, histogram.cumulativeCounts) {
            lines.append(Self.sample(name + "_bucket", labels + [("le", Self.seconds(bound))], "\(count)"))
        }
        lines.append(Self.sample(name + "_bucket", labels + [("le", "+Inf")], "\(histogram.count)"))
        lines.append(Self.sample(name + "_sum", labels, Self.seconds(histogram.sum)))
        lines.append(Self.sample(name + "_count", labels, "\(histogram.count)"))
        for line in lines { append(name, .histogram, help, line) }
    }

    /// The whole text, ending in a line feed (empty when there is no sample).
    var text: String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for line in family.lines {
                text += line
                text += "\n"
            }
        }
        return text
    }

    private mutating func append(_ name: String, _ kind: Kind, _ help: String, _ line: String) {
        if let position = index[name] {
            families[position].lines.append(line)
        } else {
            index[name] = families.count
            families.append(Family(name: name, kind: kind, help: help, lines: [line]))
        }
    }

    private static func sample(_ name: String, _ labels: [(String, String)], _ value: String) -> String {
        guard !labels.isEmpty else { return "\(name) \(value)" }
        let rendered = labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",")
        return "\(name){\(rendered)} \(value)"
    }

    /// A label value as the format quotes it: backslash, double quote and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var escaped = ""
        for scalar in value.unicodeScalars {  // "\r\n" is one Character, but holds a line feed
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A help text as the format wants it: backslash and line feed escaped.
    static func escapeHelp(_ help: String) -> String {
        guard help.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\n" }) else { return help }
        var escaped = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A float as Prometheus reads it: `1.0`, `997.5`, `-1.0`, `NaN`, `+Inf`, `-Inf`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    /// A duration in seconds, exact to the attosecond and without trailing zeros: `0.005`,
    /// `1.0`, `2.5`, `0.0123`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || attoseconds < 0 { return number(duration.secondsValue) }
        guard attoseconds != 0 else { return "\(seconds).0" }
        var fraction = String(attoseconds)
        fraction = String(repeating: "0", count: 18 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(seconds).\(fraction)"
    }
}
