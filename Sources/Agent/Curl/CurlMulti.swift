import CCurl
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// libcurl's multi interface driven by the daemon's own reactor, with no thread or event
/// loop of its own (libcurl "multi_socket" API, curl_multi_socket_action(3)): libcurl says
/// through CURLMOPT_SOCKETFUNCTION which sockets to poll for what (`sockets`) and through
/// CURLMOPT_TIMERFUNCTION when to call it back (`deadline`); the daemon polls them with
/// everything else and calls `ready` and `timerDue`. Every call returns at once, so a slow or
/// dead server never holds up an advert. A name is resolved by libcurl's threaded resolver
/// (Debian's libcurl4 is built with it), not on the event loop.
///
/// Protocol-neutral: SMTP alerts (`MailSender`) and HTTP checks (`HTTPChecks`) share it; each
/// picks its own transfers out of the finished ones by id.
final class CurlMulti {
    /// A finished transfer and its result: `failure` nil when it succeeded, else why not.
    struct Finished {
        var transfer: CurlTransfer
        var code: CURLcode
        var failure: String?

        /// It ran out of its CURLOPT_TIMEOUT_MS / CURLOPT_CONNECTTIMEOUT_MS.
        var timedOut: Bool { code == CURLE_OPERATION_TIMEDOUT }
    }

    private static let initialized: Bool = curl_global_init(vk_curl_global_default) == CURLE_OK

    private let multi: UnsafeMutableRawPointer
    /// The sockets libcurl wants polled, and for what.
    private(set) var sockets: [Int32: PollInterest] = [:]
    /// When libcurl wants `timerDue` called (nil: no timeout pending).
    private(set) var deadline: Instant?
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init() throws(CurlError) {
        guard Self.initialized, let multi = curl_multi_init() else { throw CurlError(message: "libcurl could not be initialised") }
        self.multi = multi
        let code = vk_curl_multi_set_callbacks(multi, { _, socket, what, userp, _ in
            guard let userp else { return 0 }
            Unmanaged<CurlMulti>.fromOpaque(userp).takeUnretainedValue().watch(socket, what)
            return 0
        }, { _, milliseconds, userp in
            guard let userp else { return 0 }
            Unmanaged<CurlMulti>.fromOpaque(userp).takeUnretainedValue().timer(milliseconds)
            return 0
        }, Unmanaged.passUnretained(self).toOpaque())
        guard code == CURLM_OK else {
            curl_multi_cleanup(multi)
            throw CurlError(message: "curl_multi_setopt: \(String(cString: curl_multi_strerror(code)))")
        }
    }

    deinit {
        for easy in running.keys { curl_multi_remove_handle(multi, easy) }
        running = [:]
        curl_multi_cleanup(multi)
    }

    /// Starts a transfer; libcurl asks for its first timeout at once (`deadline` now).
    func add(_ transfer: CurlTransfer) throws(CurlError) {
        let code = curl_multi_add_handle(multi, transfer.easy)
        guard code == CURLM_OK else { throw CurlError(message: "curl_multi_add_handle: \(String(cString: curl_multi_strerror(code)))") }
        running[transfer.easy] = transfer
    }

    /// A socket libcurl watches is ready (readable, writable or in error: libcurl finds out
    /// which itself); returns the transfers that finished.
    func ready(_ socket: Int32) -> [Finished] {
        act(on: socket)
    }

    /// Call when `deadline` has passed.
    func timerDue(now: Instant) -> [Finished] {
        guard let deadline, now >= deadline else { return [] }
        self.deadline = nil
        return act(on: vk_curl_socket_timeout)
    }

    private func act(on socket: Int32) -> [Finished] {
        var stillRunning: Int32 = 0
        _ = curl_multi_socket_action(multi, socket, 0, &stillRunning)
        var left: Int32 = 0
        var finished: [Finished] = []
        while let message = curl_multi_info_read(multi, &left) {
            guard vk_curl_message_is_done(message) != 0, let easy = message.pointee.easy_handle,
                  let transfer = running.removeValue(forKey: easy) else { continue }
            let result = vk_curl_message_result(message)
            curl_multi_remove_handle(multi, easy)
            finished.append(Finished(transfer: transfer, code: result, failure: result == CURLE_OK ? nil : transfer.failure(result)))
        }
        return finished
    }

    /// CURLMOPT_SOCKETFUNCTION.
    private func watch(_ socket: Int32, _ what: Int32) {
        switch what {
        case vk_curl_poll_in: sockets[socket] = .readable
        case vk_curl_poll_out: sockets[socket] = .writable
        case vk_curl_poll_inout: sockets[socket] = .readableOrWritable
        default: sockets[socket] = nil  // CURL_POLL_REMOVE
        }
    }

    /// CURLMOPT_TIMERFUNCTION: -1 deletes the timer; 0 means as soon as possible.
    private func timer(_ milliseconds: Int) {
        deadline = milliseconds < 0 ? nil : MonotonicClock.now() + .milliseconds(milliseconds)
    }
}
