import ArgumentParser
import Foundation
import LoadGenerator
import NIOCore
import NIOPosix

extension BenchCommand {
    /// `bench ws --mode hold|echo|fanout`: WebSocket load from `LoadClient` (raw swift-nio, one handler and no Swift
    /// task per connection), so the load generator stays light next to the server it measures.
    struct WebSocketLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ws", abstract: "WebSocket load: idle subscribers (hold), echo throughput (echo), progress fan-out (fanout)")

        enum Mode: String, ExpressibleByArgument, CaseIterable {
            case hold, echo, fanout, churn

            var defaultConnections: Int {
                switch self {
                case .hold: 50_000
                case .echo, .churn: 1_000
                case .fanout: 10_000
                }
            }
        }

        @OptionGroup var target: Target
        @Option(help: "hold: idle /ws/review connections and the server's memory per connection; echo: /ws/test round trips; fanout: subscribers of one task receiving a review's progress; churn: connections opened and closed round after round, and the server's memory after each round")
        var mode: Mode = .echo
        @Option(help: "Connections to open (default: 50,000 hold, 1,000 echo, 10,000 fanout)")
        var connections: Int?
        @Option(help: "echo: messages each connection sends")
        var messages = 100
        @Option(help: "echo: messages a connection keeps in flight (1: wait for each echo before the next)")
        var window = 1
        @Option(help: "fanout: progress events to deliver at least; the review is run again until there were this many")
        var events = 20
        @Option(help: "churn: rounds of opening and closing --connections connections")
        var rounds = 10
        @Option(help: "Load generator threads")
        var threads = System.coreCount
        @Option(help: "Handshakes in flight at once")
        var handshakes = 128
        @Option(help: "Connections per loopback source address (one address has about 28,000 ephemeral ports)")
        var perSourceAddress = 20_000

        func validate() throws {
            guard rounds >= 2 else { throw ValidationError("--rounds must be at least 2") }
        }

        func run() async throws {
            let count = connections ?? mode.defaultConnections
            let limit = FileDescriptorLimit.raiseToHardLimit()
            guard count + 64 <= limit else {
                throw ValidationError("\(count) connections need \(count + 64) file descriptors; this process may open \(limit) (ulimit -Hn)")
            }
            try await withServer(target, serveArguments: serveArguments(count)) { api, pid in
                guard let host = api.base.host, let port = api.base.port else { throw ValidationError("--server needs host and port") }
                let client = LoadClient(host: host, port: port, threads: threads)
                let run = LoadRun(api: api, client: client, serverPID: pid, handshakes: handshakes,
                                  sources: try client.sourceAddresses(for: count, perAddress: perSourceAddress))
                do {
                    switch mode {
                    case .hold: try await run.hold(count)
                    case .echo: try await run.echo(count, messages: messages, window: window)
                    case .fanout: try await run.fanout(count, events: events)
                    case .churn: try await run.churn(count, rounds: rounds)
                    }
                } catch {
                    try? await client.shutdown()
                    throw error
                }
                try await client.shutdown()
            }
        }

        /// The limits a bench-started server needs for this load: room for every connection from one address, and
        /// for echo a message rate far above the protocol's flood limit.
        private func serveArguments(_ count: Int) -> [String] {
            let room = String(count + 64)
            var arguments = ["--max-connections", room, "--max-connections-per-ip", room]
            if mode == .echo { arguments += ["--ws-rate", "1000000000", "--ws-burst", "1000000000"] }
            return arguments
        }
    }
}

/// One `bench ws` run against one server.
private struct LoadRun {
    let api: APIClient
    let client: LoadClient
    let serverPID: Int32?
    let handshakes: Int
    let sources: [SocketAddress?]

    // MARK: hold

    /// Opens `count` idle subscribers of one task and reports what they cost the server.
    func hold(_ count: Int) async throws {
        let taskID = try await readyTask()
        try await Task.sleep(for: .seconds(1))
        let before = rss()
        let (peers, failures, elapsed) = try await openAll(count) { _ in ("/ws/review/\(taskID)", WebSocketPeer()) }
        try await Task.sleep(for: .seconds(2))
        let after = rss()
        var open = 0
        for peer in peers {
            if try await peer.onLoop({ peer.isOpen }) { open += 1 }
        }
        let perConnection = peers.isEmpty ? 0 : Double(after - before) / Double(peers.count)
        for peer in peers { _ = try? await peer.onLoop { peer.close() } }
        let left = try await openConnections(patience: .seconds(30))
        try await Task.sleep(for: .seconds(2))
        let afterClose = rss()
        print("ws hold: \(peers.count) of \(count) /ws/review connections opened in \(Self.format(elapsed.seconds)) s "
            + "(\(Self.describe(failures))), \(open) still open after 2 s; server RSS \(before / 1024) → \(after / 1024) MiB = "
            + "\(Self.format(perConnection)) KiB per connection; \(afterClose / 1024) MiB after closing")
        print("bench=ws_hold connections=\(count) opened=\(peers.count) failed=\(failures.values.reduce(0, +)) open=\(open) "
            + "connect_s=\(Self.format(elapsed.seconds)) rss_before_kib=\(before) rss_after_kib=\(after) "
            + "rss_per_conn_kib=\(Self.format(perConnection)) rss_after_close_kib=\(afterClose) server_connections_after_close=\(left)")
    }

    // MARK: echo

    /// `count` connections each send `messages` to `/ws/test` with `window` in flight; throughput, round trips and
    /// the server's CPU time per echoed message.
    func echo(_ count: Int, messages: Int, window: Int) async throws {
        let finished = Countdown()
        let (peers, failures, _) = try await openAll(count) { index in
            ("/ws/test/bench-\(index)", EchoPeer(messages: messages, window: window, finished: finished))
        }
        let cpuBefore = (server: cpu(), bench: benchCPU())
        let clock = ContinuousClock()
        let start = clock.now
        for peer in peers { try await peer.onLoop { peer.start() } }
        let done = try await finished.wait(for: peers.count, patience: .seconds(30))
        let elapsed = clock.now - start
        let cpuUsed = (server: cpu() - cpuBefore.server, bench: benchCPU() - cpuBefore.bench)
        var roundTrips: [Duration] = []
        var unexpected = 0
        for peer in peers {
            let (samples, odd) = try await peer.onLoop { (peer.roundTrips, peer.unexpected) }
            roundTrips += samples.map { .nanoseconds(Int64($0)) }
            unexpected += odd
        }
        for peer in peers { _ = try? await peer.onLoop { peer.close() } }
        let stats = LatencyStats(roundTrips)
        let rate = Double(roundTrips.count) / elapsed.seconds
        let missing = peers.count * messages - roundTrips.count
        let perEcho = { (seconds: Double) in roundTrips.isEmpty ? 0 : seconds / Double(roundTrips.count) * 1e6 }
        let cpuPerMessage = serverPID == nil ? 0 : perEcho(cpuUsed.server)
        print("ws echo: \(peers.count) connections (\(Self.describe(failures))) × \(messages) messages, \(window) in flight each: "
            + "\(roundTrips.count) echoes in \(Self.format(elapsed.seconds)) s = \(Int(rate)) msg/s, p50 \(stats.p50ms) ms, "
            + "p99 \(stats.p99ms) ms; \(missing) missing, \(unexpected) other frames, \(done) of \(peers.count) connections done; "
            + "CPU per echo: server \(Self.format(cpuPerMessage)) µs, load generator \(Self.format(perEcho(cpuUsed.bench))) µs")
        print("bench=ws_echo connections=\(peers.count) failed=\(failures.values.reduce(0, +)) window=\(window) "
            + "messages=\(roundTrips.count) missing=\(missing) unexpected=\(unexpected) msgs_per_s=\(Int(rate)) "
            + "p50_ms=\(stats.p50ms) p99_ms=\(stats.p99ms) max_ms=\(stats.maxms) server_cpu_us_per_msg=\(Self.format(cpuPerMessage)) "
            + "bench_cpu_us_per_msg=\(Self.format(perEcho(cpuUsed.bench)))")
    }

    // MARK: fanout

    /// `count` subscribers of one task; the task is reviewed, again and again, until at least `events` progress
    /// events were published. Each event's delay at a subscriber is measured from its first arrival at any
    /// subscriber; the server's own view (event stored → frame written) comes from its fan-out histogram.
    func fanout(_ count: Int, events: Int) async throws {
        let taskID = try await readyTask()
        let completes = Countdown()
        let (peers, failures, _) = try await openAll(count) { _ in ("/ws/review/\(taskID)", FanoutPeer(completes: completes)) }
        guard let lead = peers.first else { throw APIClient.Failure(description: "no subscriber connected: \(Self.describe(failures))") }
        let histogramBefore = try await fanoutHistogram()
        let cpuBefore = (server: cpu(), bench: benchCPU())
        var runs = 0
        var published: Int64 = 0
        var stalled = false
        while published < Int64(events), !stalled {
            try await api.startReview(taskID: taskID)
            runs += 1
            stalled = try await completes.wait(for: runs * peers.count, patience: .seconds(30)) < runs * peers.count
            published = try await lead.onLoop { lead.arrivals.last?.seq ?? 0 }
        }
        let histogramAfter = try await fanoutHistogram()
        let cpuUsed = (server: cpu() - cpuBefore.server, bench: benchCPU() - cpuBefore.bench)

        var arrivals: [[(seq: Int64, at: UInt64)]] = []
        for peer in peers { arrivals.append(try await peer.onLoop { peer.arrivals }) }
        let delivery = FanoutDelivery(arrivals)
        for peer in peers { _ = try? await peer.onLoop { peer.close() } }
        let stats = LatencyStats(delivery.delays)
        let server = histogramAfter.since(histogramBefore)
        let within100 = server.share(atMost: 0.1) * 100
        let serverP99 = server.upperBound(of: 0.99).map { Self.format($0 * 1000) } ?? "inf"
        print("ws fanout: \(peers.count) subscribers (\(Self.describe(failures))) of task \(taskID), \(runs) review runs, "
            + "\(delivery.events) events: \(delivery.delays.count) deliveries, \(delivery.missing) missing, "
            + "\(delivery.outOfOrder) out of order; delay after the first subscriber p50 \(stats.p50ms) ms, "
            + "p99 \(stats.p99ms) ms, max \(stats.maxms) ms; server stored→written ≤ 100 ms for "
            + "\(Self.format(within100))%, p99 ≤ \(serverP99) ms; CPU server \(Self.format(cpuUsed.server)) s, "
            + "load generator \(Self.format(cpuUsed.bench)) s")
        print("bench=ws_fanout subscribers=\(peers.count) failed=\(failures.values.reduce(0, +)) runs=\(runs) "
            + "events=\(delivery.events) deliveries=\(delivery.delays.count) missing=\(delivery.missing) "
            + "out_of_order=\(delivery.outOfOrder) p50_ms=\(stats.p50ms) p99_ms=\(stats.p99ms) max_ms=\(stats.maxms) "
            + "server_le_100ms_pct=\(Self.format(within100)) server_p99_le_ms=\(serverP99) "
            + "server_cpu_s=\(Self.format(cpuUsed.server)) bench_cpu_s=\(Self.format(cpuUsed.bench))")
    }

    // MARK: churn

    /// Round after round, `count` connections are opened (half subscribe to a task, half echo one message on
    /// `/ws/test`) and closed by the client; after each round, once the server counts none open, its RSS. What a
    /// connection leaves behind shows as growth in every round after the first ones (which fill the allocator's caches).
    func churn(_ count: Int, rounds: Int) async throws {
        let taskID = try await readyTask()
        // The first third of the rounds warm the allocator up (arenas, caches); a leak shows in every round after.
        let warmUp = rounds / 3
        var resident: [Int] = []
        var failed = 0
        var leftOpen = 0
        for _ in 0..<rounds {
            let echoed = Countdown()
            let (peers, failures, _) = try await openAll(count) { index -> (path: String, peer: WebSocketPeer) in
                index.isMultiple(of: 2)
                    ? ("/ws/review/\(taskID)", WebSocketPeer())
                    : ("/ws/test/churn-\(index)", EchoPeer(messages: 1, window: 1, finished: echoed))
            }
            failed += failures.values.reduce(0, +)
            let echoPeers = peers.compactMap { $0 as? EchoPeer }
            for peer in echoPeers { try await peer.onLoop { peer.start() } }
            _ = try await echoed.wait(for: echoPeers.count, patience: .seconds(30))
            for peer in peers { _ = try? await peer.onLoop { peer.close() } }
            leftOpen = max(leftOpen, try await openConnections(patience: .seconds(30)))
            resident.append(rss())
        }
        // A leak grows the server every round; the allocator's one-time steps (a new arena, a grown cache) do not.
        // Hence the median of the rounds' growth after the warm-up, not the difference between first and last.
        let steps = zip(resident[warmUp...], resident[(warmUp + 1)...]).map { $1 - $0 }.sorted()
        let medianStep = steps.isEmpty ? 0 : steps[steps.count / 2]
        let growth = Double(medianStep) * 1024 / Double(count)
        let trace = resident.map(String.init)
        print("ws churn: \(rounds) rounds × \(count) connections (\(failed) refused), \(leftOpen) left open; server RSS "
            + "after each round (KiB): \(trace.joined(separator: " ")); median growth of a round after round "
            + "\(warmUp + 1): \(medianStep) KiB = \(Self.format(growth)) bytes per connection")
        print("bench=ws_churn connections=\(count) rounds=\(rounds) failed=\(failed) left_open=\(leftOpen) "
            + "rss_kib=\(trace.joined(separator: ",")) median_round_growth_kib=\(medianStep) "
            + "growth_bytes_per_conn=\(Self.format(growth))")
    }

    // MARK: shared steps

    /// Opens `count` connections, `handshakes` at a time, spread over the source addresses; `connection(index)`
    /// names the path and the peer. Connections the server refuses are counted by reason, not thrown.
    private func openAll<Peer: WebSocketPeer>(
        _ count: Int, _ connection: (Int) -> (path: String, peer: Peer)
    ) async throws -> (peers: [Peer], failures: [String: Int], elapsed: Duration) {
        let perSource = max(1, (count + sources.count - 1) / sources.count)
        let clock = ContinuousClock()
        let start = clock.now
        var peers: [Peer] = []
        peers.reserveCapacity(count)
        var failures: [String: Int] = [:]
        try await withThrowingTaskGroup(of: Result<Peer, any Error>.self) { group in
            var next = 0
            while next < count || !group.isEmpty {
                while next < count, next - peers.count - failures.values.reduce(0, +) < handshakes {
                    let (path, peer) = connection(next)
                    let opening = client.connect(path, peer: peer, from: sources[next / perSource])
                    group.addTask {
                        do { return .success(try await opening.get()) } catch { return .failure(error) }
                    }
                    next += 1
                }
                switch try await group.next() {
                case .success(let peer)?: peers.append(peer)
                case .failure(let error)?: failures["\(error)", default: 0] += 1
                case nil: break
                }
            }
        }
        return (peers, failures, clock.now - start)
    }

    /// A task with a confirmed role, ready to be reviewed: the generated 30-page purchase contract.
    private func readyTask() async throws -> Int64 {
        try await api.readyPurchaseTask(Data(GeneratedContract.purchase(pages: 30).utf8), filename: "bench.txt")
    }

    private func rss() -> Int { serverPID.flatMap { ProcessUsage.residentKiB(pid: $0) } ?? 0 }
    private func cpu() -> Double { serverPID.flatMap { ProcessUsage.cpuSeconds(pid: $0) } ?? 0 }
    private func benchCPU() -> Double { ProcessUsage.cpuSeconds(pid: getpid()) ?? 0 }

    /// Open WebSocket connections and hub subscriptions as the server's `/metrics` counts them, once they are all
    /// gone or `patience` runs out.
    private func openConnections(patience: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + patience
        while true {
            let metrics = PrometheusText(try await api.text("/metrics"))
            let open = ["health", "test", "review"].reduce(0) {
                $0 + Int(metrics.value(#"contractshield_ws_connections{endpoint="\#($1)"}"#) ?? 0)
            } + Int(metrics.value("contractshield_hub_subscribers") ?? 0)
            if open == 0 || ContinuousClock.now > deadline { return open }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func fanoutHistogram() async throws -> PrometheusText.Histogram {
        PrometheusText(try await api.text("/metrics")).histogram("contractshield_fanout_delay_seconds")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    static func describe(_ failures: [String: Int]) -> String {
        failures.isEmpty ? "none refused" : failures.map { "\($0.value) × \($0.key)" }.sorted().joined(separator: ", ")
    }
}

/// Which subscriber got which event when: the delays, and the events a subscriber missed or got out of order.
struct FanoutDelivery {
    /// Each delivery's delay after the event's first arrival at any subscriber.
    private(set) var delays: [Duration] = []
    /// Distinct events seen.
    let events: Int
    /// Deliveries missing: for each subscriber, the events any subscriber got that it did not.
    private(set) var missing = 0
    /// Deliveries whose `seq` was not higher than the one before on the same connection.
    private(set) var outOfOrder = 0

    init(_ arrivals: [[(seq: Int64, at: UInt64)]]) {
        var first: [Int64: UInt64] = [:]
        for connection in arrivals {
            for (seq, at) in connection { first[seq] = min(first[seq] ?? .max, at) }
        }
        events = first.count
        delays.reserveCapacity(arrivals.count * events)
        for connection in arrivals {
            var last: Int64 = 0
            var seen = 0
            for (seq, at) in connection {
                if seq <= last { outOfOrder += 1 } else { seen += 1 }
                last = max(last, seq)
                delays.append(.nanoseconds(Int64(at - first[seq]!)))
            }
            missing += events - seen
        }
    }
}
