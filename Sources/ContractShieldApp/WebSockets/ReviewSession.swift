import Foundation
import NIOCore
import NIOWebSocket
import Realtime
import Storage

/// One client watching one task on `/ws/review/{task_id}`.
///
/// It subscribes to the hub before it says `connection`, then has its `ProgressFeed` send what the store already has
/// (the latest event, or every event after `?since=`) and then live events with a higher `seq`: nothing twice,
/// nothing out of order. The client's messages wait until it has joined. Event loop only, hence `@unchecked Sendable`.
final class ReviewSession: WebSocketSession, @unchecked Sendable {
    private let store: any TaskStore
    /// The API key the client connected with; when keys are on, only its own tasks exist for it.
    private let owner: String?
    private let mailboxes: FeedMailboxes
    private let feedMeter: ProgressFeed.Meter
    private let rawTaskID: String
    private let rawSince: String?
    /// The task watched, once joined.
    private var taskID: Int64?

    static let supportedTypes = ["ping", "heartbeat", "get_status", "status_request"]

    init(store: any TaskStore, owner: String?, mailboxes: FeedMailboxes, feedMeter: ProgressFeed.Meter, rawTaskID: String, rawSince: String?) {
        self.store = store
        self.owner = owner
        self.mailboxes = mailboxes
        self.feedMeter = feedMeter
        self.rawTaskID = rawTaskID
        self.rawSince = rawSince
    }

    /// Checks the request, subscribes, says `connection` and sends the stored events; closes the connection instead
    /// for a malformed id or `since` (4400) or an unknown task (4404).
    func start(on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        guard let taskID = Int64(rawTaskID), taskID > 0 else {
            connection.send(ServerMessage.error("无效的任务ID: \(rawTaskID)"))
            connection.close(.invalidTaskID, reason: "invalid task id")
            return nil
        }
        let since: Int64?
        if let rawSince {
            guard let value = Int64(rawSince), value >= 0 else {
                connection.send(ServerMessage.error("无效的since参数: \(rawSince)"))
                connection.close(.invalidTaskID, reason: "invalid since")
                return nil
            }
            since = value
        } else {
            since = nil
        }
        let (store, owner) = (store, owner)
        let found = connection.eventLoop.makeFutureWithTask {
            try await store.task(id: taskID).map { owner == nil || $0.owner == owner } ?? false
        }
        return found.flatMap { found in
            guard found else {
                connection.send(ServerMessage.error("任务 \(taskID) 不存在"))
                connection.close(.taskNotFound, reason: "task not found")
                return connection.eventLoop.makeSucceededVoidFuture()
            }
            let feed = ProgressFeed(connection: connection, meter: self.feedMeter)
            let mailbox = self.mailboxes.mailbox(for: connection.eventLoop)
            mailbox.watch(feed, taskID: taskID)
            connection.cleanup.add { mailbox.unwatch(feed, taskID: taskID) }
            connection.send(ServerMessage.connection(taskID: taskID))
            self.taskID = taskID
            return connection.eventLoop.makeFutureWithTask {
                if let since { return try await store.events(taskID: taskID, after: since).map(HubEvent.init) }
                return try await store.latestEvent(taskID: taskID).map { [HubEvent($0)] } ?? []
            }.map { stored in
                feed.start(stored: stored, after: since ?? 0)
            }
        }
    }

    func receive(_ message: InboundMessage, on connection: WebSocketConnection) -> EventLoopFuture<Void>? {
        guard let taskID, let request = connection.request(in: message) else { return nil }
        switch request.type {
        case .string("ping")?:
            connection.send(ServerMessage.reply("pong", echoing: request.body))
        case .string("heartbeat")?:
            connection.send(ServerMessage.reply("heartbeat_ack", echoing: request.body))
        case .string("get_status")?, .string("status_request")?:
            let store = store
            return connection.eventLoop.makeFutureWithTask { try await store.task(id: taskID) }.map { task in
                connection.send(task.map(TaskPresenter.statusMessage) ?? ServerMessage.error("任务 \(taskID) 不存在"))
            }
        default:
            connection.send(ServerMessage.unknownType(request.type, supported: Self.supportedTypes))
        }
        return nil
    }
}
