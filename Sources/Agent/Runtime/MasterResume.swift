#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// A restart of the daemon that keeps its Masters Master, so no VIP moves: the process that
/// stops writes `resume.json` in the state directory, and the process that starts next resumes
/// those instances as Master (`NodeEvent.resume`): advert at once, the VIPs (still on their
/// devices) kept. The peer hears it within tens of milliseconds, long before its
/// Master_Down_Timer runs out. Two ways:
/// - `vipkeeper restart` (`MasterRestart.inPlace`): the daemon executes the installed binary in its own
///   process (execve keeps the pid, so systemd sees no restart);
/// - `systemctl restart` (`MasterRestart.successor`): the unit's ExecStop (`vipkeeper hand-off
///   --if-restarting`) asks the daemon to hand off; it exits keeping the VIPs, and the process
///   systemd starts next takes them.
///
/// The record holds the pid, the CLOCK_MONOTONIC time it was written (a record older than
/// `maximumAge` is stale) and the instances that were Master. An in-place record is taken only
/// by its own pid; a successor's only once its writer has exited. A crash writes none, so its
/// leftovers are removed at the next start as always.
enum MasterResume {
    struct Record: Codable, Equatable {
        var pid: Int32
        var writtenAtNanoseconds: Int64
        var masters: [String]
        /// `inPlace` or `successor`; nil in records of 0.2.0, which only restarted in place.
        var kind: MasterRestart?
        /// Every check's verdict, by name (nil in records of 0.2.0).
        var checks: [String: Bool]?
    }

    /// What a start found: the Masters to resume and who left them, or nil; and a problem to log.
    struct Found: Equatable {
        var masters: Set<String>
        var kind: MasterRestart
        var writer: Int32
        var checks: [String: Bool] = [:]
    }

    static let fileName = "resume.json"
    /// From the old process's request to the new one's start: an exec, or systemd's stop and
    /// start (ExecCondition, ExecStartPre), and a configuration load take well under a second;
    /// a record this old is from something else.
    static let maximumAge: Duration = .seconds(10)

    static func path(in directory: String) -> String { directory + "/" + fileName }

    static func write(_ record: Record, directory: String) throws(AgentError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(record)
        } catch {
            throw .state(path: path(in: directory), reason: "cannot encode the resume record: \(error)")
        }
        try AtomicFile.write(Array(data), to: path(in: directory), mode: 0o600, durable: false)
    }

    /// The Masters the process before this one left to it; nil when this start is not such a
    /// restart (no record, another live process's, stale or unreadable). The record is
    /// removed either way: it is good for one start.
    static func take(directory: String, pid: Int32, now: Instant) -> (found: Found?, problem: String?) {
        let file = path(in: directory)
        guard let data = FileManager.default.contents(atPath: file) else { return (nil, nil) }
        unlink(file)
        guard let record = try? JSONDecoder().decode(Record.self, from: data) else {
            return (nil, "\(file) cannot be read as a resume record; starting as usual")
        }
        let kind = record.kind ?? .inPlace
        switch kind {
        case .inPlace:
            guard record.pid == pid else { return (nil, nil) }  // another process's: a crash left it
        case .successor:
            guard record.pid != pid else { return (nil, nil) }
            // The writer must be gone: systemd starts the next process once it has exited.
            guard hasExited(record.pid) else {
                return (nil, "the resume record in \(file) is from pid \(record.pid), which still runs; starting as usual")
            }
        case .reload:
            return (nil, "\(file) names a reload, which no process writes; starting as usual")
        }
        let age = now.sinceOrigin - .nanoseconds(record.writtenAtNanoseconds)
        guard age >= .zero, age <= maximumAge else {
            return (nil, "the resume record in \(file) is \(age.formattedSeconds) s old; starting as usual")
        }
        return (Found(masters: Set(record.masters), kind: kind, writer: record.pid, checks: record.checks ?? [:]), nil)
    }

    /// A hand-off record nobody took (`AbandonedHandOff`): its writer has exited and no next
    /// process removed it. Left in place.
    static func untakenHandOff(directory: String) -> Record? {
        guard let data = FileManager.default.contents(atPath: path(in: directory)),
              let record = try? JSONDecoder().decode(Record.self, from: data),
              record.kind == .successor, hasExited(record.pid) else { return nil }
        return record
    }

    /// Whether `pid` is gone (not merely another user's).
    private static func hasExited(_ pid: Int32) -> Bool {
        kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Replaces this process's image with `path` run with `arguments` (argv[0] included): every
    /// descriptor but standard input, output and error (the journal stream) closes in the
    /// exec, so sockets and listeners are made anew and nothing leaks across restarts. Only
    /// returns on failure, with the errno.
    static func exec(_ path: String, arguments: [String]) -> Int32 {
        _ = vk_cloexec_from(3)
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        execv(path, pointers)
        return errno
    }

    /// The children the replaced image left running (check or notify scripts): they are this
    /// process's children now, and nobody else reaps them.
    static func inheritedChildren() -> [pid_t] {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return [] }
        return tasks.flatMap { task -> [pid_t] in
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8) else { return [] }
            return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { pid_t($0) }
        }
    }
}
