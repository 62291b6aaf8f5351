import Config
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Every child process the daemon runs (check scripts, notify scripts), watched through
/// pidfds in the event loop. Nothing here waits: a child past its deadline gets SIGKILL (its
/// whole process group) and is reported as timed out at once; it is reaped when its pidfd
/// says it has gone. One that is still there `stuckAfter` the kill (stuck in the kernel, in
/// uninterruptible sleep) is reported once and counted, and never delays anything else.
final class ProcessSupervisor<Tag> {
    struct Finished {
        var tag: Tag
        var outcome: ChildOutcome
        var startedAt: Instant
        /// The timeout it was started with.
        var timeout: Duration
    }

    private struct Running {
        let child: ChildHandle
        let tag: Tag
        let startedAt: Instant
        /// nil: runs as long as it likes (a notify FIFO's script).
        let deadline: Instant?
    }

    private struct Dying {
        let child: ChildHandle
        let tag: Tag
        let killedAt: Instant
        var reported = false
    }

    typealias Launcher = (ScriptCommand, Credentials, [String]) throws(AgentError) -> ChildHandle

    private let launch: Launcher
    let stuckAfter: Duration
    private var running: [Int32: Running] = [:]
    private var dying: [Int32: Dying] = [:]

    init(stuckAfter: Duration = .seconds(5),
         launch: @escaping Launcher = { command, credentials, arguments throws(AgentError) in
             try ChildProcess(command, credentials: credentials, extraArguments: arguments)
         }) {
        self.stuckAfter = stuckAfter
        self.launch = launch
    }

    /// Starts a child; without a `timeout` it is never killed before shutdown.
    func start(_ command: ScriptCommand, credentials: Credentials, extraArguments: [String] = [], timeout: Duration?,
               now: Instant, tag: Tag) throws(AgentError) {
        let child = try launch(command, credentials, extraArguments)
        running[child.pidFileDescriptor] = Running(child: child, tag: tag, startedAt: now, deadline: timeout.map { now + $0 })
    }

    /// Whether a running child's tag matches.
    func isRunning(where matches: (Tag) -> Bool) -> Bool {
        running.values.contains { matches($0.tag) }
    }

    /// Every pidfd to poll: running children and killed ones not yet gone.
    var descriptors: [Int32] { (Array(running.keys) + Array(dying.keys)).sorted() }

    /// The earliest timeout or stuck-child deadline. Asked every turn of the event loop, so it
    /// allocates nothing and uses no key path (this generic class would instantiate one on
    /// every call: a sixth of an idle Backup's CPU at 10 ms adverts).
    var nextDeadline: Instant? {
        var earliest: Instant?
        for child in running.values {
            guard let deadline = child.deadline else { continue }
            if earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        for child in dying.values where !child.reported {
            let deadline = child.killedAt + stuckAfter
            if earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        return earliest
    }

    var isEmpty: Bool { running.isEmpty }
    /// Children that did not exit `stuckAfter` their SIGKILL.
    var stuck: Int { dying.values.filter { $0.reported }.count }

    /// The pid of a killed child whose tag matches and that is still there: the next run of
    /// the same check must not start beside it.
    func dyingChild(where matches: (Tag) -> Bool) -> pid_t? {
        dying.values.first { matches($0.tag) }?.child.pid
    }

    /// A pidfd became readable: the child exited (or a killed one is finally gone).
    func readable(_ descriptor: Int32) -> Finished? {
        if let entry = running[descriptor] {
            guard let outcome = entry.child.reap() else { return nil }
            running[descriptor] = nil
            return Finished(tag: entry.tag, outcome: outcome, startedAt: entry.startedAt, timeout: entry.deadline.map { $0 - entry.startedAt } ?? .zero)
        }
        if let entry = dying[descriptor], entry.child.reap() != nil {
            dying[descriptor] = nil
        }
        return nil
    }

    /// Kills children past their deadline and reports them timed out; returns the lines to log
    /// about killed children that will not go away.
    func expire(now: Instant) -> (finished: [Finished], stuck: [String]) {
        var finished: [Finished] = []
        for (descriptor, entry) in running.sorted(by: { $0.key < $1.key }) {
            guard let deadline = entry.deadline, deadline <= now else { continue }
            running[descriptor] = nil
            entry.child.kill()
            if entry.child.reap() == nil {
                dying[descriptor] = Dying(child: entry.child, tag: entry.tag, killedAt: now)
            }
            finished.append(Finished(tag: entry.tag, outcome: .timedOut, startedAt: entry.startedAt, timeout: deadline - entry.startedAt))
        }
        var lines: [String] = []
        for (descriptor, entry) in dying.sorted(by: { $0.key < $1.key }) where !entry.reported && now >= entry.killedAt + stuckAfter {
            dying[descriptor]?.reported = true
            lines.append("child process \(entry.child.pid) has not exited \(stuckAfter.formattedSeconds) s after SIGKILL (stuck in the kernel?); it is not waited for")
        }
        return (finished, lines)
    }

    /// Kills every child (shutdown); nothing is waited for.
    func killAll() {
        for entry in running.values { entry.child.kill() }
        for entry in dying.values { entry.child.kill() }
    }
}
