#if canImport(Glibc)
import Glibc
#endif
import Config
import Foundation
import Node
import Testing
import VRRP
@testable import Agent

@Suite("check and notify processes")
struct ProcessTests {
    typealias Supervisor = ProcessSupervisor<String>

    /// Waits for the supervisor's children with poll(2), as the event loop does.
    func drive(_ supervisor: Supervisor, for seconds: Double) -> [String: ChildOutcome] {
        var outcomes: [String: ChildOutcome] = [:]
        let end = MonotonicClock.now() + .milliseconds(Int64(seconds * 1000))
        while MonotonicClock.now() < end && !supervisor.isEmpty {
            var descriptors = supervisor.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 20)
            for descriptor in descriptors where descriptor.revents != 0 {
                if let finished = supervisor.readable(descriptor.fd) { outcomes[finished.tag] = finished.outcome }
            }
            for finished in supervisor.expire(now: MonotonicClock.now()).finished { outcomes[finished.tag] = finished.outcome }
        }
        return outcomes
    }

    @Test("exit codes become outcomes; argv is split without a shell")
    func exitCodes() throws {
        let supervisor = Supervisor()
        for command in ["/bin/true", "/bin/false", "test -d /", "sh -c 'exit 3'"] {
            try supervisor.start(ScriptCommand(command), credentials: .inherit, timeout: .seconds(5), now: MonotonicClock.now(), tag: command)
        }
        let outcomes = drive(supervisor, for: 5)
        #expect(outcomes == ["/bin/true": .exited(0), "/bin/false": .exited(1), "test -d /": .exited(0), "sh -c 'exit 3'": .exited(3)])
    }

    @Test("a missing executable fails to start with a reason")
    func missing() {
        #expect(throws: AgentError.self) {
            try Supervisor().start(ScriptCommand("/nonexistent/check"), credentials: .inherit, timeout: .seconds(1), now: .origin, tag: "x")
        }
    }

    @Test("a hanging script is killed at its timeout with everything it started")
    func timeout() throws {
        let marker = "/tmp/vipkeeper-grandchild-\(getpid())"
        let supervisor = Supervisor()
        // The shell starts a grandchild that records its pid, then both sleep.
        try supervisor.start(ScriptCommand("sh -c 'sleep 60 & echo $! > \(marker); sleep 60'"), credentials: .inherit,
                             timeout: .milliseconds(500), now: MonotonicClock.now(), tag: "hang")
        let outcomes = drive(supervisor, for: 5)
        #expect(outcomes["hang"] == .timedOut)
        let grandchild = Int32((try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        defer { unlink(marker) }
        #expect(grandchild > 0)
        // Dead means gone, or a zombie waiting for init to reap it (state Z in /proc/PID/stat).
        #expect(waitUntilDead(grandchild), "the grandchild \(grandchild) survived the timeout")
        // The killed shell itself is reaped once its pidfd says so: nothing is left to poll.
        let end = MonotonicClock.now() + .seconds(5)
        while !supervisor.descriptors.isEmpty && MonotonicClock.now() < end {
            var descriptors = supervisor.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 20)
            for descriptor in descriptors where descriptor.revents != 0 { _ = supervisor.readable(descriptor.fd) }
        }
        #expect(supervisor.descriptors.isEmpty)
    }

    func waitUntilDead(_ pid: Int32) -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(20_000)
        }
        return false
    }

    /// A child that never exits, even after SIGKILL (a process stuck in the kernel).
    final class UnkillableChild: ChildHandle {
        let pid: pid_t = 999_999
        let pidFileDescriptor: Int32
        private(set) var kills = 0
        init(descriptor: Int32) { pidFileDescriptor = descriptor }
        func reap() -> ChildOutcome? { nil }
        func kill() { kills += 1 }
    }

    @Test("a child that does not exit after SIGKILL is reported timed out at once, never waited for, and counted as stuck")
    func unkillable() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let child = UnkillableChild(descriptor: fds[0])
        let supervisor = Supervisor(stuckAfter: .seconds(5)) { _, _, _ in child }
        try supervisor.start(ScriptCommand("/stuck"), credentials: .inherit, timeout: .seconds(1), now: .seconds(10), tag: "chk")
        #expect(supervisor.expire(now: .seconds(10.5)).finished.isEmpty)
        // At the deadline: SIGKILL, reported as timed out in the same call (nothing blocks).
        let atDeadline = supervisor.expire(now: .seconds(11))
        #expect(atDeadline.finished.map(\.outcome) == [.timedOut])
        #expect(child.kills == 1)
        #expect(supervisor.isEmpty)
        #expect(supervisor.dyingChild { $0 == "chk" } == 999_999)
        #expect(supervisor.stuck == 0)
        // Still there 5 s after the kill: reported once, counted.
        let later = supervisor.expire(now: .seconds(16))
        #expect(later.stuck.count == 1 && later.stuck[0].contains("999999"))
        #expect(supervisor.expire(now: .seconds(20)).stuck.isEmpty)
        #expect(supervisor.stuck == 1)
        #expect(supervisor.descriptors == [fds[0]])
    }

    @Test("notify jobs of one queue run one at a time, in order; queues run side by side")
    func notifyQueue() {
        func job(_ queue: String, _ label: String) -> NotifyJob {
            NotifyJob(queue: queue, label: label, command: ScriptCommand("/bin/true"), arguments: [], credentials: .inherit)
        }
        var queue = NotifyQueue()
        #expect(queue.enqueue(job("VI_1", "a")) == job("VI_1", "a"))
        #expect(queue.enqueue(job("VI_1", "b")) == nil)
        #expect(queue.enqueue(job("VI_2", "c")) == job("VI_2", "c"))
        #expect(queue.enqueue(job("VI_1", "d")) == nil)
        #expect(queue.finished(queue: "VI_1") == job("VI_1", "b"))
        #expect(queue.finished(queue: "VI_1") == job("VI_1", "d"))
        #expect(queue.finished(queue: "VI_2") == nil)
        #expect(!queue.isIdle)
        #expect(queue.finished(queue: "VI_1") == nil)
        #expect(queue.isIdle)
    }

    @Test("timers: one per slot, arming replaces, due ones come out earliest first")
    func timers() {
        var table = TimerTable()
        let instance = InstanceID(1)
        table.arm(.router(instance, TimerToken(kind: .masterDown, generation: 1)), at: .seconds(5))
        table.arm(.router(instance, TimerToken(kind: .masterDown, generation: 2)), at: .seconds(3))
        table.arm(.check(CheckID(1)), at: .seconds(2))
        table.arm(.addressRetry(instance), at: .seconds(9))
        #expect(table.count == 3)
        table.cancel(.addressRetry(instance))
        #expect(table.nextDeadline() == .seconds(2))
        #expect(table.popDue(at: .seconds(4)) == [.check(CheckID(1)), .router(instance, TimerToken(kind: .masterDown, generation: 2))])
        #expect(table.count == 0)
        #expect(table.nextDeadline() == nil)
    }

    @Test("timers: thousands of re-arms keep only the live ones and pop in deadline order")
    func timerChurn() {
        var table = TimerTable()
        for round in 1...200 {
            for vrid in 1...50 {
                let deadline = Instant.origin + .milliseconds(round * 10 + (vrid * 7919) % 1000)
                table.arm(.router(InstanceID(UInt64(vrid)), TimerToken(kind: .advertisement, generation: UInt64(round))), at: deadline)
            }
        }
        #expect(table.count == 50)
        var previous = Instant.origin
        var popped = 0
        while let next = table.nextDeadline() {
            #expect(next >= previous)
            previous = next
            popped += table.popDue(at: next).count
        }
        #expect(popped == 50)
        #expect(table.count == 0)
    }
}
