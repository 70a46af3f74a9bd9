import Logging
import Storage
import Synchronization

/// On a cluster, feeds the events of every node's review jobs into this node's hub, for the tasks its clients watch.
///
/// The database announces each appended event as (task, seq) and nothing more. For a task with local subscribers the
/// feed reads every event after the last one it published (`TaskStore.events(after:)`) and publishes them in `seq`
/// order, so an announcement that is lost (while reconnecting to PostgreSQL) or overtaken (a burst) leaves no gap:
/// the next read catches up from the store, and after each reconnect every watched task is caught up at once.
///
/// It is the only publisher on a cluster, for this node's own jobs too, which is what keeps a task's events in
/// order and never doubled in the hub. A task it starts publishing is read from `seq` 0: that may repeat events a
/// subscriber already has from the store, which `ReviewSession` skips by `seq`, but it can never miss one committed
/// after the subscriber read the store.
public final class ClusterEventFeed: Sendable {
    private let hub: ProgressHub
    private let store: any TaskStore
    private let changes: any ChangeFeed
    private let logger: Logger
    /// The last `seq` published, per task this node watches.
    private let published = Mutex<[Int64: Int64]>([:])

    public init(hub: ProgressHub, store: any TaskStore, changes: any ChangeFeed, logger: Logger) {
        self.hub = hub
        self.store = store
        self.changes = changes
        self.logger = logger
    }

    /// Feeds the hub until the calling task is cancelled.
    public func run() async {
        await changes.watch(.events) { change in
            switch change {
            case .listening:
                let watched = Set(hub.watchedTaskIDs())
                published.withLock { $0 = $0.filter { watched.contains($0.key) } }
                for taskID in watched { await catchUp(taskID) }
            case .eventAppended(let taskID, let seq):
                guard hub.subscriberCount(taskID: taskID) > 0 else {
                    published.withLock { _ = $0.removeValue(forKey: taskID) }
                    return
                }
                if let last = published.withLock({ $0[taskID] }), last >= seq { return }
                await catchUp(taskID)
            case .jobsAvailable:
                break
            }
        }
    }

    private func catchUp(_ taskID: Int64) async {
        let last = published.withLock { $0[taskID] } ?? 0
        do {
            let events = try await store.events(taskID: taskID, after: last)
            for event in events { hub.publish(event) }
            published.withLock { $0[taskID] = events.last?.seq ?? last }
        } catch {
            // The next announcement for the task, or the reconnect that follows a lost server, reads again.
            logger.warning("could not read new events", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
        }
    }
}
