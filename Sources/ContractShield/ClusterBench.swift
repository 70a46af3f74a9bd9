import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import Realtime
import Storage

extension BenchCommand {
    /// `bench cluster`: nodes on one PostgreSQL (issue #7). Each measurement starts its own `contractshield serve`
    /// processes on a fresh database beside the one given, reads the outcome from that database, and stops them.
    struct ClusterScaling: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster",
            abstract: "Reviews submitted at once to N nodes vs one, and the delay a subscriber on another node adds")

        @Option(help: "PostgreSQL for the nodes; each measurement creates a database cs_bench_… beside the one named (env CONTRACTSHIELD_TEST_POSTGRES)")
        var database: String?
        @Option(help: "Nodes of the cluster measured against one node")
        var nodes = 3
        @Option(help: "Reviews submitted at once")
        var reviews = 1000
        @Option(help: "Pages of the generated contract each review reads")
        var pages = 3
        @Option(help: "Reviews watched, one after another, for the delivery delay")
        var watched = 40

        func run() async throws {
            guard let server = database ?? Environment.value("TEST_POSTGRES") else {
                throw ValidationError("bench cluster needs a PostgreSQL server: --database postgres://… or CONTRACTSHIELD_TEST_POSTGRES")
            }
            let contract = Data(GeneratedContract.purchase(pages: pages).utf8)
            let single = try await throughput(server: server, nodeCount: 1, contract: contract)
            let cluster = try await throughput(server: server, nodeCount: nodes, contract: contract)
            for (count, figures) in [(1, single), (nodes, cluster)] {
                print("cluster: \(reviews) reviews of \(contract.count) bytes submitted at once to \(count) node(s): \(figures.summary)")
                print("bench=cluster_throughput nodes=\(count) reviews=\(reviews) bytes=\(contract.count) \(figures.machineFields)")
            }
            let delays = try await delivery(server: server, contract: contract)
            print("cluster: per-event delay from append to a client, \(delays.events) events of \(watched) reviews: \(delays.summary)")
            print("bench=cluster_delivery reviews=\(watched) events=\(delays.events) \(delays.machineFields)")
        }

        // MARK: Throughput

        private func throughput(server: String, nodeCount: Int, contract: Data) async throws -> Throughput {
            try await BenchCluster.with(server: server, nodeOptions: Array(repeating: [], count: nodeCount)) { cluster in
                let apis = cluster.nodes.map { APIClient(base: $0.url) }
                // Ready tasks first, untimed; then every review is asked for at once, spread over the nodes.
                let ids = try await concurrently(0..<reviews, width: 16) { index in
                    let api = apis[index % apis.count]
                    return try await api.readyPurchaseTask(contract, filename: "bench-\(index).txt")
                }
                let clock = ContinuousClock()
                let start = clock.now
                _ = try await concurrently(Array(ids.enumerated()), width: ids.count) { index, id in
                    try await apis[index % apis.count].startReview(taskID: id)
                }
                let deadline = start + .seconds(max(120, reviews))
                while try await cluster.store.tasks(matching: TaskQuery(status: .processing, limit: 1)).total > 0, clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let elapsed = clock.now - start
                return try await Throughput(ids: ids, elapsed: elapsed, store: cluster.store)
            }
        }

        /// How long the reviews took and whether each ran exactly once to one `complete`, none left behind.
        struct Throughput {
            var elapsed: Duration
            var completed = 0
            var reranOrUnfinished = 0
            var notOneComplete = 0
            var gaps = 0

            init(ids: [Int64], elapsed: Duration, store: any TaskStore) async throws {
                self.elapsed = elapsed
                for id in ids {
                    let task = try await store.task(id: id)
                    if task?.status == .completed { completed += 1 }
                    if task?.status != .completed || task?.run != 1 { reranOrUnfinished += 1 }
                    let events = try await store.events(taskID: id, after: 0)
                    if events.filter({ $0.kind == .complete }).count != 1 { notOneComplete += 1 }
                    if events.map(\.seq) != Array(stride(from: 1, through: Int64(events.count), by: 1)) { gaps += 1 }
                }
            }

            var perSecond: Double { Double(completed) / elapsed.seconds }
            var summary: String {
                String(format: "%.1f reviews/s (%.2f s); ", perSecond, elapsed.seconds)
                    + "completed \(completed), rerun or unfinished \(reranOrUnfinished), not exactly one complete \(notOneComplete), seq gaps \(gaps)"
            }
            var machineFields: String {
                String(format: "reviews_per_s=%.1f seconds=%.2f", perSecond, elapsed.seconds)
                    + " completed=\(completed) rerun_or_unfinished=\(reranOrUnfinished) not_one_complete=\(notOneComplete) seq_gaps=\(gaps)"
            }
        }

        // MARK: Delivery delay

        /// Node A runs no reviews, node B runs them all; a subscriber on each is connected before every review starts.
        /// Each event's delay is its arrival at a subscriber minus the moment the running node appended it (the
        /// event's `created_at` in the database, same host and clock); the added delay is, per event, A's minus B's.
        /// A single SQLite node is measured the same way as the reference: there the runner publishes to its own hub
        /// directly, on a cluster every event goes through the table and `NOTIFY`, for the same node's subscribers too.
        private func delivery(server: String, contract: Data) async throws -> DeliveryDelays {
            var delays = DeliveryDelays()
            delays.single = try await singleNodeDelays(contract: contract)
            try await BenchCluster.with(server: server, nodeOptions: [["--job-concurrency", "0"], []]) { cluster in
                let (a, b) = (APIClient(base: cluster.nodes[0].url), APIClient(base: cluster.nodes[1].url))
                for _ in 0..<watched {
                    let arrivals = try await watchOneReview(api: b, subscribers: [a, b], contract: contract)
                    let crossNode = try await DeliveryDelays.delays(arrivals[0], store: cluster.store)
                    let sameNode = try await DeliveryDelays.delays(arrivals[1], store: cluster.store)
                    delays.crossNode += crossNode.values
                    delays.sameNode += sameNode.values
                    delays.added += crossNode.compactMap { seq, delay in sameNode[seq].map { delay - $0 } }
                }
            }
            return delays
        }

        private func singleNodeDelays(contract: Data) async throws -> [Duration] {
            let node = try await ServerProcess.start()
            defer { node.stop() }
            let store = try await SQLiteTaskStore.open(
                path: node.dataDir.appendingPathComponent("contractshield.sqlite").path, logger: Logger(label: "bench"))
            var delays: [Duration] = []
            do {
                let api = APIClient(base: node.url)
                for _ in 0..<watched {
                    let arrivals = try await watchOneReview(api: api, subscribers: [api], contract: contract)
                    delays += try await DeliveryDelays.delays(arrivals[0], store: store).values
                }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            return delays
        }

        /// Runs one review on `api` with a subscriber on each of `subscribers`; returns, per subscriber, the
        /// wall-clock arrival of each event by `seq`.
        private func watchOneReview(api: APIClient, subscribers: [APIClient], contract: Data) async throws -> [(taskID: Int64, arrivals: [Int64: Date])] {
            let taskID = try await api.readyPurchaseTask(contract, filename: "watched.txt")
            let (connected, connection) = AsyncStream<Void>.makeStream()
            return try await withThrowingTaskGroup(of: (Int, [Int64: Date]).self) { group in
                for (index, subscriber) in subscribers.enumerated() {
                    group.addTask {
                        do {
                            return (index, try await Self.arrivals(subscriber, taskID: taskID, connected: connection))
                        } catch {
                            connection.finish()  // nobody waits for a subscriber that failed to connect
                            throw error
                        }
                    }
                }
                var waiting = subscribers.count
                for await _ in connected {
                    waiting -= 1
                    if waiting == 0 { break }
                }
                try await api.startReview(taskID: taskID)
                var result = Array(repeating: [Int64: Date](), count: subscribers.count)
                for try await (index, arrivals) in group { result[index] = arrivals }
                return result.map { (taskID, $0) }
            }
        }

        /// A WebSocket subscriber to one review: says when it is connected, and notes when each event arrives.
        private static func arrivals(_ api: APIClient, taskID: Int64, connected: AsyncStream<Void>.Continuation) async throws -> [Int64: Date] {
            let box = ArrivalBox()
            try await WebSocketClient.connect(url: api.webSocketURL("/ws/review/\(taskID)"), logger: Logger(label: "bench")) { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                _ = try await messages.next()  // connection
                connected.yield()
                while let message = try await messages.next() {
                    let arrived = Date()
                    guard case .text(let text) = message, let json = JSONValue.parse(text), case .integer(let seq)? = json["seq"] else { continue }
                    await box.note(seq, arrived)
                    if json["type"] != "progress" { return }
                }
            }
            return await box.arrivals
        }

        /// Per-event delays in each setting, in arrival order.
        struct DeliveryDelays {
            var single: [Duration] = []
            var sameNode: [Duration] = []
            var crossNode: [Duration] = []
            var added: [Duration] = []

            var events: Int { crossNode.count }

            /// Each event's arrival minus its `created_at`, by `seq` (events a slow subscriber was spared are left out).
            static func delays(_ watched: (taskID: Int64, arrivals: [Int64: Date]), store: any TaskStore) async throws -> [Int64: Duration] {
                var delays: [Int64: Duration] = [:]
                for event in try await store.events(taskID: watched.taskID, after: 0) {
                    guard let arrived = watched.arrivals[event.seq] else { continue }
                    delays[event.seq] = .nanoseconds(Int64(arrived.timeIntervalSince(event.createdAt) * 1e9))
                }
                return delays
            }

            private var settings: [(name: String, samples: [Duration])] {
                [("single", single), ("same_node", sameNode), ("cross_node", crossNode), ("added", added)]
            }

            var summary: String {
                settings.map { "\($0.name) p50 \(LatencyStats($0.samples).p50ms) ms p99 \(LatencyStats($0.samples).p99ms) ms" }
                    .joined(separator: "; ")
            }

            var machineFields: String {
                settings.map { "\($0.name)_p50_ms=\(LatencyStats($0.samples).p50ms) \($0.name)_p99_ms=\(LatencyStats($0.samples).p99ms)" }
                    .joined(separator: " ")
            }
        }
    }
}

private actor ArrivalBox {
    var arrivals: [Int64: Date] = [:]
    func note(_ seq: Int64, _ arrived: Date) { arrivals[seq] = arrived }
}

/// Node processes on a fresh database of one PostgreSQL server, sharing a files directory, and a store on that
/// database to read the outcome from.
struct BenchCluster {
    let nodes: [ServerProcess]
    let store: PostgresTaskStore

    /// Starts a node per entry of `nodeOptions` (extra `serve` options each), runs `body`, and stops them.
    static func with<Result>(server: String, nodeOptions: [[String]], _ body: (BenchCluster) async throws -> Result) async throws -> Result {
        guard var url = URLComponents(string: server) else { throw ValidationError("not a PostgreSQL URL: \(server)") }
        url.path = "/cs_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        guard let database = url.string else { throw ValidationError("not a PostgreSQL URL: \(server)") }
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("cs-bench-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: files) }
        var nodes: [ServerProcess] = []
        defer { for node in nodes { node.stop() } }
        for options in nodeOptions {
            nodes.append(try await ServerProcess.start(["--database", database, "--files-dir", files.path] + options))
        }
        let store = try await PostgresTaskStore.open(url: database, logger: Logger(label: "bench"))
        do {
            let result = try await body(BenchCluster(nodes: nodes, store: store))
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Runs `operation` on every element, at most `width` at a time; the results in the elements' order.
func concurrently<Element: Sendable, Result: Sendable>(
    _ elements: some Collection<Element>, width: Int, _ operation: @escaping @Sendable (Element) async throws -> Result
) async throws -> [Result] {
    let items = Array(elements)
    return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        func launch() {
            guard next < items.count else { return }
            let (index, item) = (next, items[next])
            group.addTask { (index, try await operation(item)) }
            next += 1
        }
        for _ in 0..<min(width, items.count) { launch() }
        for try await (index, result) in group {
            results[index] = result
            launch()
        }
        return results.map { $0! }
    }
}
