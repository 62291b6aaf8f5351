import Agent
import ArgumentParser
import ControlProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper history`: every state change, priority change, VIP move, check flip, reload,
/// drill and maintenance step, with why.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show why the VIP moved: the transition history, with each change's causes.",
        discussion: """
        Each line is one change and the chain of its causes, nearest first: \
        `MASTER -> BACKUP because a higher priority (100 > 80) advert from 10.0.0.12 arrived; \
        our priority fell 110 -> 80 at 03:12:04.512; check harbor_health failed 2/2: ...`. \
        The daemon records them from its own decisions and keeps them in \
        /var/lib/vipkeeper/history.jsonl (at most 2 MiB with the file before it), so they \
        survive a restart and a crash. When the daemon cannot be reached the file is read \
        instead (or always, with --file).

        Exit status: 0 shown; 3 neither the daemon nor the file could be read.
        """
    )

    @OptionGroup var control: ControlSocketOption

    @Option(name: .long, help: ArgumentHelp("Only entries of the last DURATION: 90s, 30m, 1h, 2d, 1w (a bare number is seconds).", valueName: "DURATION"))
    var since: HistoryDuration?

    @Option(name: .long, help: "Only this instance's entries (and the node's own: checks, reloads, the daemon).")
    var instance: String?

    @Option(name: .long, help: "At most this many entries, the newest.")
    var limit: Int = ControlRequest.defaultHistoryLimit

    @Flag(name: .long, help: "Print the entries as JSON lines, as the journal keeps them.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Read this journal (history.jsonl) instead of asking the daemon.", valueName: "FILE"))
    var file: String?

    @Option(name: .long, help: "The daemon's state directory: where the journal is read when the daemon cannot be reached.")
    var stateDirectory: String = Daemon.Options.defaultStateDirectory

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError(ControlRequest.Limit.limit.rule) }
    }

    func run() throws {
        let entries = try read()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for entry in entries {
                if let data = try? encoder.encode(entry) { print(String(decoding: data, as: UTF8.self)) }
            }
            return
        }
        if entries.isEmpty { print("no entries" + (since.map { " in the last \($0.text)" } ?? "")) }
        for entry in entries {
            print(Self.line(entry))
        }
    }

    /// From the daemon, else (or with --file) from the journal.
    private func read() throws -> [HistoryEntry] {
        let cutoff = since.map { Date().timeIntervalSince1970 - $0.seconds }
        if file == nil {
            var request = ControlRequest(command: .history, instance: instance)
            request.sinceSeconds = since?.seconds
            request.limit = limit
            do {
                let reply = try ControlClient.send(request, socketPath: control.socket)
                guard reply.outcome == .ok, let entries = reply.history else {
                    StandardError.write("vipkeeper: \(reply.message ?? "the daemon sent no history")")
                    throw ExitCode(3)
                }
                return entries
            } catch let failure as ControlClient.Failure {
                StandardError.write("vipkeeper: \(failure); reading \(HistoryFile.path(in: stateDirectory)) instead", priority: .warning)
            }
        }
        let path = file ?? HistoryFile.path(in: stateDirectory)
        guard access(path, R_OK) == 0 || access(path + ".1", R_OK) == 0 else {
            StandardError.write("vipkeeper: cannot read \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(3)
        }
        let read = HistoryFile.read(path: path, last: Int.max)
        if read.unreadable > 0 {
            StandardError.write("vipkeeper: \(read.unreadable) line\(read.unreadable == 1 ? "" : "s") of \(path) \(read.unreadable == 1 ? "is" : "are") not an entry (cut short or damaged): skipped", priority: .warning)
        }
        return HistoryFile.select(read.entries, since: cutoff, instance: instance, limit: limit)
    }

    /// `2026-12-03 03:12:04.512 [harbor_vip] MASTER -> BACKUP (priority 80) because ...`.
    static func line(_ entry: HistoryEntry) -> String {
        let scope = entry.instance.map { "[\($0)] " } ?? ""
        return "\(timestamp(entry.time, date: true)) \(scope)\(entry.sentence { timestamp($0, date: false) })"
    }

    /// Local time, to the millisecond.
    static func timestamp(_ unix: Double, date: Bool) -> String {
        var seconds = time_t(unix.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &parts)
        let millis = Int(((unix - unix.rounded(.down)) * 1000).rounded(.down))
        let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text + "." + String(repeating: "0", count: millis < 10 ? 2 : millis < 100 ? 1 : 0) + "\(millis)"
    }
}

/// `--since`: `90s`, `30m`, `1h`, `2d`, `1w`, or a bare number of seconds.
struct HistoryDuration: ExpressibleByArgument {
    let seconds: Double
    let text: String

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        var number = Substring(argument)
        var unit = 1.0
        if let last = argument.last, let factor = units[last] {
            number = number.dropLast()
            unit = factor
        }
        guard let value = Double(number), value.isFinite, value >= 0,
              ControlRequest.Limit.sinceSeconds.range.contains(value * unit) else { return nil }
        seconds = value * unit
        text = argument
    }
}
