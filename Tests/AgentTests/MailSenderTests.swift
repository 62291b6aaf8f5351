import Config
import Node
import Testing
import VRRP
@testable import Agent
#if canImport(Glibc)
import Glibc
#endif

/// `MailSender` on `CurlMulti`, driven by a poll loop as the daemon's reactor drives it, against
/// a minimal SMTP responder on 127.0.0.1 (a thread of the test) or a closed port.
@Suite("SMTP alerts through libcurl's multi interface on a poll loop", .serialized)
struct MailSenderTests {
    static func alert(port: UInt16, host: String = "127.0.0.1", subject: String = "[t] VRRP Instance VI_1 - Entering MASTER state") -> MailAlert {
        MailAlert(subjectOf: .instance("VI_1"), server: SMTPServer(host: host, port: port), heloName: "node-a.example.com",
                  connectTimeout: .seconds(2), from: "VIP <vip@example.com>", recipients: ["ops@example.com", "oncall@example.com"],
                  subject: subject, body: "=> VRRP Instance is now owning VRRP VIPs <=")
    }

    /// Polls what libcurl asks for until `sender` is idle (at most `timeout`); returns the events.
    func drive(_ curl: CurlMulti, _ sender: MailSender, timeout: Duration = .seconds(10)) -> [NodeEvent] {
        pollCurl(curl, timeout: timeout, until: { sender.isIdle }, finished: sender.finished)
    }

    /// A listening socket on 127.0.0.1 and its port.
    static func listener() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(fd, raw, length) == 0)
                try #require(getsockname(fd, raw, &length) == 0)
            }
        }
        try #require(listen(fd, 4) == 0)
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    @Test("a message goes through: EHLO with the helo name, MAIL FROM the bare address, one RCPT per recipient, keepalived's headers and body; a host name is resolved by libcurl off the loop",
          arguments: ["127.0.0.1", "localhost"])
    func delivered(host: String) throws {
        let (server, port) = try Self.listener()
        let transcript = SMTPResponder(listening: server)
        let curl = try CurlMulti()
        let sender = MailSender(curl: curl)
        #expect(sender.send(Self.alert(port: port, host: host)).isEmpty)
        let events = drive(curl, sender)
        close(server)
        #expect(events == [.mailSent(Self.alert(port: port, host: host))])
        let text = transcript.wait()
        #expect(text.contains("EHLO node-a.example.com\r\n"), "\(text)")
        #expect(text.contains("MAIL FROM:<vip@example.com>"), "\(text)")
        #expect(text.contains("RCPT TO:<ops@example.com>\r\n") && text.contains("RCPT TO:<oncall@example.com>\r\n"), "\(text)")
        #expect(text.contains("From: VIP <vip@example.com>\r\nSubject: [t] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: Keepalived (vipkeeper)\r\nTo: ops@example.com, oncall@example.com\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n"), "\(text)")
    }

    /// A listening socket on ::1 and its port.
    static func listener6() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(fd, raw, length) == 0)
                try #require(getsockname(fd, raw, &length) == 0)
            }
        }
        try #require(listen(fd, 4) == 0)
        return (fd, UInt16(bigEndian: address.sin6_port))
    }

    @Test("an IPv6 literal server (smtp://[::1]:PORT/...)")
    func deliveredOverIPv6() throws {
        let (server, port) = try Self.listener6()
        let transcript = SMTPResponder(listening: server)
        let curl = try CurlMulti()
        let sender = MailSender(curl: curl)
        #expect(sender.send(Self.alert(port: port, host: "::1")).isEmpty)
        let events = drive(curl, sender)
        close(server)
        #expect(events == [.mailSent(Self.alert(port: port, host: "::1"))])
        #expect(transcript.wait().contains("RCPT TO:<ops@example.com>\r\n"))
    }

    @Test("a closed port fails at once with libcurl's reason, as an effectFailed event")
    func refused() throws {
        let (server, port) = try Self.listener()
        close(server)  // nothing listens there now
        let curl = try CurlMulti()
        let sender = MailSender(curl: curl)
        _ = sender.send(Self.alert(port: port))
        let events = drive(curl, sender)
        guard case .effectFailed(.sendMail, let error)? = events.first, events.count == 1 else {
            Issue.record("events: \(events)")
            return
        }
        #expect(error.message.contains("onnect"), "\(error.message)")
    }

    @Test("the queue holds 32 alerts (one in flight): the 33rd is dropped with EffectError.queueFull, without blocking")
    func bounded() throws {
        let (server, port) = try Self.listener()  // accepts into the backlog, never answers
        defer { close(server) }
        let curl = try CurlMulti()
        let sender = MailSender(curl: curl)
        let started = MonotonicClock.now()
        for index in 0..<MailSender.capacity {
            #expect(sender.send(Self.alert(port: port, subject: "\(index)")).isEmpty)
        }
        let overflow = sender.send(Self.alert(port: port, subject: "overflow"))
        #expect(MonotonicClock.now() - started < .milliseconds(500))
        guard case .effectFailed(.sendMail(let alert), let error)? = overflow.first else {
            Issue.record("overflow: \(overflow)")
            return
        }
        #expect(alert.subject == "overflow")
        #expect(error.code == EffectError.queueFull)
    }
}

/// A minimal SMTP server for one connection, on its own thread: answers every command with
/// success and keeps what the client sent.
final class SMTPResponder: @unchecked Sendable {
    private let transcript = Transcript()

    init(listening fd: Int32) {
        detachThread { self.serve(fd) }
    }

    private func serve(_ listener: Int32) {
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return transcript.finish("") }
        var text = ""
        func say(_ line: String) { _ = line.withCString { write(client, $0, strlen($0)) } }
        say("220 test ESMTP\r\n")
        var buffer = [UInt8](repeating: 0, count: 4096)
        var inData = false
        var pending = ""
        while true {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { break }
            let chunk = String(decoding: buffer[..<count], as: UTF8.self)
            text += chunk
            pending += chunk
            if inData {
                guard pending.contains("\r\n.\r\n") else { continue }
                inData = false
                pending = ""
                say("250 queued\r\n")
                continue
            }
            while let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                if line.hasPrefix("DATA") {
                    say("354 go on\r\n")
                    inData = true
                } else if line.hasPrefix("QUIT") {
                    say("221 bye\r\n")
                    close(client)
                    return transcript.finish(text)
                } else {
                    say("250 ok\r\n")
                }
            }
        }
        close(client)
        transcript.finish(text)
    }

    /// What the client sent, once it quit (at most 5 s).
    func wait() -> String {
        transcript.wait()
    }
}

/// Polls what libcurl asks for, as the daemon's reactor does, until `done` (at most
/// `timeout`); `finished` turns the transfers libcurl reports finished into events.
func pollCurl(_ curl: CurlMulti, timeout: Duration, until done: () -> Bool,
              finished: ([CurlMulti.Finished]) -> [NodeEvent]) -> [NodeEvent] {
    var events: [NodeEvent] = []
    let deadline = MonotonicClock.now() + timeout
    while !done() && MonotonicClock.now() < deadline {
        var descriptors = curl.sockets.map { pollfd(fd: $0.key, events: $0.value.events, revents: 0) }
        let wait = curl.deadline.map { max(0, min(100, Int32(($0 - MonotonicClock.now()).wholeMilliseconds))) } ?? 100
        _ = poll(&descriptors, nfds_t(descriptors.count), wait)
        for descriptor in descriptors where descriptor.revents != 0 {
            events += finished(curl.ready(descriptor.fd))
        }
        events += finished(curl.timerDue(now: MonotonicClock.now()))
    }
    return events
}

/// What a test server's client sent, handed from the server's thread to the test.
final class Transcript: @unchecked Sendable {
    private var text = ""
    private var done = false
    private let lock = NSLockLike()

    func finish(_ text: String) {
        lock.locked {
            self.text = text
            done = true
        }
    }

    /// The text once the server is done (at most 5 s; else what there is by then).
    func wait() -> String {
        for _ in 0..<500 {
            if let text = lock.locked({ done ? text : nil }) { return text }
            usleep(10_000)
        }
        return lock.locked { text }
    }
}

/// Runs `body` on a detached thread of its own (the test target imports no Foundation).
func detachThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var thread = pthread_t()
    pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, Unmanaged.passRetained(Box(body)).toOpaque())
    pthread_detach(thread)
}

/// A pthread mutex (the test target imports no Foundation).
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
