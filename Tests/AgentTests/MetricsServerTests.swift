#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP
@testable import Agent

/// A blocking client socket connected to 127.0.0.1:`port` (receives time out after 2 s).
private func connectClient(_ port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port)).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return nil
    }
    return fd
}

private func sendAll(_ fd: Int32, _ text: String) {
    let bytes = Array(text.utf8)
    var sent = 0
    while sent < bytes.count {
        let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
        guard count > 0 else { return }
        sent += count
    }
}

/// Everything the server sends until it closes (or 2 s pass).
private func readAll(_ fd: Int32) -> String {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { break }
        received += buffer[0..<count]
    }
    return String(decoding: received, as: UTF8.self)
}

/// Turns of the event loop, by hand: accept, then serve every connection that is ready.
private func turn(_ server: MetricsServer, now: Int64, render: () -> String) {
    _ = server.acceptClients(now: now)
    for connection in server.connections {
        var entry = pollfd(fd: connection.fileDescriptor, events: connection.interest.events, revents: 0)
        if poll(&entry, 1, 0) == 1 { server.serve(connection, now: now, render: render) }
    }
}

@Suite("the metrics listener's HTTP")
struct MetricsServerTests {
    @Test("request heads: GET /metrics, a query, HTTP/1.0, bare LF, absolute form; malformed ones; the 8 KiB limit")
    func parse() {
        #expect(MetricsRequest.parse(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                == .request(MetricsRequest(method: "GET", target: "/metrics", version: "HTTP/1.1")))
        #expect(MetricsRequest.parse(Array("GET /metrics?x=1 HTTP/1.0\n\n".utf8))
                == .request(MetricsRequest(method: "GET", target: "/metrics?x=1", version: "HTTP/1.0")))
        #expect(MetricsRequest.parse(Array("GET http://h:9650/metrics HTTP/1.1\r\n\r\n".utf8))
                == .request(MetricsRequest(method: "GET", target: "/metrics", version: "HTTP/1.1")))
        #expect(MetricsRequest.parse(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n".utf8)) == .incomplete)
        for malformed in ["GET /metrics\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/2.0\r\n\r\n",
                          "GET metrics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/1.1\r\nno colon\r\n\r\n",
                          "GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n", "\r\n\r\n", "G(T /metrics HTTP/1.1\r\n\r\n"] {
            #expect(MetricsRequest.parse(Array(malformed.utf8)) == .malformed, "\(malformed.debugDescription)")
        }
        let long = "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "a", count: 8 * 1024) + "\r\n\r\n"
        #expect(MetricsRequest.parse(Array(long.utf8)) == .tooLarge)
        #expect(MetricsRequest.parse(Array(long.utf8.prefix(8 * 1024 + 1))) == .tooLarge, "an unfinished head past the limit")
        #expect(MetricsRequest.parse(Array(long.utf8.prefix(8 * 1024))) == .incomplete)
    }

    @Test("answers: 200 with the exposition's content type, 404, 405, 400, 431, always Connection: close")
    func answers() {
        var rendered = 0
        let render = { () -> String in
            rendered += 1
            return "keepalived_up 1.0\n"
        }
        let ok = String(decoding: MetricsRequest.answer(MetricsRequest.parse(Array("GET /metrics HTTP/1.0\r\n\r\n".utf8)), exposition: render),
                        as: UTF8.self)
        #expect(ok == "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 18\r\n"
                + "Connection: close\r\n\r\nkeepalived_up 1.0\n")
        #expect(rendered == 1)
        for (head, status) in [("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"), ("POST /metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed\r\n"),
                               ("nonsense\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"),
                               ("GET /metrics HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 2_000), "HTTP/1.1 431 Request Header Fields Too Large\r\n")] {
            let answer = String(decoding: MetricsRequest.answer(MetricsRequest.parse(Array(head.utf8)), exposition: render), as: UTF8.self)
            #expect(answer.hasPrefix(status), "\(head.prefix(40).debugDescription): \(answer)")
            #expect(answer.contains("\r\nConnection: close\r\n"))
        }
        #expect(rendered == 1, "a request that is not GET /metrics was rendered for")
    }

    @Test("over a socket: a scrape is answered and closed; renderings at most every 250 ms; an oversized head gets 431")
    func overSocket() throws {
        let server = try MetricsServer(host: .v4(IPv4Address(127, 0, 0, 1)), port: 0)
        #expect(server.port > 0)
        var renderings = 0
        let render = { () -> String in
            renderings += 1
            return "keepalived_up 1.0\nrendering \(renderings)\n"
        }
        func scrape(at now: Int64, _ request: String = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") throws -> String {
            let client = try #require(connectClient(server.port))
            defer { close(client) }
            sendAll(client, request)
            for _ in 0..<20 {
                turn(server, now: now, render: render)
                usleep(5_000)
            }
            return readAll(client)
        }
        let first = try scrape(at: 1_000)
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n") && first.hasSuffix("\r\n\r\nkeepalived_up 1.0\nrendering 1\n"), "\(first)")
        let soon = try scrape(at: 1_100)
        #expect(soon.hasSuffix("rendering 1\n"), "rendered again within 250 ms: \(soon)")
        let later = try scrape(at: 1_250)
        #expect(later.hasSuffix("rendering 2\n"), "not rendered again after 250 ms: \(later)")
        let huge = try scrape(at: 2_000, "GET /metrics HTTP/1.1\r\n" + String(repeating: "X-Padding: 0123456789abcdef\r\n", count: 1_000) + "\r\n")
        #expect(huge.hasPrefix("HTTP/1.1 431 "), "\(huge.prefix(200))")
        #expect(renderings == 2)
        server.expire(now: 10_000)
        #expect(server.connections.isEmpty, "\(server.connections.count) connections left after their answers")
    }

    @Test("IPv6 literals bind too; a port in use is the typed metrics error naming the listener")
    func binding() throws {
        let first = try MetricsServer(host: .v4(IPv4Address(127, 0, 0, 1)), port: 0)
        do {
            _ = try MetricsServer(host: .v4(IPv4Address(127, 0, 0, 1)), port: first.port)
            Issue.record("a second listener bound port \(first.port)")
        } catch {
            guard case .metrics(let listen, let reason) = error else {
                Issue.record("not a metrics error: \(error)")
                return
            }
            #expect(listen == "127.0.0.1:\(first.port)")
            #expect(reason.contains("in use"), "\(reason)")
        }
        let loopback6 = try MetricsServer(host: IPAddress("::1")!, port: 0)
        #expect(loopback6.port > 0 && loopback6.listen == "[::1]:0")
    }

    @Test("64 connections at most: past it the oldest idle one is closed; idle ones expire after 10 s")
    func bounds() throws {
        let server = try MetricsServer(host: .v4(IPv4Address(127, 0, 0, 1)), port: 0)
        var clients: [Int32] = []
        defer { clients.forEach { close($0) } }
        for index in 0..<70 {
            clients.append(try #require(connectClient(server.port)))
            if index % 8 == 7 { turn(server, now: 0) { "" } }  // the backlog never fills
        }
        usleep(20_000)
        turn(server, now: 0) { "" }
        #expect(server.connections.count == MetricsServer.maximumConnections)
        // The first six were closed to make room: their clients read an end of file.
        var entry = pollfd(fd: clients[0], events: Int16(POLLIN), revents: 0)
        #expect(poll(&entry, 1, 1_000) == 1 && readAll(clients[0]).isEmpty, "the oldest idle connection is still open")
        let newest = clients[69]
        sendAll(newest, "GET /metrics HTTP/1.1\r\n\r\n")
        usleep(20_000)
        turn(server, now: 5_000) { "x 1.0\n" }
        #expect(readAll(newest).hasSuffix("\r\n\r\nx 1.0\n"), "the newest connection was not answered")
        server.expire(now: 10_000)
        #expect(server.connections.isEmpty, "idle connections outlived the idle timeout: \(server.connections.count)")
    }
}
