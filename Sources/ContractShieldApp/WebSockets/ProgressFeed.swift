import Foundation
import NIOCore
import NIOWebSocket
import Prometheus
import Realtime

/// One `/ws/review` subscriber's events on its connection's event loop, written through its `WebSocketConnection`
/// without a Swift task per subscriber; live events come from the loop's `FeedMailbox`.
///
/// Live events that arrive while the stored ones are still being read are held; `start` sends the stored events
/// older than the first held one, then the held ones, then each live event with a higher `seq` than the last one sent:
/// nothing twice, nothing out of order, nothing published after the subscription left out. While the socket takes
/// no data, only the newest progress event and every terminal event are kept (a slow reader's progress is coalesced,
/// never its `complete`), and sent when it reads again. Its state is only touched on that event loop, hence
/// `@unchecked Sendable`.
final class ProgressFeed: @unchecked Sendable {
    private let connection: WebSocketConnection
    private let meter: Meter
    /// Events received before `start`; nil once live.
    private var early: [HubEvent]? = []
    /// Events kept back while the socket takes no data.
    private var held: [HubEvent] = []
    private var lastSent: Int64 = 0
    /// Frames written since the last flush.
    private var unflushed = false

    /// The metrics every feed reports to.
    struct Meter: Sendable {
        let messagesOut: Counter
        let coalesced: Counter
        let delay: DurationHistogram
    }

    /// Event loop only.
    init(connection: WebSocketConnection, meter: Meter) {
        self.connection = connection
        self.meter = meter
        // Weakly: a strong feed here would keep the connection and the feed alive forever.
        connection.onWritable = { [weak self] in self?.sendHeld() }
    }

    /// Sends the stored events a newcomer should see, then goes live after `since` (or after the last stored one).
    /// Every event held since the subscription is sent: the stored ones only fill in what came before the first of
    /// them. (A review started while the store was being read must not turn its first events into "history" that
    /// the latest stored event replaces.)
    func start(stored: [HubEvent], after since: Int64) {
        lastSent = since
        let firstLive = early?.first?.event.seq ?? .max
        for event in stored where event.event.seq < firstLive { forward(event) }
        for event in early ?? [] { forward(event) }
        early = nil
        flush()
    }

    /// Takes live events of its task, in order, on the event loop; answers whether it wrote a frame that still needs
    /// a flush (the mailbox flushes each feed once per batch).
    func receive(_ events: [HubEvent]) -> Bool {
        let wasFlushed = !unflushed
        if early != nil {
            early?.append(contentsOf: events)
        } else {
            for event in events { forward(event) }
        }
        return wasFlushed && unflushed
    }

    func flush() {
        guard unflushed else { return }
        unflushed = false
        connection.flush()
    }

    private func forward(_ event: HubEvent) {
        guard event.event.seq > lastSent else { return }
        lastSent = event.event.seq
        guard held.isEmpty, connection.isWritable else {
            hold(event)
            return
        }
        send(event)
    }

    /// Keeps a terminal event and the newest progress: older progress kept back is superseded.
    private func hold(_ event: HubEvent) {
        let before = held.count
        held.removeAll { !$0.isTerminal }
        meter.coalesced.increment(by: Int64(before - held.count))
        held.append(event)
    }

    private func sendHeld() {
        let pending = held
        held = []
        for event in pending { send(event) }
        flush()
    }

    private func send(_ event: HubEvent) {
        connection.write(encodedFrame: event.frame)
        unflushed = true
        meter.messagesOut.increment()
        meter.delay.record(.milliseconds(Int64(Date().timeIntervalSince(event.event.createdAt) * 1000)))
    }
}
