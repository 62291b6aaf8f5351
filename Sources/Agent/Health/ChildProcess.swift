import CLinux
import Config
#if canImport(Glibc)
import Glibc
#endif

/// A running check or notify script: its own session and process group (so a timeout kills
/// every descendant), and a pidfd the event loop polls for its exit.
final class ChildProcess {
    enum Outcome: Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
    }

    let pid: pid_t
    let pidFileDescriptor: Int32
    private var reaped = false

    /// Starts a command. Without shell syntax it runs directly (argv split as keepalived does);
    /// with it, under `/bin/sh -c`.
    init(_ command: ScriptCommand, credentials: ScriptCredentials, extraArguments: [String] = []) throws(AgentError) {
        let arguments: [String]
        let path: String
        if command.needsShell {
            path = "/bin/sh"
            arguments = ["sh", "-c", command.text + extraArguments.map { " '\($0.replacingQuotes())'" }.joined()]
        } else {
            guard let executable = command.executable, let resolved = ScriptCommand.locate(executable) else {
                throw .script(command: command.text, reason: "\(command.executable ?? "") not found in PATH or not executable")
            }
            path = resolved
            arguments = command.arguments + extraArguments
        }
        var cArguments = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { cArguments.forEach { free($0) } }
        let spawned = vk_spawn(path, cArguments, environ, credentials.userID, credentials.groupID)
        guard spawned > 0 else { throw .script(command: command.text, reason: errorText(errno)) }
        pid = spawned
        let fd = vk_pidfd_open(spawned)
        guard fd >= 0 else {
            kill(-spawned, SIGKILL)
            var status: Int32 = 0
            waitpid(spawned, &status, 0)
            throw .script(command: command.text, reason: "pidfd_open: \(errorText(errno))")
        }
        pidFileDescriptor = fd
    }

    deinit {
        if !reaped { _ = terminate() }
        close(pidFileDescriptor)
    }

    /// Collects the exit status once the pidfd is readable; nil while still running.
    func reap() -> Outcome? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        reaped = true
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// Kills the whole process group (the script and anything it started) and reaps it.
    func terminate() -> Outcome {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        reaped = true
        return .timedOut
    }
}

private extension String {
    /// For single-quoting an argument in a shell command line.
    func replacingQuotes() -> String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    }
}
