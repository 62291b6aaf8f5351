import ArgumentParser

@main
struct VipKeeper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vipkeeper",
        abstract: "VRRP (v2 and v3, IPv4 and IPv6) failover agent for Harbor nodes; reads keepalived.conf.",
        discussion: "`vipkeeper -t [-f FILE]` is `vipkeeper check`, as keepalived operators type `keepalived -t`.",
        version: BuildInfo.description,
        subcommands: [RunCommand.self, CheckCommand.self, StatusCommand.self, DrillCommand.self, MaintenanceCommand.self, RestartCommand.self, HandOffCommand.self, HistoryCommand.self]
    )

    @Flag(name: [.customShort("t"), .customLong("config-test")], help: "Check the configuration and exit, as keepalived -t (see `check`).")
    var configTest = false

    @OptionGroup var config: ConfigFileOption

    /// ArgumentParser's main, with two changes for systemd. A refused command line reaches
    /// the journal at priority err (`journalctl -p err` shows why a start with a bad
    /// DAEMON_ARGS failed). And under `check --condition` (the unit's ExecCondition) it exits
    /// 255, which systemd counts as a failure: any other code would skip the start silently.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let message = fullMessage(for: error)
            let refusedCondition = CommandLine.arguments.contains("--condition") && !(error is ExitCode)
            if StandardError.isJournal || refusedCondition {
                if !message.isEmpty { StandardError.write(message) }
                exit(withError: ExitCode(refusedCondition ? 255 : code.rawValue))
            }
            exit(withError: error)
        }
    }

    func run() throws {
        guard configTest else { throw CleanExit.helpRequest(self) }
        var arguments: [String] = []
        if let path = config.path { arguments += ["--config", path] }
        if let configID = config.configID { arguments += ["--config-id", configID] }
        let check = try CheckCommand.parse(arguments)
        try check.run()
    }
}
