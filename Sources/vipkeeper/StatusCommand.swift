import ControlProtocol
import ArgumentParser

/// `vipkeeper status`: what the running daemon is doing.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the state of every instance of the running daemon.",
        discussion: "Exit status: 0 answered; 1 the daemon could not be reached."
    )

    @OptionGroup var control: ControlSocketOption

    @Flag(name: .long, help: "Print the daemon's JSON report.")
    var json = false

    func run() throws {
        let answer: String
        do {
            answer = try ControlClient.request("status", socketPath: control.socket)
        } catch {
            StandardError.write("vipkeeper: \(error)")
            throw ExitCode(1)
        }
        if json {
            print(answer, terminator: answer.hasSuffix("\n") ? "" : "\n")
            return
        }
        do {
            print(StatusTable(report: try StatusReport.decode(answer)).text)
        } catch {
            StandardError.write("vipkeeper: unexpected answer from the daemon: \(answer.prefix(200))")
            throw ExitCode(1)
        }
    }
}
