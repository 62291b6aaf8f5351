import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// Starts child processes for the namespace tests with `posix_spawn`.
///
/// Foundation's `Process.run()` is not used: in Swift 6.3.1 on Linux it intermittently
/// crashes with a buffer over-read while scanning `/proc/self/fd`
/// (swiftlang/swift-corelibs-foundation#5472), which brought down a whole CI run.
enum ChildLauncher {
    /// Spawns `argv[0]` (searched in PATH) with stdin on /dev/null and stdout and stderr both on
    /// `output`, with default signal dispositions and an empty signal mask (the test runner's
    /// threads may block signals the child must obey). Every other descriptor is closed in the
    /// child: the test runner's own would otherwise leak into vipkeeper, nginx and keepalived.
    static func spawn(_ arguments: [String], output: Int32) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        vk_spawn_file_actions_closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        // Each child leads its own process group, so a crash can kill keepalived and its VRRP
        // child at once (`NetworkLab.crash`), as a machine failure would.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var cArguments = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, arguments[0], &actions, &attributes, cArguments, environ) == 0 else { return nil }
        return pid
    }

    /// Spawns a child whose output goes to the file at `log` (created, or emptied if present).
    static func spawn(_ arguments: [String], log: String) -> pid_t? {
        let fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return spawn(arguments, output: fd)
    }

    /// Runs a child to completion, capturing its output; after `timeout` seconds it is killed.
    /// Returns the exit status (-1 when killed by a signal or not started).
    static func run(_ arguments: [String], timeout: Double) -> (status: Int32, output: [UInt8]) {
        // A socket pair rather than pipe(2): it is created close-on-exec atomically (Glibc's
        // module does not export pipe2).
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            return (-1, Array("socketpair: \(String(cString: strerror(errno)))".utf8))
        }
        let pid = spawn(arguments, output: ends[1])
        close(ends[1])
        defer { close(ends[0]) }
        guard let pid else { return (-1, Array("cannot start \(arguments[0])".utf8)) }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = monotonicSeconds() + timeout
        var killed = false
        while true {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 {
                kill(pid, SIGKILL)
                killed = true
                break
            }
            var poller = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            let count = read(ends[0], &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            output += buffer[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = !killed && status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : -1, output)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
