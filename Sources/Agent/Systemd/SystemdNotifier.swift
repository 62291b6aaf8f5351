import ControlProtocol
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram to `$NOTIFY_SOCKET` (a path, or `@name`
/// for the abstract namespace). Does nothing when not started by systemd.
public final class SystemdNotifier {
    private let socketPath: String?
    private let fileDescriptor: Int32
    /// Half of `$WATCHDOG_USEC`, when systemd's watchdog is on for this service.
    public let watchdogInterval: Duration?

    public init(environment: [String: String]) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        fileDescriptor = socketPath == nil ? -1 : socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if let usec = environment["WATCHDOG_USEC"].flatMap(Int64.init), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    deinit {
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func stopping() { send("STOPPING=1") }
    /// Reload started (sd_notify(3)); `ready` ends it.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000)")
    }
    public func watchdog() { send("WATCHDOG=1") }

    private func send(_ message: String) {
        guard let socketPath, fileDescriptor >= 0 else { return }
        guard let address = UnixSocketAddress(socketPath) else { return }
        let bytes = Array(message.utf8)
        _ = bytes.withUnsafeBytes { buffer in
            address.withSockaddr { sendto(fileDescriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, $1) }
        }
    }
}
