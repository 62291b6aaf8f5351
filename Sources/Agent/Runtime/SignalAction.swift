import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// What the daemon does with a signal it takes through its signalfd (README, "Signals").
///
/// Every signal whose default action would end the process is either taken here or ignored
/// outright (`SignalWatcher.ignored`), so no stray `kill` ends the daemon without its
/// priority-0 advert and with the VIP left on the node. Left at their default, on purpose:
/// the fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT), which a
/// Swift runtime trap or a crash raises and after which running on would be unsafe (the
/// kernel kills a process that blocks a real fault anyway); SIGKILL and SIGSTOP, which
/// cannot be caught; and the job-control stops (SIGTSTP, SIGTTIN, SIGTTOU), which pause.
enum SignalAction: Equatable {
    /// SIGTERM, SIGINT, SIGQUIT: resign (priority-0 advert), release the virtual addresses, exit 0.
    case stop
    /// SIGHUP: re-read the configuration file.
    case reload
    /// SIGUSR1: write the node's status to `vipkeeper.data` in the state directory (keepalived
    /// writes /tmp/keepalived.data).
    case writeStateDump
    /// SIGUSR2: write the counters to `vipkeeper.stats` in the state directory (keepalived
    /// writes /tmp/keepalived.stats).
    case writeStats
    /// SIGXCPU: a real-time event loop reached the soft half of RLIMIT_RTTIME
    /// (vrrp_rlimit_rttime) without blocking: logged; at the hard limit the kernel sends SIGKILL.
    case realtimeLimit
    /// Any other signal that would have ended the process (SIGALRM, SIGVTALRM, SIGPROF,
    /// SIGIO, SIGPWR, SIGSTKFLT, the real-time signals): logged, otherwise ignored.
    case ignore

    init(_ signal: Int32) {
        switch signal {
        case SIGTERM, SIGINT, SIGQUIT: self = .stop
        case SIGHUP: self = .reload
        case SIGUSR1: self = .writeStateDump
        case SIGUSR2: self = .writeStats
        case SIGXCPU: self = .realtimeLimit
        default: self = .ignore
        }
    }

    /// The signals the signalfd takes: blocked for every thread, read by the event loop.
    static var watched: [Int32] {
        [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, SIGXCPU]
            + Array(vk_signal_realtime_min()...vk_signal_realtime_max())
    }

    /// `SIGUSR1`, `SIGRTMIN+2`.
    static func name(_ signal: Int32) -> String {
        guard let abbreviation = vk_signal_abbreviation(signal) else { return "signal \(signal)" }
        return "SIG" + String(cString: abbreviation)
    }
}
