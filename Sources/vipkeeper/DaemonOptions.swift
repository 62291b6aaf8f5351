import Agent
import ArgumentParser
import Config
import ControlProtocol

/// The options of `vipkeeper run` beyond the configuration file. `check` accepts them too
/// (hidden) and validates them, so one `$DAEMON_ARGS` (from /etc/default/vipkeeper, Debian's
/// keepalived habit) can follow both ExecStartPre's check and ExecStart's run.
struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: "Control socket for `vipkeeper status`.")
    var socket: String = ControlSocket.defaultPath

    @Flag(name: .long, help: "Do not open a control socket.")
    var noSocket = false

    @Option(name: .long, help: "Where maintenance is kept across restarts.")
    var stateDirectory: String = Daemon.Options.defaultStateDirectory

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://ADDR:PORT/metrics (over metrics_listen).",
                                            valueName: "ADDR:PORT"))
    var metrics: String?

    @Flag(name: .long, help: "Log debug messages.")
    var verbose = false

    func validate() throws {
        if let metrics, ListenAddress(metrics) == nil {
            throw ValidationError("--metrics takes ADDR:PORT, such as 127.0.0.1:9650 or [::1]:9650")
        }
    }
}
