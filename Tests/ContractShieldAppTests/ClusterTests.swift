import ContractShieldApp
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Realtime
import Storage
import Testing

/// Several nodes on one PostgreSQL (issue #7): each a full `buildApplication`, live on its own port, in this process.
@Suite(.timeLimit(.minutes(3))) struct ClusterTests {
    @Test func aSubscriberOnOneNodeSeesEveryEventOfAReviewRunningOnAnother() async throws {
        guard let cluster = try TestCluster.fresh() else { return }
        // Node A runs no reviews, so the review it is asked for can only run on node B.
        try await cluster.withNodes([cluster.node(concurrency: 0), cluster.node()]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let taskID = try await a.readyTask()
            try await a.webSocket("/ws/review/\(taskID)") { ws in
                #expect(try await ws.receive()["type"] == "connection")
                let (status, _) = try await a.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
                #expect(status == .ok)
                let events = try await ws.receive(until: { $0["type"] == "complete" })
                try ReviewSocketTests.expectWholeRun(events, taskID: taskID)
            }
            let (_, viaB) = try await b.request(.get, "/api/v1/review/\(taskID)")
            #expect(viaB["status"] == "COMPLETED")
            let (_, viaA) = try await a.request(.get, "/api/v1/review/\(taskID)")
            #expect(viaA == viaB)
        }
    }

    @Test func aReviewLeftByADeadNodeIsFinishedByAnotherWithinTheLease() async throws {
        guard let cluster = try TestCluster.fresh() else { return }
        let lease = 2.0
        // The node that dies: it claims the review, stores two events, and is never heard from again.
        let doomed = try await cluster.store()
        let task = try await doomed.createTask(NewTask(
            contractType: "purchase", filename: "contract.txt", file: StoredFile(sha256: "00", size: 0), sourceFormat: "text",
            text: Samples.purchase, pagesJSON: "[]", owner: nil))
        _ = try await doomed.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: [])
        _ = try #require(try await doomed.startRun(taskID: task.id))
        _ = try #require(try await doomed.claimJob(excluding: [], lease: .seconds(lease)))
        _ = try await doomed.appendEvent(taskID: task.id, .init(kind: .progress, stage: "queued", progress: 0, message: "审查任务已开始"))
        _ = try await doomed.appendEvent(taskID: task.id, .init(kind: .progress, stage: "extracting", progress: 10, message: "正在读取合同文本..."))
        try await doomed.close()
        let died = ContinuousClock.now

        let taskID = task.id
        // The live nodes' own leases are longer, so that a loaded test machine cannot make them lapse too.
        try await cluster.withNodes([cluster.node(lease: 10), cluster.node(lease: 10)]) { nodes in
            let live = ContinuousClock.now
            // A client that saw seq 1–2 from the dead node reconnects to a live one.
            try await nodes[0].webSocket("/ws/review/\(taskID)?since=2") { ws in
                #expect(try await ws.receive()["type"] == "connection")
                let first = try await ws.receive()
                // Reclaimed once the 2 s lease ran out (or the nodes were up, if starting them took longer), not after
                // the default 30 s; with room for a loaded machine.
                let took = ContinuousClock.now - max(died + .seconds(lease), live)
                #expect(took < .seconds(15), "reclaimed \(took) after the lease ran out and the nodes were up")
                let rerun = try await [first] + ws.receive(until: { $0["type"] == "complete" })
                try ReviewSocketTests.expectWholeRun(rerun, taskID: taskID, firstSeq: 3)
                #expect(rerun.allSatisfy { $0["run"] == 2 })
            }
            let result = try await nodes[1].finishedResult(taskID)
            #expect(result["status"] == "COMPLETED")
            // The same result a single node gives for the same contract.
            try await withLiveServer { single in
                let reference = try await single.readyTask()
                try await single.request(.post, "/api/v1/review", json: #"{"task_id":\#(reference)}"#)
                let expected = try await single.finishedResult(reference)
                #expect(result["summary"] == expected["summary"])
                #expect(result["risks"] == expected["risks"])
            }
        }
    }

    @Test func aNodeShuttingDownHandsItsReviewBackAtOnce() async throws {
        guard let cluster = try TestCluster.fresh() else { return }
        // Long enough that the review is still running when the node is asked to stop.
        let contract = String(repeating: Samples.purchase + "\n", count: 600)
        let started = Box<Int64>(0)
        try await cluster.withNodes([cluster.node()]) { nodes in
            let taskID = try await nodes[0].readyTask(contract)
            try await nodes[0].webSocket("/ws/review/\(taskID)") { ws in
                _ = try await ws.receive()
                try await nodes[0].request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
                _ = try await ws.receive(until: { $0["stage"] == "analyzing" })
            }
            await started.set(taskID)
        }
        let taskID = await started.value
        // The lease was 30 s: only a hand-back makes the task claimable by another node right away.
        let probe = try await cluster.store()
        var handedBack: TaskRecord?
        // The hand-back may land a moment after the node's server stopped; far less than the lease in any case.
        for _ in 0..<50 where handedBack == nil {
            handedBack = try await probe.claimJob(excluding: [], lease: .seconds(30))
            if handedBack == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let claimed = try #require(handedBack)
        #expect(claimed.id == taskID)
        #expect(claimed.run == 2, "run 1 was seen up to analyzing, so it restarts as run 2")
        try await probe.releaseLeases(of: [taskID])
        try await probe.close()
        try await cluster.withNodes([cluster.node()]) { nodes in
            let result = try await nodes[0].finishedResult(taskID, within: .seconds(90))
            #expect(result["status"] == "COMPLETED")
            #expect(result["run"] == 2)
        }
    }

    @Test func reviewsSubmittedAtOnceAcrossNodesAreEachReviewedExactlyOnce() async throws {
        guard let cluster = try TestCluster.fresh() else { return }
        let count = 100
        try await cluster.withNodes([cluster.node(), cluster.node(), cluster.node()]) { nodes in
            var ids: [Int64] = []
            for index in 0..<count { ids.append(try await nodes[index % nodes.count].readyTask()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        let (status, _) = try await nodes[index % nodes.count].request(.post, "/api/v1/review", json: #"{"task_id":\#(id)}"#)
                        #expect(status == .ok)
                    }
                }
                try await group.waitForAll()
            }
            let store = try await cluster.store()
            for id in ids {
                let result = try await nodes[Int(id) % nodes.count].finishedResult(id)
                #expect(result["status"] == "COMPLETED")
                #expect(result["run"] == 1, "reviewed once: no node ran it a second time")
                let events = try await store.events(taskID: id, after: 0)
                #expect(events.map(\.seq) == Array(1...Int64(events.count)))
                #expect(events.filter { $0.kind == .complete }.count == 1)
            }
            try await store.close()
        }
    }
}

/// One node of a test cluster: its own data directory and port, the cluster's database and files directory.
struct ClusterNodeArguments: AppArguments {
    var host = "127.0.0.1"
    var port = 0
    var dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-node-\(UUID().uuidString)").path
    var database: String?
    var logLevel: Logger.Level = .warning
    var playbook: String? = nil
    var security = SecuritySettings()
    var filesDir: String?
    var jobLeaseSeconds: Double = 30
    var jobConcurrency: Int?
}

/// A fresh PostgreSQL database and files directory that several nodes share.
struct TestCluster: Sendable {
    let database: String
    let filesDir: String

    /// On the PostgreSQL server named by the environment variable `server` (scripts/with-postgres.sh sets both).
    /// Nil (with a printed notice) when it is unset outside CI; in CI (`CI=true`) that fails.
    static func fresh(server variable: String = "CONTRACTSHIELD_TEST_POSTGRES") throws -> TestCluster? {
        let environment = ProcessInfo.processInfo.environment
        guard let server = environment[variable].flatMap({ $0.isEmpty ? nil : $0 }), var url = URLComponents(string: server) else {
            if environment["CI"] == "true" {
                throw TestFailure("CI=true but \(variable) is unset: run the tests with scripts/with-postgres.sh")
            }
            print("⚠️ Cluster tests SKIPPED — \(variable) is unset (run them with scripts/with-postgres.sh)")
            return nil
        }
        url.path = "/cs_cluster_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("cs-cluster-files-\(UUID().uuidString)").path
        return TestCluster(database: try url.string.orThrow(), filesDir: files)
    }

    /// Arguments for one more node of this cluster.
    func node(lease: Double = 30, concurrency: Int? = nil) -> ClusterNodeArguments {
        ClusterNodeArguments(database: database, filesDir: filesDir, jobLeaseSeconds: lease, jobConcurrency: concurrency)
    }

    /// A store on the cluster's database, for a test to look at the data or to play a node that dies.
    func store() async throws -> PostgresTaskStore {
        let store = try await PostgresTaskStore.open(url: database, logger: Logger(label: "test-node"))
        try await store.migrate()
        return store
    }

    /// Runs every node live at once and hands `body` a client for each, in order; removes their data afterwards.
    func withNodes(_ nodes: [ClusterNodeArguments], _ body: @escaping @Sendable ([LiveServer]) async throws -> Void) async throws {
        defer {
            for node in nodes { try? FileManager.default.removeItem(atPath: node.dataDir) }
            try? FileManager.default.removeItem(atPath: filesDir)
        }
        try await Self.live(nodes[...], started: [], body)
    }

    private static func live(
        _ pending: ArraySlice<ClusterNodeArguments>, started: [LiveServer],
        _ body: @escaping @Sendable ([LiveServer]) async throws -> Void
    ) async throws {
        guard let next = pending.first else { return try await body(started) }
        let app = try await buildApplication(next)
        try await app.test(.live) { client in
            let server = LiveServer(client: InProcessClient(base: client), port: try #require(client.port))
            try await live(pending.dropFirst(), started: started + [server], body)
        }
    }
}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let value = self else { throw TestFailure("unexpected nil") }
        return value
    }
}
