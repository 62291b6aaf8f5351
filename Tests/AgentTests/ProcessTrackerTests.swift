#if canImport(Glibc)
import Glibc
#endif
import Config
import Foundation
import Node
import Testing
@testable import Agent

/// The runtime half of `track_process`: counts from /proc, then the proc connector's events
/// (or, without it, a scan every second), on a process this test starts and kills by pid.
@Suite("track_process: the process tracker", .serialized)
struct ProcessTrackerTests {
    /// A copy of /bin/sleep under a unique name (its comm), in a temporary directory.
    private func dummy() throws -> (name: String, path: String) {
        let name = "vkpt\(getpid() % 100000)"
        let directory = NSTemporaryDirectory() + "vkpt-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        if !FileManager.default.fileExists(atPath: path) { try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: path) }
        return (name, path)
    }

    private func start(_ path: String) throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), strdup("60"), nil]
        defer { argv.forEach { free($0) } }
        try #require(posix_spawn(&pid, path, nil, nil, argv, environ) == 0)
        return pid
    }

    private func kill(_ pid: pid_t) {
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Drains the tracker until `name`'s count is `count` (bounded), as the event loop would.
    private func wait(_ tracker: ProcessTracker, for name: String, count: Int, seconds: Double) -> [NodeEvent] {
        var seen: [NodeEvent] = []
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            var descriptor = pollfd(fd: tracker.fileDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 50)
            seen += tracker.drain()
            if case .trackedProcess(name, count, _)? = seen.last(where: { if case .trackedProcess(name, _, _) = $0 { true } else { false } }) {
                return seen
            }
        }
        return seen
    }

    private func definition(_ process: String) -> TrackProcessDefinition {
        var definition = TrackProcessDefinition(name: "dummy", location: .unplaced)
        definition.process = process
        return definition
    }

    @Test("proc connector: an exec is counted, an exit uncounted, each as it happens", .enabled(if: getuid() == 0, "the proc connector needs CAP_NET_ADMIN"))
    func connector() throws {
        let (name, path) = try dummy()
        let tracker = ProcessTracker()
        #expect(tracker.follow([definition(name)]) == nil)
        #expect(tracker.monitor == .connector(elsewhere: false))
        #expect(tracker.scan() == [.trackedProcess("dummy", count: 0, cause: .scan)])
        let pid = try start(path)
        #expect(wait(tracker, for: "dummy", count: 1, seconds: 2).last == .trackedProcess("dummy", count: 1, cause: .exec))
        kill(pid)
        #expect(wait(tracker, for: "dummy", count: 0, seconds: 2).last == .trackedProcess("dummy", count: 0, cause: .exit))
    }

    @Test("without the connector: /proc is scanned every second, said once, and counts move as exec and exit")
    func polling() throws {
        let (name, path) = try dummy()
        let tracker = ProcessTracker(usesConnector: false)
        let note = try #require(tracker.follow([definition(name)]))
        #expect(note.contains("scanning /proc every second"))
        #expect(tracker.monitorDescription?.hasPrefix("scanning /proc every second") == true)
        let pid = try start(path)
        #expect(tracker.scan() == [.trackedProcess("dummy", count: 1, cause: .scan)])
        kill(pid)
        #expect(wait(tracker, for: "dummy", count: 0, seconds: 2.5).last == .trackedProcess("dummy", count: 0, cause: .exit))
        let again = try start(path)
        defer { kill(again) }
        #expect(wait(tracker, for: "dummy", count: 1, seconds: 2.5).last == .trackedProcess("dummy", count: 1, cause: .exec))
        #expect(tracker.follow([]) == nil && tracker.fileDescriptor == -1, "nothing tracked: nothing open")
    }
}
