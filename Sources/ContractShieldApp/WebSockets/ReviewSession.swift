import Foundation
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Prometheus
import Realtime
import Storage

/// One client watching one task on `/ws/review/{task_id}`.
///
/// It subscribes to the hub before it says `connection`, then sends what the store already has (the latest
/// event, or every event after `?since=`), then live events with a higher `seq`: nothing twice, nothing out of order.
struct ReviewSession {
    let store: any TaskStore
    let hub: ProgressHub
    let client: ClientConnection
    /// The API key the client connected with; when keys are on, only its own tasks exist for it.
    let owner: String?
    let writeTimeout: Duration
    let fanoutDelay: DurationHistogram
    let logger: Logger

    private var outbound: WebSocketOutboundWriter { client.outbound }

    static let supportedTypes = ["ping", "heartbeat", "get_status", "status_request"]

    func run(rawTaskID: String, since rawSince: String?) async throws {
        guard let taskID = Int64(rawTaskID), taskID > 0 else {
            try await client.send(ServerMessage.error("无效的任务ID: \(rawTaskID)"))
            try await outbound.close(.invalidTaskID, reason: "invalid task id")
            return
        }
        var since: Int64?
        if let rawSince {
            guard let value = Int64(rawSince), value >= 0 else {
                try await client.send(ServerMessage.error("无效的since参数: \(rawSince)"))
                try await outbound.close(.invalidTaskID, reason: "invalid since")
                return
            }
            since = value
        }
        guard let task = try await store.task(id: taskID), owner == nil || task.owner == owner else {
            try await client.send(ServerMessage.error("任务 \(taskID) 不存在"))
            try await outbound.close(.taskNotFound, reason: "task not found")
            return
        }
        let subscription = hub.subscribe(taskID: taskID)
        defer { subscription.cancel() }
        try await client.send(ServerMessage.connection(taskID: taskID))
        let lastSent = try await sendStored(taskID: taskID, since: since)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await live in subscription.events where live.event.seq > lastSent {
                    try await deliver(live.text)
                    fanoutDelay.record(.milliseconds(Int64(Date().timeIntervalSince(live.event.createdAt) * 1000)))
                }
            }
            group.addTask {
                try await answer(taskID: taskID)
            }
            // The client leaving (or being closed) ends the session; the live feed never ends on its own.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Writes an event, closing the connection with 1008 when the client has not taken it within `writeTimeout`:
    /// a reader that stops reading must not hold its resources forever.
    private func deliver(_ text: String) async throws {
        let delivered = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await client.send(text: text)
                return true
            }
            group.addTask {
                try await Task.sleep(for: writeTimeout)
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !delivered {
            logger.notice("closing a WebSocket reader that stopped reading")
            try? await outbound.close(.policyViolation, reason: "write timeout")
            throw CancellationError()
        }
    }

    /// Sends the stored events a newcomer should see and returns the last `seq` sent (0 if none).
    private func sendStored(taskID: Int64, since: Int64?) async throws -> Int64 {
        if let since {
            var last = since
            for event in try await store.events(taskID: taskID, after: since) {
                try await deliver(HubEvent(event).text)
                last = event.seq
            }
            return last
        }
        guard let latest = try await store.latestEvent(taskID: taskID) else { return 0 }
        try await deliver(HubEvent(latest).text)
        return latest.seq
    }

    private func answer(taskID: Int64) async throws {
        try await client.forEachText { text in
            switch ClientMessage(text: text) {
            case .invalidJSON:
                try await client.send(ServerMessage.invalidJSON)
            case .malformed(let reason):
                try await client.send(ServerMessage.malformed(reason))
            case .object(.string("ping")?, let body):
                try await client.send(ServerMessage.reply("pong", echoing: body))
            case .object(.string("heartbeat")?, let body):
                try await client.send(ServerMessage.reply("heartbeat_ack", echoing: body))
            case .object(.string("get_status")?, _), .object(.string("status_request")?, _):
                guard let task = try await store.task(id: taskID) else {
                    try await client.send(ServerMessage.error("任务 \(taskID) 不存在"))
                    return
                }
                try await client.send(TaskPresenter.statusMessage(task))
            case .object(let type, _):
                try await client.send(ServerMessage.unknownType(type, supported: Self.supportedTypes))
            }
        }
    }
}
