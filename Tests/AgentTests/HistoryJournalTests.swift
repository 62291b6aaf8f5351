import ControlProtocol
import Foundation
import Glibc
import Testing
import Node
import VRRP
@testable import Agent

@Suite("history journal")
struct HistoryJournalTests {
    private func scratch() -> String {
        let directory = "/tmp/vk-history-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(directory, 0o700)
        return directory
    }

    private func entry(_ n: Int) -> HistoryEntry {
        HistoryEntry(monotonic: Double(n), instance: "VI_1", change: .priority(from: 100, to: n % 250),
                     causes: [.tracker(.check, name: "chk", up: n % 2 == 0, detail: "1/1: flip \(n)")])
    }

    @Test("entries are numbered, stamped with the wall clock of their instant, and read back after a restart, numbering on")
    func survivesRestart() throws {
        let directory = scratch()
        defer { _ = try? FileManager.default.removeItem(atPath: directory) }
        let journal = HistoryJournal(directory: directory)
        #expect(journal.append(entry(10), wallClock: 1_000, monotonic: 12, pid: 7) == nil)
        #expect(journal.append(entry(11), wallClock: 1_000, monotonic: 12, pid: 7) == nil)
        #expect(journal.entries.map(\.sequence) == [1, 2])
        #expect(journal.entries[0].time == 998)
        #expect(journal.entries[0].pid == 7)
        let again = HistoryJournal(directory: directory)
        #expect(again.entries == journal.entries)
        again.append(entry(12), wallClock: 1_001, monotonic: 12, pid: 8)
        #expect(again.entries.last?.sequence == 3)
    }

    @Test("a line cut short (a crash mid-write, a power loss) is skipped and counted; the rest reads")
    func tornLine() throws {
        let directory = scratch()
        defer { _ = try? FileManager.default.removeItem(atPath: directory) }
        let journal = HistoryJournal(directory: directory)
        journal.append(entry(1), wallClock: 1, monotonic: 1, pid: 1)
        let handle = try #require(FileHandle(forWritingAtPath: HistoryFile.path(in: directory)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"sequence\":2,\"ti".utf8))
        handle.closeFile()
        let read = HistoryJournal(directory: directory)
        #expect(read.entries.count == 1)
        #expect(read.unreadableLines == 1)
        read.append(entry(3), wallClock: 3, monotonic: 3, pid: 1)
        // The torn line has no newline: the next entry starts a line of its own, and reads.
        let reread = HistoryFile.read(path: HistoryFile.path(in: directory), last: 100)
        #expect(reread.entries.map(\.sequence) == [1, 2])
        #expect(reread.unreadable == 1)
    }

    @Test("bounded: past the size the file rotates once; memory keeps `capacity` entries; disk stays under twice the size")
    func bounded() throws {
        let directory = scratch()
        defer { _ = try? FileManager.default.removeItem(atPath: directory) }
        let journal = HistoryJournal(directory: directory, capacity: 100, maximumBytes: 16 * 1024)
        for n in 0..<5_000 {
            #expect(journal.append(entry(n), wallClock: Double(n), monotonic: Double(n), pid: 1) == nil)
        }
        #expect(journal.entries.count == 100)
        #expect(journal.entries.last?.sequence == 5_000)
        let path = HistoryFile.path(in: directory)
        var status = stat()
        #expect(stat(path, &status) == 0 && Int(status.st_size) <= 16 * 1024)
        #expect(stat(path + ".1", &status) == 0 && Int(status.st_size) <= 16 * 1024)
        let read = HistoryFile.read(path: path, last: .max)
        #expect(read.unreadable == 0)
        #expect(read.entries.last?.sequence == 5_000)
        #expect(read.entries.count > 50)
    }

    @Test("an unwritable directory: the entry stays in memory, the failure is counted and the next entry tries again")
    func failure() throws {
        let journal = HistoryJournal(directory: "/proc/vk-no-such-dir")
        #expect(journal.append(entry(1), wallClock: 1, monotonic: 1, pid: 1) != nil)
        #expect(journal.append(entry(2), wallClock: 1, monotonic: 1, pid: 1) != nil)
        #expect(journal.failures == 2)
        #expect(journal.entries.count == 2)
        #expect(journal.report.lastError != nil)
    }

    @Test("takeovers are kept in wall-clock time and come back on the model's clock; a damaged file is a warning, not a failure")
    func takeovers() throws {
        let directory = scratch()
        defer { _ = try? FileManager.default.removeItem(atPath: directory) }
        let store = TakeoverStore(directory: directory)
        let peer = try #require(IPAddress("10.250.1.12"))
        try store.save([PeerTakeover(instance: "VI_1", peer: peer, at: .seconds(40))], now: .seconds(100), wallClock: 10_000)
        // A later process: its clock reads 500 at wall time 10_400.
        let loaded = store.load(now: .seconds(500), wallClock: 10_400)
        #expect(loaded.problem == nil)
        #expect(loaded.takeovers == [PeerTakeover(instance: "VI_1", peer: peer, at: .seconds(40))])
        FileManager.default.createFile(atPath: store.path, contents: Data("{not json".utf8))
        let damaged = store.load(now: .seconds(500), wallClock: 10_400)
        #expect(damaged.takeovers.isEmpty && damaged.problem != nil)
    }
}
