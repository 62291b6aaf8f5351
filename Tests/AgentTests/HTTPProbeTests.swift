import Config
import Node
import Foundation
import Testing
@testable import Agent

@Suite("HTTP probe")
struct HTTPProbeTests {
    @Test("a request carries Host, Connection: close and configured headers")
    func requestHead() throws {
        var definition = HTTPCheckDefinition(name: "t", location: SourceLocation(file: "t", line: 1, column: 1))
        definition.url = HTTPCheckURL("http://127.0.0.1:8080/api/v2.0/health")
        definition.headers = [HTTPHeader(name: "Host", value: "harbor.example.com")]
        let head = HTTPProbe.requestHead(definition, url: try #require(definition.url))
        #expect(head.uri == "/api/v2.0/health")
        #expect(head.headers["Host"] == ["harbor.example.com"])
        #expect(head.headers["Connection"] == ["close"])
    }

    @Test("a refused connection is a failure at once, not at the deadline (address literal and name)",
          arguments: ["http://127.0.0.1:1/api/v2.0/ping", "http://localhost:1/api/v2.0/ping"])
    func refused(url: String) throws {
        var definition = HTTPCheckDefinition(name: "t", location: SourceLocation(file: "t", line: 1, column: 1))
        definition.url = HTTPCheckURL(url)
        let probe = HTTPProbe()
        defer { probe.shutdown() }
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        let started = DispatchTime.now()
        probe.run(definition, tls: nil, timeout: .seconds(10)) { outcome in
            result.set(outcome)
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 15) == .success)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let outcome = try #require(result.get())
        #expect(outcome.description.contains("connection"), "\(outcome)")
        #expect(elapsed < 5, "a refused connect took \(elapsed) s")
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: CheckOutcome?
    func set(_ outcome: CheckOutcome) { lock.lock(); value = outcome; lock.unlock() }
    func get() -> CheckOutcome? { lock.lock(); defer { lock.unlock() }; return value }
}
