import ArgumentParser
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper status`: what the running daemon is doing, with an exit code monitoring can use.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the state of every instance of the running daemon.",
        discussion: """
        Exit status, as monitoring plugins: 0 OK; 1 WARNING (maintenance on, a check down, \
        a refused last reload, a stuck child process, an effect the kernel refuses); \
        2 CRITICAL (an instance in FAULT, a Master without all its VIPs, a Backup that has \
        heard no Master for longer than Master_Down_Interval); 3 UNKNOWN (the daemon could \
        not be reached).
        """
    )

    @OptionGroup var control: ControlSocketOption

    @Flag(name: .long, help: "Print the daemon's JSON report.")
    var json = false

    @Flag(name: .long, help: "Redraw every second until interrupted.")
    var watch = false

    func run() throws {
        guard watch else {
            throw ExitCode(try show())
        }
        while true {
            print("\u{1B}[H\u{1B}[2J", terminator: "")
            _ = try? show()
            sleep(1)
        }
    }

    /// Prints the report once; returns the exit status.
    private func show() throws -> Int32 {
        let reply: ControlReply
        do {
            reply = try ControlClient.send(ControlRequest(command: .status), socketPath: control.socket)
        } catch {
            StandardError.write("vipkeeper: \(error)")
            return 3
        }
        guard let report = reply.status else {
            StandardError.write("vipkeeper: \(reply.message ?? "the daemon sent no status")")
            return 3
        }
        if json {
            print(report.json())
        } else {
            print(StatusTable(report: report).text)
        }
        return report.monitoringStatus
    }
}
