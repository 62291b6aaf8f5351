#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension AtomicFile {
    /// `value` as pretty, key-sorted JSON (an operator may read the state files), replaced
    /// atomically and durably.
    static func writeJSON(_ value: some Encodable, to path: String) throws(AgentError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw .state(path: path, reason: "\(error)")
        }
        try write(Array(data), to: path, mode: 0o600, durable: true)
    }
}
