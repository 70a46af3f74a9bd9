import NIOCore
import NIOWebSocket

/// The client end of one WebSocket opened by `LoadClient`: answers pings, completes the close handshake, and
/// hands every text frame after the server's greeting to `received(text:at:)`. Subclasses script the conversation.
///
/// A peer lives on its channel's event loop: its state, its hooks and `send` are only touched there (use
/// `onLoop` from elsewhere). Frames are read whole; the servers under test do not fragment their messages.
open class WebSocketPeer: ChannelInboundHandler, @unchecked Sendable {
    public typealias InboundIn = WebSocketFrame
    public typealias OutboundOut = WebSocketFrame

    private var context: ChannelHandlerContext?
    /// One key per connection: the server cannot tell, and a fresh random key per frame would cost a system call.
    private let mask = WebSocketMaskingKey.random()
    var greeting: Greeting?
    /// The close code the server sent, once it has closed the connection.
    public private(set) var closeCode: UInt16?
    /// False once the TCP connection has ended.
    public private(set) var isOpen = true
    /// Whether the peer answers the server's pings; one that does not is, to the server, a silent client.
    public var answersPings = true

    public init() {}

    /// Called with every text frame after the greeting, and the time it was read (`NIODeadline` uptime nanoseconds).
    open func received(text: ByteBuffer, at nanoseconds: UInt64) {}

    /// Called once when the connection has ended.
    open func closed() {}

    /// Queues a text frame; `flush: false` lets several frames go out in one write.
    public func send(_ text: ByteBuffer, flush: Bool = true) {
        guard let context else { return }
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: mask, data: text)
        if flush {
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        } else {
            context.write(wrapOutboundOut(frame), promise: nil)
        }
    }

    public func flush() {
        context?.flush()
    }

    /// Whether the socket takes more data now; false once the server stopped reading and the buffers filled up.
    public var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Stops or resumes reading from the socket; a peer that stops reading is what the server sees as a stalled reader.
    public func setReading(_ reading: Bool) {
        context?.channel.setOption(ChannelOptions.autoRead, value: reading).whenComplete { _ in }
    }

    /// Ends the connection from the client side, with a close frame and without waiting for the server's answer.
    public func close() {
        guard let context else { return }
        var code = context.channel.allocator.buffer(capacity: 2)
        code.write(webSocketErrorCode: .normalClosure)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: mask, data: code)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// Runs `body` on the peer's event loop.
    public func onLoop<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async throws -> Value {
        guard let loop = context?.eventLoop else { return body() }
        return try await loop.submit(body).get()
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            if let greeting, greeting.isPending {
                greeting.complete(.success(()))
            } else {
                received(text: frame.unmaskedData, at: NIODeadline.now().uptimeNanoseconds)
            }
        case .ping where answersPings:
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: mask, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            closeCode = data.readInteger(as: UInt16.self)
            var echo = context.channel.allocator.buffer(capacity: 2)
            echo.writeInteger(closeCode ?? 1000)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: mask, data: echo)))
                .whenComplete { _ in channel.close(promise: nil) }
        default:
            break
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        greeting?.complete(.failure(ClosedBeforeGreeting()))
        closed()
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
