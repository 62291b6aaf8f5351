import Config
import Node

/// libFuzzer harness: an HTTP response body (Harbor's `/api/v2.0/health` or `/ping`) through
/// the JSON field reader and the matcher, under each kind of expectation a `vrrp_http_check`
/// can state. The first byte picks the status code. Oracle: nothing traps, and a failure
/// always says why.
private let checks: [HTTPResponseMatcher] = {
    let location = SourceLocation(file: "fuzz", line: 1, column: 1)
    var ping = HTTPCheckDefinition(name: "ping", location: location)
    ping.expectBody = "Pong"
    var health = HTTPCheckDefinition(name: "health", location: location)
    health.expectJSONField = JSONFieldExpectation(field: "status", value: "healthy")
    health.requireComponents = ["core", "database", "redis", "registry"]
    var field = HTTPCheckDefinition(name: "field", location: location)
    field.expectStatus = [200, 204]
    field.expectJSONField = JSONFieldExpectation(field: "status", value: "healthy")
    return [ping, health, field].map(HTTPResponseMatcher.init)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPResponse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let status = [200, 204, 500, 503][Int(data[0]) % 4]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    for matcher in checks {
        if case .failure(let reason) = matcher.evaluate(status: status, body: body), reason.isEmpty {
            fatalError("a failed check with no reason")
        }
    }
    return 0
}
