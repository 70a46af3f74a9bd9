import NIOCore
import Realtime
import Synchronization

/// Progress events on their way to the feeds of one event loop. The hub drops them in from its thread, one lock
/// each; the loop takes whatever has gathered in one go, writes every frame, then flushes each socket once. A burst
/// of events thus costs one task per loop, not one per subscriber, and one write call per subscriber for all the
/// events that reached it together.
final class FeedMailbox: Sendable {
    let eventLoop: any EventLoop
    private let pending = Mutex<[(feed: ProgressFeed, event: HubEvent)]>([])

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func post(_ event: HubEvent, to feed: ProgressFeed) {
        let first = pending.withLock { pending in
            pending.append((feed, event))
            return pending.count == 1
        }
        if first { eventLoop.execute { self.deliver() } }
    }

    private func deliver() {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        var written: [ProgressFeed] = []
        for (feed, event) in batch where feed.receive(event) {
            written.append(feed)
        }
        for feed in written { feed.flush() }
    }
}

/// One `FeedMailbox` per event loop, made when a loop's first subscriber arrives.
final class FeedMailboxes: Sendable {
    private let boxes = Mutex<[ObjectIdentifier: FeedMailbox]>([:])

    func mailbox(for eventLoop: any EventLoop) -> FeedMailbox {
        boxes.withLock { boxes in
            let key = ObjectIdentifier(eventLoop)
            if let box = boxes[key] { return box }
            let box = FeedMailbox(eventLoop: eventLoop)
            boxes[key] = box
            return box
        }
    }
}
