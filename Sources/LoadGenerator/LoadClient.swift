import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Raw WebSocket client connections for load generation: swift-nio channels on a shared event-loop group, one
/// handler per connection and no Swift task per connection, so one process can hold tens of thousands of them.
public final class LoadClient: Sendable {
    public let group: MultiThreadedEventLoopGroup
    public let host: String
    public let port: Int
    /// Largest frame a peer accepts from the server.
    static let maxFrameSize = 1 << 20

    public init(host: String, port: Int, threads: Int = System.coreCount) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
    }

    /// Opens a WebSocket to `path` and hands it to `peer`. Succeeds once the server's first message (its greeting:
    /// `connection`, `welcome`, `health`) has arrived; fails with `HandshakeRefused` when the server answers the
    /// handshake with anything but 101.
    /// - Parameters:
    ///   - source: the local address to connect from; spreading connections over several loopback addresses
    ///     lifts the limit of one address's ephemeral ports (about 28,000).
    ///   - receiveBufferSize: the socket's receive buffer (SO_RCVBUF); small values make a reader slow sooner.
    ///   - headers: extra handshake headers (Origin, Authorization).
    public func connect<Peer: WebSocketPeer>(
        _ path: String, peer: Peer, from source: SocketAddress? = nil, receiveBufferSize: Int? = nil,
        headers: [(String, String)] = []
    ) -> EventLoopFuture<Peer> {
        let loop = group.next()
        let greeting = Greeting(loop.makePromise(of: Void.self))
        peer.greeting = greeting
        let handshake = HandshakeRequest(host: "\(host):\(port)", path: path, headers: headers, greeting: greeting)
        var bootstrap = ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: Self.maxFrameSize, automaticErrorHandling: false) { channel, _ in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(peer) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    // The server's first frame often shares a packet with the 101: hand on what follows the response.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            context.pipeline.syncOperations.removeHandler(handshake, promise: nil)
                        }))
                    try channel.pipeline.syncOperations.addHandler(handshake)
                }
            }
        if let receiveBufferSize {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize))
        }
        if let source {
            bootstrap = bootstrap.bind(to: source)
        }
        return bootstrap.connect(host: host, port: port)
            .flatMapError { error in
                greeting.complete(.failure(error))
                return loop.makeFailedFuture(error)
            }
            .flatMap { _ in greeting.future }
            .map { peer }
    }

    /// Loopback source addresses for `count` connections, `perAddress` on each: 127.0.0.1, 127.0.0.2, … Connections
    /// to a non-loopback host get no source address (the system picks one).
    public func sourceAddresses(for count: Int, perAddress: Int) throws -> [SocketAddress?] {
        guard host.hasPrefix("127.") || host == "localhost" else { return [nil] }
        let needed = max(1, (count + perAddress - 1) / perAddress)
        return try (0..<needed).map { try SocketAddress(ipAddress: "127.0.0.\($0 + 1)", port: 0) }
    }

    public func shutdown() async throws {
        try await group.shutdownGracefully()
    }
}

/// The server answered a WebSocket handshake with another status than 101.
public struct HandshakeRefused: Error, CustomStringConvertible {
    public let status: Int
    public var description: String { "handshake refused with HTTP \(status)" }
}

/// The server closed the connection before its first message.
public struct ClosedBeforeGreeting: Error, CustomStringConvertible {
    public var description: String { "the server closed the connection before its first message" }
}

/// The promise a connection keeps until its first message: completed once, by whichever handler sees the outcome.
/// Only touched on the connection's event loop.
final class Greeting: @unchecked Sendable {
    private let promise: EventLoopPromise<Void>
    private(set) var isPending = true

    init(_ promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    var future: EventLoopFuture<Void> { promise.futureResult }

    func complete(_ result: Result<Void, any Error>) {
        guard isPending else { return }
        isPending = false
        promise.completeWith(result)
    }
}

/// Sends the upgrade request and reports a refusal; removed once the upgrade is done.
private final class HandshakeRequest: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let host: String
    let path: String
    let headers: [(String, String)]
    let greeting: Greeting

    init(host: String, path: String, headers: [(String, String)], greeting: Greeting) {
        self.host = host
        self.path = path
        self.headers = headers
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: path,
            headers: HTTPHeaders([("Host", host), ("Content-Length", "0")] + headers))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let response) = unwrapInboundIn(data) {
            greeting.complete(.failure(HandshakeRefused(status: Int(response.status.code))))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        greeting.complete(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        greeting.complete(.failure(ClosedBeforeGreeting()))
        context.fireChannelInactive()
    }
}
