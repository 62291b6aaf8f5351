import ArgumentParser
import Config

/// `vipkeeper check`: validate a configuration without touching the network.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a configuration file and print every problem, compiler style.",
        discussion: """
        Prints `file:line:col: error|warning: message` on standard error for every problem in \
        the file and its includes, then a summary on standard output.

        Exit status: 0 the configuration is valid; 1 it has errors (or cannot be read), and \
        `vipkeeper run` would refuse it; 2 it is valid but has warnings (0 with \
        --allow-warnings, as systemd's ExecStartPre and ExecReload want).
        """
    )

    @OptionGroup var config: ConfigFileOption

    @Flag(name: .shortAndLong, help: "Print only the diagnostics, no summary.")
    var quiet = false

    @Flag(name: .long, help: "Exit 0, not 2, when there are warnings but no errors.")
    var allowWarnings = false

    func run() throws {
        let path = config.resolvedPath
        let result = config.load()
        for diagnostic in result.diagnostics {
            StandardError.write(diagnostic.description)
        }
        if !quiet {
            print(CheckSummary(path: path, result: result, configIDIsDefault: config.configID == nil).text)
        }
        if result.errors > 0 { throw ExitCode(1) }
        if result.warnings > 0 && !allowWarnings { throw ExitCode(2) }
    }
}
