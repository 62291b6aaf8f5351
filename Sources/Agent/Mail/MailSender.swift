import CCurl
import Config
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Sends the node's e-mail alerts (keepalived's `smtp_alert`) through libcurl's SMTP client
/// on the daemon's reactor (`CurlMulti`): one message at a time, in order, each on its own
/// connection as keepalived's (CURLOPT_FORBID_REUSE), the rest waiting in a bounded queue.
/// A full queue drops the new alert; every outcome comes back as a node event (`mailSent`,
/// or `effectFailed` with the reason), so the node counts and logs it.
final class MailSender {
    /// Alerts waiting or in flight at most; past it a new alert is dropped (a server that is
    /// down for long must not grow the daemon).
    static let capacity = 32

    private let curl: CurlMulti
    private var waiting: [MailAlert] = []
    private var current: (alert: MailAlert, transfer: CurlTransfer)?
    private var nextID: UInt64 = 0

    init(curl: CurlMulti) {
        self.curl = curl
    }

    var isIdle: Bool { current == nil && waiting.isEmpty }

    /// Queues `alert` and starts it when nothing is in flight; returns the events of what
    /// failed at once (a full queue, a transfer libcurl would not set up).
    func send(_ alert: MailAlert) -> [NodeEvent] {
        guard waiting.count + (current == nil ? 0 : 1) < Self.capacity else {
            return [.effectFailed(.sendMail(alert), EffectError(code: EffectError.queueFull,
                                                                 message: "\(Self.capacity) alerts already wait for \(alert.server); this one is dropped"))]
        }
        waiting.append(alert)
        return startNext()
    }

    /// The transfers `CurlMulti` reports finished: this sender's become events, and the next
    /// alert starts.
    func finished(_ done: [CurlMulti.Finished]) -> [NodeEvent] {
        var events: [NodeEvent] = []
        for item in done {
            guard let current, current.transfer.id == item.transfer.id else { continue }
            self.current = nil
            if let failure = item.failure {
                events.append(.effectFailed(.sendMail(current.alert), EffectError(code: -1, message: failure)))
            } else {
                events.append(.mailSent(current.alert))
            }
        }
        return events + startNext()
    }

    private func startNext() -> [NodeEvent] {
        var events: [NodeEvent] = []
        while current == nil, !waiting.isEmpty {
            let alert = waiting.removeFirst()
            do {
                nextID += 1
                let transfer = try Self.transfer(for: alert, id: nextID, date: Self.date())
                try curl.add(transfer)
                current = (alert, transfer)
            } catch {
                events.append(.effectFailed(.sendMail(alert), EffectError(code: -1, message: "\(error)")))
            }
        }
        return events
    }

    /// The SMTP transfer of one alert (RFC 5321 through libcurl): `smtp://HOST:PORT/HELO`
    /// (libcurl sends the path as the EHLO/HELO name), MAIL FROM and one RCPT TO per
    /// recipient, the message as the upload. The connect timeout is `smtp_connect_timeout`;
    /// keepalived applies it again to every reply of the server, so the whole exchange is
    /// bounded by three times it.
    static func transfer(for alert: MailAlert, id: UInt64, date: String) throws(CurlError) -> CurlTransfer {
        let transfer = try CurlTransfer(id: id)
        let host = alert.server.host.contains(":") ? "[\(alert.server.host)]" : alert.server.host
        try transfer.set(CURLOPT_URL, "smtp://\(host):\(alert.server.port)/\(alert.heloName)")
        try transfer.set(CURLOPT_MAIL_FROM, "<\(MailAddress.envelope(of: alert.from))>")
        try transfer.set(CURLOPT_MAIL_RCPT, list: alert.recipients.map { "<\(MailAddress.envelope(of: $0))>" })
        try transfer.upload(Array(alert.message(date: date).utf8))
        let connect = Int(alert.connectTimeout.wholeMilliseconds)
        try transfer.set(CURLOPT_CONNECTTIMEOUT_MS, connect)
        try transfer.set(CURLOPT_TIMEOUT_MS, connect * 3)
        try transfer.set(CURLOPT_FORBID_REUSE, 1)
        return transfer
    }

    /// Now as RFC 5322 §3.3 writes a date, in local time as keepalived's `body_cmd`
    /// (`Mon, 01 Mar 2021 09:44:08 +0000`), with C-locale names.
    static func date() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S %z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
