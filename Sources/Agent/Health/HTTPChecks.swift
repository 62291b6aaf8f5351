import Config
import Node
import VRRP

/// The `vrrp_http_check` runs in flight, on libcurl's multi handle on the daemon's reactor
/// (`CurlMulti`, shared with the e-mail alerts): a run starts a transfer and returns at once;
/// its answer, judged by `HTTPResponseMatcher`, comes back as `.checkCompleted` when libcurl
/// says the transfer finished. A refused connection fails at once, a silent server at the
/// check's timeout, and nothing of it ever holds up an advert.
final class HTTPChecks {
    private struct Running {
        var run: CheckRunID
        var check: HTTPCheckDefinition
        var request: HTTPRequest
        var transfer: CurlTransfer
        var started: Instant
    }

    private let curl: CurlMulti
    private var running: [UInt64: Running] = [:]
    private var nextID: UInt64 = 1 << 32  // apart from MailSender's ids

    init(curl: CurlMulti) {
        self.curl = curl
    }

    var isIdle: Bool { running.isEmpty }

    /// Starts a run; what cannot even start is its failed result, at once.
    func start(_ run: CheckRunID, _ check: HTTPCheckDefinition, timeout: Duration, now: Instant) -> [NodeEvent] {
        guard let url = check.url else { return [.checkCompleted(run, .failure("no url"), duration: .zero)] }
        let request = HTTPRequest(check: check, url: url, timeout: timeout)
        do {
            nextID += 1
            let transfer = try request.transfer(id: nextID)
            try curl.add(transfer)
            running[nextID] = Running(run: run, check: check, request: request, transfer: transfer, started: now)
            return []
        } catch {
            return [.checkCompleted(run, .failure("\(check.method) \(url): \(error.message)"), duration: .zero)]
        }
    }

    /// The transfers `CurlMulti` reports finished: this runner's become check results.
    func finished(_ done: [CurlMulti.Finished], now: Instant) -> [NodeEvent] {
        done.compactMap { item in
            guard let run = running.removeValue(forKey: item.transfer.id) else { return nil }
            return .checkCompleted(run.run, Self.outcome(of: item, run.check, run.request), duration: now - run.started)
        }
    }

    /// What a finished transfer means for its check: an answer (whole, or cut at the body
    /// limit) is judged; no answer is a failure saying why, or a timeout.
    static func outcome(of item: CurlMulti.Finished, _ check: HTTPCheckDefinition, _ request: HTTPRequest) -> CheckOutcome {
        if item.failure == nil || item.transfer.bodyTruncated {
            return HTTPResponseMatcher(check: check).evaluate(status: item.transfer.responseCode, body: item.transfer.body)
        }
        if item.timedOut { return .timedOut(request.timeout) }
        return .failure("\(check.method) \(request.url): \(item.failure ?? "failed")")
    }
}
