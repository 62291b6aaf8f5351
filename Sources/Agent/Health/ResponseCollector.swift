import NIOCore
import NIOHTTP1

/// Collects one HTTP response (status and body, the body capped at `limit` bytes) and
/// fulfils the promise; a connection that ends early fails it.
final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    enum Failure: Error, CustomStringConvertible {
        case closedEarly
        var description: String { "connection closed before the response ended" }
    }

    private let promise: EventLoopPromise<Answer>
    private let limit: Int
    private var status = 0
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<Answer>, limit: Int = 1 << 20) {
        self.promise = promise
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let buffer):
            if body.count < limit { body += buffer.readableBytesView.prefix(limit - body.count) }
        case .end:
            promise.succeed(Answer(status: status, body: body))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(Failure.closedEarly)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
