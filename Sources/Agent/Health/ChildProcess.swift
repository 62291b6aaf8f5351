import CLinux
import Config
import Node
#if canImport(Glibc)
import Glibc
#endif

/// A running child as the supervisor sees it: a pid, a pidfd that becomes readable when it
/// exits, a non-blocking reap, and a kill of its whole process group. `ChildProcess` is the
/// real one; tests give a fake that never exits.
protocol ChildHandle: AnyObject {
    var pid: pid_t { get }
    var pidFileDescriptor: Int32 { get }
    /// The exit status once it has exited; nil while it runs. Never blocks.
    func reap() -> ChildOutcome?
    /// SIGKILL to the whole process group. Never blocks.
    func kill()
}

enum ChildOutcome: Equatable {
    case exited(Int32)
    case signaled(Int32)
    case timedOut
}

/// A running check or notify script: its own session and process group (so a timeout kills
/// every descendant), and a pidfd the event loop polls for its exit.
final class ChildProcess: ChildHandle {
    let pid: pid_t
    let pidFileDescriptor: Int32
    private var reaped = false

    /// Starts a command. Without shell syntax it runs directly (argv split as keepalived does);
    /// with it, under `/bin/sh -c`.
    init(_ command: ScriptCommand, credentials: Credentials, extraArguments: [String] = []) throws(AgentError) {
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
            let reason = errorText(errno)
            Glibc.kill(-spawned, SIGKILL)
            // Without a pidfd there is nothing to poll: a blocking reap of a SIGKILLed child is
            // the only way not to leave a zombie (this fails only when pidfd_open is missing).
            var status: Int32 = 0
            waitpid(spawned, &status, 0)
            throw .script(command: command.text, reason: "pidfd_open: \(reason)")
        }
        pidFileDescriptor = fd
    }

    deinit {
        if !reaped {
            Glibc.kill(-pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
        close(pidFileDescriptor)
    }

    func reap() -> ChildOutcome? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        reaped = true
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    func kill() {
        Glibc.kill(-pid, SIGKILL)
    }
}

private extension String {
    /// For single-quoting an argument in a shell command line.
    func replacingQuotes() -> String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    }
}
