import Agent
import ArgumentParser
import Config
import ControlProtocol
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper run`: the daemon, in the foreground (systemd style).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every vrrp_instance of the configuration in the foreground.",
        discussion: """
        Logs to standard error, one line per state change. Refuses a configuration with errors \
        (see `vipkeeper check`). SIGTERM, SIGINT or SIGQUIT: each Master sends a priority-0 \
        advert and releases its virtual addresses, then the process exits 0. Needs root (or \
        CAP_NET_RAW and CAP_NET_ADMIN). SIGHUP re-reads the file: unchanged instances keep \
        their state, changed ones restart, and a file with errors changes nothing. SIGUSR1 \
        writes the status to vipkeeper.data and SIGUSR2 the counters to vipkeeper.stats in \
        the state directory; other signals that would end the process are logged and ignored.
        """
    )

    @OptionGroup var config: ConfigFileOption

    @OptionGroup var daemon: DaemonOptions

    func run() throws {
        // Signals must be blocked before any thread exists, so signalfd sees every one.
        let signals: SignalWatcher
        do { signals = try SignalWatcher() } catch { throw fail(error) }
        let environment = Environment.current
        let journald = JournalStream.isStandardError(environment)
        var logger = Logger(label: "vipkeeper") { StderrLogHandler(label: $0, journald: journald) }
        logger.logLevel = daemon.verbose ? .debug : .info

        let path = config.resolvedPath
        let result = config.load()
        for diagnostic in result.diagnostics {
            logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic)")
        }
        guard let configuration = result.configuration else {
            throw fail(AgentError.configurationInvalid(path: path, errors: result.errors))
        }
        let running: Daemon
        do {
            running = try Daemon(configuration: configuration,
                                options: Daemon.Options(controlSocketPath: daemon.noSocket ? nil : daemon.socket, version: VipKeeper.configuration.version,
                                                        configurationPath: path, configID: config.resolvedConfigID,
                                                        stateDirectory: daemon.stateDirectory,
                                                        metricsListen: daemon.metrics.flatMap(ListenAddress.init)),
                                signals: signals, notifier: SystemdNotifier(environment: environment), logger: logger)
        } catch {
            throw fail(error)
        }
        let status = running.run()
        if status != 0 { throw ExitCode(status) }
    }

    private func fail(_ error: AgentError) -> ExitCode {
        StandardError.write("vipkeeper: \(error)")
        return ExitCode(1)
    }
}

enum Environment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}
