/// vipkeeper's `vrrp_http_check NAME { ... }` (spec/config.md): a typed GET against the
/// local Harbor nginx instead of `curl` in a script.
public struct HTTPCheckDefinition: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public var url: HTTPCheckURL?
    public var method = "GET"
    public var expectStatus: [Int] = [200]
    public var expectBody: String?
    public var expectJSONField: JSONFieldExpectation?
    /// Harbor `/api/v2.0/health`: each named component must report "healthy".
    public var requireComponents: [String] = []
    public var headers: [HTTPHeader] = []
    public var tlsVerify = true
    public var caFile: String?
    /// `client_certificate PATH` / `client_key PATH`: a PEM certificate (and its key, when not
    /// in the same file) the check presents to a server that asks for one (mutual TLS).
    public var clientCertificate: String?
    public var clientKey: String?
    public var schedule = CheckSchedule()

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

public struct JSONFieldExpectation: Hashable, Sendable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

public struct HTTPHeader: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
