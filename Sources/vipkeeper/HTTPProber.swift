import Agent
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
/// on a thread of its own, with the daemon's HTTP client, each try bounded by 200 ms, and reports the client-visible outages.
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
        guard let url = HTTPCheckURL(text) else { return nil }
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

    /// One GET through the daemon's HTTP client (`HTTPRequest`, libcurl): a 2xx or 3xx answer
    /// within 200 ms is a success.
    private func get() -> Bool {
        var request = HTTPRequest(url: url, timeout: .milliseconds(200))
        request.userAgent = "vipkeeper-drill"
        let answer = request.perform()
        return answer.failure == nil && (200..<400).contains(answer.status)
    }
}
