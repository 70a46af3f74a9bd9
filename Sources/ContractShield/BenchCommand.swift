import ArgumentParser
import Foundation
import HummingbirdWSClient
import LoadGenerator
import Logging
import NIOCore
import Realtime

/// `contractshield bench …`: the project's own benchmarks. Each prints a human line and one
/// machine-readable `key=value` line, so CI logs and docs/PERFORMANCE.md can quote them.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "性能基准：审查延迟、WebSocket 回显、空闲内存",
        subcommands: [ReviewLatency.self, EngineThroughput.self, IngestThroughput.self, WebSocketLoad.self, IdleMemory.self, ClusterScaling.self])

    /// Where a benchmark sends its load: `--server`, or a fresh `contractshield serve` child process.
    struct Target: ParsableArguments {
        @Option(help: "Server to measure; when omitted a fresh server is started on a free port")
        var server: String?
    }
}

extension BenchCommand {
    struct ReviewLatency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api", abstract: "Upload → complete latency of whole reviews, seen by a WebSocket client")

        @OptionGroup var target: Target
        @Option(help: "Contract to review; default: a generated 30-page (~25,000 character) purchase contract")
        var file: String?
        @Option var role = "buyer"
        @Option var iterations = 50

        func run() async throws {
            try await withServer(target) { api, _ in
                let data = try file.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? Data(GeneratedContract.purchase(pages: 30).utf8)
                var samples: [Duration] = []
                for _ in 0..<iterations {
                    samples.append(try await reviewOnce(api, data))
                }
                let stats = LatencyStats(samples)
                print("api: \(iterations) reviews of \(data.count) bytes; upload→complete p50 \(stats.p50ms) ms, p99 \(stats.p99ms) ms")
                print("bench=api bytes=\(data.count) n=\(iterations) p50_ms=\(stats.p50ms) p99_ms=\(stats.p99ms) max_ms=\(stats.maxms)")
            }
        }

        private func reviewOnce(_ api: APIClient, _ data: Data) async throws -> Duration {
            let clock = ContinuousClock()
            let start = clock.now
            let taskID = try await api.readyPurchaseTask(data, filename: "bench.txt", role: role)
            try await WebSocketClient.connect(url: api.webSocketURL("/ws/review/\(taskID)"), logger: Logger(label: "bench")) { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                _ = try await messages.next()  // connection
                try await api.startReview(taskID: taskID)
                while let message = try await messages.next() {
                    guard case .text(let text) = message, let json = JSONValue.parse(text) else { continue }
                    if json["stage"] == "complete" { return }
                    if json["type"] == "error" { throw APIClient.Failure(description: "review failed: \(text)") }
                }
            }
            return clock.now - start
        }
    }

    struct IdleMemory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rss", abstract: "Resident memory of a freshly started, idle server")

        func run() async throws {
            let child = try await ServerProcess.start()
            defer { child.stop() }
            try await Task.sleep(for: .seconds(2))
            let kib = ProcessUsage.residentKiB(pid: child.pid) ?? 0
            print("idle server RSS: \(kib / 1024) MiB")
            print("bench=idle_rss rss_kib=\(kib)")
        }
    }
}

/// Percentiles of a set of durations, in milliseconds with two decimals.
struct LatencyStats {
    let sorted: [Duration]
    init(_ samples: [Duration]) { sorted = samples.sorted() }

    private func percentile(_ p: Double) -> String {
        guard !sorted.isEmpty else { return "0" }
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded(.up)))
        return String(format: "%.2f", sorted[index].seconds * 1000)
    }

    var p50ms: String { percentile(0.5) }
    var p99ms: String { percentile(0.99) }
    var maxms: String { percentile(1) }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Runs `body` against `--server`, or against a fresh `contractshield serve` child on a free port that is
/// stopped afterwards (its pid is passed so memory and CPU time can be measured). `serveArguments` are the limits
/// the child needs for the load (a given `--server` must have been started with them).
func withServer(
    _ target: BenchCommand.Target, serveArguments: [String] = [], _ body: (APIClient, Int32?) async throws -> Void
) async throws {
    if let server = target.server, let url = URL(string: server) {
        try await body(APIClient(base: url), nil)
        return
    }
    let child = try await ServerProcess.start(serveArguments)
    defer { child.stop() }
    try await body(APIClient(base: child.url), child.pid)
}

/// A `contractshield serve` child process with its own temp data directory.
struct ServerProcess {
    let process: Process
    let url: URL
    let dataDir: URL
    var pid: Int32 { process.processIdentifier }

    /// - Parameter options: more `serve` options (a cluster node's `--database`, `--files-dir`…).
    static func start(_ options: [String] = []) async throws -> ServerProcess {
        let port = Int.random(in: 20_000..<40_000)
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-bench-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve", "--port", String(port), "--data-dir", dataDir.path, "--log-level", "error"] + options
        try process.run()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        for _ in 0..<400 {
            if (try? await APIClient(base: url).get("/health")) != nil {
                return ServerProcess(process: process, url: url, dataDir: dataDir)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw APIClient.Failure(description: "the benchmark server did not start on port \(port)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dataDir)
    }
}
