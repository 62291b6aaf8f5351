/// One HTTP/1.0 or HTTP/1.1 request head as the metrics listener reads it, and the answer it
/// gets. Pure: bytes in, a verdict out (the listener does the reading and writing).
struct MetricsRequest: Equatable {
    /// At most this many bytes of request head (request line and header lines); past it the
    /// client gets 431 and the connection is closed.
    static let maximumHeadLength = 8 * 1024

    var method: String
    /// The path and query (`/metrics?x=1`), an absolute-form target already reduced to them.
    var target: String
    /// `HTTP/1.0` or `HTTP/1.1`.
    var version: String

    /// What the bytes read so far amount to.
    enum Parsed: Equatable {
        /// No blank line yet, and still within the limit.
        case incomplete
        case request(MetricsRequest)
        /// Not an HTTP/1.x request head.
        case malformed
        /// No end of the head within `maximumHeadLength` bytes.
        case tooLarge
    }

    /// Reads a request head from the start of `bytes`. The head ends at the first blank line
    /// (CRLF CRLF, or bare LF LF as RFC 9112 §2.2 lets a server accept); whatever follows it
    /// (a body) is ignored.
    static func parse(_ bytes: [UInt8]) -> Parsed {
        guard let end = headEnd(bytes) else {
            return bytes.count > maximumHeadLength ? .tooLarge : .incomplete
        }
        guard end <= maximumHeadLength else { return .tooLarge }
        var lines = bytes[..<end].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first else { return .malformed }
        let parts = first.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = token(parts[0]), let rawTarget = visible(parts[1]), let version = visible(parts[2]),
              version == "HTTP/1.0" || version == "HTTP/1.1" else { return .malformed }
        guard let target = originForm(rawTarget) else { return .malformed }
        for header in lines.dropFirst() {
            // name ":" value; a name is a token, with no space before the colon.
            guard let colon = header.firstIndex(of: UInt8(ascii: ":")), token(header[header.startIndex..<colon]) != nil else {
                return .malformed
            }
        }
        return .request(MetricsRequest(method: method, target: target, version: version))
    }

    /// The index just past the blank line that ends the head, or nil.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                    return index + 3
                }
            }
            index += 1
        }
        return nil
    }

    /// The text of a non-empty RFC 9110 token (a method, a header name), or nil.
    private static func token(_ bytes: ArraySlice<UInt8>) -> String? {
        let allowed = Set("!#$%&'*+-.^_`|~".utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                || allowed.contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Non-empty visible ASCII (a target, a version), or nil.
    private static func visible(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `/path?query` from an origin-form or absolute-form target (`http://host:port/path`).
    private static func originForm(_ target: String) -> String? {
        if target.hasPrefix("/") { return target }
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            return rest[slash] == "/" ? String(rest[slash...]) : "/" + rest[slash...]
        }
        return nil
    }

    /// Whether the target is the exposition: `/metrics`, with or without a query.
    var asksForMetrics: Bool {
        target == "/metrics" || target.hasPrefix("/metrics?")
    }

    /// The whole answer to a request: `Connection: close` always (the connection is closed
    /// once it is written). `version` is the request's, or HTTP/1.1 when it could not be read.
    static func response(status: Int, reason: String, version: String = "HTTP/1.1", contentType: String = "text/plain; charset=utf-8",
                         extraHeaders: [String] = [], body: String) -> [UInt8] {
        var head = "\(version) \(status) \(reason)\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.utf8.count)\r\n"
        for header in extraHeaders { head += header + "\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + Array(body.utf8)
    }

    /// The Prometheus content type of the text exposition format 0.0.4.
    static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The answer to a parsed head: 200 with `exposition()` for `GET /metrics`, 404 for
    /// another path, 405 for another method; 400 for a malformed head, 431 for one too long.
    /// `exposition` is called only for a 200.
    static func answer(_ parsed: Parsed, exposition: () -> String) -> [UInt8] {
        switch parsed {
        case .incomplete, .malformed:
            return response(status: 400, reason: "Bad Request", body: "malformed HTTP request\n")
        case .tooLarge:
            return response(status: 431, reason: "Request Header Fields Too Large",
                            body: "request head over \(maximumHeadLength) bytes\n")
        case .request(let request):
            guard request.method == "GET" else {
                return response(status: 405, reason: "Method Not Allowed", version: request.version, extraHeaders: ["Allow: GET"],
                                body: "vipkeeper serves GET /metrics\n")
            }
            guard request.asksForMetrics else {
                return response(status: 404, reason: "Not Found", version: request.version, body: "vipkeeper serves /metrics\n")
            }
            return response(status: 200, reason: "OK", version: request.version, contentType: expositionContentType, body: exposition())
        }
    }
}
