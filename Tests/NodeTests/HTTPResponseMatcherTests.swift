import Config
import Foundation
import Testing
@testable import Node

@Suite("HTTP check response matching (spec/harbor.md)")
struct HTTPResponseMatcherTests {
    func check(status: [Int] = [200], body: String? = nil, field: (String, String)? = nil, components: [String] = []) -> HTTPResponseMatcher {
        var definition = HTTPCheckDefinition(name: "t", location: SourceLocation(file: "t", line: 1, column: 1))
        definition.expectStatus = status
        definition.expectBody = body
        definition.expectJSONField = field.map { JSONFieldExpectation(field: $0.0, value: $0.1) }
        definition.requireComponents = components
        return HTTPResponseMatcher(check: definition)
    }

    static let healthy = #"{"status":"healthy","components":[{"name":"core","status":"healthy"},{"name":"database","status":"healthy"},{"name":"redis","status":"healthy"}]}"#
    static let databaseDown = #"{"status":"unhealthy","components":[{"name":"core","status":"healthy"},{"name":"database","status":"unhealthy","error":"dial tcp: connection refused"},{"name":"redis","status":"healthy"}]}"#

    @Test("status codes: one or several accepted")
    func status() {
        #expect(check().evaluate(status: 200, body: []) == .success)
        #expect(check().evaluate(status: 502, body: []) == .failure("HTTP 502, expected 200"))
        #expect(check(status: [200, 204]).evaluate(status: 204, body: []) == .success)
        #expect(check(status: [200, 204]).evaluate(status: 500, body: []) == .failure("HTTP 500, expected 200 or 204"))
    }

    @Test("expect_body: /api/v2.0/ping answers Pong")
    func body() {
        #expect(check(body: "Pong").evaluate(status: 200, body: Array("Pong".utf8)) == .success)
        #expect(check(body: "Pong").evaluate(status: 200, body: Array("<html>maintenance</html>".utf8)) == .failure("body does not contain \"Pong\""))
    }

    @Test("expect_json_field: /api/v2.0/health answers 200 even when unhealthy")
    func jsonField() {
        let matcher = check(field: ("status", "healthy"))
        #expect(matcher.evaluate(status: 200, body: Array(Self.healthy.utf8)) == .success)
        #expect(matcher.evaluate(status: 200, body: Array(Self.databaseDown.utf8)) == .failure("JSON \"status\" is \"unhealthy\", expected \"healthy\""))
        #expect(matcher.evaluate(status: 200, body: Array(#"{"state":"ok"}"#.utf8)) == .failure("JSON has no field \"status\""))
        #expect(matcher.evaluate(status: 200, body: Array(#"{"status":true}"#.utf8)) == .failure("JSON \"status\" is true, expected \"healthy\""))
    }

    @Test("require_components: only the named components count")
    func components() {
        #expect(check(components: ["core", "redis"]).evaluate(status: 200, body: Array(Self.databaseDown.utf8)) == .success)
        #expect(check(components: ["core", "database"]).evaluate(status: 200, body: Array(Self.databaseDown.utf8))
                == .failure("Harbor components not healthy: database unhealthy"))
        #expect(check(components: ["core", "trivy"]).evaluate(status: 200, body: Array(Self.healthy.utf8))
                == .failure("Harbor components not healthy: trivy missing"))
        let unknown = #"{"status":"unhealthy","components":[{"name":"core","status":"unknown status"}]}"#
        #expect(check(components: ["core"]).evaluate(status: 200, body: Array(unknown.utf8))
                == .failure("Harbor components not healthy: core unknown status"))
    }

    @Test("malformed JSON is a failure with a reason, never a crash", arguments: [
        "", "not json", "{", "[1,2,3]", #"{"components": "core"}"#, "\u{0}\u{1}", #"{"status":"healthy","components":[{"name":"core"}"#,
    ])
    func malformed(body: String) {
        let outcome = check(field: ("status", "healthy"), components: ["core"]).evaluate(status: 200, body: Array(body.utf8))
        #expect(!outcome.succeeded)
        #expect(!outcome.description.isEmpty)
    }
}
