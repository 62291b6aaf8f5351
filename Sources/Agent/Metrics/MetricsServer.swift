import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics` on its own SwiftNIO thread. A scrape asks the event loop for a fresh
/// rendering through a pipe the loop polls (`requestDescriptor`) and is answered when the loop
/// has rendered, or after 0.5 s with the last text; so a slow or stuck scraper can never delay
/// an advert, and nothing is rendered while nobody scrapes (rendering four times a second
/// cost a Backup with 255 instances about 2 CPU-s/min: bench/RESULTS.md). Connections are
/// bounded in number and idle time (`MetricsConnections`).
final class MetricsServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    private let text = LatestExposition()

    init(host: String, port: Int) throws(AgentError) {
        let text = self.text
        guard text.readDescriptor >= 0 else {
            throw .metrics(listen: "\(host):\(port)", reason: "no pipe to the event loop (errno \(errno))")
        }
        let connections = MetricsConnections()
        let listen = "\(host):\(port)"
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            // accept(2) failing for want of descriptors (EMFILE) is retried after a second,
            // not at once in a loop.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler()) }
            }
            .childChannelInitializer { channel in
                if let closing = connections.admit(channel) {
                    guard closing !== channel else {
                        return channel.eventLoop.makeFailedFuture(
                            AgentError.metrics(listen: listen, reason: "\(MetricsConnections.maximum) connections are busy; a new one is closed"))
                    }
                    closing.close(promise: nil)
                }
                channel.closeFuture.whenComplete { _ in connections.closed(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: MetricsConnections.idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(text: text, connections: connections))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
        switch Result(catching: { try bootstrap.bind(host: host, port: port).wait() }) {
        case .success(let bound):
            channel = bound
        case .failure(let error):
            try? group.syncShutdownGracefully()
            throw .metrics(listen: "\(host):\(port)", reason: "\(error)")
        }
    }

    /// Readable when a scrape waits for a rendering.
    var requestDescriptor: Int32 { text.readDescriptor }

    /// Whether a scrape waits (the pipe is drained).
    func takeRequests() -> Bool {
        text.drainRequests()
    }

    /// Answers every waiting scrape with `exposition`, and later ones that time out.
    func publish(_ exposition: String) {
        text.publish(exposition)
    }

    /// Answers every waiting scrape with the last rendering.
    func answerWaiting() {
        text.answerWaiting()
    }

    func shutdown() {
        try? channel.close().wait()
        text.answerWaiting()  // no scrape is left with a promise nobody completes
        try? group.syncShutdownGracefully()
    }
}

private final class MetricsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let text: LatestExposition
    private let connections: MetricsConnections

    init(text: LatestExposition, connections: MetricsConnections) {
        self.text = text
        self.connections = connections
    }

    /// `MetricsConnections.idleTimeout` without traffic: closed.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        connections.requested(context.channel)
        let found = request.method == .GET && (request.uri == "/metrics" || request.uri.hasPrefix("/metrics?"))
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        guard found else {
            Self.respond(bound.value, version: request.version, found: false, body: "vipkeeper serves /metrics\n")
            return
        }
        let promise = context.eventLoop.makePromise(of: String.self)
        let text = self.text
        let ticket = text.request(promise)
        context.eventLoop.scheduleTask(in: .milliseconds(500)) { text.expire(ticket) }
        promise.futureResult.whenSuccess { body in
            Self.respond(bound.value, version: request.version, found: true, body: body)
        }
    }

    private static func respond(_ context: ChannelHandlerContext, version: HTTPVersion, found: Bool, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: version, status: found ? .ok : .notFound, headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// The last text the event loop rendered, and the scrapes waiting for the next one.
final class LatestExposition: Sendable {
    private struct State {
        var text = ""
        var waiting: [Int: EventLoopPromise<String>] = [:]
        var nextTicket = 0
    }

    private let state = Mutex(State())
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]
        }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Queues a scrape and wakes the event loop; the ticket lets the timeout find it.
    func request(_ promise: EventLoopPromise<String>) -> Int {
        let ticket = state.withLock { state in
            state.nextTicket += 1
            state.waiting[state.nextTicket] = promise
            return state.nextTicket
        }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
        return ticket
    }

    /// A scrape the event loop did not answer in time gets the last text.
    func expire(_ ticket: Int) {
        let (promise, text) = state.withLock { ($0.waiting.removeValue(forKey: ticket), $0.text) }
        promise?.succeed(text)
    }

    func drainRequests() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        return state.withLock { !$0.waiting.isEmpty }
    }

    /// Answers the waiting scrapes with the last text.
    func answerWaiting() {
        publish(state.withLock { $0.text })
    }

    func publish(_ text: String) {
        let waiting = state.withLock { state in
            state.text = text
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for promise in waiting { promise.succeed(text) }
    }
}
