import Foundation
import Logging
import NIOCore
import NIOPosix
import Storage
import Testing

private func newTask(_ text: String? = "第一条 测试", contractType: String? = "purchase") -> NewTask {
    NewTask(contractType: contractType, filename: "a.txt", file: StoredFile(sha256: "ab", size: 3), sourceFormat: "text",
            text: text, pagesJSON: #"[{"page":1,"start":0,"end":6}]"#, owner: nil)
}

/// A task moved to PROCESSING, as `POST /api/v1/review` leaves it.
private func processingTask(_ store: any TaskStore) async throws -> TaskRecord {
    let task = try await store.createTask(newTask())
    _ = try await store.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: [])
    return try #require(try await store.startRun(taskID: task.id))
}

private func progress(_ stage: String, _ value: Int) -> EventDraft {
    EventDraft(kind: .progress, stage: stage, progress: value, message: stage)
}

/// One suite, every backend: SQLite and PostgreSQL must behave the same.
@Suite(.timeLimit(.minutes(2))) struct TaskStoreTests {
    @Test(arguments: Backend.available) func createdTaskIsPendingWithItsText(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let task = try await store.createTask(newTask("第一条 价款"))
            #expect(task.id > 0)
            #expect(task.status == .pending)
            #expect(task.role == nil)
            #expect(task.run == 0)
            #expect(try await store.text(ofTask: task.id)?.text == "第一条 价款")
            #expect(try await store.task(id: task.id + 1000) == nil)
            #expect(try await store.text(ofTask: task.id + 1000) == nil)
        }
    }

    @Test(arguments: Backend.available) func aScanHasNoTextUntilItsRecognizedTextIsSaved(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let task = try await store.createTask(newTask(nil, contractType: nil))
            #expect(try await store.text(ofTask: task.id) == nil)
            let recognized = TaskText(text: "第一条 租金", pagesJSON: #"[{"page":1,"start":0,"end":6}]"#)
            try await store.saveText(taskID: task.id, recognized, contractType: "lease")
            #expect(try await store.text(ofTask: task.id) == recognized)
            #expect(try await store.task(id: task.id)?.contractType == "lease", "detected from the recognized text")
            try await store.saveText(taskID: task.id, recognized, contractType: "loan")
            #expect(try await store.task(id: task.id)?.contractType == "lease", "a type already set is kept")
        }
    }

    @Test(arguments: Backend.available) func confirmingTheRoleMakesTheTaskReadyButNotWhileProcessing(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
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

    @Test(arguments: Backend.available) func aRunStartsOnlyFromReadyCompletedOrFailed(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let task = try await store.createTask(newTask())
            #expect(try await store.startRun(taskID: task.id) == nil, "a PENDING task has no role yet")
            _ = try await store.confirmRole(taskID: task.id, role: "buyer", contractType: nil, partyNames: [])
            let first = try #require(try await store.startRun(taskID: task.id))
            #expect(first.status == .processing)
            #expect(first.run == 1)
            #expect(try await store.startRun(taskID: task.id) == nil, "already running")
            try await store.complete(taskID: task.id, resultJSON: "{}")
            #expect(try await store.task(id: task.id)?.resultJSON == "{}")
            let second = try #require(try await store.startRun(taskID: task.id))
            #expect(second.run == 2)
            #expect(second.resultJSON == nil)
        }
    }

    @Test(arguments: Backend.available) func eventSequenceNumbersKeepGrowingAcrossRuns(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let task = try await processingTask(store)
            let a = try await store.appendEvent(taskID: task.id, progress("queued", 0))
            let b = try await store.appendEvent(taskID: task.id, progress("analyzing", 50))
            #expect([a.seq, b.seq] == [1, 2])
            #expect(try await store.task(id: task.id)?.stage == "analyzing")
            #expect(try await store.task(id: task.id)?.progress == 50)
            try await store.fail(taskID: task.id, message: "x")
            #expect(try await store.task(id: task.id)?.errorMessage == "x")
            _ = try await store.startRun(taskID: task.id)
            let c = try await store.appendEvent(taskID: task.id, .init(kind: .complete, stage: "complete", progress: 100, message: "c", payloadJSON: "{}"))
            #expect(c.seq == 3)
            #expect(c.run == 2)
            #expect(c.kind == .complete)
            #expect(try await store.events(taskID: task.id, after: 1).map(\.seq) == [2, 3])
            #expect(try await store.latestEvent(taskID: task.id)?.seq == 3)
            #expect(try await store.latestEvent(taskID: task.id)?.payloadJSON == "{}")
        }
    }

    @Test(arguments: Backend.available) func listingFiltersByStatusAndPages(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            for _ in 0..<5 { _ = try await store.createTask(newTask()) }
            let page = try await store.tasks(matching: TaskQuery(limit: 2, offset: 1))
            #expect(page.total == 5)
            #expect(page.tasks.map(\.id) == [4, 3], "newest first")
            _ = try await store.confirmRole(taskID: 2, role: "buyer", contractType: nil, partyNames: [])
            let ready = try await store.tasks(matching: TaskQuery(status: .ready))
            #expect(ready.total == 1)
            #expect(ready.tasks.first?.id == 2)
            #expect(try await store.tasks(matching: TaskQuery(status: .ready, owner: "nobody")).total == 0)
        }
    }

    @Test(arguments: Backend.available) func dataSurvivesReopeningAndMigrationIsIdempotent(_ backend: Backend) async throws {
        try await withStore(backend) { first, location in
            let task = try await first.createTask(newTask())
            _ = try await first.confirmRole(taskID: task.id, role: "tenant", contractType: "lease", partyNames: [])
            _ = try await first.startRun(taskID: task.id)

            let second = try await location.open()
            try await second.migrate()
            #expect(try await second.task(id: task.id)?.contractType == "lease")
            #expect(try await second.claimJob(excluding: [], lease: .seconds(30))?.id == task.id)
            try await second.close()
        }
    }

    /// A server cancelled rather than shut down closes its store from a cancelled task; SQLiteNIO skips work a
    /// cancelled task asks for, and a connection left open crashes the process when it deinitializes.
    @Test func aStoreClosedFromACancelledTaskIsClosed() async throws {
        let location = try StoreLocation.fresh(.sqlite)
        defer { location.remove() }
        let store = try await location.open()
        let closing = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.close()
        }
        try await closing.value
        await #expect(throws: (any Error).self, "a closed store answers no query") { try await store.ping() }
    }

    /// SQLite's calls block. The store makes them on a thread of its own, so work that holds every thread of the
    /// shared pool — PDFs being rendered for export — does not hold up the node's database meanwhile. The blockers are
    /// queued on the shared pool before the store is asked (the pool runs its work in order) and are let go as soon as
    /// it answers, so they hold the pool only for that moment; a store on the shared pool would wait behind them until
    /// they gave up.
    @Test func theStoreAnswersWhileTheSharedThreadPoolIsBusy() async throws {
        let location = try StoreLocation.fresh(.sqlite)
        defer { location.remove() }
        let store = try await location.open()
        let release = DispatchSemaphore(value: 0)
        let blockers = (0..<NIOSingletons.blockingPoolThreadCountSuggestion).map { _ in
            NIOThreadPool.singleton.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) {
                release.wait(timeout: .now() + 20) == .success
            }
        }
        try await store.ping()
        for _ in blockers { release.signal() }
        for blocker in blockers {
            #expect(try await blocker.get(), "the store answered only after the shared pool's threads gave up waiting")
        }
        try await store.close()
    }

    // MARK: Jobs

    @Test(arguments: Backend.available) func claimingAFreshRunKeepsItsNumberAndClaimsEachTaskOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let task = try await processingTask(store)
            let claimed = try #require(try await store.claimJob(excluding: [], lease: .seconds(30)))
            #expect(claimed.id == task.id)
            #expect(claimed.run == 1, "nothing of run 1 was seen yet, so it stays run 1")
            #expect(try await store.claimJob(excluding: [task.id], lease: .seconds(30)) == nil, "held and running here")
            #expect(try await store.appendEvent(taskID: task.id, progress("queued", 0)).run == 1)
            try await store.complete(taskID: task.id, resultJSON: "{}")
            try await store.releaseLeases(of: [task.id])
            #expect(try await store.claimJob(excluding: [], lease: .seconds(30)) == nil, "a COMPLETED task is no job")
        }
    }

    @Test(arguments: Backend.available) func aRunLeftWithEventsIsClaimedAsANewRunWithSeqContinuing(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let task = try await processingTask(store)
            _ = try await store.claimJob(excluding: [], lease: .seconds(30))
            _ = try await store.appendEvent(taskID: task.id, progress("analyzing", 60))
            // Handed back mid-run (graceful shutdown): the next claim must not continue a run clients saw at 60%.
            try await store.releaseLeases(of: [task.id])
            let resumed = try #require(try await store.claimJob(excluding: [], lease: .seconds(30)))
            #expect(resumed.run == 2)
            #expect(resumed.progress == nil)
            #expect(resumed.stage == nil)
            let next = try await store.appendEvent(taskID: task.id, progress("queued", 0))
            #expect(next.seq == 2)
            #expect(next.run == 2)
        }
    }

    @Test(arguments: Backend.available) func aNodeThatLostItsTaskCannotWriteToIt(_ backend: Backend) async throws {
        try await withStore(backend) { first, location in
            let task = try await processingTask(first)
            _ = try #require(try await first.claimJob(excluding: [], lease: .milliseconds(200)))
            _ = try await first.appendEvent(taskID: task.id, progress("queued", 0))
            // PostgreSQL: the lease runs out unrenewed. SQLite: a second opener is a new process, so the first is gone.
            try await Task.sleep(for: .milliseconds(400))
            let second = try await location.open()
            let taken = try #require(try await second.claimJob(excluding: [], lease: .seconds(30)))
            #expect(taken.run == 2)
            await #expect(throws: LeaseLost.self) { try await first.appendEvent(taskID: task.id, progress("analyzing", 50)) }
            await #expect(throws: LeaseLost.self) { try await first.complete(taskID: task.id, resultJSON: "{}") }
            await #expect(throws: LeaseLost.self) { try await first.fail(taskID: task.id, message: "x") }
            await #expect(throws: LeaseLost.self) {
                try await first.saveText(taskID: task.id, TaskText(text: "第一条", pagesJSON: "[]"), contractType: "lease")
            }
            try await first.releaseLeases(of: [task.id])
            #expect(try await second.appendEvent(taskID: task.id, progress("queued", 0)).seq == 2, "the release changed nothing")
            try await second.complete(taskID: task.id, resultJSON: "{}")
            try await second.close()
        }
    }

    @Test(arguments: Backend.clustered) func aLiveLeaseIsNotClaimedByAnotherNodeUntilReleased(_ backend: Backend) async throws {
        try await withStore(backend) { first, location in
            let task = try await processingTask(first)
            // Generous times: the whole test suite runs in parallel on two cores. The second node is open before the
            // first claims, so that nothing slow (opening a store took over 3 s under load) stands between the claim
            // and the second node's attempt.
            let second = try await location.open()
            _ = try #require(try await first.claimJob(excluding: [], lease: .seconds(5)))
            #expect(try await second.claimJob(excluding: [], lease: .seconds(30)) == nil)
            try await first.renewLeases(of: [task.id], lease: .seconds(30))
            try await Task.sleep(for: .seconds(5.5))
            #expect(try await second.claimJob(excluding: [], lease: .seconds(30)) == nil, "renewed in time")
            try await first.releaseLeases(of: [task.id])
            #expect(try await second.claimJob(excluding: [], lease: .seconds(30))?.id == task.id, "handed back at once")
            try await second.close()
        }
    }

    @Test(arguments: Backend.clustered) func nodesClaimingTogetherTakeEachTaskExactlyOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store, location in
            var ids: Set<Int64> = []
            for _ in 0..<40 { ids.insert(try await processingTask(store).id) }
            var nodes: [any TaskStore] = []
            for _ in 0..<4 { nodes.append(try await location.open()) }
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for node in nodes {
                    group.addTask {
                        var mine: [Int64] = []
                        while let task = try await node.claimJob(excluding: Set(mine), lease: .seconds(30)) { mine.append(task.id) }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == ids.count, "no task claimed twice")
            #expect(Set(claims) == ids)
            for node in nodes { try await node.close() }
        }
    }

    @Test(arguments: Backend.clustered) func migrationsRunOnceWhenNodesStartTogether(_ backend: Backend) async throws {
        let location = try StoreLocation.fresh(backend)
        // Each open() migrates; without the advisory lock the second CREATE TABLE of a racing node fails.
        let nodes = try await withThrowingTaskGroup(of: (any TaskStore).self) { group in
            for _ in 0..<4 { group.addTask { try await location.open() } }
            return try await group.reduce(into: [any TaskStore]()) { $0.append($1) }
        }
        #expect(try await nodes[0].createTask(newTask()).id == 1)
        for node in nodes { try await node.close() }
    }

    // MARK: Change feed

    @Test(arguments: Backend.clustered) func everyAppendedEventAndClaimableJobIsAnnounced(_ backend: Backend) async throws {
        try await withStore(backend) { store, location in
            let node = try await location.open()
            let feed = try #require(node as? any ChangeFeed)
            let (changes, sink) = AsyncStream.makeStream(of: StoreChange.self)
            let watchers = Task {
                await withDiscardingTaskGroup { group in
                    group.addTask { await feed.watch(.events) { sink.yield($0) } }
                    group.addTask { await feed.watch(.jobs) { sink.yield($0) } }
                }
            }
            var seen = changes.makeAsyncIterator()
            #expect(await seen.next() == .listening)
            #expect(await seen.next() == .listening)
            let task = try await processingTask(store)
            #expect(await seen.next() == .jobsAvailable, "startRun makes a job")
            _ = try await store.claimJob(excluding: [], lease: .seconds(30))
            _ = try await store.appendEvent(taskID: task.id, progress("queued", 0))
            _ = try await store.appendEvent(taskID: task.id, progress("extracting", 10))
            #expect(await seen.next() == .eventAppended(taskID: task.id, seq: 1))
            #expect(await seen.next() == .eventAppended(taskID: task.id, seq: 2))
            try await store.releaseLeases(of: [task.id])
            #expect(await seen.next() == .jobsAvailable, "a handed-back task is a job again")
            watchers.cancel()
            await watchers.value
            try await node.close()
        }
    }
}

@Suite struct FileStoreTests {
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
