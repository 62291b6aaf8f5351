#if canImport(Glibc)
import Glibc
#endif
import Config
import Logging
import Foundation
import Testing
import VRRP
@testable import Agent

@Suite("check and notify processes")
struct ProcessTests {
    /// Waits for the supervisor's children with poll(2), as the event loop does.
    func drive(_ supervisor: ProcessSupervisor, for seconds: Double) {
        let end = MonotonicClock.now() + .milliseconds(Int64(seconds * 1000))
        while MonotonicClock.now() < end && !supervisor.isEmpty {
            var descriptors = supervisor.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 20)
            for descriptor in descriptors where descriptor.revents != 0 { supervisor.exited(descriptor.fd) }
            supervisor.expire(now: MonotonicClock.now())
        }
    }

    @Test("exit codes become outcomes; argv is split without a shell")
    func exitCodes() throws {
        let supervisor = ProcessSupervisor()
        var outcomes: [String: ChildProcess.Outcome] = [:]
        for command in ["/bin/true", "/bin/false", "test -d /", "sh -c 'exit 3'"] {
            try supervisor.start(ScriptCommand(command), credentials: .inherit, timeout: .seconds(5), now: MonotonicClock.now()) {
                outcomes[command] = $0
            }
        }
        drive(supervisor, for: 5)
        #expect(outcomes == ["/bin/true": .exited(0), "/bin/false": .exited(1), "test -d /": .exited(0), "sh -c 'exit 3'": .exited(3)])
    }

    @Test("a missing executable fails to start with a reason")
    func missing() {
        #expect(throws: AgentError.self) {
            try ProcessSupervisor().start(ScriptCommand("/nonexistent/check"), credentials: .inherit, timeout: .seconds(1), now: .origin) { _ in }
        }
    }

    @Test("a hanging script is killed at its timeout with everything it started")
    func timeout() throws {
        let marker = "/tmp/vipkeeper-grandchild-\(getpid())"
        let supervisor = ProcessSupervisor()
        var outcome: ChildProcess.Outcome?
        let started = Date()
        // The shell starts a grandchild that records its pid, then both sleep.
        try supervisor.start(ScriptCommand("sh -c 'sleep 60 & echo $! > \(marker); sleep 60'"), credentials: .inherit,
                             timeout: .milliseconds(500), now: MonotonicClock.now()) { outcome = $0 }
        drive(supervisor, for: 5)
        #expect(outcome == .timedOut)
        #expect(Date().timeIntervalSince(started) < 5)
        let grandchild = Int32((try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        defer { unlink(marker) }
        #expect(grandchild > 0)
        // Dead means gone, or a zombie waiting for init to reap it (state Z in /proc/PID/stat).
        let dead = waitUntilDead(grandchild)
        #expect(dead, "the grandchild \(grandchild) survived the timeout")
        #expect(HealthMonitor.outcome(of: .timedOut, timeout: .milliseconds(500)).reason?.hasPrefix("timed out") == true)
    }

    func waitUntilDead(_ pid: Int32) -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(20_000)
        }
        return false
    }

    @Test("notify scripts: the state-specific one, then notify with INSTANCE NAME STATE PRIORITY")
    func notifyJobs() {
        var commands = NotifyCommands()
        commands.master = ScriptCommand("/usr/local/bin/became-master")
        commands.generic = ScriptCommand("/usr/local/bin/notify")
        let master = NotifyQueue.jobs(for: commands, scope: "INSTANCE", name: "VI_1", state: .master, priority: 110, stopping: false)
        #expect(master.map(\.command.text) == ["/usr/local/bin/became-master", "/usr/local/bin/notify"])
        #expect(master.last?.arguments == ["INSTANCE", "VI_1", "MASTER", "110"])
        let stop = NotifyQueue.jobs(for: commands, scope: "INSTANCE", name: "VI_1", state: .initialize, priority: 110, stopping: true)
        #expect(stop.map(\.arguments) == [["INSTANCE", "VI_1", "STOP", "110"]])
        #expect(NotifyQueue.jobs(for: commands, scope: "GROUP", name: "VG1", state: .backup, priority: 90, stopping: false).map(\.arguments)
                == [["GROUP", "VG1", "BACKUP", "90"]])
        #expect(NotifyQueue.jobs(for: NotifyCommands(), scope: "INSTANCE", name: "VI_1", state: .fault, priority: 1, stopping: false).isEmpty)
    }

    @Test("notify scripts of one instance run one at a time, in order")
    func notifyOrder() throws {
        let log = "/tmp/vipkeeper-notify-\(getpid())"
        defer { unlink(log) }
        let supervisor = ProcessSupervisor()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let queue = NotifyQueue(supervisor: supervisor, credentials: .inherit, logger: logger)
        for state in ["BACKUP", "MASTER", "FAULT"] {
            // Each script sleeps a little, so out-of-order or parallel runs would interleave.
            let job = NotifyQueue.Job(command: ScriptCommand("sh -c 'sleep 0.1; echo \(state) >> \(log)'"), arguments: [], label: "notify")
            queue.enqueue([job], instance: "VI_1", now: MonotonicClock.now())
        }
        #expect(supervisor.descriptors.count == 1)
        drive(supervisor, for: 5)
        #expect(queue.isIdle)
        #expect((try? String(contentsOfFile: log, encoding: .utf8)) == "BACKUP\nMASTER\nFAULT\n")
    }
}
