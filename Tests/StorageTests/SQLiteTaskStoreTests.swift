import Foundation
import Logging
import Storage
import Testing

/// A fresh SQLite store in its own temp directory.
private func withStore(_ body: (SQLiteTaskStore, URL) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try await SQLiteTaskStore.open(path: dir.appendingPathComponent("db.sqlite").path, logger: Logger(label: "test"))
    try await store.migrate()
    do {
        try await body(store, dir)
    } catch {
        try? await store.close()
        throw error
    }
    try await store.close()
}

private func newTask(_ text: String = "第一条 测试") -> NewTask {
    NewTask(contractType: "purchase", filename: "a.txt", file: StoredFile(sha256: "ab", size: 3), sourceFormat: "text",
            text: text, pagesJSON: #"[{"page":1,"start":0,"end":6}]"#, owner: nil)
}

@Suite struct SQLiteTaskStoreTests {
    @Test func createdTaskIsPendingWithItsText() async throws {
        try await withStore { store, _ in
            let task = try await store.createTask(newTask("第一条 价款"))
            #expect(task.id > 0)
            #expect(task.status == .pending)
            #expect(task.role == nil)
            #expect(try await store.text(ofTask: task.id)?.text == "第一条 价款")
            #expect(try await store.task(id: task.id + 1000) == nil)
        }
    }

    @Test func confirmingTheRoleMakesTheTaskReadyButNotWhileProcessing() async throws {
        try await withStore { store, _ in
            let task = try await store.createTask(newTask())
            let ready = try #require(try await store.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: ["甲公司"]))
            #expect(ready.status == .ready)
            #expect(ready.role == "buyer")
            #expect(ready.partyNames == ["甲公司"])
            #expect(ready.contractType == "purchase")
            _ = try #require(try await store.startRun(taskID: task.id))
            #expect(try await store.confirmRole(taskID: task.id, role: "seller", contractType: nil, partyNames: []) == nil)
        }
    }

    @Test func aRunStartsOnlyFromReadyCompletedOrFailed() async throws {
        try await withStore { store, _ in
            let task = try await store.createTask(newTask())
            #expect(try await store.startRun(taskID: task.id) == nil, "a PENDING task has no role yet")
            _ = try await store.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: [])
            let first = try #require(try await store.startRun(taskID: task.id))
            #expect(first.status == .processing)
            #expect(first.run == 1)
            #expect(try await store.startRun(taskID: task.id) == nil, "already running")
            try await store.complete(taskID: task.id, resultJSON: "{}")
            let second = try #require(try await store.startRun(taskID: task.id))
            #expect(second.run == 2)
            #expect(second.resultJSON == nil)
        }
    }

    @Test func eventSequenceNumbersKeepGrowingAcrossRuns() async throws {
        try await withStore { store, _ in
            let task = try await store.createTask(newTask())
            _ = try await store.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: [])
            _ = try await store.startRun(taskID: task.id)
            let a = try await store.appendEvent(taskID: task.id, .init(kind: .progress, stage: "queued", progress: 0, message: "a"))
            let b = try await store.appendEvent(taskID: task.id, .init(kind: .progress, stage: "analyzing", progress: 50, message: "b"))
            #expect([a.seq, b.seq] == [1, 2])
            #expect(try await store.task(id: task.id)?.stage == "analyzing")
            #expect(try await store.task(id: task.id)?.progress == 50)
            try await store.fail(taskID: task.id, message: "x")
            _ = try await store.startRun(taskID: task.id)
            let c = try await store.appendEvent(taskID: task.id, .init(kind: .complete, stage: "complete", progress: 100, message: "c", payloadJSON: "{}"))
            #expect(c.seq == 3)
            #expect(c.run == 2)
            #expect(try await store.events(taskID: task.id, after: 1).map(\.seq) == [2, 3])
            #expect(try await store.latestEvent(taskID: task.id)?.seq == 3)
            #expect(try await store.latestEvent(taskID: task.id)?.payloadJSON == "{}")
        }
    }

    @Test func listingFiltersByStatusAndPages() async throws {
        try await withStore { store, _ in
            for _ in 0..<5 { _ = try await store.createTask(newTask()) }
            let page = try await store.tasks(matching: TaskQuery(limit: 2, offset: 1))
            #expect(page.total == 5)
            #expect(page.tasks.map(\.id) == [4, 3], "newest first")
            _ = try await store.confirmRole(taskID: 2, role: "buyer", contractType: nil, partyNames: [])
            let ready = try await store.tasks(matching: TaskQuery(status: .ready))
            #expect(ready.total == 1)
            #expect(ready.tasks.first?.id == 2)
        }
    }

    @Test func dataSurvivesReopeningAndMigrationIsIdempotent() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        let first = try await SQLiteTaskStore.open(path: path, logger: Logger(label: "test"))
        try await first.migrate()
        let task = try await first.createTask(newTask())
        _ = try await first.confirmRole(taskID: task.id, role: "tenant", contractType: "lease", partyNames: [])
        _ = try await first.startRun(taskID: task.id)
        try await first.close()

        let second = try await SQLiteTaskStore.open(path: path, logger: Logger(label: "test"))
        try await second.migrate()
        try await second.migrate()
        #expect(try await second.unfinishedTasks().map(\.id) == [task.id])
        #expect(try await second.task(id: task.id)?.contractType == "lease")
        try await second.close()
    }

    @Test func filesAreContentAddressedAndStoredOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try FileStore(root: dir)
        let a = try files.put(Data("合同".utf8))
        let b = try files.put(Data("合同".utf8))
        #expect(a == b)
        #expect(a.sha256.count == 64)
        #expect(try files.get(a) == Data("合同".utf8))
    }
}

@Suite struct ResumeTests {
    @Test func resumingATaskLeftProcessingStartsANewRun() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await SQLiteTaskStore.open(path: dir.appendingPathComponent("db.sqlite").path, logger: Logger(label: "test"))
        try await store.migrate()
        let task = try await store.createTask(newTask())
        #expect(try await store.resumeRun(taskID: task.id) == nil, "only PROCESSING tasks resume")
        _ = try await store.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: [])
        _ = try await store.startRun(taskID: task.id)
        _ = try await store.appendEvent(taskID: task.id, .init(kind: .progress, stage: "analyzing", progress: 60, message: "a"))
        let resumed = try #require(try await store.resumeRun(taskID: task.id))
        #expect(resumed.run == 2)
        #expect(resumed.progress == nil)
        #expect(try await store.appendEvent(taskID: task.id, .init(kind: .progress, stage: "queued", progress: 0, message: "b")).seq == 2)
        try await store.close()
    }
}
