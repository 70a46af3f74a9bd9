import Storage
import Synchronization

/// Fans each progress event out to every subscriber of its task, in process.
///
/// Publishing never waits for a subscriber: each has its own bounded buffer, and when a slow reader's buffer
/// is full the oldest queued event is dropped. Events are published in `seq` order, so what gets dropped is
/// always superseded progress, never the terminal event, which is last.
public final class ProgressHub: Sendable {
    /// How many events a subscriber may have queued before the oldest are dropped.
    public let bufferLimit: Int
    private let state = Mutex(State())
    private let published = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)

    private struct State {
        var nextID = 0
        var subscribers: [Int64: [Int: AsyncStream<HubEvent>.Continuation]] = [:]
    }

    public init(bufferLimit: Int = 256) {
        self.bufferLimit = bufferLimit
    }

    /// Starts receiving the events of a task; events stop when the subscription is cancelled or deallocated.
    public func subscribe(taskID: Int64) -> Subscription {
        let (stream, continuation) = AsyncStream<HubEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[taskID, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.remove(taskID: taskID, id: id)
        }
        return Subscription(events: stream, continuation: continuation)
    }

    /// Delivers an event to every current subscriber of its task.
    public func publish(_ event: StoredEvent) {
        let targets = state.withLock { Array(($0.subscribers[event.taskID] ?? [:]).values) }
        guard !targets.isEmpty else { return }
        let rendered = HubEvent(event)
        published.add(1, ordering: .relaxed)
        for continuation in targets {
            if case .dropped = continuation.yield(rendered) { dropped.add(1, ordering: .relaxed) }
        }
    }

    /// Events published to at least one subscriber since start.
    public var publishedEvents: Int { published.load(ordering: .relaxed) }
    /// Superseded events a slow subscriber's full buffer let go (it still gets the newer ones).
    public var droppedEvents: Int { dropped.load(ordering: .relaxed) }
    /// Live subscriptions over all tasks.
    public var totalSubscribers: Int { state.withLock { $0.subscribers.values.reduce(0) { $0 + $1.count } } }

    /// Number of live subscriptions of a task (for tests and metrics).
    public func subscriberCount(taskID: Int64) -> Int {
        state.withLock { $0.subscribers[taskID]?.count ?? 0 }
    }

    /// The tasks that have subscribers now (a cluster feed catches these up after missing announcements).
    public func watchedTaskIDs() -> [Int64] {
        state.withLock { Array($0.subscribers.keys) }
    }

    private func remove(taskID: Int64, id: Int) {
        state.withLock { state in
            state.subscribers[taskID]?[id] = nil
            if state.subscribers[taskID]?.isEmpty == true { state.subscribers[taskID] = nil }
        }
    }
}

/// One subscriber's view of a task's events.
public final class Subscription: Sendable {
    public let events: AsyncStream<HubEvent>
    private let continuation: AsyncStream<HubEvent>.Continuation

    init(events: AsyncStream<HubEvent>, continuation: AsyncStream<HubEvent>.Continuation) {
        self.events = events
        self.continuation = continuation
    }

    /// Stops the subscription and frees its slot in the hub at once.
    public func cancel() {
        continuation.finish()
    }

    deinit {
        continuation.finish()
    }
}
