import NIOCore
import Synchronization

/// The metrics listener's open connections, at most `maximum`, so scrapers (or anyone who can
/// reach the port) cannot take the daemon's descriptors: with 1,100 idle connections the
/// daemon once had none left to watch a check script (pidfd_open), and every check failed.
/// Past the maximum the oldest connection that has not sent a request is closed to make room
/// (a scraper sends its request at once), so idle connections cannot lock a scraper out;
/// when every one is busy the new connection is closed at once. Every connection is also
/// closed after `idleTimeout` without traffic.
final class MetricsConnections: Sendable {
    static let maximum = 64
    static let idleTimeout: TimeAmount = .seconds(10)

    private struct Entry {
        let channel: any Channel
        var requested: Bool
    }

    private let entries = Mutex<[Entry]>([])

    /// Takes a new connection in. Returns the one to close: the oldest idle connection that
    /// makes room, or `channel` itself when there is none.
    func admit(_ channel: any Channel) -> (any Channel)? {
        entries.withLock { entries in
            var evicted: (any Channel)?
            if entries.count >= Self.maximum {
                guard let idle = entries.firstIndex(where: { !$0.requested }) else { return channel }
                evicted = entries.remove(at: idle).channel
            }
            entries.append(Entry(channel: channel, requested: false))
            return evicted
        }
    }

    /// The connection sent a request (it is answered and closed within about 0.5 s).
    func requested(_ channel: any Channel) {
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.channel === channel }) { entries[index].requested = true }
        }
    }

    func closed(_ channel: any Channel) {
        entries.withLock { entries in entries.removeAll { $0.channel === channel } }
    }
}
