import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// accept(2) for a listening socket the event loop polls (the control socket, the metrics
/// listener): a bounded number of clients per turn, each non-blocking and close-on-exec, and a
/// pause instead of a spin when the process has no descriptor (EMFILE, ENFILE) or memory left —
/// the connection it could not take keeps the listener readable, and polling it again at once
/// would spin the loop. Clients wait in the backlog meanwhile.
struct AcceptGate {
    /// How long the listener is left unpolled after accepting failed (milliseconds).
    let pause: Int64
    /// Until when (milliseconds, the clock of `acceptAll`) the listener is not polled.
    private(set) var pausedUntil: Int64?
    /// Whether the failure that started this pause is already reported (once a run of them).
    private var refusing = false

    init(pause: Int64) {
        self.pause = pause
    }

    /// Whether the event loop polls the listener now.
    mutating func listening(now: Int64) -> Bool {
        guard let pausedUntil else { return true }
        if now < pausedUntil { return false }
        self.pausedUntil = nil
        return true
    }

    /// Accepts every waiting client (at most 64 a turn) and hands each to `take`. Returns a
    /// sentence for the log, `what` first, when accepting starts to fail for want of
    /// descriptors or memory (once a run of failures).
    mutating func acceptAll(from listener: Int32, now: Int64, what: String, take: (Int32) -> Void) -> String? {
        for _ in 0..<64 {
            let client = vk_accept_nonblocking(listener)
            guard client >= 0 else {
                let code = errno
                guard [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(code) else { return nil }
                pausedUntil = now + pause
                if refusing { return nil }
                refusing = true
                return "\(what): \(errorText(code)); retrying every \(pause) ms"
            }
            refusing = false
            take(client)
        }
        return nil
    }
}
