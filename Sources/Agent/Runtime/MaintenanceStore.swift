#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Node
#if canImport(Glibc)
import Glibc
#endif

/// What is in maintenance, kept in `maintenance.json` under the state directory
/// (`/var/lib/vipkeeper`, the unit's StateDirectory), so it survives a restart. Written
/// atomically and durably (`AtomicFile`: a new file fsynced, renamed over the old one, the
/// directory fsynced); the directory is made 0700 if missing.
///
/// A file that cannot be read as maintenance records (empty, truncated, garbage) never stops
/// the start: availability comes first (keepalived has no such state to lose). It is moved
/// aside to `maintenance.json.damaged-<unix time>` for the operator and the daemon starts with
/// no instance in maintenance; `Loaded.damage` says so, for one warning in the log.
struct MaintenanceStore {
    let directory: String

    var path: String { directory + "/maintenance.json" }

    /// The records read at start, and what happened to a damaged file.
    struct Loaded {
        var records: [MaintenanceRecord]
        var damage: Damage?
    }

    /// A `maintenance.json` that could not be read.
    struct Damage: CustomStringConvertible {
        let path: String
        let size: Int
        let reason: String
        /// Where the file was moved, or why it could not be.
        let copy: Result<String, AgentError>

        var description: String {
            let kept: String
            switch copy {
            case .success(let aside): kept = "the file was moved to \(aside)"
            case .failure(let error): kept = "the file could not be moved aside (\(error)) and is left in place"
            }
            return "state file \(path) (\(size) bytes) cannot be read as maintenance records (\(reason)); "
                + "whatever maintenance it recorded is lost: every instance starts in the normal election "
                + "(run `vipkeeper maintenance on` again if needed); \(kept)"
        }
    }

    /// Reads the records; a missing file is no maintenance. `wallClock` (seconds since the
    /// epoch) names the damaged copy.
    func load(wallClock: Int) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else { return Loaded(records: []) }
        do {
            return Loaded(records: try JSONDecoder().decode([MaintenanceRecord].self, from: data))
        } catch {
            let reason = data.isEmpty ? "it is empty" : "not a JSON list of maintenance records"
            return Loaded(records: [], damage: Damage(path: path, size: data.count, reason: reason, copy: moveAside(wallClock: wallClock)))
        }
    }

    /// Renames the file to `maintenance.json.damaged-<wallClock>` (never over an earlier copy).
    private func moveAside(wallClock: Int) -> Result<String, AgentError> {
        var aside = path + ".damaged-\(wallClock)"
        var suffix = 1
        while access(aside, F_OK) == 0 && suffix < 100 {
            aside = path + ".damaged-\(wallClock)-\(suffix)"
            suffix += 1
        }
        guard rename(path, aside) == 0 else { return .failure(.state(path: path, reason: errorText(errno))) }
        return .success(aside)
    }

    func save(_ records: [MaintenanceRecord]) throws(AgentError) {
        try AtomicFile.writeJSON(records, to: path)
    }
}
