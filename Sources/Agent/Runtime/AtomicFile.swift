#if canImport(Glibc)
import Glibc
#endif

/// Replaces a small file under the state directory all at once: the bytes go to
/// `PATH.new`, which is renamed over `PATH`, so a reader (or the next start) sees the old
/// file or the new one, never half of one. `durable` adds the fsyncs that make the new file
/// survive a power cut too: the file's data before the rename, and the directory after it
/// (the rename itself lives in the directory). The directory is made 0700 if missing.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600, durable: Bool) throws(AgentError) {
        let directory = Self.directory(of: path)
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .state(path: directory, reason: errorText(errno))
        }
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .state(path: temporary, reason: errorText(errno)) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count < 0 ? errorText(errno) : "nothing written"
                close(fd)
                unlink(temporary)
                throw .state(path: temporary, reason: reason)
            }
            written += count
        }
        if durable && fsync(fd) != 0 {
            let reason = errorText(errno)
            close(fd)
            unlink(temporary)
            throw .state(path: temporary, reason: "fsync: \(reason)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = errorText(errno)
            unlink(temporary)
            throw .state(path: path, reason: reason)
        }
        if durable {
            let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard directoryFD >= 0 else { throw .state(path: directory, reason: errorText(errno)) }
            defer { close(directoryFD) }
            guard fsync(directoryFD) == 0 else { throw .state(path: directory, reason: "fsync: \(errorText(errno))") }
        }
    }

    /// `/var/lib/vipkeeper` of `/var/lib/vipkeeper/maintenance.json`; `.` for a bare name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
