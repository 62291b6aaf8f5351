import Agent
#if canImport(Glibc)
import Glibc
#endif

/// Writes lines to file descriptor 2 (Swift 6 rejects the C global `stderr`). Under systemd,
/// when descriptor 2 is the journal stream, each line carries its syslog priority (`<3>`
/// error, `<4>` warning), so `journalctl -p err -u vipkeeper` shows why a start, a reload's
/// check or a command failed.
enum StandardError {
    /// Syslog priorities (RFC 5424 §6.2.1) of what the commands write.
    enum Priority: Int {
        case error = 3
        case warning = 4
    }

    /// Whether descriptor 2 is systemd's journal stream (read once).
    static let isJournal = JournalStream.isStandardError(Environment.current)

    static func write(_ line: String, priority: Priority = .error) {
        let text = isJournal ? JournalStream.prefixed(line, priority: priority.rawValue) : line
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
