import ControlProtocol
import VRRP

/// What the node has asked of a notify FIFO, and what failed: `status` shows it.
struct NotifyFIFOCounters: Hashable, Sendable {
    var lines = 0
    var dropped = 0
    var failures = 0
    var lastError: String?
    /// A failure is logged once per FIFO; the rest are counted.
    var logged = false
}

extension Node {
    /// The effects that write `line` to every notify FIFO (none when there is none).
    mutating func notifyFIFOLines(_ line: NotifyFIFOLine) -> [NodeEffect] {
        configuration.notifyFIFOs.map { fifo in
            notifyFIFOCounters[fifo.path, default: NotifyFIFOCounters()].lines += 1
            return .writeNotifyFIFO(line, path: fifo.path)
        }
    }

    /// The FIFO lines of an instance's notify (`INSTANCE "VI_1" MASTER 100`), with its
    /// effective priority, as keepalived's `notify_instance_fifo`.
    mutating func notifyFIFOLines(instance index: Int, _ event: NotifyJob.Event) -> [NodeEffect] {
        guard let kind = NotifyFIFOLine.event(of: event) else { return [] }
        return notifyFIFOLines(NotifyFIFOLine(.instance(instances[index].name), kind, priority: instances[index].router.priority))
    }

    /// `notify_priority_changes`: keepalived's `send_instance_priority_notifies`, written when
    /// the effective priority changes: MASTER_PRIORITY while Master, BACKUP_PRIORITY otherwise
    /// (an instance not yet started, in INIT, reports nothing: its first priority is no change).
    mutating func priorityChangeLines(of index: Int, from before: UInt8, in state: RouterState) -> [NodeEffect] {
        let after = instances[index].router.priority
        guard after != before, state != .initialize, instances[index].bound.notifyPriorityChanges else { return [] }
        return notifyFIFOLines(NotifyFIFOLine(.instance(instances[index].name), state == .master ? .masterPriority : .backupPriority,
                                              priority: after))
    }

    /// A FIFO line not written: counted; the first failure of each FIFO is logged.
    mutating func notifyFIFOFailed(_ line: NotifyFIFOLine, path: String, _ error: EffectError) -> [NodeEffect] {
        var counters = notifyFIFOCounters[path, default: NotifyFIFOCounters()]
        if error.code == EffectError.wouldBlock { counters.dropped += 1 } else { counters.failures += 1 }
        counters.lastError = error.message
        defer { notifyFIFOCounters[path] = counters }
        guard !counters.logged else { return [] }
        counters.logged = true
        let why = error.code == EffectError.wouldBlock ? "the pipe is full (its reader is not keeping up); the line is dropped" : "\(error)"
        return [.log(LogLine(.error, "notify fifo \(path): `\(line)` not written: \(why); further failures are counted in `vipkeeper status`, not logged"))]
    }

    /// The notify FIFOs as `status` shows them.
    var notifyFIFOReports: [StatusReport.NotifyFIFO]? {
        guard !configuration.notifyFIFOs.isEmpty else { return nil }
        return configuration.notifyFIFOs.map { fifo in
            let counters = notifyFIFOCounters[fifo.path] ?? NotifyFIFOCounters()
            return StatusReport.NotifyFIFO(path: fifo.path, linesWritten: counters.lines - counters.dropped - counters.failures,
                                           linesDropped: counters.dropped, failures: counters.failures, lastError: counters.lastError)
        }
    }
}

extension EffectError {
    /// Linux EAGAIN: a non-blocking write found the pipe full (the node imports no C library).
    public static let wouldBlock: Int32 = 11
}
