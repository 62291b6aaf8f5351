import Config
import Node
import Testing
import VRRP
@testable import Agent
#if canImport(Glibc)
import Glibc
#endif

/// `HTTPChecks` on `CurlMulti`, driven by a poll loop as the daemon's reactor drives it,
/// against a one-connection HTTP responder on 127.0.0.1 (a thread of the test) or a closed port.
@Suite("HTTP checks through libcurl's multi interface on a poll loop", .serialized)
struct HTTPChecksTests {
    static func check(_ url: String, _ configure: (inout HTTPCheckDefinition) -> Void = { _ in }) -> HTTPCheckDefinition {
        var check = HTTPCheckDefinition(name: "harbor", location: .unplaced)
        check.url = HTTPCheckURL(url)
        configure(&check)
        return check
    }

    static let run = CheckRunID(check: CheckID(0), run: 1)

    /// Polls what libcurl asks for until `checks` is idle (at most `timeout`); returns the
    /// events and how long it took.
    func drive(_ curl: CurlMulti, _ checks: HTTPChecks, timeout: Duration = .seconds(10)) -> ([NodeEvent], Duration) {
        let started = MonotonicClock.now()
        let events = pollCurl(curl, timeout: timeout, until: { checks.isIdle }) { checks.finished($0, now: MonotonicClock.now()) }
        return (events, MonotonicClock.now() - started)
    }

    /// Runs `check` once against whatever listens; returns its outcome (nil: no result came).
    func outcome(of check: HTTPCheckDefinition, timeout: Duration = .seconds(5)) throws -> CheckOutcome? {
        let curl = try CurlMulti()
        let checks = HTTPChecks(curl: curl)
        #expect(checks.start(Self.run, check, timeout: timeout, now: MonotonicClock.now()).isEmpty)
        let (events, _) = drive(curl, checks, timeout: timeout + .seconds(5))
        guard events.count == 1, case .checkCompleted(Self.run, let outcome, _) = events[0] else {
            Issue.record("events: \(events)")
            return nil
        }
        return outcome
    }

    @Test("a GET carries the configured headers over libcurl's, and Harbor's /health JSON is judged")
    func healthJSON() throws {
        let (server, port) = try MailSenderTests.listener()
        defer { close(server) }
        let body = #"{"status":"healthy","components":[{"name":"core","status":"healthy"},{"name":"registry","status":"unhealthy"}]}"#
        let responder = HTTPResponder(listening: server, answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        let check = Self.check("http://127.0.0.1:\(port)/api/v2.0/health") {
            $0.headers = [HTTPHeader(name: "Host", value: "harbor.example.com"), HTTPHeader(name: "X-Probe", value: "1")]
            $0.requireComponents = ["core", "registry"]
        }
        let result = try #require(try outcome(of: check))
        #expect(result == .failure("Harbor components not healthy: registry unhealthy"))
        let request = responder.wait()
        #expect(request.hasPrefix("GET /api/v2.0/health HTTP/1.1\r\n"), "\(request)")
        #expect(request.contains("\r\nHost: harbor.example.com\r\n") && !request.contains("Host: 127.0.0.1"), "\(request)")
        #expect(request.contains("\r\nX-Probe: 1\r\n") && request.contains("\r\nUser-Agent: vipkeeper-check\r\n"), "\(request)")
    }

    @Test("HEAD asks for no body; expect_status lists are honoured")
    func head() throws {
        let (server, port) = try MailSenderTests.listener()
        defer { close(server) }
        let responder = HTTPResponder(listening: server, answer: "HTTP/1.1 204 No Content\r\n\r\n")
        let check = Self.check("http://127.0.0.1:\(port)/api/v2.0/ping") {
            $0.method = "HEAD"
            $0.expectStatus = [200, 204]
        }
        #expect(try outcome(of: check) == .success)
        #expect(responder.wait().hasPrefix("HEAD /api/v2.0/ping HTTP/1.1\r\n"))
    }

    @Test("a body over the 1 MiB limit ends the transfer there and the answer is still judged on what came")
    func cappedBody() throws {
        let (server, port) = try MailSenderTests.listener()
        defer { close(server) }
        let size = 10 << 20
        _ = HTTPResponder(listening: server, answer: "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\nPong", padding: size - 4)
        let pong = Self.check("http://127.0.0.1:\(port)/") { $0.expectBody = "Pong" }
        #expect(try outcome(of: pong) == .success)
    }

    @Test("a body over the limit without the expected text fails on the text, not on the size")
    func cappedBodyMissingText() throws {
        let (server, port) = try MailSenderTests.listener()
        defer { close(server) }
        let size = 3 << 20
        _ = HTTPResponder(listening: server, answer: "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n", padding: size)
        let check = Self.check("http://127.0.0.1:\(port)/") { $0.expectBody = "Pong" }
        #expect(try outcome(of: check) == .failure("body does not contain \"Pong\""))
    }

    @Test("a refused connection is a failure at once, not at the timeout (address literal and a name resolved off the loop)",
          arguments: ["127.0.0.1", "localhost"])
    func refused(host: String) throws {
        let (server, port) = try MailSenderTests.listener()
        close(server)  // nothing listens there now
        let curl = try CurlMulti()
        let checks = HTTPChecks(curl: curl)
        _ = checks.start(Self.run, Self.check("http://\(host):\(port)/api/v2.0/ping"), timeout: .seconds(10), now: MonotonicClock.now())
        let (events, took) = drive(curl, checks, timeout: .seconds(15))
        guard events.count == 1, case .checkCompleted(_, .failure(let reason), _) = events[0] else {
            Issue.record("events: \(events)")
            return
        }
        #expect(reason.hasPrefix("GET http://\(host):\(port)/api/v2.0/ping: ") && reason.contains("onnect"), "\(reason)")
        #expect(took < .seconds(5), "a refused connect took \(took)")
    }

    @Test("a slow server that answers within the timeout passes, and the run's duration shows the wait")
    func slow() throws {
        let (server, port) = try MailSenderTests.listener()
        defer { close(server) }
        _ = HTTPResponder(listening: server, answer: "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nPong", delayMilliseconds: 400)
        let curl = try CurlMulti()
        let checks = HTTPChecks(curl: curl)
        _ = checks.start(Self.run, Self.check("http://127.0.0.1:\(port)/") { $0.expectBody = "Pong" }, timeout: .seconds(2),
                         now: MonotonicClock.now())
        let (events, _) = drive(curl, checks)
        guard events.count == 1, case .checkCompleted(_, let outcome, let duration) = events[0] else {
            Issue.record("events: \(events)")
            return
        }
        #expect(outcome == .success)
        #expect(duration >= .milliseconds(400) && duration < .seconds(2), "\(duration)")
    }

    @Test("a server that accepts and never answers is a timeout at the check's timeout")
    func silent() throws {
        let (server, port) = try MailSenderTests.listener()  // the backlog accepts; nobody answers
        defer { close(server) }
        let curl = try CurlMulti()
        let checks = HTTPChecks(curl: curl)
        _ = checks.start(Self.run, Self.check("http://127.0.0.1:\(port)/"), timeout: .milliseconds(300), now: MonotonicClock.now())
        let (events, took) = drive(curl, checks, timeout: .seconds(5))
        #expect(events.count == 1 && { if case .checkCompleted(_, .timedOut(.milliseconds(300)), _) = events[0] { true } else { false } }(), "\(events)")
        #expect(took >= .milliseconds(300) && took < .seconds(3), "\(took)")
    }

    @Test("an IPv6 literal URL reaches a server on ::1")
    func ipv6() throws {
        let (server, port) = try MailSenderTests.listener6()
        defer { close(server) }
        let responder = HTTPResponder(listening: server, answer: "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nPong")
        #expect(try outcome(of: Self.check("http://[::1]:\(port)/api/v2.0/ping") { $0.expectBody = "Pong" }) == .success)
        #expect(responder.wait().contains("\r\nHost: [::1]:\(port)\r\n"))
    }

    @Test("the drill's probe uses the same client: perform() returns the status")
    func perform() throws {
        let (server, port) = try MailSenderTests.listener()
        defer { close(server) }
        _ = HTTPResponder(listening: server, answer: "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n")
        let answer = HTTPRequest(url: try #require(HTTPCheckURL("http://127.0.0.1:\(port)/")), timeout: .seconds(2)).perform()
        #expect(answer.status == 302 && answer.failure == nil, "\(answer)")
    }
}

/// A one-connection HTTP server on its own thread: reads the request head, sends `answer`
/// (and `padding` bytes of filler after it), closes, and keeps what the client sent.
final class HTTPResponder: @unchecked Sendable {
    private let transcript = Transcript()
    private let answer: [UInt8]
    private let padding: Int
    private let delay: UInt32

    /// `delayMilliseconds`: how long it waits after the request before answering.
    init(listening fd: Int32, answer: String, padding: Int = 0, delayMilliseconds: UInt32 = 0) {
        self.answer = Array(answer.utf8)
        self.padding = padding
        delay = delayMilliseconds
        detachThread { self.serve(fd) }
    }

    private func serve(_ listener: Int32) {
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return transcript.finish("") }
        defer { close(client) }
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !text.contains("\r\n\r\n") {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
        }
        transcript.finish(text)
        if delay > 0 { usleep(delay * 1_000) }
        guard sendAll(answer, client) else { return }
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var left = padding
        while left > 0, sendAll(Array(filler.prefix(left)), client) { left -= min(left, filler.count) }
    }

    /// False once the client has gone (it may end the transfer at its body limit).
    private func sendAll(_ bytes: [UInt8], _ client: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// The request head the client sent (at most 5 s).
    func wait() -> String {
        transcript.wait()
    }
}
