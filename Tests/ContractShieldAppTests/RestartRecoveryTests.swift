import ContractShieldApp
import Foundation
import Logging
import Realtime
import Review
import Storage
import Testing

/// A process that died mid-review leaves the task PROCESSING; the next start runs it again from the start.
@Suite(.timeLimit(.minutes(2))) struct RestartRecoveryTests {
    @Test func aReviewInterruptedByARestartIsRunAgainWithSeqContinuing() async throws {
        let arguments = TestArguments()
        defer { try? FileManager.default.removeItem(atPath: arguments.dataDir) }
        let created = Box<Int64>(0)
        try await withLiveServer(arguments, keepData: true) { server in
            let id = try await server.readyTask()
            let (_, status) = try await server.request(.get, "/api/v1/upload/status/\(id)")
            #expect(status["status"] == "READY")
            await created.set(id)
        }
        let taskID = await created.value
        // Simulate a crash in the middle of a run: the task is PROCESSING with two events stored, no job running.
        let store = try await SQLiteTaskStore.open(
            path: URL(fileURLWithPath: arguments.dataDir).appendingPathComponent("contractshield.sqlite").path,
            logger: Logger(label: "test"))
        _ = try #require(try await store.startRun(taskID: taskID))
        _ = try await store.appendEvent(taskID: taskID, .init(kind: .progress, stage: "queued", progress: 0, message: "审查任务已开始"))
        _ = try await store.appendEvent(taskID: taskID, .init(kind: .progress, stage: "extracting", progress: 10, message: "正在读取合同文本..."))
        try await store.close()

        let resumedID = taskID
        try await withLiveServer(arguments) { server in
            let result = try await server.finishedResult(resumedID)
            #expect(result["status"] == "COMPLETED")
            #expect(result["run"] == 2, "same task id, a new run")
            try await server.webSocket("/ws/review/\(resumedID)?since=2") { ws in
                _ = try await ws.receive()
                let rerun = try await ws.receive(until: { $0["stage"] == "complete" })
                try ReviewSocketTests.expectWholeRun(rerun, taskID: resumedID, firstSeq: 3)
                #expect(rerun.allSatisfy { $0["run"] == 2 })
            }
        }
    }

    /// A start that fails after the database is open (here a playbook that is not there) says why, closes the
    /// database — an unclosed SQLite connection would crash this process — and the next start finds the data intact.
    @Test func aStartThatFailsAfterOpeningTheDatabaseLeavesItClosedAndIntact() async throws {
        var arguments = TestArguments()
        defer { try? FileManager.default.removeItem(atPath: arguments.dataDir) }
        let created = Box<Int64>(0)
        try await withLiveServer(arguments, keepData: true) { server in
            await created.set(try await server.readyTask())
        }
        arguments.playbook = arguments.dataDir + "/no-such-playbook"
        await #expect(throws: PlaybookError.self) { _ = try await buildApplication(arguments) }

        arguments.playbook = nil
        let taskID = await created.value
        try await withLiveServer(arguments) { server in
            let (_, status) = try await server.request(.get, "/api/v1/upload/status/\(taskID)")
            #expect(status["status"] == "READY")
        }
    }
}
