import ArgumentParser
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper restart`: replace the running daemon with the installed binary without moving a
/// VIP (what the package's postinst does on upgrade).
struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Replace the running daemon with the installed binary in place; its Masters stay Master.",
        discussion: """
        The daemon executes the installed binary in its own process (the pid, and so the \
        systemd unit, stay the same); the new process keeps the VIPs its predecessor held and \
        advertises at once, long before a peer's Master_Down_Timer runs out: no VIP moves. \
        Refused, with nothing changed, when the configuration file no longer binds to the \
        running instances (reload first), when it has errors, or while the daemon stops. \
        `systemctl restart` instead hands the VIP over and back (make-before-break). \
        Exit status: 0 restarted (the new process answered); 1 asked, but the new process did \
        not answer within --timeout; 2 refused (the reason is printed); 3 the daemon could not \
        be reached.
        """
    )

    @Option(name: .long, help: "Seconds to wait for the new process to answer (default 10).")
    var timeout: Double = 10

    @OptionGroup var control: ControlSocketOption

    func run() throws {
        let before: StatusReport
        do {
            guard let status = try ControlClient.send(ControlRequest(command: .status), socketPath: control.socket, timeout: 5).status else {
                StandardError.write("vipkeeper: the daemon sent no status")
                throw ExitCode(3)
            }
            before = status
        } catch let failure as ControlClient.Failure {
            StandardError.write("vipkeeper: \(failure)")
            throw ExitCode(3)
        }
        let asked = CommandClock.seconds()  // after `before` was measured: the old image is older than this
        try ControlClient.perform(ControlRequest(command: .restart), socketPath: control.socket, done: "restarting in place")
        // The new image answers on the same socket once it has started: the same pid, and an
        // uptime shorter than the old image's would be by now.
        while CommandClock.seconds() - asked < timeout {
            usleep(50_000)
            guard let status = try? ControlClient.send(ControlRequest(command: .status), socketPath: control.socket, timeout: 2).status
            else { continue }
            if status.pid == before.pid, status.uptimeSeconds < before.uptimeSeconds + (CommandClock.seconds() - asked) - 0.05 {
                let masters = status.instances.filter { $0.state == "MASTER" }.map(\.name)
                print("restarted: pid \(status.pid), \(masters.isEmpty ? "no instance" : masters.joined(separator: ", ")) MASTER")
                return
            }
        }
        StandardError.write("vipkeeper: the new process did not answer within \(timeout) s (see the journal)")
        throw ExitCode(1)
    }
}
