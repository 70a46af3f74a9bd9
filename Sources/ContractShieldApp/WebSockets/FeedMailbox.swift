import NIOCore
import Realtime
import Synchronization

/// The `/ws/review` subscribers of one event loop, by task, and the progress events on their way to them.
///
/// The hub has one subscription per task watched on this loop, not one per subscriber: it drops each event in here
/// from its thread with one lock, and the loop takes whatever has gathered in one go, writes the events' frames to
/// every subscriber of their task, then flushes each socket once. A burst of events to 10,000 subscribers thus costs
/// one task per loop and event, not one hand-off per subscriber, and one write call per subscriber for all the
/// events that reached it together. The subscribers are only touched on the loop, hence `@unchecked Sendable`.
final class FeedMailbox: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let hub: ProgressHub
    private let pending = Mutex<[HubEvent]>([])
    private let subscribers = Atomic<Int>(0)
    /// Event loop only.
    private var watchers: [Int64: TaskWatchers] = [:]

    /// The feeds of one task on this loop, and the hub subscription that brings its events.
    private struct TaskWatchers {
        var feeds: [ObjectIdentifier: ProgressFeed]
        let subscription: Subscription
    }

    init(eventLoop: any EventLoop, hub: ProgressHub) {
        self.eventLoop = eventLoop
        self.hub = hub
    }

    /// Subscribers on this loop, over all tasks.
    var subscriberCount: Int { subscribers.load(ordering: .relaxed) }

    /// Makes `feed` (of a connection on this loop) a subscriber of the task's events from now on (event loop only).
    func watch(_ feed: ProgressFeed, taskID: Int64) {
        eventLoop.preconditionInEventLoop()
        if watchers[taskID] == nil {
            let subscription = hub.subscribe(taskID: taskID) { [weak self] event in self?.post(event) }
            watchers[taskID] = TaskWatchers(feeds: [:], subscription: subscription)
        }
        if watchers[taskID]?.feeds.updateValue(feed, forKey: ObjectIdentifier(feed)) == nil {
            subscribers.add(1, ordering: .relaxed)
        }
    }

    /// Stops `feed`'s subscription; from any thread, harmless when repeated.
    func unwatch(_ feed: ProgressFeed, taskID: Int64) {
        eventLoop.execute {
            guard self.watchers[taskID]?.feeds.removeValue(forKey: ObjectIdentifier(feed)) != nil else { return }
            self.subscribers.subtract(1, ordering: .relaxed)
            if self.watchers[taskID]?.feeds.isEmpty == true {
                self.watchers.removeValue(forKey: taskID)?.subscription.cancel()
            }
        }
    }

    private func post(_ event: HubEvent) {
        let first = pending.withLock { pending in
            pending.append(event)
            return pending.count == 1
        }
        if first { eventLoop.execute { self.deliver() } }
    }

    private func deliver() {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        // Each feed is visited once per batch with all the events of its task: with thousands of subscribers, a
        // visit (a cold feed, connection and channel) costs more than the frames it writes.
        var byTask: [Int64: [HubEvent]] = [:]
        for event in batch { byTask[event.event.taskID, default: []].append(event) }
        var written: [ProgressFeed] = []
        for (taskID, events) in byTask {
            guard let feeds = watchers[taskID]?.feeds.values else { continue }
            for feed in feeds where feed.receive(events) {
                written.append(feed)
            }
        }
        for feed in written { feed.flush() }
    }
}

/// One `FeedMailbox` per event loop, made when a loop's first subscriber arrives.
final class FeedMailboxes: Sendable {
    private let hub: ProgressHub
    private let boxes = Mutex<[ObjectIdentifier: FeedMailbox]>([:])

    init(hub: ProgressHub) {
        self.hub = hub
    }

    func mailbox(for eventLoop: any EventLoop) -> FeedMailbox {
        boxes.withLock { boxes in
            let key = ObjectIdentifier(eventLoop)
            if let box = boxes[key] { return box }
            let box = FeedMailbox(eventLoop: eventLoop, hub: hub)
            boxes[key] = box
            return box
        }
    }

    /// Live `/ws/review` subscribers over all loops and tasks.
    var subscriberCount: Int { boxes.withLock { $0.values.reduce(0) { $0 + $1.subscriberCount } } }
}
