import Foundation
import NIOCore
import NIOWebSocket
import Realtime
import Synchronization

/// What one endpoint does on a connection: says hello, answers messages. Called on the connection's event loop.
protocol WebSocketSession: AnyObject {
    /// The connection is open. A future while the session is still getting ready (reading storage): the client's
    /// messages wait, in order, until it completes.
    func start(on connection: WebSocketConnection) -> EventLoopFuture<Void>?
    /// A message from the client: text, or binary when the endpoint takes binary. A future while the answer takes a
    /// storage read: later messages wait, in order, until it completes.
    func receive(_ message: InboundMessage, on connection: WebSocketConnection) -> EventLoopFuture<Void>?
}

/// One client's WebSocket connection, served by a channel handler on its event loop: no Swift task is kept per
/// connection, so an idle subscriber costs its socket and a few small objects.
///
/// Under the protocol's rules and limits (PROTOCOL.md, "Limits and closing") it
/// - joins fragmented messages, inflates permessage-deflate ones, refuses bad UTF-8 (1007), oversized messages (1009)
///   and broken framing (1002), answers pings and the client's close;
/// - answers binary messages `仅支持文本消息`; a client over its message rate gets `消息过于频繁`, and 1008 if it
///   keeps going;
/// - pings every `pingInterval`; closes with 1000 a client silent (not even a pong) for `idleTimeout`, and with 1008
///   one whose socket has taken no data for `writeTimeout` (a reader that stopped reading; its cleanup runs at once);
/// - stops reading the socket while the session answers from storage or the client does not read what it is sent;
/// - writes every frame of one read burst with one flush; progress frames, encoded once for all subscribers, go
///   below the frame encoder as they are;
/// - says 1001 when the server shuts down gracefully (and waits for its connections to close);
/// - counts messages in and out, and runs its `cleanup` (slot, gauge, subscription) once, however it ends.
/// Its state is only touched on its event loop, hence `@unchecked Sendable`.
final class WebSocketConnection: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The protocol's heartbeat and patience.
    struct Timing: Sendable {
        var pingInterval: Duration = .seconds(30)
        var idleTimeout: Duration = .seconds(90)
        var writeTimeout: Duration = .seconds(10)
        /// How long a connection the server closed stays open for the client to read up to the close frame.
        var closeGrace: Duration = .seconds(10)
    }

    /// What a client may send on one endpoint.
    struct Limits: Sendable {
        var maxMessageSize: Int
        /// Messages per second and burst; nil for none.
        var rate: MessageRate?
        /// Binary messages are answered `仅支持文本消息` instead of reaching the session.
        var textOnly: Bool
    }

    /// The protocol's endpoints' message cap: larger ones close the connection with 1009.
    static let maxMessageSize = 64 * 1024
    /// Messages refused in a row before the connection is closed for flooding.
    static let floodStrikes = 10

    let eventLoop: any EventLoop
    /// What must happen once when the connection ends; sessions add their own.
    let cleanup = ConnectionCleanup()
    private let session: any WebSocketSession
    private let limits: Limits
    private let timing: Timing
    private let meter: AppMetrics.Endpoint
    private let deflate: PerMessageDeflate?
    private var assembler: MessageAssembler
    private var bucket: TokenBucket?
    private var strikes = 0

    private var context: ChannelHandlerContext?
    /// The frame encoder's place in the pipeline: what is written there skips the encoder.
    private var encodedFrames: ChannelHandlerContext?
    private var phase = Phase.open
    private var lastRead = NIODeadline.now()
    /// The next ping; each ping schedules the one after (cheaper to cancel than a `RepeatedTask`).
    private var nextPing: Scheduled<Void>?
    private var idleCheck: Scheduled<Void>?
    private var stallCheck: Scheduled<Void>?
    /// Between a channel read and its read-complete: frames written then are flushed once, at the end.
    private var reading = false
    private var unflushed = false
    /// The session is answering from storage; the messages that came meanwhile wait here.
    private var answering = false
    private var waiting: [InboundMessage] = []
    /// A read the channel asked for while the connection would not take more.
    private var readDeferred = false

    private enum Phase {
        case open
        /// A close frame went out; only the client's close frame is still of interest.
        case closing
        case closed
    }

    /// Whether the socket takes data now.
    private(set) var isWritable = false
    /// Called when the socket takes data again after a pause.
    var onWritable: (() -> Void)?

    init(
        session: any WebSocketSession, limits: Limits, timing: Timing, meter: AppMetrics.Endpoint,
        deflate: PerMessageDeflate?, slot: ConnectionSlot?, eventLoop: any EventLoop
    ) {
        self.session = session
        self.limits = limits
        self.timing = timing
        self.meter = meter
        self.deflate = deflate
        self.eventLoop = eventLoop
        assembler = MessageAssembler(maxSize: limits.maxMessageSize)
        bucket = limits.rate.map(TokenBucket.init)
        meter.connections.increment()
        cleanup.add {
            meter.connections.decrement()
            slot?.release()
        }
    }

    // MARK: what sessions use

    func send(_ message: JSONValue) {
        send(text: message.serialized())
    }

    func send(text: String) {
        guard let context else { return }
        send(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text)))
    }

    func send(binary: ByteBuffer) {
        send(WebSocketFrame(fin: true, opcode: .binary, data: binary))
    }

    /// Queues an already encoded frame, shared by every subscriber of an event: it enters the pipeline below the
    /// frame encoder and goes to the socket as it is; `flush()` sends it.
    func write(encodedFrame: ByteBuffer) {
        guard phase == .open, let encodedFrames else { return }
        encodedFrames.write(NIOAny(IOData.byteBuffer(encodedFrame)), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// Sends a close frame behind whatever is queued and leaves the socket to the client, which closes it once it
    /// has read that far (or after `closeGrace`). Closing the socket at once would not do: with the client's unread
    /// frames still in the server's receive buffer the kernel resets the connection, and the client loses what it
    /// has not read yet, the close frame included.
    func close(_ code: WebSocketErrorCode, reason: String) {
        guard phase == .open, let context else { return }
        phase = .closing
        stopTimers()
        writeClose(code, reason: reason, context: context)
        let channel = context.channel
        eventLoop.scheduleTask(in: TimeAmount(timing.closeGrace)) { channel.close(promise: nil) }
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        isWritable = context.channel.isWritable
        encodedFrames = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        lastRead = .now()
        schedulePing()
        scheduleIdleCheck(at: lastRead + TimeAmount(timing.idleTimeout))
        if !isWritable { scheduleStallCheck() }
        settle(session.start(on: self))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end()
        self.context = nil
        encodedFrames = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastRead = .now()
        reading = true
        guard phase == .open else {
            // The client's answer to our close frame: the handshake is complete.
            if frame.opcode == .connectionClose { context.close(promise: nil) }
            return
        }
        guard frame.rsv2 == false, frame.rsv3 == false,
              !frame.rsv1 || (deflate != nil && (frame.opcode == .text || frame.opcode == .binary))
        else { return fail(.protocolError) }
        switch frame.opcode {
        case .text, .binary, .continuation:
            do {
                if let message = try assembler.add(frame, deflate: deflate) { accept(message) }
            } catch {
                fail(error.code)
            }
        case .ping:
            write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
        case .pong:
            break
        case .connectionClose:
            fail(ClientClose.reply(to: frame.unmaskedData))
        default:
            fail(.protocolError)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if answering || !isWritable {
            readDeferred = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        if isWritable {
            stallCheck?.cancel()
            stallCheck = nil
            onWritable?()
            resumeReading()
        } else if stallCheck == nil {
            scheduleStallCheck()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server is shutting down gracefully and waits for its connections to close: say 1001 (going away).
        if event is ChannelShouldQuiesceEvent {
            close(.goingAway, reason: "server shutting down")
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Framing errors were answered (1002, 1009) by NIO's WebSocketProtocolErrorHandler, which closes the channel.
        phase = .closing
    }

    // MARK: messages

    private func accept(_ message: InboundMessage) {
        meter.messagesIn.increment()
        if bucket != nil, bucket?.take(now: .now) == false {
            strikes += 1
            if strikes == 1 { send(ServerMessage.error("消息过于频繁")) }
            if strikes > Self.floodStrikes { close(.policyViolation, reason: "message rate exceeded") }
            return
        }
        strikes = 0
        if limits.textOnly, case .binary = message {
            send(ServerMessage.binaryNotSupported)
        } else if answering {
            waiting.append(message)
        } else {
            settle(session.receive(message, on: self))
        }
    }

    /// Holds the client's messages (and the socket's reads) until `answer` completes; a failed answer closes the
    /// connection with 1011.
    private func settle(_ answer: EventLoopFuture<Void>?) {
        guard let answer else { return }
        answering = true
        answer.hop(to: eventLoop).whenComplete { result in
            self.answering = false
            guard case .success = result else {
                self.close(.unexpectedServerError, reason: "server error")
                return
            }
            while !self.answering, self.phase == .open, !self.waiting.isEmpty {
                self.settle(self.session.receive(self.waiting.removeFirst(), on: self))
            }
            self.resumeReading()
        }
    }

    private func resumeReading() {
        guard readDeferred, !answering, isWritable, let context else { return }
        readDeferred = false
        context.read()
    }

    private func send(_ frame: WebSocketFrame) {
        guard phase == .open else { return }
        var frame = frame
        if let deflate, let compressed = deflate.deflate(frame.data) {
            frame = WebSocketFrame(fin: true, rsv1: true, opcode: frame.opcode, data: compressed)
        }
        write(frame)
        meter.messagesOut.increment()
    }

    private func write(_ frame: WebSocketFrame) {
        guard let context else { return }
        context.write(wrapOutboundOut(frame), promise: nil)
        if reading {
            unflushed = true
        } else {
            context.flush()
        }
    }

    @discardableResult
    private func writeClose(_ code: WebSocketErrorCode, reason: String, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.write(webSocketErrorCode: code)
        payload.writeString(reason)
        unflushed = false
        return context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
    }

    /// Answers a client's close frame, or what it sent that breaks the protocol, with a close frame of `code`, then
    /// closes the socket.
    private func fail(_ code: WebSocketErrorCode) {
        guard phase == .open, let context else { return }
        phase = .closing
        stopTimers()
        let channel = context.channel
        writeClose(code, reason: "", context: context).whenComplete { _ in channel.close(promise: nil) }
    }

    private func end() {
        phase = .closed
        stopTimers()
        isWritable = false
        waiting = []
        cleanup.run()
    }

    // MARK: timers

    private func schedulePing() {
        nextPing = eventLoop.scheduleTask(in: TimeAmount(timing.pingInterval)) { self.ping() }
    }

    private func ping() {
        guard phase == .open, let context else { return }
        schedulePing()
        guard isWritable else { return }
        write(WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0)))
    }

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        idleCheck = eventLoop.scheduleTask(deadline: deadline) { self.checkIdle() }
    }

    private func checkIdle() {
        let deadline = lastRead + TimeAmount(timing.idleTimeout)
        if deadline <= .now() {
            close(.normalClosure, reason: "idle timeout")
        } else {
            scheduleIdleCheck(at: deadline)
        }
    }

    private func scheduleStallCheck() {
        stallCheck = eventLoop.scheduleTask(in: TimeAmount(timing.writeTimeout)) { self.stalled() }
    }

    private func stalled() {
        stallCheck = nil
        guard context != nil, !isWritable else { return }
        cleanup.run()
        close(.policyViolation, reason: "write timeout")
    }

    private func stopTimers() {
        nextPing?.cancel()
        nextPing = nil
        idleCheck?.cancel()
        idleCheck = nil
        stallCheck?.cancel()
        stallCheck = nil
    }
}

/// What must happen once when a connection ends, whichever end comes first: its socket closing, or the connection
/// giving up on a stalled reader. Actions added after it ran run at once.
final class ConnectionCleanup: Sendable {
    private let actions = Mutex<[@Sendable () -> Void]?>([])

    func add(_ action: @escaping @Sendable () -> Void) {
        let ranAlready = actions.withLock { actions in
            guard actions != nil else { return true }
            actions?.append(action)
            return false
        }
        if ranAlready { action() }
    }

    func run() {
        let pending = actions.withLock { actions in
            defer { actions = nil }
            return actions ?? []
        }
        for action in pending { action() }
    }
}

/// How many messages per second a connection may send, and how many it may save up.
struct MessageRate: Sendable {
    var perSecond: Double
    var burst: Int
}

/// The classic token bucket: `burst` tokens, refilled at `perSecond`.
struct TokenBucket {
    let rate: MessageRate
    private var tokens: Double
    private var refilled: ContinuousClock.Instant?

    init(rate: MessageRate) {
        self.rate = rate
        tokens = Double(rate.burst)
    }

    mutating func take(now: ContinuousClock.Instant) -> Bool {
        if let refilled {
            let elapsed = now - refilled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(Double(rate.burst), tokens + seconds * rate.perSecond)
        }
        refilled = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
