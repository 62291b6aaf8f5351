#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `vipkeeper status` shows, as sent over the control socket (JSON).
public struct StatusReport: Codable, Sendable, Equatable {
    public struct Tracker: Codable, Sendable, Equatable {
        public var name: String
        public var up: Bool
        public var weight: Int
        public var reverse: Bool
    }

    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var up: Bool
        public var running: Bool
        public var runs: Int
        public var failures: Int
        public var lastResult: String?
    }

    public struct Transition: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var reason: String
        public var secondsAgo: Double
    }

    /// The outcome of the last SIGHUP.
    public struct Reload: Codable, Sendable, Equatable {
        public var secondsAgo: Double
        public var applied: Bool
        /// The summary (`reload applied: ...`) or why it was refused.
        public var result: String
    }

    public struct Instance: Codable, Sendable, Equatable {
        public var name: String
        public var state: String
        public var priority: Int
        public var basePriority: Int
        public var virtualRouterID: Int
        public var interface: String
        public var sourceAddress: String
        public var transport: String
        public var virtualAddresses: [String]
        public var holdsVirtualAddresses: Bool
        public var master: String?
        public var fault: String?
        public var preempt: Bool
        public var secondsInState: Double
        public var lastTransition: Transition?
        public var transitions: Int
        public var becameMaster: Int
        public var advertisementsSent: Int
        public var advertisementsReceived: Int
        /// Priority-0 adverts heard: a Master resigning (§6.4.2).
        public var priorityZeroReceived: Int
        /// Adverts the kernel refused to send (link down, no route).
        public var sendErrors: Int
        public var drops: [String: Int]
        public var trackers: [Tracker]
    }

    public var version: String
    public var pid: Int
    public var routerID: String?
    public var uptimeSeconds: Double
    public var configurationFile: String?
    public var lastReload: Reload?
    public var instances: [Instance]
    public var checks: [Check]
    /// Drops that belong to no instance (unknown VRID, unparsable packets), per interface.
    public var interfaceDrops: [String: [String: Int]]

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> StatusReport {
        try JSONDecoder().decode(StatusReport.self, from: Data(text.utf8))
    }
}
