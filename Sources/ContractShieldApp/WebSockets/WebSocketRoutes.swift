import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Realtime
import Storage

/// The guide's three WebSocket endpoints: `/ws/health`, `/ws/test/{client_id}`, `/ws/review/{task_id}`.
struct WebSocketRoutes {
    let store: any TaskStore
    let hub: ProgressHub
    /// Inbound messages larger than this close the connection with 1009.
    static let maxMessageSize = 64 * 1024

    func addRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.ws("/ws/health") { _, _ in .upgrade() } onUpgrade: { inbound, outbound, _ in
            try await outbound.send(ServerMessage.health(serverTime: WireTime.unixMillis()))
            for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
                guard case .text(let text) = message else {
                    try await outbound.send(ServerMessage.binaryNotSupported)
                    continue
                }
                switch ClientMessage(text: text) {
                case .invalidJSON:
                    try await outbound.send(ServerMessage.invalidJSON)
                case .object(.string("ping")?, let body):
                    try await outbound.send(ServerMessage.reply("pong", echoing: body, serverTime: WireTime.unixMillis()))
                case .object(let type, _):
                    try await outbound.send(ServerMessage.unknownType(type, supported: ["ping"]))
                }
            }
        }

        router.ws("/ws/test/{client_id}") { _, _ in .upgrade() } onUpgrade: { inbound, outbound, context in
            let clientID = context.requestContext.parameters.get("client_id") ?? ""
            guard Self.isValidClientID(clientID) else {
                try await outbound.send(ServerMessage.error("无效的客户端ID: 须为 1–64 个字母、数字、下划线、连字符或点"))
                try await outbound.close(.policyViolation, reason: "invalid client id")
                return
            }
            try await outbound.send(ServerMessage.welcome(clientID: clientID))
            for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
                guard case .text(let text) = message else {
                    try await outbound.send(ServerMessage.binaryNotSupported)
                    continue
                }
                try await outbound.send(ServerMessage.echo(clientID: clientID, original: text, timestamp: WireTime.unixMillis()))
            }
        }

        router.ws("/ws/review/{task_id}") { _, _ in .upgrade() } onUpgrade: { inbound, outbound, context in
            let session = ReviewSession(store: store, hub: hub, outbound: outbound, logger: context.logger)
            try await session.run(
                rawTaskID: context.requestContext.parameters.get("task_id") ?? "",
                since: context.request.uri.queryParameters["since"].map(String.init),
                inbound: inbound)
        }
    }

    static func isValidClientID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D || byte == 0x2E
            }
    }
}

extension WebSocketOutboundWriter {
    func send(_ message: JSONValue) async throws {
        try await write(.text(message.serialized()))
    }
}

extension WebSocketErrorCode {
    /// The task id in the path is not a positive integer (or `since` is not a sequence number).
    static let invalidTaskID = WebSocketErrorCode(codeNumber: 4400)
    /// No task with that id.
    static let taskNotFound = WebSocketErrorCode(codeNumber: 4404)
}
