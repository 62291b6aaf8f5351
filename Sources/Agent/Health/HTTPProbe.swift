import Config
import Node
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

/// Runs `vrrp_http_check` requests on one SwiftNIO event-loop thread with NIOHTTP1 (and
/// NIOSSL for https). One short connection per check run (`Connection: close`), so an idle
/// daemon holds no sockets between checks; a refused connection fails at once, a silent one
/// at the check's timeout.
final class HTTPProbe: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case timedOut(Duration)
        case tls(String)

        var description: String {
            switch self {
            case .timedOut(let timeout): return "no complete answer within \(timeout.formattedSeconds)s"
            case .tls(let reason): return "TLS set-up failed: \(reason)"
            }
        }
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// The TLS client context of an https check: `tls_verify` and `ca_file` applied. Made once
    /// per check (not per run); a bad CA file is a failure every run reports.
    static func tlsContext(for check: HTTPCheckDefinition) -> Result<NIOSSLContext, Failure>? {
        guard check.url?.isTLS == true else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = check.tlsVerify ? .fullVerification : .none
        if let caFile = check.caFile { configuration.trustRoots = .file(caFile) }
        return Result { try NIOSSLContext(configuration: configuration) }.mapError { .tls("\($0)") }
    }

    func shutdown() {
        try? group.syncShutdownGracefully()
    }

    /// Runs one check; `completion` is called exactly once, on the probe's thread.
    func run(_ check: HTTPCheckDefinition, tls context: Result<NIOSSLContext, Failure>?, timeout: Duration,
             completion: @escaping @Sendable (CheckOutcome) -> Void) {
        guard let url = check.url else {
            completion(.failure("no url"))
            return
        }
        let tls: NIOSSLContext?
        switch context {
        case .success(let context): tls = context
        case .failure(let error): completion(.failure("\(error)")); return
        case nil: tls = nil
        }
        let loop = group.next()
        let promise = loop.makePromise(of: ResponseCollector.Answer.self)
        let deadline = loop.scheduleTask(in: TimeAmount.nanoseconds(timeout.wholeNanoseconds)) {
            promise.fail(Failure.timedOut(timeout))
        }
        let serverName = Self.isIPAddress(url.host) ? nil : url.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount.nanoseconds(timeout.wholeNanoseconds))
            .channelInitializer { channel in
                do {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let head = Self.requestHead(check, url: url)
        // An address literal is connected to directly: NIO's resolver would run getaddrinfo
        // on a Dispatch worker thread for every run (bench/RESULTS.md: 1.2 extra wake-ups/s).
        let connecting = if let address = try? SocketAddress(ipAddress: url.host, port: url.port) {
            bootstrap.connect(to: address)
        } else {
            bootstrap.connect(host: url.host, port: url.port)
        }
        connecting.whenComplete { result in
            switch result {
            case .failure(let error):
                promise.fail(error)
            case .success(let channel):
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
        let matcher = HTTPResponseMatcher(check: check)
        promise.futureResult.whenComplete { result in
            deadline.cancel()
            switch result {
            case .success(let answer): completion(matcher.evaluate(status: answer.status, body: answer.body))
            case .failure(Failure.timedOut(let timeout)): completion(.timedOut(timeout))
            case .failure(let error): completion(.failure("\(check.method) \(url): \(Self.describe(error))"))
            }
        }
    }

    static func requestHead(_ check: HTTPCheckDefinition, url: HTTPCheckURL) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: check.method), uri: url.target)
        let defaultPort = url.isTLS ? 443 : 80
        let host = url.host.contains(":") ? "[\(url.host)]" : url.host
        head.headers.add(name: "Host", value: url.port == defaultPort ? host : "\(host):\(url.port)")
        head.headers.add(name: "User-Agent", value: "vipkeeper-check")
        head.headers.add(name: "Accept", value: "*/*")
        head.headers.add(name: "Connection", value: "close")
        for header in check.headers {
            head.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        return head
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
    }

    private static func describe(_ error: Error) -> String {
        if let connect = error as? NIOConnectionError, let first = connect.connectionErrors.first {
            return "connection failed: \(first.error)"
        }
        if let io = error as? IOError { return "\(io.description)" }
        if case ChannelError.connectTimeout? = error as? ChannelError { return "connect timed out" }
        return "\(error)"
    }
}
