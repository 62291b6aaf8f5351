#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension StatusReport {
    /// The transition history's journal (`vipkeeper history`).
    public struct History: Codable, Sendable, Hashable {
        public var path: String
        /// Entries kept in memory (the newest).
        public var entries: Int
        /// Writes to the file that failed since start (the entries stay in memory).
        public var failures: Int
        public var lastError: String?
        /// Lines of the file read at start that were not entries (cut short, damaged).
        public var unreadableLines: Int

        public init(path: String, entries: Int, failures: Int, lastError: String?, unreadableLines: Int) {
            self.path = path
            self.entries = entries
            self.failures = failures
            self.lastError = lastError
            self.unreadableLines = unreadableLines
        }
    }

    /// Another router heard on an instance's VRID. VRRP only lets a Master speak, so each one
    /// was heard as Master; a silent Backup cannot be seen, only proved by a drill.
    public struct Peer: Codable, Sendable, Equatable {
        public var address: String
        /// Its name from this node's /etc/hosts, filled in by the CLI (never by the daemon:
        /// no name lookups in the daemon).
        public var name: String?
        /// nil: not heard since this process started (only its takeover is known).
        public var priority: Int?
        /// The advert interval it sent (VRRPv3: the Master_Adver_Interval a Backup learns).
        public var advertIntervalSeconds: Double?
        public var lastAdvertSecondsAgo: Double?
        public var adverts: Int
        /// When it last took over from this node in a drill or maintenance hand-over: proof it
        /// was ready then.
        public var tookOverSecondsAgo: Double?

        public init(address: String, priority: Int?, advertIntervalSeconds: Double?, lastAdvertSecondsAgo: Double?, adverts: Int,
                    tookOverSecondsAgo: Double?) {
            self.address = address
            self.priority = priority
            self.advertIntervalSeconds = advertIntervalSeconds
            self.lastAdvertSecondsAgo = lastAdvertSecondsAgo
            self.adverts = adverts
            self.tookOverSecondsAgo = tookOverSecondsAgo
        }
    }
}

extension StatusReport {
    /// The report with the journal's figures.
    public func with(history: History?) -> StatusReport {
        var report = self
        report.history = history
        return report
    }
}
