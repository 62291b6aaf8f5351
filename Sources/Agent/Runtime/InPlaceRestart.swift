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

/// `vipkeeper restart`: the running daemon hands its Masters to a new image of the installed
/// binary in the same process (execve keeps the pid, so systemd sees no restart), and the new
/// image stays Master instead of starting as a Backup (`NodeEvent.resume`). The peer hears its
/// first advert within tens of milliseconds, long before its Master_Down_Timer could run out:
/// a package upgrade moves no VIP at all.
///
/// What passes between the two images is `resume.json` in the state directory: the pid, the
/// CLOCK_MONOTONIC time it was written (the clock survives execve; a record older than
/// `maximumAge` is stale) and the instances that were Master. A new image takes it only when
/// the pid is its own, so a record left by a crash is never taken by another process.
enum InPlaceRestart {
    struct Record: Codable, Equatable {
        var pid: Int32
        var writtenAtNanoseconds: Int64
        var masters: [String]
    }

    static let fileName = "resume.json"
    /// From the old image's request to the new image's start: an exec and a configuration load
    /// take tens of milliseconds; a record this old is from something else.
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

    /// The Masters the image this process replaced left to it; nil when this start is not an
    /// in-place restart (no record, another pid's, stale or unreadable). The record is removed
    /// either way: it is good for one start.
    static func take(directory: String, pid: Int32, now: Instant) -> (masters: Set<String>?, problem: String?) {
        let file = path(in: directory)
        guard let data = FileManager.default.contents(atPath: file) else { return (nil, nil) }
        unlink(file)
        guard let record = try? JSONDecoder().decode(Record.self, from: data) else {
            return (nil, "\(file) cannot be read as a resume record; starting as usual")
        }
        guard record.pid == pid else { return (nil, nil) }  // another process's: a crash left it
        let age = now.sinceOrigin - .nanoseconds(record.writtenAtNanoseconds)
        guard age >= .zero, age <= maximumAge else {
            return (nil, "the resume record in \(file) is \(age.formattedSeconds) s old; starting as usual")
        }
        return (Set(record.masters), nil)
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
