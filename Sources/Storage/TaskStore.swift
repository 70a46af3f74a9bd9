import Foundation

/// Where a task is in its life: `PENDING → READY → PROCESSING → COMPLETED | FAILED` (or `CANCELLED`).
public enum TaskStatus: String, Codable, Sendable, CaseIterable {
    case pending = "PENDING"
    case ready = "READY"
    case processing = "PROCESSING"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"
}

/// One contract under review, as stored.
public struct TaskRecord: Sendable, Hashable {
    public var id: Int64
    public var status: TaskStatus
    /// Wire key of the contract type (given or detected), nil until known.
    public var contractType: String?
    /// Wire key of the reviewer's role, nil until confirmed.
    public var role: String?
    public var partyNames: [String]
    public var filename: String
    public var file: StoredFile
    public var sourceFormat: String
    /// Latest stage and progress of the current run, nil before the first event.
    public var stage: String?
    public var progress: Int?
    /// How many times a review of this task was started; a restart begins a new run.
    public var run: Int
    /// The review result as JSON, once COMPLETED.
    public var resultJSON: String?
    public var errorMessage: String?
    /// Who created the task (an API key id), nil when auth is off.
    public var owner: String?
    public var createdAt: Date
    public var updatedAt: Date
}

/// What an upload stores: the file reference and the extracted text.
public struct NewTask: Sendable {
    public var contractType: String?
    public var filename: String
    public var file: StoredFile
    public var sourceFormat: String
    public var text: String
    /// The page map as JSON (the Ingest module's PageSpan list).
    public var pagesJSON: String
    public var owner: String?

    public init(
        contractType: String?, filename: String, file: StoredFile, sourceFormat: String, text: String,
        pagesJSON: String, owner: String?
    ) {
        self.contractType = contractType
        self.filename = filename
        self.file = file
        self.sourceFormat = sourceFormat
        self.text = text
        self.pagesJSON = pagesJSON
        self.owner = owner
    }
}

/// The extracted text of a task and where its pages lie in it.
public struct TaskText: Sendable, Hashable {
    public var text: String
    public var pagesJSON: String
}

/// What kind of progress event a review run appended.
public enum EventKind: String, Codable, Sendable {
    case progress, complete, failed
}

/// An event a review job wants appended; the store gives it its `seq`.
public struct EventDraft: Sendable, Hashable {
    public var kind: EventKind
    public var stage: String
    public var progress: Int
    public var message: String
    /// Extra JSON for the wire message (the `result` object of a complete event).
    public var payloadJSON: String?

    public init(kind: EventKind, stage: String, progress: Int, message: String, payloadJSON: String? = nil) {
        self.kind = kind
        self.stage = stage
        self.progress = progress
        self.message = message
        self.payloadJSON = payloadJSON
    }
}

/// A progress event as stored: `seq` increases by one per event of a task, across runs.
public struct StoredEvent: Sendable, Hashable {
    public var taskID: Int64
    public var seq: Int64
    public var run: Int
    public var kind: EventKind
    public var stage: String
    public var progress: Int
    public var message: String
    public var payloadJSON: String?
    public var createdAt: Date
}

/// A page of tasks and how many match in all.
public struct TaskPage: Sendable {
    public var tasks: [TaskRecord]
    public var total: Int
}

/// Filters for listing tasks.
public struct TaskQuery: Sendable {
    public var status: TaskStatus?
    public var owner: String?
    public var limit: Int
    public var offset: Int

    public init(status: TaskStatus? = nil, owner: String? = nil, limit: Int = 20, offset: Int = 0) {
        self.status = status
        self.owner = owner
        self.limit = limit
        self.offset = offset
    }
}

/// Tasks, their texts, results and progress events. SQLite today; PostgreSQL implements the same protocol.
public protocol TaskStore: Sendable {
    /// Creates or upgrades the schema; safe to call on every start.
    func migrate() async throws
    /// Fails when the database cannot be reached (for `/health`).
    func ping() async throws
    func close() async throws

    func createTask(_ task: NewTask) async throws -> TaskRecord
    func task(id: Int64) async throws -> TaskRecord?
    func text(ofTask id: Int64) async throws -> TaskText?
    func tasks(matching query: TaskQuery) async throws -> TaskPage

    /// Sets the role (and optionally the type and party names) of a task that is not being reviewed;
    /// moves PENDING to READY. Returns nil when the task does not exist or is PROCESSING.
    func confirmRole(taskID: Int64, role: String, contractType: String?, partyNames: [String]) async throws -> TaskRecord?

    /// Atomically moves a READY, COMPLETED or FAILED task to PROCESSING and starts a new run.
    /// Returns nil when the task is not in one of those states.
    func startRun(taskID: Int64) async throws -> TaskRecord?
    /// Every task left PROCESSING (by a crash or a restart), oldest first.
    func unfinishedTasks() async throws -> [TaskRecord]
    /// Starts a new run of a task a previous process left PROCESSING; nil when it is no longer PROCESSING.
    func resumeRun(taskID: Int64) async throws -> TaskRecord?

    /// Appends an event to the task's current run, assigning the next `seq`, and records its stage and progress on the task.
    func appendEvent(taskID: Int64, _ draft: EventDraft) async throws -> StoredEvent
    /// Events with `seq > after`, in order.
    func events(taskID: Int64, after seq: Int64) async throws -> [StoredEvent]
    func latestEvent(taskID: Int64) async throws -> StoredEvent?

    func complete(taskID: Int64, resultJSON: String) async throws
    func fail(taskID: Int64, message: String) async throws
}
