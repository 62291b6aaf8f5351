import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// The signals the daemon acts on (`SignalAction.watched`) delivered as a readable file
/// descriptor (signalfd), so the event loop handles them in order with everything else; the
/// ones in `ignored` are ignored outright. Must be created before any other thread starts:
/// the signals are blocked for this thread and every thread it creates. Children start with
/// an empty mask and default dispositions (`vk_spawn` resets both).
public final class SignalWatcher {
    public let fileDescriptor: Int32

    /// SIGPIPE: a write to a closed peer fails with EPIPE instead (sockets also pass
    /// MSG_NOSIGNAL). SIGXFSZ: a write past RLIMIT_FSIZE fails with EFBIG instead.
    static let ignored: [Int32] = [SIGPIPE, SIGXFSZ]

    public init() throws(AgentError) {
        for signal in Self.ignored where vk_ignore_signal(signal) != 0 {
            throw .socket(operation: "sigaction(\(SignalAction.name(signal)), SIG_IGN)", errno: errno)
        }
        let signals = SignalAction.watched
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
