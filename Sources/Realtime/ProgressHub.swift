import Storage
import Synchronization

/// Fans each progress event out to every subscriber of its task, in process.
///
/// An event is rendered to its wire frame once, then handed to each subscriber's receiver, which must not block:
/// WebSocket subscribers pass it to their connection's event loop (`ProgressFeed`), where a slow reader's
/// superseded progress is coalesced. Publishing therefore never waits for a subscriber.
public final class ProgressHub: Sendable {
    public typealias Receiver = @Sendable (HubEvent) -> Void

    private let state = Mutex(State())
    private let published = Atomic<Int>(0)

    private struct State {
        var nextID = 0
        var subscribers: [Int64: [Int: Receiver]] = [:]
    }

    public init() {}

    /// Starts handing the events of a task to `receive`, until the subscription is cancelled or deallocated.
    public func subscribe(taskID: Int64, _ receive: @escaping Receiver) -> Subscription {
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[taskID, default: [:]][state.nextID] = receive
            return state.nextID
        }
        return Subscription(hub: self, taskID: taskID, id: id)
    }

    /// Delivers an event to every current subscriber of its task.
    public func publish(_ event: StoredEvent) {
        let targets = state.withLock { Array(($0.subscribers[event.taskID] ?? [:]).values) }
        guard !targets.isEmpty else { return }
        let rendered = HubEvent(event)
        published.add(1, ordering: .relaxed)
        for receive in targets { receive(rendered) }
    }

    /// Events published to at least one subscriber since start.
    public var publishedEvents: Int { published.load(ordering: .relaxed) }

    /// Number of live subscriptions of a task (for tests and metrics).
    public func subscriberCount(taskID: Int64) -> Int {
        state.withLock { $0.subscribers[taskID]?.count ?? 0 }
    }

    /// The tasks that have subscribers now (a cluster feed catches these up after missing announcements).
    public func watchedTaskIDs() -> [Int64] {
        state.withLock { Array($0.subscribers.keys) }
    }

    fileprivate func remove(taskID: Int64, id: Int) {
        state.withLock { state in
            state.subscribers[taskID]?[id] = nil
            if state.subscribers[taskID]?.isEmpty == true { state.subscribers[taskID] = nil }
        }
    }
}

/// One subscriber's place in the hub; freed by `cancel()` or when released.
public final class Subscription: Sendable {
    private let hub: ProgressHub
    private let taskID: Int64
    private let id: Int

    fileprivate init(hub: ProgressHub, taskID: Int64, id: Int) {
        self.hub = hub
        self.taskID = taskID
        self.id = id
    }

    /// Stops the subscription and frees its slot in the hub at once; harmless when repeated.
    public func cancel() {
        hub.remove(taskID: taskID, id: id)
    }

    deinit {
        cancel()
    }
}
