import Foundation
import Hummingbird
import Prometheus
import Realtime
import Storage

/// The server's Prometheus metrics. Each application has its own registry (no global metrics system),
/// so several servers can live in one process, as the tests build them.
final class AppMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Counters and gauges of one WebSocket endpoint.
    struct Endpoint: Sendable {
        let connections: Gauge
        let messagesIn: Counter
        let messagesOut: Counter
    }

    let health: Endpoint
    let test: Endpoint
    let review: Endpoint
    let conformance: Endpoint
    /// Progress events written to subscribers, superseded ones coalesced for slow readers, and the time from an
    /// event being stored to its frame being handed to a subscriber's socket.
    let feed: ProgressFeed.Meter
    /// How long each completed review took, from its claim to its result being stored.
    let reviewDuration: DurationHistogram
    private let published: Gauge
    private let subscribers: Gauge
    private let jobsProcessing: Gauge
    private let jobsFailed: Gauge
    private let jobsCompleted: Gauge

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "contractshield", metricName: metric, unitName: unit, helpText: help)
        }
        let connections = name("ws_connections", "", "Open WebSocket connections")
        let messagesIn = name("ws_messages_in", "total", "WebSocket messages received from clients")
        let messagesOut = name("ws_messages_out", "total", "WebSocket messages sent to clients")
        func endpoint(_ label: String) -> Endpoint {
            Endpoint(
                connections: registry.makeGauge(descriptor: connections, labels: [("endpoint", label)]),
                messagesIn: registry.makeCounter(descriptor: messagesIn, labels: [("endpoint", label)]),
                messagesOut: registry.makeCounter(descriptor: messagesOut, labels: [("endpoint", label)]))
        }
        health = endpoint("health")
        test = endpoint("test")
        review = endpoint("review")
        conformance = endpoint("conformance")
        let fast: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]
        feed = ProgressFeed.Meter(
            messagesOut: review.messagesOut,
            coalesced: registry.makeCounter(
                descriptor: name("hub_events_coalesced", "total", "Superseded progress events not sent to a reader whose socket was full")),
            delay: registry.makeDurationHistogram(
                descriptor: name("fanout_delay", "seconds", "From a progress event being stored to its frame reaching a subscriber's socket"),
                buckets: fast))
        reviewDuration = registry.makeDurationHistogram(
            descriptor: name("review_duration", "seconds", "From a review being claimed to its result being stored"),
            buckets: [.milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                      .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)])
        published = registry.makeGauge(descriptor: name("hub_events_published", "total", "Progress events fanned out since start"))
        subscribers = registry.makeGauge(descriptor: name("hub_subscribers", "", "Live progress subscriptions"))
        let jobs = name("jobs", "", "Review tasks by state")
        jobsProcessing = registry.makeGauge(descriptor: jobs, labels: [("state", "processing")])
        jobsFailed = registry.makeGauge(descriptor: jobs, labels: [("state", "failed")])
        jobsCompleted = registry.makeGauge(descriptor: jobs, labels: [("state", "completed")])
    }

    /// Reads the figures other components keep themselves, then renders the text exposition format.
    func exposition(hub: ProgressHub, feeds: FeedMailboxes, store: any TaskStore) async -> String {
        published.set(Double(hub.publishedEvents))
        subscribers.set(Double(feeds.subscriberCount))
        if let counts = try? await store.taskCounts() {
            jobsProcessing.set(Double(counts[.processing] ?? 0))
            jobsFailed.set(Double(counts[.failed] ?? 0))
            jobsCompleted.set(Double(counts[.completed] ?? 0))
        }
        return registry.emitToString()
    }
}

extension TaskStore {
    /// How many tasks are in each state that the job metrics report.
    func taskCounts() async throws -> [TaskStatus: Int] {
        var counts: [TaskStatus: Int] = [:]
        for status in [TaskStatus.processing, .failed, .completed] {
            counts[status] = try await tasks(matching: TaskQuery(status: status, limit: 1)).total
        }
        return counts
    }
}

/// `GET /metrics` in Prometheus text format.
struct MetricsController<Context: RequestContext> {
    let metrics: AppMetrics
    let hub: ProgressHub
    let feeds: FeedMailboxes
    let store: any TaskStore

    func addRoutes(to router: Router<Context>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: await metrics.exposition(hub: hub, feeds: feeds, store: store))))
        }
    }
}
