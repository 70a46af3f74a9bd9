import NIOCore
import NIOWebSocket
import Synchronization

/// Keeps one WebSocket alive and bounded at the NIO level, with timers on its event loop rather than a Swift task:
/// - pings the client every `pingInterval`;
/// - closes it with 1000 when it has sent nothing, not even a pong, for `idleTimeout`;
/// - closes it with 1008 when its socket has taken no data for `writeTimeout` (a reader that stopped reading): the
///   connection's cleanup runs at once, and the socket is dropped after `closeGrace`.
/// It also writes the frames that must not wait behind HummingbirdWebSocket's writer (progress events, encoded once
/// for all their subscribers). Its state is only touched on its event loop, hence `@unchecked Sendable`.
final class ConnectionWatchdog: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The protocol's heartbeat and patience (PROTOCOL.md, "Limits and closing").
    struct Timing: Sendable {
        var pingInterval: Duration = .seconds(30)
        var idleTimeout: Duration = .seconds(90)
        var writeTimeout: Duration = .seconds(10)
        /// How long a closed connection's socket stays open for the client to read up to the close frame.
        var closeGrace: Duration = .seconds(10)
    }

    let timing: Timing
    let cleanup: ConnectionCleanup
    let eventLoop: any EventLoop
    private var context: ChannelHandlerContext?
    /// The frame encoder's place in the pipeline: what is written there skips the encoder.
    private var encodedFrames: ChannelHandlerContext?
    private var lastRead = NIODeadline.now()
    /// The next ping; each ping schedules the one after (a plain scheduled task is cheaper to cancel than a
    /// `RepeatedTask`, which thousands of closing connections each do).
    private var nextPing: Scheduled<Void>?
    private var idleCheck: Scheduled<Void>?
    private var stallCheck: Scheduled<Void>?
    private var closing = false
    /// Called on the event loop when the socket takes data again after a pause.
    var onWritable: (() -> Void)?

    private init(timing: Timing, cleanup: ConnectionCleanup, eventLoop: any EventLoop) {
        self.timing = timing
        self.cleanup = cleanup
        self.eventLoop = eventLoop
    }

    /// Puts a watchdog on an upgraded WebSocket channel, right after its frame decoder.
    static func install(on channel: any Channel, timing: Timing, cleanup: ConnectionCleanup) -> ConnectionWatchdog {
        let watchdog = ConnectionWatchdog(timing: timing, cleanup: cleanup, eventLoop: channel.eventLoop)
        channel.eventLoop.execute {
            // A channel that is already gone has no decoder; its handler ends on its own.
            let pipeline = channel.pipeline.syncOperations
            guard let decoder = try? pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self) else { return }
            try? pipeline.addHandler(watchdog, position: .after(decoder))
        }
        return watchdog
    }

    /// Whether the socket takes data now (event loop only); kept here from the channel's writability events, so a
    /// feed asking for every event of a fan-out need not reach into the channel.
    private(set) var isWritable = false

    /// Queues an already encoded frame, shared by every subscriber of an event: it enters the pipeline below the
    /// frame encoder and goes to the socket as it is. `flush()` sends what was queued (event loop only).
    func write(encodedFrame: ByteBuffer) {
        guard !closing, let encodedFrames else { return }
        encodedFrames.write(NIOAny(IOData.byteBuffer(encodedFrame)), promise: nil)
    }

    /// Sends the frames written so far (event loop only).
    func flush() {
        context?.flush()
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
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
        isWritable = false
        encodedFrames = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        if isWritable {
            stallCheck?.cancel()
            stallCheck = nil
            onWritable?()
        } else if stallCheck == nil {
            scheduleStallCheck()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimers()
        context.fireChannelInactive()
    }

    // MARK: timers

    private func schedulePing() {
        nextPing = eventLoop.scheduleTask(in: TimeAmount(timing.pingInterval)) { self.ping() }
    }

    private func ping() {
        guard !closing, let context else { return }
        schedulePing()
        guard isWritable else { return }
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))), promise: nil)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        idleCheck = eventLoop.scheduleTask(deadline: deadline) { self.checkIdle() }
    }

    private func checkIdle() {
        let deadline = lastRead + TimeAmount(timing.idleTimeout)
        if deadline <= .now() {
            close(.normalClosure)
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
        close(.policyViolation)
    }

    /// Sends a close frame behind whatever is queued and leaves the socket to the client, which closes it once it has
    /// read that far; after `closeGrace` the socket is dropped. Closing it at once would not do: with the client's
    /// unread frames still in the server's receive buffer the kernel resets the connection, and the client loses
    /// what it has not read yet, the close frame included.
    private func close(_ code: WebSocketErrorCode) {
        guard !closing, let context else { return }
        closing = true
        stopTimers()
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.write(webSocketErrorCode: code)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)), promise: nil)
        let channel = context.channel
        eventLoop.scheduleTask(in: TimeAmount(timing.closeGrace)) { channel.close(promise: nil) }
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

/// What must happen once when a connection ends, whichever end comes first: its handler returning, or the
/// watchdog giving up on a stalled reader. Actions added after it ran run at once.
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
