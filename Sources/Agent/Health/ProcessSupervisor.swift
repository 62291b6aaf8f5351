import Config
import VRRP

/// Every child process the daemon runs (check scripts, notify scripts), watched through
/// pidfds in the event loop and killed, with its whole process group, at its deadline.
final class ProcessSupervisor {
    private struct Entry {
        let child: ChildProcess
        let deadline: Instant
        let completion: (ChildProcess.Outcome) -> Void
    }

    private var entries: [Int32: Entry] = [:]

    func start(_ command: ScriptCommand, credentials: ScriptCredentials, extraArguments: [String] = [],
               timeout: Duration, now: Instant, completion: @escaping (ChildProcess.Outcome) -> Void) throws(AgentError) {
        let child = try ChildProcess(command, credentials: credentials, extraArguments: extraArguments)
        entries[child.pidFileDescriptor] = Entry(child: child, deadline: now + timeout, completion: completion)
    }

    var descriptors: [Int32] { entries.keys.sorted() }
    var nextDeadline: Instant? { entries.values.map(\.deadline).min() }
    var isEmpty: Bool { entries.isEmpty }

    /// A pidfd became readable: the child exited.
    func exited(_ descriptor: Int32) {
        guard let entry = entries[descriptor], let outcome = entry.child.reap() else { return }
        entries[descriptor] = nil
        entry.completion(outcome)
    }

    /// Kills children past their deadline.
    func expire(now: Instant) {
        for (descriptor, entry) in entries.sorted(by: { $0.key < $1.key }) where entry.deadline <= now {
            entries[descriptor] = nil
            entry.completion(entry.child.terminate())
        }
    }

    /// Kills every child (shutdown).
    func terminateAll() {
        let all = entries
        entries = [:]
        for (_, entry) in all.sorted(by: { $0.key < $1.key }) {
            entry.completion(entry.child.terminate())
        }
    }
}
