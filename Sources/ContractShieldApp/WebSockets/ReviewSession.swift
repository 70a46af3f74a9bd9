import Foundation
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Realtime
import Storage

/// One client watching one task on `/ws/review/{task_id}`.
///
/// It subscribes to the hub before it says `connection`, then sends what the store already has (the latest
/// event, or every event after `?since=`), then live events with a higher `seq`: nothing twice, nothing out of order.
struct ReviewSession {
    let store: any TaskStore
    let hub: ProgressHub
    let outbound: WebSocketOutboundWriter
    let logger: Logger

    static let supportedTypes = ["ping", "heartbeat", "get_status", "status_request"]

    func run(rawTaskID: String, since rawSince: String?, inbound: WebSocketInboundStream) async throws {
        guard let taskID = Int64(rawTaskID), taskID > 0 else {
            try await outbound.send(ServerMessage.error("无效的任务ID: \(rawTaskID)"))
            try await outbound.close(.invalidTaskID, reason: "invalid task id")
            return
        }
        var since: Int64?
        if let rawSince {
            guard let value = Int64(rawSince), value >= 0 else {
                try await outbound.send(ServerMessage.error("无效的since参数: \(rawSince)"))
                try await outbound.close(.invalidTaskID, reason: "invalid since")
                return
            }
            since = value
        }
        guard try await store.task(id: taskID) != nil else {
            try await outbound.send(ServerMessage.error("任务 \(taskID) 不存在"))
            try await outbound.close(.taskNotFound, reason: "task not found")
            return
        }
        let subscription = hub.subscribe(taskID: taskID)
        defer { subscription.cancel() }
        try await outbound.send(ServerMessage.connection(taskID: taskID))
        let lastSent = try await sendStored(taskID: taskID, since: since)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await live in subscription.events where live.event.seq > lastSent {
                    try await outbound.write(.text(live.text))
                }
            }
            group.addTask {
                try await answer(inbound, taskID: taskID)
            }
            // The client leaving ends the session; the live feed never ends on its own.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Sends the stored events a newcomer should see and returns the last `seq` sent (0 if none).
    private func sendStored(taskID: Int64, since: Int64?) async throws -> Int64 {
        if let since {
            var last = since
            for event in try await store.events(taskID: taskID, after: since) {
                try await outbound.write(.text(HubEvent(event).text))
                last = event.seq
            }
            return last
        }
        guard let latest = try await store.latestEvent(taskID: taskID) else { return 0 }
        try await outbound.write(.text(HubEvent(latest).text))
        return latest.seq
    }

    private func answer(_ inbound: WebSocketInboundStream, taskID: Int64) async throws {
        for try await message in inbound.messages(maxSize: WebSocketRoutes.maxMessageSize) {
            guard case .text(let text) = message else {
                try await outbound.send(ServerMessage.binaryNotSupported)
                continue
            }
            switch ClientMessage(text: text) {
            case .invalidJSON:
                try await outbound.send(ServerMessage.invalidJSON)
            case .object(.string("ping")?, let body):
                try await outbound.send(ServerMessage.reply("pong", echoing: body))
            case .object(.string("heartbeat")?, let body):
                try await outbound.send(ServerMessage.reply("heartbeat_ack", echoing: body))
            case .object(.string("get_status")?, _), .object(.string("status_request")?, _):
                guard let task = try await store.task(id: taskID) else {
                    try await outbound.send(ServerMessage.error("任务 \(taskID) 不存在"))
                    continue
                }
                try await outbound.send(TaskPresenter.statusMessage(task))
            case .object(let type, _):
                try await outbound.send(ServerMessage.unknownType(type, supported: Self.supportedTypes))
            }
        }
    }
}
