import Foundation
import Testing

/// One node of a test cluster as an operator runs it: the built `contractshield serve` in a process of its own, on the
/// cluster's database and files directory, listening on a port it picks itself.
struct NodeProcess: Sendable {
    let server: LiveServer
    /// The name the node holds review leases under (`/health` says it).
    let name: String
    private let process: CLI.Running
    private let dataDir: String

    static func start(_ cluster: TestCluster, lease: Double) async throws -> NodeProcess {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-node-\(UUID().uuidString)").path
        // Info level: the server says which port it listens on.
        let process = try CLI.start([
            "serve", "--port", "0", "--data-dir", dataDir, "--database", cluster.database, "--files-dir", cluster.filesDir,
            "--job-lease-seconds", String(lease), "--log-level", "info",
        ])
        do {
            try await process.waitForOutput("listening on 127.0.0.1:", timeout: .seconds(60))
            let port = try #require(Self.port(in: process.output), "no port in:\n\(process.output)")
            let server = LiveServer(client: ProcessClient(port: port), port: port)
            let (status, health) = try await server.request(.get, "/health")
            try #require(status == .ok, "health answered \(status): \(health.serialized())")
            let name = try #require(health["node"]?.stringValue, "a cluster node names itself in /health")
            return NodeProcess(server: server, name: name, process: process, dataDir: dataDir)
        } catch {
            process.kill()
            try? FileManager.default.removeItem(atPath: dataDir)
            throw error
        }
    }

    /// The port a `serve --port 0` said it listens on (at info level or below).
    static func port(in log: String) -> Int? {
        guard let range = log.range(of: #"listening on 127\.0\.0\.1:\d+"#, options: .regularExpression) else { return nil }
        return Int(log[range].split(separator: ":").last ?? "")
    }

    /// What the node has logged so far.
    var log: String { process.output }

    /// SIGKILL: the node dies mid-whatever, keeping its leases until they expire; returns once it is gone.
    func kill() async throws {
        process.kill()
        _ = try await process.finish(timeout: .seconds(30))
    }

    /// SIGTERM (a no-op for a killed node), then removes its data.
    func stop() async {
        process.terminate()
        _ = try? await process.finish(timeout: .seconds(30))
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}

extension TestCluster {
    /// Starts `count` node processes, runs `body` with them, and stops them whatever happens; when `body` fails, the
    /// nodes' logs are printed.
    func withNodeProcesses(_ count: Int, lease: Double = 30, _ body: ([NodeProcess]) async throws -> Void) async throws {
        var nodes: [NodeProcess] = []
        defer { try? FileManager.default.removeItem(atPath: filesDir) }
        do {
            for _ in 0..<count { nodes.append(try await NodeProcess.start(self, lease: lease)) }
            try await body(nodes)
        } catch {
            for (index, node) in nodes.enumerated() { print("── node \(index) (\(node.name)) log:\n\(node.log)") }
            for node in nodes { await node.stop() }
            throw error
        }
        for node in nodes { await node.stop() }
    }

    /// The node that holds the task's lease, once one claims it.
    func nodeRunning(_ taskID: Int64, among nodes: [NodeProcess], within patience: Duration = .seconds(30)) async throws -> NodeProcess {
        let store = try await store()
        let holder: String?
        do {
            holder = try await Self.poll(within: patience) { try await store.leaseHolder(ofTask: taskID) }
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
        guard let holder else { throw TestFailure("no node claimed task \(taskID) within \(patience)") }
        return try #require(nodes.first { $0.name == holder }, "task \(taskID) is held by \(holder), none of the nodes")
    }

    /// Asks `probe` every 20 ms until it answers something, or `patience` runs out (nil).
    static func poll<Value>(within patience: Duration, _ probe: () async throws -> Value?) async throws -> Value? {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
