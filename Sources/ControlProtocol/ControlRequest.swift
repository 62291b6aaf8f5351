#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One request on the control socket: a line of JSON (`{"version":1,"command":"status"}`),
/// at most `maximumLength` bytes. A bare `status` line is accepted too, for people at a
/// terminal with `socat`.
public struct ControlRequest: Codable, Sendable, Equatable {
    public enum Command: String, Codable, Sendable {
        case status
        case drill
        case maintenanceOn = "maintenance-on"
        case maintenanceOff = "maintenance-off"
        /// `vipkeeper restart`: replace the daemon in place; its Masters stay Master.
        case restart
        /// `vipkeeper hand-off`: the service manager restarts the daemon; exit keeping the
        /// VIPs for the next process, whose Masters stay Master.
        case handOff = "hand-off"
        /// `vipkeeper history`: the transition history, with causes.
        case history
    }

    public static let currentVersion = 1
    public static let maximumLength = 64 * 1024

    public var version: Int
    public var command: Command
    /// The instance, or sync group, a drill or maintenance is for; nil: the only one (drill),
    /// every instance (maintenance).
    public var instance: String?
    /// Drill: seconds the peer holds the VIP before this node takes it back (default 10).
    public var holdSeconds: Double?
    /// Drill: seconds the return leg may take (default 30).
    public var timeoutSeconds: Double?
    /// Drill: say what would happen and check the refusals, touch nothing.
    public var dryRun: Bool?
    /// Maintenance: why (shown in status).
    public var reason: String?
    /// Maintenance: stay out entirely (no adverts, never Master), like FAULT.
    public var strict: Bool?
    /// Maintenance: when the operator asked, in seconds since the epoch (filled in by the daemon).
    public var requestedAt: Double?
    /// History: entries of the last this many seconds (nil: all kept).
    public var sinceSeconds: Double?
    /// History: at most this many entries, the newest (default `defaultHistoryLimit`).
    public var limit: Int?

    public static let defaultHistoryLimit = 200

    public init(command: Command, instance: String? = nil, holdSeconds: Double? = nil, timeoutSeconds: Double? = nil,
                dryRun: Bool? = nil, reason: String? = nil, strict: Bool? = nil) {
        version = Self.currentVersion
        self.command = command
        self.instance = instance
        self.holdSeconds = holdSeconds
        self.timeoutSeconds = timeoutSeconds
        self.dryRun = dryRun
        self.reason = reason
        self.strict = strict
    }

    /// The numbers a request carries, each with the range it must be in. A value outside it
    /// (negative, NaN, infinite, absurdly large) is refused with the range named, never turned
    /// into a duration: `Int64(1e300 * 1000)` traps, and would take the daemon down with it.
    public enum Limit: String, Sendable, Equatable {
        case holdSeconds
        case timeoutSeconds
        case sinceSeconds
        case limit

        public var range: ClosedRange<Double> {
            switch self {
            case .holdSeconds: return 0...86_400
            case .timeoutSeconds: return 0.1...3_600
            case .sinceSeconds: return 0...3_153_600_000
            case .limit: return 1...100_000
            }
        }

        /// `a drill's hold (--hold) is from 0 to 86400 seconds (24 h)`.
        public var rule: String {
            switch self {
            case .holdSeconds: return "a drill's hold (--hold) is from 0 to 86400 seconds (24 h)"
            case .timeoutSeconds: return "a drill's return timeout (--timeout) is from 0.1 to 3600 seconds (1 h)"
            case .sinceSeconds: return "history's --since is from 0 seconds to 100 years"
            case .limit: return "history's --limit is from 1 to 100000 entries"
            }
        }
    }

    /// Drill: how long the peer holds the VIP (`holdSeconds`, default 10 s). Only valid after
    /// `validate()` (which `decode` runs).
    public var hold: Duration { Self.duration(holdSeconds ?? 10) }

    /// Drill: how long the return leg may take (`timeoutSeconds`, default 30 s). Only valid
    /// after `validate()` (which `decode` runs).
    public var timeout: Duration { Self.duration(timeoutSeconds ?? 30) }

    /// Whole milliseconds of a value inside its `Limit` (so the conversion cannot trap).
    private static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Every number inside its range (`Limit`); the CLI checks with this before sending.
    public func validate() throws(DecodingError) {
        for (limit, value) in [(Limit.holdSeconds, holdSeconds), (.timeoutSeconds, timeoutSeconds), (.sinceSeconds, sinceSeconds),
                               (.limit, self.limit.map(Double.init))] {
            if let value, !limit.range.contains(value) { throw .outOfRange(limit, value) }
        }
    }

    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case tooLong(Int)
        case malformed(String)
        case unsupportedVersion(Int)
        case outOfRange(Limit, Double)

        public var description: String {
            switch self {
            case .tooLong(let length): return "request is \(length) bytes; at most \(ControlRequest.maximumLength) are read"
            case .malformed(let reason): return "malformed request: \(reason)"
            case .unsupportedVersion(let version): return "protocol version \(version) is not spoken here (this daemon speaks \(ControlRequest.currentVersion))"
            case .outOfRange(let limit, let value): return "`\(limit.rawValue)` \(value) is out of range: \(limit.rule)"
            }
        }
    }

    /// Decodes one request line (without its newline) and validates its numbers. Never
    /// traps, whatever the bytes.
    public static func decode(_ line: [UInt8]) throws(DecodingError) -> ControlRequest {
        guard line.count <= maximumLength else { throw .tooLong(line.count) }
        let text = String(String(decoding: line, as: UTF8.self).drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            .reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
        if text == "status" { return ControlRequest(command: .status) }
        struct Header: Decodable { var version: Int? }
        let data = Data(text.utf8)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw .malformed("not a JSON object with `version` and `command`")
        }
        guard let version = header.version else { throw .malformed("no `version`") }
        guard version == currentVersion else { throw .unsupportedVersion(version) }
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: data)
        } catch {
            throw .malformed("unknown command or a field of the wrong type")
        }
        try request.validate()
        return request
    }

    /// The request as one line, newline included.
    public func line() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The daemon's answer: one JSON object, then the connection closes.
public struct ControlReply: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        /// Done (or, for a drill, started).
        case ok
        /// Not done, for a reason the operator can act on (exit 2): not Master, already in a
        /// drill, a check failing, not authorised...
        case refused
        /// The request could not be read.
        case error
    }

    public var version: Int
    public var outcome: Outcome
    /// One sentence for the operator.
    public var message: String?
    public var status: StatusReport?
    public var drill: DrillReport?
    /// `history`: the entries asked for, oldest first.
    public var history: [HistoryEntry]?

    public init(outcome: Outcome, message: String? = nil, status: StatusReport? = nil, drill: DrillReport? = nil, history: [HistoryEntry]? = nil) {
        version = ControlRequest.currentVersion
        self.outcome = outcome
        self.message = message
        self.status = status
        self.drill = drill
        self.history = history
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{\"version\":1,\"outcome\":\"error\"}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> ControlReply {
        try JSONDecoder().decode(ControlReply.self, from: Data(text.utf8))
    }
}
