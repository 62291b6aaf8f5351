import Config

/// Decides whether an HTTP answer means "healthy" for a `vrrp_http_check` (spec/harbor.md):
/// the status must be one of `expect_status`, the body must contain `expect_body`, the
/// top-level JSON string field must equal `expect_json_field`, and every component named in
/// `require_components` must report "healthy" — Harbor's `/api/v2.0/health` answers 200 even
/// when unhealthy, so the JSON is what counts. Every failure says why.
public struct HTTPResponseMatcher: Sendable {
    public let check: HTTPCheckDefinition

    public init(check: HTTPCheckDefinition) {
        self.check = check
    }

    public func evaluate(status: Int, body: [UInt8]) -> CheckOutcome {
        guard check.expectStatus.contains(status) else {
            let expected = check.expectStatus.map(String.init).joined(separator: " or ")
            return .failure("HTTP \(status), expected \(expected)")
        }
        if let needle = check.expectBody, !contains(body, Array(needle.utf8)) {
            return .failure("body does not contain \"\(needle)\"")
        }
        guard check.expectJSONField != nil || !check.requireComponents.isEmpty else { return .success }
        guard let json = JSONValue.parse(body), case .object = json else {
            return .failure("body is not a JSON object")
        }
        if let field = check.expectJSONField {
            guard let value = json[field.field] else { return .failure("JSON has no field \"\(field.field)\"") }
            guard value.string == field.value else {
                return .failure("JSON \"\(field.field)\" is \(describe(value)), expected \"\(field.value)\"")
            }
        }
        if !check.requireComponents.isEmpty {
            guard case .array(let components)? = json["components"] else {
                return .failure("JSON has no \"components\" list")
            }
            var states: [String: String] = [:]
            for component in components {
                if let name = component["name"]?.string {
                    states[name] = component["status"]?.string ?? "missing status"
                }
            }
            let bad = check.requireComponents.compactMap { name -> String? in
                guard let state = states[name] else { return "\(name) missing" }
                return state == "healthy" ? nil : "\(name) \(state)"
            }
            if !bad.isEmpty { return .failure("Harbor components not healthy: \(bad.joined(separator: ", "))") }
        }
        return .success
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .number(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .null: return "null"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
