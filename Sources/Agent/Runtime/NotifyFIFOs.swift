import Node
#if canImport(Glibc)
import Glibc
#endif

/// keepalived's notify FIFOs at the edge (`lib/notify.c` `fifo_open` / `fifo_close`): a
/// missing FIFO is made (mode 0600, given to its owner) and removed again when this daemon
/// closes it; one that exists is used as it is (it must be a FIFO). Its script is started
/// before the FIFO is opened, with the path as its last argument. The FIFO is opened
/// read-write and non-blocking, so a missing reader never blocks the event loop nor fails
/// the open, and a full pipe fails the write at once (EAGAIN) instead of waiting.
final class NotifyFIFOs {
    private struct Open {
        let fifo: BoundNotifyFIFO
        let descriptor: Int32
        /// Made by this daemon: removed when closed.
        let created: Bool
    }

    private var open: [String: Open] = [:]

    /// Has exactly `wanted` open: closes the rest, makes and opens the missing ones, starting
    /// each one's script through `startScript`. Returns what failed, one sentence each.
    func follow(_ wanted: [BoundNotifyFIFO], startScript: (BoundNotify, String) throws(AgentError) -> Void) -> [String] {
        for (path, entry) in open where !wanted.contains(entry.fifo) {
            close(entry)
            open[path] = nil
        }
        var failures: [String] = []
        for fifo in wanted where open[fifo.path] == nil {
            do throws(AgentError) {
                open[fifo.path] = try make(fifo, startScript: startScript)
            } catch {
                failures.append(error.description)
            }
        }
        return failures
    }

    private func make(_ fifo: BoundNotifyFIFO, startScript: (BoundNotify, String) throws(AgentError) -> Void) throws(AgentError) -> Open {
        var created = false
        if mkfifo(fifo.path, 0o600) == 0 {
            created = true
            if fifo.owner != .inherit {
                _ = chown(fifo.path, uid_t(bitPattern: fifo.owner.userID), gid_t(bitPattern: fifo.owner.groupID))
            }
        } else if errno != EEXIST {
            throw .notifyFIFO(path: fifo.path, operation: "mkfifo", errno: errno)
        }
        var scriptFailure: AgentError?
        if let script = fifo.script {
            do throws(AgentError) { try startScript(script, fifo.path) } catch { scriptFailure = error }
        }
        let descriptor = Glibc.open(fifo.path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard descriptor >= 0 else {
            let code = errno
            if created { unlink(fifo.path) }
            throw .notifyFIFO(path: fifo.path, operation: "open", errno: code)
        }
        var information = stat()
        guard fstat(descriptor, &information) == 0, information.st_mode & S_IFMT == S_IFIFO else {
            Glibc.close(descriptor)
            throw .notifyFIFO(path: fifo.path, operation: "open (it exists and is not a FIFO)", errno: EEXIST)
        }
        if let scriptFailure { throw scriptFailure }
        return Open(fifo: fifo, descriptor: descriptor, created: created)
    }

    /// Writes one line, all or nothing (a line is far below PIPE_BUF, so the kernel never
    /// writes part of it): a full pipe throws EAGAIN at once.
    func write(_ line: NotifyFIFOLine, to path: String) throws(AgentError) {
        guard let entry = open[path] else {
            throw .notifyFIFO(path: path, operation: "write (the FIFO is not open)", errno: EBADF)
        }
        let bytes = Array(line.text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(entry.descriptor, $0.baseAddress, $0.count) }
        if written < 0 { throw .notifyFIFO(path: path, operation: "write", errno: errno) }
    }

    /// keepalived's `fifo_close`: the FIFO is removed first (when this daemon made it) so a
    /// reader that reopens it in a loop cannot, then closed, so its reader sees the end.
    private func close(_ entry: Open) {
        if entry.created { unlink(entry.fifo.path) }
        Glibc.close(entry.descriptor)
    }

    /// Closes every FIFO (shutdown).
    func closeAll() {
        for entry in open.values { close(entry) }
        open = [:]
    }
}
