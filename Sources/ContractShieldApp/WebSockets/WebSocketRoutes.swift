import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Realtime
import Storage

/// The guide's three WebSocket endpoints: `/ws/health`, `/ws/test/{client_id}`, `/ws/review/{task_id}`
/// (and, with `--conformance`, the raw echo `/ws/conformance` for the Autobahn suite).
struct WebSocketRoutes {
    let store: any TaskStore
    /// The `/ws/review` subscribers of each event loop, where the hub leaves their live events.
    let mailboxes: FeedMailboxes
    let rate: MessageRate
    let timing: ConnectionWatchdog.Timing
    let metrics: AppMetrics

    func addRoutes(to router: Router<AppWebSocketContext>, conformanceEcho: Bool) {
        router.webSocket("/ws/health") { inbound, outbound, context in
            let client = connection(inbound, outbound, context, metrics.health)
            defer { client.finish() }
            try await client.send(ServerMessage.health(serverTime: WireTime.unixMillis()))
            try await client.forEachText { text in
                switch ClientMessage(text: text) {
                case .invalidJSON:
                    try await client.send(ServerMessage.invalidJSON)
                case .malformed(let reason):
                    try await client.send(ServerMessage.malformed(reason))
                case .object(.string("ping")?, let body):
                    try await client.send(ServerMessage.reply("pong", echoing: body, serverTime: WireTime.unixMillis()))
                case .object(let type, _):
                    try await client.send(ServerMessage.unknownType(type, supported: ["ping"]))
                }
            }
        }

        router.webSocket("/ws/test/{client_id}") { inbound, outbound, context in
            let client = connection(inbound, outbound, context, metrics.test)
            defer { client.finish() }
            let clientID = context.requestContext.parameters.get("client_id") ?? ""
            guard Self.isValidClientID(clientID) else {
                try await client.send(ServerMessage.error("无效的客户端ID: 须为 1–64 个字母、数字、下划线、连字符或点"))
                try await outbound.close(.policyViolation, reason: "invalid client id")
                return
            }
            try await client.send(ServerMessage.welcome(clientID: clientID))
            try await client.forEachText { text in
                try await client.send(ServerMessage.echo(clientID: clientID, original: text, timestamp: WireTime.unixMillis()))
            }
        }

        router.webSocket("/ws/review/{task_id}") { inbound, outbound, context in
            let client = connection(inbound, outbound, context, metrics.review)
            defer { client.finish() }
            let session = ReviewSession(
                store: store, client: client, owner: context.requestContext.apiKeyID,
                mailbox: mailboxes.mailbox(for: context.requestContext.channel.eventLoop), feedMeter: metrics.feed)
            try await session.run(
                rawTaskID: context.requestContext.parameters.get("task_id") ?? "",
                since: context.uri.queryParameters["since"].map(String.init))
        }

        if conformanceEcho {
            // Echoes every message as it came, text or binary, for the Autobahn fuzzing client.
            router.webSocket("/ws/conformance") { inbound, outbound, context in
                let client = connection(inbound, outbound, context, metrics.conformance)
                defer { client.finish() }
                for try await message in inbound.messages(maxSize: Self.conformanceMessageSize) {
                    switch message {
                    case .text(let text): try await outbound.write(.text(text))
                    case .binary(let buffer): try await outbound.write(.binary(buffer))
                    }
                }
            }
        }
    }

    private func connection(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter,
        _ context: WebSocketRequest, _ meter: AppMetrics.Endpoint
    ) -> ClientConnection {
        ClientConnection(
            inbound: inbound, outbound: outbound, channel: context.requestContext.channel, rate: rate, timing: timing,
            meter: meter, slot: context.requestContext.connection)
    }

    /// The largest message the Autobahn cases send (16 MiB, cases 9.*).
    static let conformanceMessageSize = 16 << 20

    static func isValidClientID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D || byte == 0x2E
            }
    }
}

/// Admits a WebSocket handshake only while the connection caps allow it (503 otherwise); the slot travels in the
/// context to the connection, which frees it when it ends.
struct ConnectionLimitMiddleware: RouterMiddleware {
    let registry: ConnectionRegistry

    func handle(_ request: Request, context: AppWebSocketContext, next: (Request, AppWebSocketContext) async throws -> Response) async throws -> Response {
        var context = context
        context.connection = try registry.admit(context.remoteAddress?.clientIP ?? "unknown")
        return try await next(request, context)
    }
}

extension WebSocketErrorCode {
    /// The task id in the path is not a positive integer (or `since` is not a sequence number).
    static let invalidTaskID = WebSocketErrorCode(codeNumber: 4400)
    /// No task with that id (or not one the caller's key may see).
    static let taskNotFound = WebSocketErrorCode(codeNumber: 4404)
}
