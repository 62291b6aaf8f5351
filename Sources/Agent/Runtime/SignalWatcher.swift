import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP delivered as a readable file descriptor (signalfd), so the
/// event loop handles them in order with everything else. Must be created before any other
/// thread starts: the signals are blocked for this thread and every thread it creates.
public final class SignalWatcher {
    public let fileDescriptor: Int32

    public init() throws(AgentError) {
        let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]
        let fd = signals.withUnsafeBufferPointer { vk_signalfd($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw .socket(operation: "signalfd", errno: errno) }
        fileDescriptor = fd
    }

    deinit {
        close(fileDescriptor)
    }

    /// The next pending signal, or nil.
    func next() -> Int32? {
        let signal = vk_signalfd_read(fileDescriptor)
        return signal == 0 ? nil : signal
    }
}
