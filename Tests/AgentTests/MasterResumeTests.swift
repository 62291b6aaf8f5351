import Foundation
import Glibc
import Testing
import VRRP
@testable import Agent

@Suite("resume.json: who may take a restart's Masters")
struct MasterResumeTests {
    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "vk-resume-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func write(_ record: MasterResume.Record, in directory: String) throws {
        try MasterResume.write(record, directory: directory)
    }

    func nanoseconds(_ instant: Instant) -> Int64 {
        let (seconds, attoseconds) = instant.sinceOrigin.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    @Test("in place: only the same pid takes it; a successor's: only another pid, once the writer is gone; stale or unreadable: nobody; taken once")
    func takers() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = MonotonicClock.now()
        let me = getpid()

        try write(.init(pid: me, writtenAtNanoseconds: nanoseconds(now), masters: ["VI_1"], kind: .inPlace), in: folder)
        #expect(MasterResume.take(directory: folder, pid: me + 1, now: now).found == nil, "another pid took an in-place record")
        #expect(!FileManager.default.fileExists(atPath: MasterResume.path(in: folder)), "a record is good for one start")
        try write(.init(pid: me, writtenAtNanoseconds: nanoseconds(now), masters: ["VI_1"], kind: nil), in: folder)
        #expect(MasterResume.take(directory: folder, pid: me, now: now).found == .init(masters: ["VI_1"], kind: .inPlace, writer: me))

        // A successor's record: the writer (this test process) still runs, so nobody takes it.
        try write(.init(pid: me, writtenAtNanoseconds: nanoseconds(now), masters: ["VI_1"], kind: .successor), in: folder)
        let live = MasterResume.take(directory: folder, pid: me + 1, now: now)
        #expect(live.found == nil && live.problem?.contains("which still runs") == true, "\(String(describing: live.problem))")
        // Its writer gone (a child that exited and was reaped): the next process takes it.
        let child = fork()
        if child == 0 { _exit(0) }
        var status: Int32 = 0
        #expect(waitpid(child, &status, 0) == child)
        try write(.init(pid: child, writtenAtNanoseconds: nanoseconds(now), masters: ["VI_1", "VI_2"], kind: .successor,
                        checks: ["chk_harbor": false]), in: folder)
        #expect(MasterResume.take(directory: folder, pid: me, now: now + .milliseconds(300)).found
                == .init(masters: ["VI_1", "VI_2"], kind: .successor, writer: child, checks: ["chk_harbor": false]))

        try write(.init(pid: child, writtenAtNanoseconds: nanoseconds(now), masters: ["VI_1"], kind: .successor), in: folder)
        let stale = MasterResume.take(directory: folder, pid: me, now: now + .seconds(11))
        #expect(stale.found == nil && stale.problem?.contains("s old; starting as usual") == true)

        FileManager.default.createFile(atPath: MasterResume.path(in: folder), contents: Data("{\"pid\":".utf8))
        let broken = MasterResume.take(directory: folder, pid: me, now: now)
        #expect(broken.found == nil && broken.problem?.contains("cannot be read as a resume record") == true)
    }
}
