#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The transition history's file, `history.jsonl` under the state directory (then
/// `history.jsonl.1`, the one before): one `HistoryEntry` in JSON a line. The daemon appends
/// to it; `vipkeeper history --file` reads it when the daemon is gone.
public enum HistoryFile {
    public static let name = "history.jsonl"

    public static func path(in directory: String) -> String {
        directory + "/" + name
    }

    /// The last `last` lines of `history.jsonl.1` then `history.jsonl` that are entries, in
    /// order, and how many of those lines were not one (cut short, damaged).
    public static func read(path: String, last: Int) -> (entries: [HistoryEntry], unreadable: Int) {
        var lines: [Data] = []
        for file in [path + ".1", path] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            lines += data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map { Data($0) }
        }
        let decoder = JSONDecoder()
        var entries: [HistoryEntry] = []
        var unreadable = 0
        for line in lines.suffix(max(0, last)) {
            if let entry = try? decoder.decode(HistoryEntry.self, from: line) {
                entries.append(entry)
            } else {
                unreadable += 1
            }
        }
        return (entries.sorted { $0.sequence < $1.sequence }, unreadable)
    }

    /// Entries since a Unix time, of one instance (node-wide entries included), the newest `limit`.
    public static func select(_ entries: [HistoryEntry], since: Double?, instance: String?, limit: Int) -> [HistoryEntry] {
        let chosen = entries.filter { entry in
            (since.map { entry.time >= $0 } ?? true) && (instance.map { entry.instance == nil || entry.instance == $0 } ?? true)
        }
        return Array(chosen.suffix(max(0, limit)))
    }
}
