import Foundation
import HummingbirdWebSocket
import NIOWebSocket
import Realtime
import Storage

/// One client watching one task on `/ws/review/{task_id}`.
///
/// It subscribes to the hub before it says `connection`, then has its `ProgressFeed` send what the store already has
/// (the latest event, or every event after `?since=`) and then live events with a higher `seq`: nothing twice,
/// nothing out of order. Events go out on the connection's event loop; this task only answers the client.
struct ReviewSession {
    let store: any TaskStore
    let client: ClientConnection
    /// The API key the client connected with; when keys are on, only its own tasks exist for it.
    let owner: String?
    let mailbox: FeedMailbox
    let feedMeter: ProgressFeed.Meter

    private var outbound: WebSocketOutboundWriter { client.outbound }

    static let supportedTypes = ["ping", "heartbeat", "get_status", "status_request"]

    func run(rawTaskID: String, since rawSince: String?) async throws {
        // Joining (storage reads, the first frames) runs in a task of its own that ends: a Swift task keeps the
        // deepest stack it ever had until it ends, and an idle subscriber's long-lived task should keep only what
        // waiting for the client takes.
        guard let taskID = try await Task(operation: { try await join(rawTaskID: rawTaskID, since: rawSince) }).value else { return }
        try await answer(taskID: taskID)
    }

    /// Checks the request, subscribes, says `connection` and sends the stored events; nil when it closed the
    /// connection instead (malformed id or `since`, unknown task).
    private func join(rawTaskID: String, since rawSince: String?) async throws -> Int64? {
        guard let taskID = Int64(rawTaskID), taskID > 0 else {
            try await client.send(ServerMessage.error("无效的任务ID: \(rawTaskID)"))
            try await outbound.close(.invalidTaskID, reason: "invalid task id")
            return nil
        }
        var since: Int64?
        if let rawSince {
            guard let value = Int64(rawSince), value >= 0 else {
                try await client.send(ServerMessage.error("无效的since参数: \(rawSince)"))
                try await outbound.close(.invalidTaskID, reason: "invalid since")
                return nil
            }
            since = value
        }
        guard let task = try await store.task(id: taskID), owner == nil || task.owner == owner else {
            try await client.send(ServerMessage.error("任务 \(taskID) 不存在"))
            try await outbound.close(.taskNotFound, reason: "task not found")
            return nil
        }
        let feed = ProgressFeed(watchdog: client.watchdog, meter: feedMeter)
        try await mailbox.watch(feed, taskID: taskID)
        client.cleanup.add { [mailbox] in mailbox.unwatch(feed, taskID: taskID) }
        try await client.send(ServerMessage.connection(taskID: taskID))
        try await feed.start(stored: try await storedEvents(taskID: taskID, since: since), after: since ?? 0)
        return taskID
    }

    /// The stored events a newcomer should see: every one after `since`, or else the latest.
    private func storedEvents(taskID: Int64, since: Int64?) async throws -> [HubEvent] {
        if let since {
            return try await store.events(taskID: taskID, after: since).map(HubEvent.init)
        }
        return try await store.latestEvent(taskID: taskID).map { [HubEvent($0)] } ?? []
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
