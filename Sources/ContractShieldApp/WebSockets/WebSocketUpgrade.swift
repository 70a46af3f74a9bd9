import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import Synchronization

/// The server's HTTP/1 connections: plain HTTP requests go to the HTTP router; a WebSocket handshake goes through
/// the WebSocket router (its middleware, then a route), and when a route takes it, the connection is upgraded and
/// served by a `WebSocketConnection` handler — no Swift task stays with it. A refused handshake is answered with the
/// status the router decided on (401 no or wrong key, 403 foreign Origin, 503 connection caps, 404 no such endpoint).
struct WebSocketServerChannel: ServerChildChannel, HTTPChannelHandler {
    /// How a connection's first request turned out.
    enum Upgrade: Sendable {
        case webSocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HTTPResponse.Status)
    }

    struct Value: ServerChildChannelValue {
        let upgrade: EventLoopFuture<Upgrade>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let webSocketRouter: RouterResponder<AppWebSocketContext>
    /// The largest frame a client may send (the decoder refuses larger ones with 1009).
    let maxFrameSize: Int
    let timing: WebSocketConnection.Timing

    /// A connection keeps its last read buffer while idle: start it small (a handshake fits in 512 bytes) and let it
    /// grow with the traffic, rather than NIO's 2 KiB for each of thousands of idle subscribers.
    private static let readBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(.recvAllocator, value: Self.readBuffers)
            let handoff = UpgradeHandoff()
            let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
                maxFrameSize: maxFrameSize,
                shouldUpgrade: { channel, head in
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    promise.completeWithTask { await decide(head, channel: channel, handoff: handoff, logger: logger) }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let accepted = handoff.takeAccepted() else { throw ChannelError.inappropriateOperationForState }
                        let connection = WebSocketConnection(
                            session: accepted.endpoint.makeSession(accepted.endpoint.request),
                            limits: accepted.endpoint.limits, timing: timing, meter: accepted.endpoint.meter,
                            deflate: accepted.deflate.map(PerMessageDeflate.init), slot: accepted.endpoint.slot,
                            eventLoop: channel.eventLoop)
                        try channel.pipeline.syncOperations.addHandler(connection)
                        return .webSocket
                    }
                })
            let upgrades = NIOTypedHTTPServerUpgradeConfiguration<Upgrade>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return handoff.refusal.map { .refused(http, $0) } ?? .http(http)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Upgrade>(upgradeConfiguration: upgrades)
            configuration.enablePipelining = false  // NIOAsyncChannel pipelines HTTP
            configuration.enableErrorHandling = false  // Hummingbird answers errors
            configuration.enableResponseHeaderValidation = false  // Swift HTTP Types validate them
            let upgrade = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(upgrade: upgrade, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgrade.get() {
            case .webSocket:
                return  // the connection's handler serves it from here
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let status):
                try await http.executeThenClose { _, outbound in
                    let head = HTTPResponse(status: status, headerFields: [.connection: "close", .contentLength: "0"])
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                }
            }
        } catch {
            logger.debug("connection ended before its first request was answered", metadata: ["error": "\(error)"])
        }
    }

    /// Runs a handshake through the WebSocket router: the answer's extra headers when a route took it, nil (with the
    /// refusal's status noted) when not.
    private func decide(_ head: HTTPRequestHead, channel: any Channel, handoff: UpgradeHandoff, logger: Logger) async -> HTTPHeaders? {
        let context = AppWebSocketContext(source: .init(channel: channel, logger: logger), handoff: handoff)
        let status: HTTPResponse.Status
        do {
            let request = try HTTPRequest(head, secure: false, splitCookie: false)
            let response = try await webSocketRouter.respond(to: Request(head: request, body: .init(buffer: .init())), context: context)
            status = response.status
        } catch let error as HTTPResponseError {
            status = error.status
        } catch {
            status = .badRequest
        }
        guard status == .ok, let accepted = handoff.acceptChosen(offers: head.headers["Sec-WebSocket-Extensions"]) else {
            handoff.refuse(status == .ok ? .badRequest : status)
            return nil
        }
        var headers = HTTPHeaders()
        if let deflate = accepted.deflate { headers.add(name: "Sec-WebSocket-Extensions", value: deflate.responseHeader) }
        return headers
    }
}

/// What a WebSocket route's session gets from its handshake: not the whole request (a connection may live for hours,
/// and its handshake's headers are of no use to it).
struct WebSocketRequest: Sendable {
    let uri: URI
    let parameters: Parameters
    /// The API key the client connected with; when keys are on, only its own tasks exist for it.
    let apiKeyID: String?
}

/// The endpoint a route chose for one handshake.
struct WebSocketEndpoint: Sendable {
    let request: WebSocketRequest
    let limits: WebSocketConnection.Limits
    let meter: AppMetrics.Endpoint
    /// The connection's place under the connection caps, taken before the upgrade.
    let slot: ConnectionSlot?
    /// Makes the session on the connection's event loop.
    let makeSession: @Sendable (WebSocketRequest) -> any WebSocketSession
}

/// One connection's handshake, from the route that takes it to the upgrade: the endpoint chosen and the compression
/// agreed, or the status it was refused with.
final class UpgradeHandoff: Sendable {
    struct Accepted: Sendable {
        let endpoint: WebSocketEndpoint
        let deflate: DeflateAgreement?
    }

    private let state = Mutex<(chosen: WebSocketEndpoint?, accepted: Accepted?, refusal: HTTPResponse.Status?)>((nil, nil, nil))

    /// A route takes the handshake.
    func choose(_ endpoint: WebSocketEndpoint) {
        state.withLock { $0.chosen = endpoint }
    }

    /// Accepts the chosen endpoint with the first acceptable compression offer; nil when no route chose one.
    func acceptChosen(offers: [String]) -> Accepted? {
        state.withLock { state in
            guard let endpoint = state.chosen.take() else { return nil }
            let accepted = Accepted(endpoint: endpoint, deflate: DeflateAgreement(offers: offers))
            state.accepted = accepted
            return accepted
        }
    }

    func refuse(_ status: HTTPResponse.Status) {
        state.withLock { $0.refusal = status }
    }

    var refusal: HTTPResponse.Status? { state.withLock { $0.refusal } }

    /// The accepted endpoint, which the handoff forgets.
    func takeAccepted() -> Accepted? {
        state.withLock { $0.accepted.take() }
    }
}

extension Router where Context == AppWebSocketContext {
    /// A WebSocket endpoint: a handshake that the middleware lets through to `path` is upgraded and served by the
    /// session `makeSession` makes.
    func webSocket(
        _ path: RouterPath, limits: WebSocketConnection.Limits, meter: AppMetrics.Endpoint,
        makeSession: @escaping @Sendable (WebSocketRequest) -> any WebSocketSession
    ) {
        get(path) { request, context in
            context.handoff.choose(WebSocketEndpoint(
                request: WebSocketRequest(uri: request.uri, parameters: context.parameters, apiKeyID: context.apiKeyID),
                limits: limits, meter: meter, slot: context.connection, makeSession: makeSession))
            return Response(status: .ok)
        }
    }
}
