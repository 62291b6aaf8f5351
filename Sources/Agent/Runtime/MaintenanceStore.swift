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
/// atomically (a new file renamed over the old one); the directory is made 0700 if missing.
struct MaintenanceStore {
    let directory: String

    var path: String { directory + "/maintenance.json" }

    func load() throws(AgentError) -> [MaintenanceRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do {
            return try JSONDecoder().decode([MaintenanceRecord].self, from: data)
        } catch {
            throw .state(path: path, reason: "cannot be read as maintenance records (\(error)); move it away to start")
        }
    }

    func save(_ records: [MaintenanceRecord]) throws(AgentError) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .state(path: directory, reason: errorText(errno))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = path + ".new"
        do {
            let data = try encoder.encode(records)
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw .state(path: temporary, reason: "\(error)")
        }
        guard rename(temporary, path) == 0 else { throw .state(path: path, reason: errorText(errno)) }
    }
}
