import ArgumentParser
import ControlProtocol

/// `vipkeeper maintenance on|off`: take this node out of the election while Harbor is
/// upgraded, and put it back.
struct MaintenanceCommand: ParsableCommand {
    enum Switch: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }

    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Take this node out of the election (on) or put it back (off).",
        discussion: """
        on: a Master hands over as a drill does (priority-0 advert, the peer takes the VIP \
        within Skew_Time), then stays a Backup at priority 1, so it takes the VIP only if no \
        other node is left; with --strict it stays out entirely (no adverts, never Master, \
        like FAULT). When no peer takes over, the node stays Master and `on` fails. \
        off: back in the normal election (with preempt the node takes the VIP back). \
        Maintenance survives reloads and restarts (kept under the state directory). \
        Exit status: 0 done; 2 refused (the reason is printed); 3 the daemon could not be reached.
        """
    )

    @Argument(help: "on or off")
    var state: Switch

    @Option(name: .long, help: "An instance or sync group (default: every instance).")
    var instance: String?

    @Option(name: .long, help: "Why (shown in status).")
    var reason: String?

    @Flag(name: .long, help: "Stay out entirely: no adverts, never Master.")
    var strict = false

    @OptionGroup var control: ControlSocketOption

    func run() throws {
        let request = state == .on
            ? ControlRequest(command: .maintenanceOn, instance: instance, reason: reason, strict: strict)
            : ControlRequest(command: .maintenanceOff, instance: instance)
        try ControlClient.perform(request, socketPath: control.socket, done: "done")
    }
}
