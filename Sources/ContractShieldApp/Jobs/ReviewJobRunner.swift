import Foundation
import Ingest
import Logging
import Prometheus
import Realtime
import Review
import ServiceLifecycle
import Storage
import Synchronization

/// Runs reviews in the background: the one writer of a task's progress.
///
/// Jobs are claimed from the store (`TaskStore.claimJob`) rather than handed over in memory, so one code path serves
/// a single SQLite process and a PostgreSQL cluster: `submit` and the cluster's job announcements only wake the
/// runner, which claims while it has a free slot. It renews its leases while the jobs run and hands them back when
/// they end; on graceful shutdown it interrupts its jobs between events and hands them back at once, so another node
/// (or the next start) runs them again from the start as a new run. A node that dies keeps its leases until they
/// expire; then any node claims those jobs. Each event is appended to the store first (which gives it its `seq`);
/// with one process the runner then publishes it to the hub, on a cluster every node's `ClusterEventFeed` publishes
/// it from the store — this node's own jobs included, so nothing is published twice.
final class ReviewJobRunner: Service {
    private let store: any TaskStore
    private let files: FileStore
    private let extractor: Extractor
    private let engine: ReviewEngine
    private let logger: Logger
    private let concurrency: Int
    private let lease: Duration
    private let changes: (any ChangeFeed)?
    private let publish: @Sendable (StoredEvent) -> Void
    /// How long each completed review took, from its claim to its result being stored.
    private let durations: DurationHistogram
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// The tasks this node is reviewing now: never claimed twice here, and the leases the heartbeat renews.
    private let running = Mutex<Set<Int64>>([])

    /// - Parameters:
    ///   - concurrency: reviews run at once; 0 makes a node that serves clients but runs no reviews.
    ///   - lease: how long a claim lasts unrenewed; a dead node's jobs wait this long before another node takes them.
    ///   - changes: the cluster's announcements, nil for a single process.
    init(store: any TaskStore, files: FileStore, extractor: Extractor, hub: ProgressHub, engine: ReviewEngine, logger: Logger,
         concurrency: Int, lease: Duration, changes: (any ChangeFeed)?, durations: DurationHistogram) {
        self.store = store
        self.files = files
        self.extractor = extractor
        self.durations = durations
        self.engine = engine
        self.logger = logger
        self.concurrency = max(0, concurrency)
        self.lease = lease
        self.changes = changes
        if changes == nil {
            self.publish = { hub.publish($0) }
        } else {
            self.publish = { _ in }
        }
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        // The first claim round picks up whatever a previous process left PROCESSING.
        wake.yield()
    }

    /// Wakes the runner to claim a task that `TaskStore.startRun` has just moved to PROCESSING.
    func submit(taskID: Int64) {
        logger.trace("review submitted", metadata: ["task_id": "\(taskID)"])
        wake.yield()
    }

    func run() async throws {
        guard concurrency > 0 else {
            // A service that returns early would stop the whole application.
            try? await gracefulShutdown()
            return
        }
        // The jobs run on threads of their own, so that the lease heartbeat below keeps running while they compute.
        let threads = ReviewThreads(count: concurrency)
        // Graceful shutdown cancels the jobs (they stop between two events) and the loops below.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.keepLeases() }
                if let changes = self.changes {
                    group.addTask { await changes.watch(.jobs) { _ in self.wake.yield() } }
                }
                for await _ in self.wakeups {
                    while let task = await self.claimNext() {
                        group.addTask(executorPreference: threads) { await self.runJob(task) }
                    }
                }
                group.cancelAll()
            }
        }
        threads.stop()
    }

    /// Claims one job if a slot is free.
    private func claimNext() async -> TaskRecord? {
        let busy = running.withLock { $0 }
        guard busy.count < concurrency, !Task.isCancelled else { return nil }
        do {
            guard let task = try await store.claimJob(excluding: busy, lease: lease) else { return nil }
            running.withLock { _ = $0.insert(task.id) }
            return task
        } catch {
            logger.warning("could not claim a review", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Renews the leases of running jobs well before they expire, and looks for jobs whose holder stopped renewing.
    private func keepLeases() async {
        while (try? await Task.sleep(for: lease / 3)) != nil {
            let held = running.withLock { Array($0) }
            do {
                try await store.renewLeases(of: held, lease: lease)
            } catch {
                logger.warning("could not renew review leases", metadata: ["error": "\(error)"])
            }
            wake.yield()
        }
    }

    private func runJob(_ task: TaskRecord) async {
        if task.run > 1 {
            logger.info("running a review another node or process left unfinished",
                        metadata: ["task_id": "\(task.id)", "run": "\(task.run)"])
        }
        await review(task)
        running.withLock { _ = $0.remove(task.id) }
        // Even when the job was cancelled by shutdown, the hand-back must reach the store: run it outside the job's task.
        await Task { [store, logger] in
            do {
                try await store.releaseLeases(of: [task.id])
            } catch {
                logger.warning("could not hand a review back; it is claimable once its lease expires",
                               metadata: ["task_id": "\(task.id)", "error": "\(error)"])
            }
        }.value
        wake.yield()
    }

    private func review(_ task: TaskRecord) async {
        let started = ContinuousClock.now
        let taskID = task.id
        let progress = ProgressRecorder(taskID: taskID, store: store, publish: publish, patience: lease)
        do {
            try await progress.emit(.queued, 0, "审查任务已开始")
            let (text, contractType) = try await contractText(of: task, progress)
            let role = task.role.flatMap(Role.init(rawValue:)) ?? .partyA
            var report = await engine.review(
                text: text.text, contractType: contractType, role: role, partyNames: task.partyNames
            ) { step in
                try? await progress.emit(step)
            }
            if SourceFormat(rawValue: task.sourceFormat)?.hasFixedPages == true {
                report.locatePages(startingAt: Self.pageStarts(text))
            }
            try Task.checkCancellation()
            let result = String(decoding: try JSONEncoder.wire.encode(report), as: UTF8.self)
            try await progress.retrying { try await self.store.complete(taskID: taskID, resultJSON: result) }
            durations.record(ContinuousClock.now - started)
            let payload = JSONValue.object([
                ("summary", JSONValue.trusted(String(decoding: try JSONEncoder.wire.encode(report.summary), as: UTF8.self))),
                ("risk_count", .integer(Int64(report.findings.count))),
                ("result_url", .string("/api/v1/review/\(taskID)")),
            ])
            try await progress.finish(.init(kind: .complete, stage: "complete", progress: 100, message: "审查完成",
                                            payloadJSON: payload.serialized()))
            logger.info("review complete", metadata: ["task_id": "\(taskID)", "risks": "\(report.findings.count)"])
        } catch is CancellationError {
            logger.info("review interrupted by shutdown; handed back to be run again", metadata: ["task_id": "\(taskID)"])
        } catch let lost as LeaseLost {
            logger.warning("review abandoned: \(lost)", metadata: ["task_id": "\(taskID)"])
        } catch let unavailable as StoreUnavailable {
            // The database stayed away longer than the lease: whoever claims the task next runs it again.
            logger.error("review abandoned: \(unavailable)", metadata: ["task_id": "\(taskID)"])
        } catch {
            logger.error("review failed", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
            let message = "审查失败: " + ((error as? IngestError)?.message ?? "服务器内部错误")
            try? await store.fail(taskID: taskID, message: message)
            try? await progress.finish(.init(kind: .failed, stage: "failed", progress: progress.current, message: message))
        }
    }
}

extension ReviewJobRunner {
    /// The task's text and contract type: stored at upload, or — for a scan or a photo — recognized now, page by
    /// page (each page an `extracting` event), and saved with the type detected from it when none was given.
    private func contractText(of task: TaskRecord, _ progress: ProgressRecorder) async throws -> (TaskText, ContractType?) {
        let given = task.contractType.flatMap(ContractType.init(rawValue:))
        if let text = try await store.text(ofTask: task.id) {
            try await progress.emit(.extracting, 10, "正在读取合同文本...")
            return (text, given)
        }
        try await progress.emit(.extracting, 1, "正在识别扫描件文字（OCR）...")
        let data = try files.get(task.file)
        let document = try await extractor.extract(data, filename: task.filename) { page, pageCount in
            try? await progress.emit(.extracting, 1 + 17 * page / pageCount, "正在识别扫描件文字：第 \(page)/\(pageCount) 页")
        }
        let text = TaskText(text: document.text,
                            pagesJSON: String(decoding: try JSONEncoder.wire.encode(document.pages), as: UTF8.self))
        let contractType = given ?? engine.detectContractType(in: document.text)
        try await progress.retrying { [store] in try await store.saveText(taskID: task.id, text, contractType: contractType.rawValue) }
        return (text, contractType)
    }

    /// Where the pages of the source file start in its text, from the page map stored with it.
    private static func pageStarts(_ text: TaskText) -> [Int] {
        let pages = (try? JSONDecoder().decode([PageSpan].self, from: Data(text.pagesJSON.utf8))) ?? []
        return pages.map(\.start)
    }
}

/// Appends a run's events in order and keeps its progress from going backwards.
private actor ProgressRecorder {
    let taskID: Int64
    let store: any TaskStore
    let publish: @Sendable (StoredEvent) -> Void
    /// How long a write keeps retrying while the database is unreachable; past the lease, the task is someone else's.
    let patience: Duration
    private(set) var current = 0
    private var lastMessage = ""

    init(taskID: Int64, store: any TaskStore, publish: @escaping @Sendable (StoredEvent) -> Void, patience: Duration) {
        self.taskID = taskID
        self.store = store
        self.publish = publish
        self.patience = patience
    }

    /// Stage messages and the share of the bar each engine stage fills.
    private static let engineStages: [ReviewStage: (from: Int, to: Int, message: String)] = [
        .segmenting: (20, 25, "正在拆分合同条款..."),
        .entities: (30, 35, "正在识别合同主体、金额与期限..."),
        .analyzing: (40, 85, "正在分析合同条款..."),
        .reporting: (90, 95, "正在生成审查报告..."),
    ]

    func emit(_ step: ReviewProgress) async throws {
        guard let band = Self.engineStages[step.stage] else { return }
        let fraction = min(max(step.fraction, 0), 1)
        try await emit(step.stage, band.from + Int((Double(band.to - band.from) * fraction).rounded(.down)), band.message)
    }

    /// Appends a progress event when the bar moves or the message says something new (each OCR'd page),
    /// never moving the bar back.
    func emit(_ stage: ReviewStage, _ progress: Int, _ message: String) async throws {
        try Task.checkCancellation()
        guard progress > current || message != lastMessage || current == 0 else { return }
        current = max(current, progress)
        lastMessage = message
        try await append(.init(kind: .progress, stage: stage.rawValue, progress: current, message: message))
    }

    func finish(_ draft: EventDraft) async throws {
        try await append(draft)
    }

    private func append(_ draft: EventDraft) async throws {
        let event = try await retrying { try await self.store.appendEvent(taskID: self.taskID, draft) }
        publish(event)
    }

    /// Rides out a database restart: retries while the store is unreachable, up to `patience`. A retried append
    /// whose first attempt did commit stores the event twice under consecutive `seq`s — a repeat, never a gap.
    func retrying<Result: Sendable>(_ write: @Sendable () async throws -> Result) async throws -> Result {
        let deadline = ContinuousClock.now + patience
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return try await write()
            } catch is StoreUnavailable where ContinuousClock.now + pause < deadline {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }
}

extension JSONEncoder {
    /// The encoder for everything the server sends: keys in the order the types declare, no escaped slashes.
    static let wire: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
