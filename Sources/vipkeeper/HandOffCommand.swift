import Agent
import ArgumentParser
import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper hand-off`: the running daemon exits keeping its VIPs, and the next process
/// started with the same state directory resumes its Masters (`systemctl restart` without a
/// move: the unit's ExecStop).
struct HandOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hand-off",
        abstract: "Make the running daemon exit keeping its VIPs for the next process (the unit's ExecStop on systemctl restart).",
        discussion: """
        The daemon checks that the configuration file still binds to the running instances, \
        writes its Masters to resume.json in its state directory and exits without a \
        priority-0 advert, leaving its VIPs, routes and macvlans in place. The next daemon \
        started within 10 s takes them over and advertises at once, before a peer's \
        Master_Down_Timer runs out: no VIP moves. Without a next process the VIPs stay behind \
        until one starts, so this is for the service manager's restart: with \
        --if-restarting UNIT it only acts while UNIT's systemd job is a restart, and does \
        nothing otherwise (a stop's SIGTERM then hands the VIPs to the peer, make-before-break). \
        It takes `run`'s options (the unit passes $DAEMON_ARGS, as it does to the check and \
        the daemon) and first checks what the next process will read, as ExecStartPre's \
        check does: the options, and the file (-f, VIPKEEPER_CONFIG), which must be the file \
        the daemon runs. Exit status: 0 handed off, or nothing to do; 2 refused (the reason is \
        printed; the SIGTERM that follows moves the VIPs make-before-break); 3 the daemon \
        could not be reached or did not exit within --timeout.
        """
    )

    @Option(name: .customLong("if-restarting"), help: "Only hand off while this systemd unit's job is a restart (ExecStop passes %n).")
    var unit: String?

    @Flag(name: .customLong("release-untaken"), help: ArgumentHelp(
        "For systemd's ExecStopPost=: when the unit failed (SERVICE_RESULT) after a hand-off nobody took, remove the VIPs it left.",
        discussion: "A restart whose next process did not start must not leave the VIPs on this node while the peer takes them over."))
    var releaseUntaken = false

    @Option(name: .long, help: "Seconds to wait for the daemon to exit (default 5).")
    var timeout: Double = 5

    @OptionGroup var config: ConfigFileOption

    /// `run`'s options, as the next process gets them; `--socket` is the running daemon's.
    @OptionGroup var daemon: DaemonOptions

    func run() throws {
        if releaseUntaken { return try releaseAbandoned() }
        if let unit {
            // systemd collapses try-restart and reload-or-restart into the restart job it runs.
            guard Self.jobType(of: unit) == "restart" else { return }
        }
        try checkNextProcess()
        try ControlClient.perform(ControlRequest(command: .handOff), socketPath: daemon.socket, done: "handing off")
        // systemd sends SIGTERM once ExecStop returns: wait until the daemon has gone, so that
        // signal finds nothing to stop.
        let deadline = CommandClock.seconds() + timeout
        while CommandClock.seconds() < deadline {
            if (try? ControlClient.send(ControlRequest(command: .status), socketPath: daemon.socket, timeout: 1)) == nil { return }
            usleep(20_000)
        }
        StandardError.write("vipkeeper: the daemon did not exit within \(timeout) s of handing off")
        throw ExitCode(3)
    }

    /// ExecStopPost: after the handing-off process (result `success`) nothing; after a failed
    /// start, the VIPs of an untaken hand-off go.
    private func releaseAbandoned() throws {
        guard let result = getenv("SERVICE_RESULT").map({ String(cString: $0) }), result != "success" else { return }
        guard let configuration = config.load().configuration else {
            StandardError.write("vipkeeper: \(config.resolvedPath) has errors: the VIPs of an untaken hand-off, if any, cannot be found")
            throw ExitCode(1)
        }
        do {
            for address in try AbandonedHandOff.release(configuration, stateDirectory: daemon.stateDirectory) {
                StandardError.write("vipkeeper: the start after a hand-off failed (\(result)): removed \(address)", priority: .warning)
            }
        } catch {
            StandardError.write("vipkeeper: \(error)")
            throw ExitCode(1)
        }
    }

    /// A next process that would not start, or would read another file, must not be left the
    /// VIPs: refused (exit 2), and the stop goes ahead as usual.
    private func checkNextProcess() throws {
        func refuse(_ reason: String) -> ExitCode {
            StandardError.write("vipkeeper: not handing off: \(reason); the stop hands the VIPs to the peer instead")
            return ExitCode(2)
        }
        let path = config.resolvedPath
        let result = config.load()
        guard let configuration = result.configuration else {
            throw refuse("\(path) has \(result.errors) error\(result.errors == 1 ? "" : "s") (vipkeeper check shows them): the next process would not start")
        }
        if let problem = HostCheck.diagnostic(for: configuration, path: path) {
            throw refuse("\(problem): the next process would not start")
        }
        let status: StatusReport?
        do {
            status = try ControlClient.send(ControlRequest(command: .status), socketPath: daemon.socket, timeout: 5).status
        } catch {
            StandardError.write("vipkeeper: \(error)")
            throw ExitCode(3)
        }
        if let running = status?.configurationFile, running != path {
            throw refuse("the next process reads \(path), this one runs \(running)")
        }
    }

    /// The type of `unit`'s pending systemd job (`systemctl list-jobs`), nil when it has none
    /// or systemd cannot be asked (said on standard error: the stop then goes ahead as usual).
    static func jobType(of unit: String) -> String? {
        guard !unit.isEmpty, unit.allSatisfy({ $0.isLetter || $0.isNumber || "@._:-\\".contains($0) }) else {
            StandardError.write("vipkeeper: \(unit) is not a unit name")
            return nil
        }
        guard let pipe = popen("systemctl list-jobs --no-legend --no-pager --plain '\(unit)' 2>&1", "r") else {
            StandardError.write("vipkeeper: cannot run systemctl: \(String(cString: strerror(errno)))")
            return nil
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        let status = pclose(pipe)
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else {
            StandardError.write("vipkeeper: systemctl list-jobs failed: \(text.prefix(300))")
            return nil
        }
        // "1234 vipkeeper.service restart running"
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 3, fields[1] == unit { return String(fields[2]) }
        }
        return nil
    }

}
