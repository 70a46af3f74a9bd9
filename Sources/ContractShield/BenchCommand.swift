import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Realtime

/// `contractshield bench …`: the project's own benchmarks. Each prints a human line and one
/// machine-readable `key=value` line, so CI logs and docs/PERFORMANCE.md can quote them.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "性能基准：审查延迟、WebSocket 回显、空闲内存",
        subcommands: [ReviewLatency.self, EngineThroughput.self, IngestThroughput.self, WebSocketEcho.self, IdleMemory.self, ClusterScaling.self])

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
            let taskID = try await api.upload(data, filename: "bench.txt", contractType: "purchase")
            try await api.confirmRole(taskID: taskID, role: role)
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

    struct WebSocketEcho: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ws", abstract: "Concurrent /ws/test connections echoing: throughput and round-trip latency")

        @OptionGroup var target: Target
        @Option var connections = 1000
        @Option(help: "Messages each connection sends, one at a time, waiting for each echo")
        var messages = 100

        func run() async throws {
            try await withServer(target) { api, _ in
                let clock = ContinuousClock()
                let start = clock.now
                let perConnection = try await withThrowingTaskGroup(of: [Duration].self) { group in
                    for index in 0..<connections {
                        group.addTask { try await echo(api, client: "bench-\(index)") }
                    }
                    var all: [[Duration]] = []
                    for try await samples in group { all.append(samples) }
                    return all
                }
                let elapsed = clock.now - start
                let samples = perConnection.flatMap { $0 }
                let stats = LatencyStats(samples)
                let rate = Double(samples.count) / elapsed.seconds
                let errors = connections * messages - samples.count
                print("ws echo: \(connections) connections × \(messages) messages in \(String(format: "%.2f", elapsed.seconds)) s: \(Int(rate)) msg/s, p50 \(stats.p50ms) ms, p99 \(stats.p99ms) ms, errors \(errors)")
                print("bench=ws_echo connections=\(connections) messages=\(samples.count) errors=\(errors) msgs_per_s=\(Int(rate)) p50_ms=\(stats.p50ms) p99_ms=\(stats.p99ms)")
            }
        }

        private func echo(_ api: APIClient, client: String) async throws -> [Duration] {
            let count = messages
            let box = SampleBox()
            try await WebSocketClient.connect(url: api.webSocketURL("/ws/test/\(client)"), logger: Logger(label: "bench")) { inbound, outbound, _ in
                var frames = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                _ = try await frames.next()  // welcome
                let clock = ContinuousClock()
                var samples: [Duration] = []
                samples.reserveCapacity(count)
                for index in 0..<count {
                    let sent = clock.now
                    try await outbound.write(.text(#"{"n":\#(index)}"#))
                    guard try await frames.next() != nil else { break }
                    samples.append(clock.now - sent)
                }
                await box.set(samples)
            }
            return await box.samples
        }
    }

    struct IdleMemory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rss", abstract: "Resident memory of a freshly started, idle server")

        func run() async throws {
            let child = try await ServerProcess.start()
            defer { child.stop() }
            try await Task.sleep(for: .seconds(2))
            let kib = ProcessMemory.residentKiB(pid: child.pid) ?? 0
            print("idle server RSS: \(kib / 1024) MiB")
            print("bench=idle_rss rss_kib=\(kib)")
        }
    }
}

private actor SampleBox {
    var samples: [Duration] = []
    func set(_ value: [Duration]) { samples = value }
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

enum ProcessMemory {
    /// VmRSS of a process, from /proc (Linux).
    static func residentKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}

/// Runs `body` against `--server`, or against a fresh `contractshield serve` child on a free port that is
/// stopped afterwards (its pid is passed so memory can be measured).
func withServer(_ target: BenchCommand.Target, _ body: (APIClient, Int32?) async throws -> Void) async throws {
    if let server = target.server, let url = URL(string: server) {
        try await body(APIClient(base: url), nil)
        return
    }
    let child = try await ServerProcess.start()
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
