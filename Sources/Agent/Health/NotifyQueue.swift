import Node

/// Notify scripts run one at a time per queue (an instance, or a sync group), in the order
/// the node asked for them; queues run side by side.
struct NotifyQueue {
    private var pending: [String: [NotifyJob]] = [:]
    private var busy: Set<String> = []

    /// Queues a job; returns it when its queue is idle and it should start now.
    mutating func enqueue(_ job: NotifyJob) -> NotifyJob? {
        guard !busy.contains(job.queue) else {
            pending[job.queue, default: []].append(job)
            return nil
        }
        busy.insert(job.queue)
        return job
    }

    /// The running job of `queue` finished (or failed to start); returns the next one to start.
    mutating func finished(queue: String) -> NotifyJob? {
        guard var waiting = pending[queue], !waiting.isEmpty else {
            busy.remove(queue)
            pending[queue] = nil
            return nil
        }
        let next = waiting.removeFirst()
        pending[queue] = waiting
        return next
    }

    var isIdle: Bool { busy.isEmpty }
}
