#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Node
import VRRP

/// The peers that took over from this node in a drill or maintenance hand-over
/// (`PeerTakeover`), kept in `takeovers.json` under the state directory so `status` can say
/// "ready as of a drill 2 days ago" after a restart. Written atomically (`AtomicFile`); a file
/// that cannot be read is ignored with a warning (it only ever says what a drill proved).
struct TakeoverStore {
    let directory: String

    var path: String { directory + "/takeovers.json" }

    /// One takeover as written: Unix time.
    private struct Record: Codable {
        var instance: String
        var peer: String
        var time: Double
    }

    /// The takeovers on the model's clock (`now` and `wallClock` are the same instant on the
    /// two clocks); what is damaged, if anything.
    func load(now: Instant, wallClock: Double) -> (takeovers: [PeerTakeover], problem: String?) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], nil) }
        guard let records = try? JSONDecoder().decode([Record].self, from: data) else {
            return ([], "state file \(path) (\(data.count) bytes) cannot be read as takeovers; `status` forgets which peer took over in past drills until the next one")
        }
        let takeovers = records.compactMap { record -> PeerTakeover? in
            // A time that is no time, in the future or absurdly old is dropped, never converted.
            let age = wallClock - record.time
            guard let peer = IPAddress(record.peer), age.isFinite, (0..<3_153_600_000).contains(age) else { return nil }
            return PeerTakeover(instance: record.instance, peer: peer, at: now + .milliseconds(-Int64(age * 1000)))
        }
        return (takeovers, nil)
    }

    func save(_ takeovers: [PeerTakeover], now: Instant, wallClock: Double) throws(AgentError) {
        let records = takeovers.map { Record(instance: $0.instance, peer: "\($0.peer)", time: wallClock - (now - $0.at).secondsValue) }
        try AtomicFile.writeJSON(records, to: path)
    }
}
