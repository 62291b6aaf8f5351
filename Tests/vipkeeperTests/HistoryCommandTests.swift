#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `vipkeeper history` reading a journal itself (the daemon gone): what an operator runs after
/// a crash.
@Suite("vipkeeper history (the executable, reading the journal)")
struct HistoryCommandTests {
    /// A journal as the daemon writes it: three entries, one line cut short by a crash.
    static func journal() -> String {
        let now = Double(time(nil))
        let lines = [
            #"{"causes":[{"tracker":{"kind":"check","detail":"2\/2: HTTP 502","name":"harbor_health","up":false}}],"change":{"priority":{"from":110,"to":80}},"instance":"VI_1","monotonic":100,"pid":42,"sequence":1,"time":\#(now - 7200)}"#,
            #"{"causes":[{"higherPriorityAdvert":{"ours":80,"source":"10.250.0.12","theirs":100}},{"priorityMoved":{"at":100,"from":110,"to":80}}],"change":{"state":{"from":"MASTER","priority":80,"to":"BACKUP"}},"instance":"VI_1","monotonic":103.5,"pid":42,"sequence":2,"time":\#(now - 7196.5)}"#,
            #"{"causes":[],"change":{"daemon":{"step":"started"}},"monotonic":200,"pid":43,"sequence":3,"time":\#(now - 10)}"#,
            #"{"causes":[],"change":{"daemon":{"step":"st"#,
        ]
        return writeTemporary(lines.joined(separator: "\n"))
    }

    @Test("--file: each entry on a line with its causes; a line cut short is skipped with a warning")
    func readsTheFile() {
        let path = Self.journal()
        let output = Executable.run(["history", "--file", path])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(output.stdout)")
        #expect(lines.first?.hasSuffix("[VI_1] priority 110 -> 80 because check harbor_health failed 2/2: HTTP 502") == true, "\(lines)")
        #expect(lines.dropFirst().first?.contains("[VI_1] MASTER -> BACKUP (priority 80) because a higher priority (100 > 80) advert from 10.250.0.12 arrived; our priority fell 110 -> 80 at ") == true,
                "\(lines)")
        #expect(lines.last?.hasSuffix(" daemon started") == true)
        #expect(output.stderr.contains("1 line of \(path) is not an entry"), "\(output.stderr)")
    }

    @Test("--since and --instance select; --json prints the entries as kept")
    func selects() {
        let path = Self.journal()
        let recent = Executable.run(["history", "--file", path, "--since", "1h"])
        #expect(recent.status == 0)
        #expect(recent.stdout.split(separator: "\n").count == 1 && recent.stdout.contains("daemon started"), "\(recent.stdout)")
        let json = Executable.run(["history", "--file", path, "--json", "--limit", "2"])
        #expect(json.stdout.split(separator: "\n").count == 2 && json.stdout.contains(#""sequence":3"#), "\(json.stdout)")
        let bad = Executable.run(["history", "--file", path, "--since", "soon"])
        #expect(bad.status != 0 && bad.stderr.contains("--since"), "\(bad.stderr)")
    }

    @Test("no daemon and no journal: exit 3 with the reason")
    func nothingToRead() {
        let output = Executable.run(["history", "--socket", "/nonexistent/vk.sock", "--state-directory", "/nonexistent"])
        #expect(output.status == 3)
        #expect(output.stderr.contains("cannot reach vipkeeper") && output.stderr.contains("cannot read /nonexistent/history.jsonl"), "\(output.stderr)")
    }
}
