import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// `GET /metrics` on its own SwiftNIO thread. It serves the latest text the event loop
/// rendered, so a slow or stuck scraper can never delay an advert.
final class MetricsServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    private let text = LatestExposition()

    init(host: String, port: Int) throws(AgentError) {
        let text = self.text
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(text: text))
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

    func publish(_ exposition: String) {
        text.value.withLock { $0 = exposition }
    }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

private final class MetricsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let text: LatestExposition

    init(text: LatestExposition) {
        self.text = text
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let found = request.method == .GET && (request.uri == "/metrics" || request.uri.hasPrefix("/metrics?"))
        let body = found ? text.value.withLock { $0 } : "vipkeeper serves /metrics\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: request.version, status: found ? .ok : .notFound, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// The text the event loop rendered last.
final class LatestExposition: Sendable {
    let value = Mutex("")
}
