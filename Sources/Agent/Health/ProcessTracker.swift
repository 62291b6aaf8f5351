import CLinux
import Config
import Node
#if canImport(Glibc)
import Glibc
#endif

/// Follows the `vrrp_track_process`es (keepalived's track_process.c): a /proc scan counts the
/// matching processes at start and at a reload, then the kernel's proc connector reports each
/// fork, exec, name change and exit, and only the process concerned is read again. Counts go
/// to the node as `NodeEvent.trackedProcess`; the node judges quorum and delays.
///
/// Without the connector (no CAP_NET_ADMIN, a kernel without CONFIG_PROC_EVENTS, a container's
/// pid namespace) /proc is scanned again every second instead, said once in the log and in
/// `status` (`processMonitor`).
final class ProcessTracker {
    enum Monitor: Equatable {
        /// `elsewhere`: opened from another network namespace than the daemon's (a daemon
        /// started with `ip netns exec`; the connector serves the initial one only).
        case connector(elsewhere: Bool)
        case polling(reason: String)
    }

    /// The connector socket, or the one-second timerfd of the fallback; -1 while nothing is tracked.
    private(set) var fileDescriptor: Int32 = -1
    private(set) var monitor: Monitor?
    private var definitions: [TrackProcessDefinition] = []
    /// Each counted process, with the trackers it counts for.
    private var counted: [Int32: Set<String>] = [:]

    /// Whether to try the connector at all (tests turn it off to exercise the fallback).
    private let usesConnector: Bool

    init(usesConnector: Bool = true) {
        self.usesConnector = usesConnector
    }

    deinit { stopMonitoring() }

    /// For `status`: how processes are followed.
    var monitorDescription: String? {
        switch monitor {
        case .connector(let elsewhere): return elsewhere ? "proc connector (opened in the initial network namespace)" : "proc connector"
        case .polling(let reason): return "scanning /proc every second (the proc connector cannot be used: \(reason))"
        case nil: return nil
        }
    }

    /// Follows exactly these; the connector is opened on first use and closed when nothing is
    /// tracked. Returns what to log (once): the fallback and its reason.
    func follow(_ wanted: [TrackProcessDefinition]) -> String? {
        definitions = wanted
        guard !wanted.isEmpty else {
            stopMonitoring()
            counted = [:]
            return nil
        }
        guard monitor == nil else { return nil }
        var elsewhere: Int32 = 0
        let descriptor = usesConnector ? vk_proc_connector_open(&elsewhere) : -1
        if !usesConnector { errno = EPERM }
        if descriptor >= 0 {
            fileDescriptor = descriptor
            monitor = .connector(elsewhere: elsewhere != 0)
            return nil
        }
        let reason = String(cString: strerror(errno))
        let timer = vk_timer_create()
        guard timer >= 0, vk_timer_every(timer, 1_000_000_000) == 0 else {
            // Said, never pretended: without the timer the counts change at a reload only.
            let problem = "\(reason); no timer for a rescan either (\(String(cString: strerror(errno)))): processes are counted at start and at a reload only"
            if timer >= 0 { close(timer) }
            fileDescriptor = -1
            monitor = .polling(reason: problem)
            return "track_process: cannot follow processes through the kernel's proc connector (\(problem))"
        }
        fileDescriptor = timer
        monitor = .polling(reason: reason)
        return "track_process: cannot follow processes through the kernel's proc connector (\(reason)); scanning /proc every second instead"
    }

    /// Counts every tracked process afresh (start, reload): one event per definition.
    func scan() -> [NodeEvent] {
        counted = readAll()
        let counts = self.counts
        return definitions.map { .trackedProcess($0.name, count: counts[$0.name] ?? 0, cause: .scan) }
    }

    /// What the connector reported since the last call, or a new scan in the fallback.
    func drain() -> [NodeEvent] {
        switch monitor {
        case nil:
            return []
        case .polling:
            var expirations: UInt64 = 0
            guard read(fileDescriptor, &expirations, 8) == 8 else { return [] }
            return rescan()
        case .connector:
            var events: [NodeEvent] = []
            var event = vk_proc_event()
            // Bounded, so a fork storm cannot hold the loop: the rest waits for the next turn.
            for _ in 0..<4_096 {
                let got = vk_proc_connector_read(fileDescriptor, &event)
                if got < 0 {
                    // Events were lost (the socket buffer overflowed): count again from /proc.
                    if errno == ENOBUFS { events += rescan(); continue }
                    break
                }
                if got == 1 { events += handle(event) }
            }
            return events
        }
    }

    // MARK: - Events

    private func handle(_ event: vk_proc_event) -> [NodeEvent] {
        switch Int(event.what) {
        case Int(VK_PROC_FORK):
            // keepalived's check_process_fork: the child of a counted process counts as it does.
            guard let names = counted[event.parent], !names.isEmpty else { return [] }
            counted[event.pid] = names
            return changes(adding: names, removing: [], cause: .fork)
        case Int(VK_PROC_EXEC):
            let before = counted[event.pid] ?? []
            let now = matching(pid: event.pid)
            counted[event.pid] = now.isEmpty ? nil : now
            return changes(adding: now.subtracting(before), removing: before.subtracting(now), cause: .exec)
        case Int(VK_PROC_COMM):
            // keepalived's check_process_comm_change: a name change says nothing about the
            // command line, so `full_command` trackers keep what they had.
            let comm = withUnsafeBytes(of: event.comm) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            let before = counted[event.pid] ?? []
            let byCommand = Set(definitions.filter(\.fullCommand).map(\.name)).intersection(before)
            let byName = Set(definitions.filter { !$0.fullCommand && $0.matches(comm: comm, commandLine: nil) }.map(\.name))
            let now = byCommand.union(byName)
            counted[event.pid] = now.isEmpty ? nil : now
            return changes(adding: now.subtracting(before), removing: before.subtracting(now), cause: .exec)
        case Int(VK_PROC_EXIT):
            guard let names = counted.removeValue(forKey: event.pid) else { return [] }
            return changes(adding: [], removing: names, cause: .exit)
        default:
            return []
        }
    }

    /// One event per tracker whose count moved (by one: one process changed).
    private func changes(adding: Set<String>, removing: Set<String>, cause: ProcessCountCause) -> [NodeEvent] {
        guard !adding.isEmpty || !removing.isEmpty else { return [] }
        let counts = self.counts
        return definitions.map(\.name).filter { adding.contains($0) || removing.contains($0) }.map {
            .trackedProcess($0, count: counts[$0] ?? 0, cause: cause)
        }
    }

    /// Counts again from /proc and reports the trackers whose count moved: fewer as exits
    /// (so `terminate_delay` applies), more as execs.
    private func rescan() -> [NodeEvent] {
        let before = counts
        counted = readAll()
        let after = counts
        return definitions.compactMap { definition in
            let old = before[definition.name] ?? 0, new = after[definition.name] ?? 0
            guard old != new else { return nil }
            return .trackedProcess(definition.name, count: new, cause: new < old ? .exit : .exec)
        }
    }

    private var counts: [String: Int] {
        var counts: [String: Int] = [:]
        for names in counted.values {
            for name in names { counts[name, default: 0] += 1 }
        }
        return counts
    }

    // MARK: - Reading /proc

    /// Every process's trackers, from one pass over /proc.
    private func readAll() -> [Int32: Set<String>] {
        var found: [Int32: Set<String>] = [:]
        guard let directory = opendir("/proc") else { return found }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name), pid > 0 else { continue }
            let names = matching(pid: pid)
            if !names.isEmpty { found[pid] = names }
        }
        return found
    }

    /// The trackers one process matches now. Its name and state come from /proc/PID/stat (a
    /// zombie matches no name, as in keepalived's read_procs), its command line from
    /// /proc/PID/cmdline, each read only when some tracker needs it.
    private func matching(pid: Int32) -> Set<String> {
        var comm: String?
        if definitions.contains(where: { !$0.fullCommand }), let stat = ProcFile.contents("/proc/\(pid)/stat", limit: 512) {
            // "PID (NAME) STATE ...": the name may itself hold parentheses and spaces.
            if let open = stat.firstIndex(of: UInt8(ascii: "(")), let close = stat.lastIndex(of: UInt8(ascii: ")")), open < close {
                let state = stat.index(close, offsetBy: 2, limitedBy: stat.endIndex).flatMap { $0 < stat.endIndex ? stat[$0] : nil }
                if state != UInt8(ascii: "Z") {
                    comm = String(decoding: stat[(open + 1)..<close], as: UTF8.self)
                }
            }
        }
        var commandLine: [UInt8]?
        if definitions.contains(where: \.fullCommand) {
            commandLine = ProcFile.contents("/proc/\(pid)/cmdline", limit: commandLineLimit)
        }
        return Set(definitions.filter { $0.matches(comm: comm, commandLine: commandLine) }.map(\.name))
    }

    /// Enough of a command line to tell every tracker apart (keepalived reads its longest
    /// `process` and parameters, plus two bytes): reading more would swap in a process's memory
    /// for nothing.
    private var commandLineLimit: Int {
        definitions.filter(\.fullCommand).map { definition in
            (definition.process?.utf8.count ?? 0) + 1 + definition.parameters.reduce(0) { $0 + $1.utf8.count + 1 }
        }.max().map { $0 + 2 } ?? 0
    }

    private func stopMonitoring() {
        if fileDescriptor >= 0 { close(fileDescriptor) }
        fileDescriptor = -1
        monitor = nil
    }
}
