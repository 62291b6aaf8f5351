import CCurl
import Config

/// One HTTP(S) request as the daemon's one HTTP client makes it, through libcurl: the
/// `vrrp_http_check` runs (`HTTPChecks`, on the reactor through `CurlMulti`) and the drill's
/// probe (`vipkeeper drill --probe`, from the command line). TLS is the system's OpenSSL with
/// the system's CA store unless `ca_file` names another; redirects are not followed (a check
/// judges the answer it gets); one connection per request (CURLOPT_FORBID_REUSE), so an idle
/// daemon holds no sockets between checks; the timeout covers connect and answer; the body is
/// kept up to `bodyLimit` bytes and the transfer ends there. A host name is resolved by
/// libcurl's threaded resolver, an address literal is not resolved at all.
public struct HTTPRequest: Sendable {
    /// The most of a body a check looks at (Harbor's `/health` is about 300 bytes).
    public static let bodyLimit = 1 << 20

    public var url: HTTPCheckURL
    public var method = "GET"
    public var headers: [HTTPHeader] = []
    public var timeout: Duration
    public var tlsVerify = true
    public var caFile: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var userAgent = "vipkeeper-check"
    /// Debian's CA store, one PEM per CA under its subject hash (`update-ca-certificates`).
    static let systemCertificates = "/etc/ssl/certs"

    public init(url: HTTPCheckURL, timeout: Duration) {
        self.url = url
        self.timeout = timeout
    }

    /// A run of `check` (whose URL must be set: the configuration reader requires it).
    init(check: HTTPCheckDefinition, url: HTTPCheckURL, timeout: Duration) {
        self.init(url: url, timeout: timeout)
        method = check.method
        headers = check.headers
        tlsVerify = check.tlsVerify
        caFile = check.caFile
        clientCertificate = check.clientCertificate
        clientKey = check.clientKey
    }

    /// The URL as libcurl reads it: an IPv6 literal in brackets, the port always written.
    var curlURL: String {
        let host = url.host.contains(":") ? "[\(url.host)]" : url.host
        return "\(url.isTLS ? "https" : "http")://\(host):\(url.port)\(url.target)"
    }

    /// The libcurl transfer of this request, ready for `CurlMulti.add` or `perform`.
    func transfer(id: UInt64) throws(CurlError) -> CurlTransfer {
        let transfer = try CurlTransfer(id: id)
        try transfer.set(CURLOPT_URL, curlURL)
        try transfer.set(CURLOPT_PROTOCOLS_STR, "http,https")
        if method == "HEAD" { try transfer.set(CURLOPT_NOBODY, 1) }
        try transfer.set(CURLOPT_USERAGENT, userAgent)
        // A configured header replaces libcurl's own of that name (`Host`, `Accept`).
        try transfer.set(CURLOPT_HTTPHEADER, list: headers.map { "\($0.name): \($0.value)" })
        try transfer.set(CURLOPT_FOLLOWLOCATION, 0)
        try transfer.set(CURLOPT_FORBID_REUSE, 1)
        let milliseconds = max(1, Int(timeout.wholeMilliseconds))
        try transfer.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
        try transfer.set(CURLOPT_TIMEOUT_MS, milliseconds)
        if url.isTLS {
            try transfer.set(CURLOPT_SSL_VERIFYPEER, tlsVerify ? 1 : 0)
            try transfer.set(CURLOPT_SSL_VERIFYHOST, tlsVerify ? 2 : 0)
            if let caFile {
                try transfer.set(CURLOPT_CAINFO, caFile)
            } else if tlsVerify {
                // The system store as OpenSSL's hashed directory (update-ca-certificates keeps
                // it), not libcurl's default bundle: the bundle is parsed whole on a
                // transfer's first handshake, 30–40 ms of CPU on the event loop, and a daemon
                // under vrrp_rt_priority is killed by RLIMIT_RTTIME (10 ms) for that. The
                // directory is read for the one issuer the server's chain names.
                try transfer.clear(CURLOPT_CAINFO)
                try transfer.set(CURLOPT_CAPATH, Self.systemCertificates)
            }
            if let clientCertificate { try transfer.set(CURLOPT_SSLCERT, clientCertificate) }
            if let clientKey { try transfer.set(CURLOPT_SSLKEY, clientKey) }
        }
        if method != "HEAD" { try transfer.collectBody(limit: Self.bodyLimit) }
        return transfer
    }

    /// Runs the request to its end on the calling thread; nil when an answer came, with its
    /// status. For the command line only (`vipkeeper drill --probe`): the daemon's event loop
    /// never blocks on a request.
    public func perform() -> (status: Int, failure: String?) {
        do {
            let transfer = try transfer(id: 0)
            let failure = transfer.perform()
            return (transfer.responseCode, transfer.bodyTruncated ? nil : failure)
        } catch {
            return (0, error.message)
        }
    }
}
