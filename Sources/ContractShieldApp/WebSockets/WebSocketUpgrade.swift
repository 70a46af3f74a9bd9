import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization

// How a handshake becomes a WebSocket connection: the WebSocket router (its middleware, then a route) decides, and
// the route it reaches hands over its connection handler.
//
// HummingbirdWebSocket's own `router.ws` keeps the chosen handler in a box inside the request context, and the box
// keeps the context: a reference cycle that nothing breaks, so every connection's context — its channel, socket
// buffers and connection slot with it — stayed in memory after the connection closed (about 6 KB a connection).
// Here the handler is taken out of the context as soon as the router has answered, which ends the cycle.

/// What a WebSocket route's handler gets besides the socket: the handshake's URI and router context (not the whole
/// request: a connection may live for hours, and its handshake's headers are of no use to it).
struct WebSocketRequest: Sendable {
    let uri: URI
    let requestContext: AppWebSocketContext
}

/// The connection handler a route chose for one handshake, on its way from the router to the upgrade.
final class UpgradeHandoff: Sendable {
    typealias Handler = @Sendable (WebSocketInboundStream, WebSocketOutboundWriter) async throws -> Void

    private let chosen = Mutex<Handler?>(nil)

    func choose(_ handler: @escaping Handler) {
        chosen.withLock { $0 = handler }
    }

    /// The chosen handler, which the handoff forgets.
    func take() -> Handler? {
        chosen.withLock { chosen in
            defer { chosen = nil }
            return chosen
        }
    }
}

extension Router where Context == AppWebSocketContext {
    /// A WebSocket endpoint: a handshake that the middleware lets through to `path` is upgraded and served by `handler`.
    func webSocket(
        _ path: RouterPath,
        _ handler: @escaping @Sendable (WebSocketInboundStream, WebSocketOutboundWriter, WebSocketRequest) async throws -> Void
    ) {
        get(path) { request, context in
            context.handoff.choose { inbound, outbound in
                try await handler(inbound, outbound, WebSocketRequest(uri: request.uri, requestContext: context))
            }
            return Response(status: .ok)
        }
    }
}

/// Runs each handshake through the WebSocket router and upgrades it when a route answered 200 and chose a handler.
struct WebSocketUpgrade: Sendable {
    let router: RouterResponder<AppWebSocketContext>

    func shouldUpgrade(
        _ head: HTTPRequest, channel: any Channel, logger: Logger
    ) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let context = AppWebSocketContext(source: .init(channel: channel, logger: logger))
        // A refusal (an error the middleware threw) has been noted for the answer by HandshakeRefusalMiddleware.
        let response = try? await router.respond(to: Request(head: head, body: .init(buffer: .init())), context: context)
        guard let handler = context.handoff.take(), let response, response.status == .ok else { return .dontUpgrade }
        return .upgrade(response.headers) { inbound, outbound, _ in try await handler(inbound, outbound) }
    }
}
