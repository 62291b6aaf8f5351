#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The transition history (`HistoryEntry`) kept by the runtime: the last `capacity` entries in
/// memory, and every entry appended to `history.jsonl` under the state directory, one JSON
/// object a line, so the history survives a restart and a crash.
///
/// - Crash-safe: each entry is one `write(2)` on an `O_APPEND` descriptor before the turn that
///   made it ends; a SIGKILL loses nothing written. A line cut short (power loss, a full disk)
///   or otherwise unreadable is skipped when read, and counted.
/// - Bounded: past `maximumBytes` the file becomes `history.jsonl.1` (replacing the older one)
///   and a new one starts: at most twice `maximumBytes` on disk, whatever flaps.
/// - Never blocking the loop: no fsync (the page cache survives the process; a power loss may
///   lose the last seconds, as any log).
/// - A failed write is logged once, counted (`status`), and the file is opened again for the
///   next entry; the entry stays in memory.
final class HistoryJournal {
    /// Entries kept in memory (and answered by `vipkeeper history`).
    static let defaultCapacity = 2_000
    static let defaultMaximumBytes = 1 << 20

    let path: String
    let capacity: Int
    let maximumBytes: Int
    /// The newest `capacity` entries, oldest first.
    var entries: [HistoryEntry] { Array(kept.suffix(capacity)) }
    /// The newest entry.
    var last: HistoryEntry? { kept.last }
    /// `entries` and up to a quarter more, trimmed in one move now and then rather than one
    /// entry per append (a flapping node appends thousands).
    private var kept: [HistoryEntry] = []
    private var descriptor: Int32 = -1
    private var size = 0
    private var nextSequence: UInt64 = 1
    /// Writes that failed since start, and the last reason.
    private(set) var failures = 0
    private(set) var lastError: String?
    /// Lines of the files read at start that were not entries (cut short, damaged).
    private(set) var unreadableLines = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    init(directory: String, capacity: Int = defaultCapacity, maximumBytes: Int = defaultMaximumBytes) {
        path = HistoryFile.path(in: directory)
        self.capacity = capacity
        self.maximumBytes = maximumBytes
        let read = HistoryFile.read(path: path, last: capacity)
        kept = read.entries
        unreadableLines = read.unreadable
        nextSequence = (read.entries.map(\.sequence).max() ?? 0) + 1
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Numbers and stamps `entry` (the wall clock of its monotonic instant, given the clocks
    /// now), keeps it, and appends it to the file. Returns the write's failure, if any.
    @discardableResult
    func append(_ entry: HistoryEntry, wallClock: Double, monotonic: Double, pid: Int) -> AgentError? {
        var entry = entry
        entry.sequence = nextSequence
        nextSequence += 1
        entry.time = wallClock - (monotonic - entry.monotonic)
        entry.pid = pid
        kept.append(entry)
        if kept.count > capacity + capacity / 4 { kept.removeFirst(kept.count - capacity) }
        do {
            try write(entry)
            return nil
        } catch {
            failures += 1
            lastError = "\(error)"
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
            return error
        }
    }

    private func write(_ entry: HistoryEntry) throws(AgentError) {
        let line: [UInt8]
        do {
            line = Array(try encoder.encode(entry)) + [UInt8(ascii: "\n")]
        } catch {
            throw .state(path: path, reason: "\(error)")
        }
        if descriptor >= 0 && size + line.count > maximumBytes { try rotate() }
        if descriptor < 0 { try open() }
        let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            // A short write leaves a torn line; readers skip it, the next entry starts a new line.
            if written > 0 { _ = [UInt8(ascii: "\n")].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, 1) } }
            throw .state(path: path, reason: written < 0 ? errorText(errno) : "short write (\(written) of \(line.count) bytes)")
        }
        size += line.count
    }

    private func open() throws(AgentError) {
        let directory = AtomicFile.directory(of: path)
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw .state(path: directory, reason: errorText(errno)) }
        let fd = Glibc.open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .state(path: path, reason: errorText(errno)) }
        var status = stat()
        size = fstat(fd, &status) == 0 ? Int(status.st_size) : 0
        descriptor = fd
        // A line a crash cut short is ended, so the next entry starts a line of its own.
        var last: UInt8 = 0
        if size > 0, pread(fd, &last, 1, off_t(size - 1)) == 1, last != UInt8(ascii: "\n") {
            _ = [UInt8(ascii: "\n")].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, 1) }
            size += 1
        }
    }

    /// `history.jsonl` becomes `history.jsonl.1`; the next write starts a new file.
    private func rotate() throws(AgentError) {
        close(descriptor)
        descriptor = -1
        guard rename(path, path + ".1") == 0 else { throw .state(path: path, reason: "rotating: \(errorText(errno))") }
    }

    /// The entries kept, oldest first: since a Unix time, of one instance (node-wide entries
    /// included), the newest `limit`.
    func entries(since: Double?, instance: String?, limit: Int) -> [HistoryEntry] {
        HistoryFile.select(entries, since: since, instance: instance, limit: limit)
    }

    /// What `status` shows of the journal.
    var report: StatusReport.History {
        StatusReport.History(path: path, entries: min(kept.count, capacity), failures: failures, lastError: lastError, unreadableLines: unreadableLines)
    }
}
