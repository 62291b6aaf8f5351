import Config
import Dispatch
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper drill --probe URL`: GETs the URL every 20 ms from this node (through the VIP)
/// on a thread of its own, each try bounded by 200 ms, and reports the client-visible outages.
final class HTTPProber: @unchecked Sendable {
    struct Outage: Codable, Equatable {
        /// Seconds from the start of the probe to the first failed try.
        var start: Double
        /// Until the next successful try.
        var seconds: Double
    }

    struct Summary: Codable, Equatable {
        var url: String
        var tries: Int
        var failures: Int
        var outages: [Outage]
        var longestOutageSeconds: Double
    }

    private let url: HTTPCheckURL
    private let text: String
    private let state = Mutex(State())
    private let started = Date()
    private let done = DispatchSemaphore(value: 0)

    private struct State {
        var results: [(at: Double, ok: Bool)] = []
        var stopped = false
    }

    init?(_ text: String) {
        guard let url = HTTPCheckURL(text), !url.isTLS else { return nil }
        self.url = url
        self.text = text
    }

    func start() {
        DispatchQueue(label: "vipkeeper.probe").async { [self] in
            while !state.withLock({ $0.stopped }) {
                let began = Date()
                let ok = self.get()
                state.withLock { $0.results.append((began.timeIntervalSince(started), ok)) }
                let spent = Date().timeIntervalSince(began)
                if spent < 0.02 { usleep(UInt32((0.02 - spent) * 1_000_000)) }
            }
            done.signal()
        }
    }

    /// Stops probing and sums up.
    func stop() -> Summary {
        state.withLock { $0.stopped = true }
        _ = done.wait(timeout: .now() + .seconds(1))  // the last try ends within its 200 ms bound
        let results = state.withLock { $0.results }
        var outages: [Outage] = []
        var failedSince: Double?
        for result in results {
            if !result.ok, failedSince == nil { failedSince = result.at }
            if result.ok, let since = failedSince {
                outages.append(Outage(start: since, seconds: result.at - since))
                failedSince = nil
            }
        }
        if let since = failedSince, let last = results.last {
            outages.append(Outage(start: since, seconds: last.at - since))
        }
        return Summary(url: text, tries: results.count, failures: results.filter { !$0.ok }.count, outages: outages,
                       longestOutageSeconds: outages.map(\.seconds).max() ?? 0)
    }

    /// One GET: a 2xx or 3xx status line within 200 ms is a success.
    private func get() -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(url.host, String(url.port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(0.2)
        if connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 && errno != EINPROGRESS { return false }
        guard wait(fd, events: Int16(POLLOUT), until: deadline) else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else { return false }
        let request = Array("GET \(url.target) HTTP/1.1\r\nHost: \(url.host)\r\nUser-Agent: vipkeeper-drill\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return false }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while answer.count < 12 {
            guard wait(fd, events: Int16(POLLIN), until: deadline) else { return false }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            answer += buffer[0..<count]
        }
        let status = String(decoding: answer.prefix(12), as: UTF8.self)
        return status.hasPrefix("HTTP/1.") && (status.dropFirst(9).first == "2" || status.dropFirst(9).first == "3")
    }

    private func wait(_ fd: Int32, events: Int16, until deadline: Date) -> Bool {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return false }
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        return poll(&descriptor, 1, Int32(remaining * 1000) + 1) == 1 && descriptor.revents & events != 0
    }
}
