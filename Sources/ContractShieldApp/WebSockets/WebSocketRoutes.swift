import Foundation
import Hummingbird
import NIOCore
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
    let metrics: AppMetrics

    func addRoutes(to router: Router<AppWebSocketContext>, conformanceEcho: Bool) {
        let protocolLimits = WebSocketConnection.Limits(maxMessageSize: WebSocketConnection.maxMessageSize, rate: rate, textOnly: true)
        router.webSocket("/ws/health", limits: protocolLimits, meter: metrics.health) { _ in HealthSession() }
        router.webSocket("/ws/test/{client_id}", limits: protocolLimits, meter: metrics.test) { request in
            ClientEchoSession(clientID: request.parameters.get("client_id") ?? "")
        }
        router.webSocket("/ws/review/{task_id}", limits: protocolLimits, meter: metrics.review) { [store, mailboxes, metrics] request in
            ReviewSession(
                store: store, owner: request.apiKeyID, mailboxes: mailboxes, feedMeter: metrics.feed,
                rawTaskID: request.parameters.get("task_id") ?? "", rawSince: request.uri.queryParameters["since"].map(String.init))
        }
        if conformanceEcho {
            let rawLimits = WebSocketConnection.Limits(maxMessageSize: Self.conformanceMessageSize, rate: nil, textOnly: false)
            router.webSocket("/ws/conformance", limits: rawLimits, meter: metrics.conformance) { _ in ConformanceEchoSession() }
        }
    }

    /// The largest message the Autobahn cases send (16 MiB, cases 9.*).
    static let conformanceMessageSize = 16 << 20
}

/// `/ws/health`: says `health` on connecting and answers `ping` with `pong`.
final class HealthSession: WebSocketSession, @unchecked Sendable {
    func start(on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        connection.send(ServerMessage.health(serverTime: WireTime.unixMillis()))
        return nil
    }

    func receive(_ message: InboundMessage, on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        guard let request = connection.request(in: message) else { return nil }
        switch request.type {
        case .string("ping")?:
            connection.send(ServerMessage.reply("pong", echoing: request.body, serverTime: WireTime.unixMillis()))
        default:
            connection.send(ServerMessage.unknownType(request.type, supported: ["ping"]))
        }
        return nil
    }
}

/// `/ws/test/{client_id}`: welcomes the client and echoes each of its messages.
final class ClientEchoSession: WebSocketSession, @unchecked Sendable {
    let clientID: String

    init(clientID: String) {
        self.clientID = clientID
    }

    func start(on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        if Self.isValidClientID(clientID) {
            connection.send(ServerMessage.welcome(clientID: clientID))
        } else {
            connection.send(ServerMessage.error("无效的客户端ID: 须为 1–64 个字母、数字、下划线、连字符或点"))
            connection.close(.policyViolation, reason: "invalid client id")
        }
        return nil
    }

    func receive(_ message: InboundMessage, on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        guard case .text(let text) = message else { return nil }
        connection.send(ServerMessage.echo(clientID: clientID, original: text, timestamp: WireTime.unixMillis()))
        return nil
    }

    static func isValidClientID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D || byte == 0x2E
            }
    }
}

/// `/ws/conformance`: echoes every message as it came, text or binary, for the Autobahn fuzzing client.
final class ConformanceEchoSession: WebSocketSession, @unchecked Sendable {
    func start(on connection: WebSocketConnection) -> EventLoopFuture<Void>? { nil }

    func receive(_ message: InboundMessage, on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        switch message {
        case .text(let text): connection.send(text: text)
        case .binary(let buffer): connection.send(binary: buffer)
        }
        return nil
    }
}

extension WebSocketConnection {
    /// The JSON object a text message carries, by its `type`; nil when the message is no such object, which the
    /// client is told (`无效的JSON格式`, or what breaks its type's schema).
    func request(in message: InboundMessage) -> (type: JSONValue?, body: JSONValue)? {
        guard case .text(let text) = message else { return nil }
        switch ClientMessage(text: text) {
        case .invalidJSON:
            send(ServerMessage.invalidJSON)
        case .malformed(let reason):
            send(ServerMessage.malformed(reason))
        case .object(let type, let body):
            return (type, body)
        }
        return nil
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
