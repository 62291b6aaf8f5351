import Glibc
import Testing
@testable import Agent

@Suite("systemd's journal stream, as systemd.exec(5) says to recognise it")
struct JournalStreamTests {
    @Test("JOURNAL_STREAM is honoured only when it names descriptor 2's device and inode")
    func matchesStandardError() {
        var status = stat()
        #expect(fstat(2, &status) == 0)
        #expect(JournalStream.isStandardError(["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]))
        // Set by systemd for the unit, but this process's stderr was redirected elsewhere.
        #expect(!JournalStream.isStandardError(["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino &+ 1)"]))
        #expect(!JournalStream.isStandardError([:]))
        for malformed in ["", "12", "a:b", "1:2:3", "-1:5"] {
            #expect(!JournalStream.isStandardError(["JOURNAL_STREAM": malformed]), "\(malformed)")
        }
    }

    @Test("every line of a message carries the priority: journald reads one per line")
    func prefixes() {
        #expect(JournalStream.prefixed("a.conf:2:5: error: x", priority: 3) == "<3>a.conf:2:5: error: x")
        #expect(JournalStream.prefixed("one\ntwo", priority: 4) == "<4>one\n<4>two")
    }
}
