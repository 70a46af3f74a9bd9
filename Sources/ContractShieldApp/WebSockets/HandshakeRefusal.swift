import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

// HummingbirdWebSocket answers every refused upgrade with a bare `400 Bad Request`: the upgrade request never
// reaches the HTTP router, and the status its WebSocket router decided on (401 no or wrong key, 403 foreign Origin,
// 503 connection caps, 404 no such endpoint) is dropped. PROTOCOL.md wants that status before upgrading. The
// WebSocket router's outermost middleware notes it on the connection's `RefusalStatusWriter`, which puts it into
// the status line of the 400 as it goes out.

/// Notes the status of a refused handshake (any answer but the 200 that means "upgrade") for the connection.
struct HandshakeRefusalMiddleware: RouterMiddleware {
    typealias Context = AppWebSocketContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            await note(error.status, on: context.channel)
            throw error
        }
        if response.status != .ok { await note(response.status, on: context.channel) }
        return response
    }

    private func note(_ status: HTTPResponse.Status, on channel: any Channel) async {
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: RefusalStatusWriter.self).status = status
        }.get()
    }
}

/// Rewrites the status line of a refused upgrade's `HTTP/1.1 400 Bad Request` to the status noted for the
/// connection, and steps aside after the connection's first response (a 101, a refusal, or a plain HTTP answer).
final class RefusalStatusWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    var status: HTTPResponse.Status?
    private static let badRequest = Array("HTTP/1.1 400 ".utf8)

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        defer { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
        guard let status, case .byteBuffer(var response) = unwrapOutboundIn(data),
              response.readableBytesView.starts(with: Self.badRequest),
              let lineEnd = response.readableBytesView.firstIndex(of: UInt8(ascii: "\r"))
        else {
            context.write(data, promise: promise)
            return
        }
        response.moveReaderIndex(to: lineEnd)
        var rewritten = context.channel.allocator.buffer(capacity: response.readableBytes + 40)
        rewritten.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)")
        rewritten.writeBuffer(&response)
        context.write(wrapOutboundOut(.byteBuffer(rewritten)), promise: promise)
    }
}

/// HummingbirdWebSocket's HTTP/1 channel with a `RefusalStatusWriter` between the socket (or TLS) and HTTP, on
/// connections that start with a small read buffer.
struct RefusalStatusChannel: ServerChildChannel {
    let base: HTTP1WebSocketUpgradeChannel

    /// A connection keeps its last read buffer while idle: start it small (a handshake fits in 512 bytes) and let it
    /// grow with the traffic, rather than NIO's 2 KiB for each of thousands of idle subscribers.
    private static let readBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(.recvAllocator, value: Self.readBuffers)
            try channel.pipeline.syncOperations.addHandler(RefusalStatusWriter())
        }
        .flatMap { base.setup(channel: channel, logger: logger) }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
