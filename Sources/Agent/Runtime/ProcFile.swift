import Glibc

/// Small files of /proc and /sys, read whole with one descriptor: procfs answers from kernel
/// memory, so a read never waits on a disk and is safe on the event loop.
enum ProcFile {
    /// At most `limit` bytes of the file at `path`; nil when it cannot be opened or read
    /// (a process that exited, a missing entry).
    static func contents(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: max(limit, 1))
        var total = 0
        while total < limit {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + total, limit - total) }
            if count < 0 { return nil }
            if count == 0 { break }
            total += count
        }
        return Array(bytes.prefix(total))
    }
}
