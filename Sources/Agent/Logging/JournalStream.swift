#if canImport(Glibc)
import Glibc
#endif

/// Whether standard error is systemd's journal stream, as systemd.exec(5) says to tell:
/// `$JOURNAL_STREAM` holds the device and inode (`DEV:INO`) of the stream systemd connected,
/// and only if descriptor 2 is still that stream (not redirected by a script or a shell) may
/// lines carry a `<N>` syslog priority prefix, which journald strips and files under.
public enum JournalStream {
    public static func isStandardError(_ environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"], let stream = parse(value) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == stream.device && UInt64(status.st_ino) == stream.inode
    }

    /// `DEV:INO` in decimal; nil for anything else.
    static func parse(_ value: String) -> (device: UInt64, inode: UInt64)? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        return (device, inode)
    }

    /// `text` with each line prefixed by `<priority>` (journald reads a priority per line).
    public static func prefixed(_ text: String, priority: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "<\(priority)>\($0)" }.joined(separator: "\n")
    }
}
