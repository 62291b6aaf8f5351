import Agent
import ArgumentParser
import Config
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper check`: validate a configuration without touching the network.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a configuration file and print every problem, compiler style.",
        discussion: """
        Prints `file:line:col: error|warning: message` on standard error for every problem in \
        the file and its includes, then a summary on standard output. Like `keepalived -t`, it \
        also checks the file binds to this machine (its interfaces and VIP devices exist, with \
        an address to send adverts from; script users and groups exist): what `vipkeeper run` \
        would refuse at start. --no-host-checks checks a file meant for another machine.

        Exit status: 0 the configuration is valid; 1 it has errors (or cannot be read), and \
        `vipkeeper run` would refuse it; 2 it is valid but has warnings (0 with \
        --allow-warnings, as systemd's ExecStartPre and ExecReload want).

        --pair A.conf B.conf [C.conf] asks what would happen: the files (one per node; each \
        read with its name without .conf as config-id) run as one cluster of vipkeeper's own \
        node model in virtual time, offline, on simulated interfaces named as in the files. \
        All up and healthy, then each single failure (each tracked check failing, each \
        track_process gone, each tracked interface down, each node stopped, each node in \
        maintenance) and its recovery: the table shows who holds each instance afterwards, \
        how long the move took at the configured intervals, and every node's state and \
        priority; then what cannot fail over, flaps, ends with no or two Masters, and where \
        the files disagree (VRID, version, authentication, advert_int, VIPs, unicast peers). \
        Exit status with --pair: 1 a file has errors, or the pair cannot fail over (a \
        failing Master keeps its VIPs while another node could take them, no Master, two \
        Masters, flapping); 2 only warnings (the files disagree in a way the pair survives, \
        or a file has warnings); 0 every failure fails over and back as configured.
        """
    )

    @OptionGroup var config: ConfigFileOption

    @Flag(name: .shortAndLong, help: "Print only the diagnostics, no summary.")
    var quiet = false

    @Flag(name: .long, help: "Exit 0, not 2, when there are warnings but no errors.")
    var allowWarnings = false

    @Flag(name: .long, help: "Check the file alone, not whether it binds to this machine's interfaces, users and groups.")
    var noHostChecks = false

    @Flag(name: .long, help: ArgumentHelp(
        "For systemd's ExecCondition=: exit 1 (the service is skipped, not failed) when the file is missing, empty or defines no vrrp_instance, as the shipped, commented-out one; else 0.",
        discussion: "A file with errors exits 0, so the start fails on them with ExecStartPre's check."))
    var condition = false

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("What would happen if…: simulate these two or three files as one cluster through every single failure and recovery (see below).",
                               valueName: "FILE"))
    var pair: [String] = []

    @Flag(name: .long, help: "With --pair: print the report as JSON.")
    var json = false

    /// `run`'s options, accepted and validated so the unit's `$DAEMON_ARGS` can follow both.
    @OptionGroup(visibility: .hidden) var daemon: DaemonOptions

    func run() throws {
        if !pair.isEmpty { return try PairCheck(paths: pair, json: json).run() }
        let path = config.resolvedPath
        if condition { throw ExitCode(conditionStatus(path: path)) }
        var result = config.load()
        if !noHostChecks, let configuration = result.configuration,
           let problem = HostCheck.diagnostic(for: configuration, path: path) {
            result.diagnostics.append(problem)
            result.configuration = nil
        }
        for diagnostic in result.diagnostics {
            StandardError.write(diagnostic.description, priority: diagnostic.severity == .error ? .error : .warning)
        }
        if !quiet {
            print(CheckSummary(path: path, result: result, configIDIsDefault: config.configID == nil).text)
        }
        if result.errors > 0 { throw ExitCode(1) }
        if result.warnings > 0 && !allowWarnings { throw ExitCode(2) }
    }

    /// ExecCondition's answer: 1 when nothing is configured yet (a fresh install stays inert,
    /// as Debian's keepalived with its ConditionFileNotEmpty=), else 0.
    private func conditionStatus(path: String) -> Int32 {
        var status = stat()
        guard stat(path, &status) == 0, status.st_size > 0 else {
            print("vipkeeper: \(path) is missing or empty: nothing to run until it is written")
            return 1
        }
        guard config.load().definesNoInstance else { return 0 }
        print("vipkeeper: \(path) defines no vrrp_instance (the shipped file is all comments): nothing to run until one is configured")
        return 1
    }
}
