import Foundation
import Logging
import Realtime
import Review
import ServiceLifecycle
import Storage

/// Runs reviews in the background: the one writer of a task's progress.
///
/// Each event is appended to the store first (which gives it its `seq`) and then published to the hub, so a
/// client that replays from the store and then listens live sees every event exactly once. On start it re-runs
/// every task a previous process left PROCESSING; on shutdown it stops between events and leaves the task
/// PROCESSING, so the next start resumes it.
final class ReviewJobRunner: Service {
    private let store: any TaskStore
    private let hub: ProgressHub
    private let engine: ReviewEngine
    private let logger: Logger
    private let concurrency: Int
    private let queue: AsyncStream<Int64>
    private let enqueue: AsyncStream<Int64>.Continuation

    init(store: any TaskStore, hub: ProgressHub, engine: ReviewEngine, logger: Logger, concurrency: Int) {
        self.store = store
        self.hub = hub
        self.engine = engine
        self.logger = logger
        self.concurrency = max(1, concurrency)
        (queue, enqueue) = AsyncStream.makeStream(of: Int64.self)
    }

    /// Queues a task that `TaskStore.startRun` has just moved to PROCESSING.
    func submit(taskID: Int64) {
        enqueue.yield(taskID)
    }

    func run() async throws {
        for task in try await store.unfinishedTasks() {
            guard let resumed = try await store.resumeRun(taskID: task.id) else { continue }
            logger.info("re-running a review the previous process left unfinished",
                        metadata: ["task_id": "\(resumed.id)", "run": "\(resumed.run)"])
            submit(taskID: resumed.id)
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        for await taskID in self.queue {
                            guard !Task.isCancelled else { return }
                            await self.review(taskID: taskID)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.enqueue.finish()
        }
    }

    private func review(taskID: Int64) async {
        let progress = ProgressRecorder(taskID: taskID, store: store, hub: hub)
        do {
            guard let task = try await store.task(id: taskID), task.status == .processing,
                let text = try await store.text(ofTask: taskID)
            else { return }
            try await progress.emit(.queued, 0, "审查任务已开始")
            try await progress.emit(.extracting, 10, "正在读取合同文本...")
            let role = task.role.flatMap(Role.init(rawValue:)) ?? .partyA
            let report = await engine.review(
                text: text.text, contractType: task.contractType.flatMap(ContractType.init(rawValue:)), role: role,
                partyNames: task.partyNames
            ) { step in
                try? await progress.emit(step)
            }
            try Task.checkCancellation()
            let result = String(decoding: try JSONEncoder.wire.encode(report), as: UTF8.self)
            try await store.complete(taskID: taskID, resultJSON: result)
            let payload = JSONValue.object([
                ("summary", JSONValue.trusted(String(decoding: try JSONEncoder.wire.encode(report.summary), as: UTF8.self))),
                ("risk_count", .integer(Int64(report.findings.count))),
                ("result_url", .string("/api/v1/review/\(taskID)")),
            ])
            try await progress.finish(.init(kind: .complete, stage: "complete", progress: 100, message: "审查完成",
                                            payloadJSON: payload.serialized()))
            logger.info("review complete", metadata: ["task_id": "\(taskID)", "risks": "\(report.findings.count)"])
        } catch is CancellationError {
            logger.info("review interrupted by shutdown; it resumes on the next start", metadata: ["task_id": "\(taskID)"])
        } catch {
            logger.error("review failed", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
            let message = "审查失败: 服务器内部错误"
            try? await store.fail(taskID: taskID, message: message)
            try? await progress.finish(.init(kind: .failed, stage: "failed", progress: progress.current, message: message))
        }
    }
}

/// Appends a run's events in order and keeps its progress from going backwards.
private actor ProgressRecorder {
    let taskID: Int64
    let store: any TaskStore
    let hub: ProgressHub
    private(set) var current = 0

    init(taskID: Int64, store: any TaskStore, hub: ProgressHub) {
        self.taskID = taskID
        self.store = store
        self.hub = hub
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

    func emit(_ stage: ReviewStage, _ progress: Int, _ message: String) async throws {
        try Task.checkCancellation()
        guard progress > current || current == 0 else { return }
        current = max(current, progress)
        try await append(.init(kind: .progress, stage: stage.rawValue, progress: current, message: message))
    }

    func finish(_ draft: EventDraft) async throws {
        try await append(draft)
    }

    private func append(_ draft: EventDraft) async throws {
        let event = try await store.appendEvent(taskID: taskID, draft)
        hub.publish(event)
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
