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
    /// Nil for a scan or photo whose text the review recognizes first (OCR takes seconds per page).
    public var text: String?
    /// The page map as JSON (the Ingest module's PageSpan list).
    public var pagesJSON: String
    public var owner: String?

    public init(
        contractType: String?, filename: String, file: StoredFile, sourceFormat: String, text: String?,
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

    public init(text: String, pagesJSON: String) {
        self.text = text
        self.pagesJSON = pagesJSON
    }

    /// From the stored columns: a task whose text is still to be recognized stores an empty text
    /// (extraction never yields one), which reads back as nil.
    init?(stored text: String?, pagesJSON: String?) {
        guard let text, !text.isEmpty else { return nil }
        self.init(text: text, pagesJSON: pagesJSON ?? "[]")
    }
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

/// Tasks, their texts, results and progress events: `SQLiteTaskStore` (one process) or `PostgresTaskStore` (a cluster).
///
/// Each store instance is one *node*: it holds the leases of the jobs it claims, and a task another node holds is
/// fenced off from its writes (`appendEvent`, `complete`, `fail` throw `LeaseLost`).
public protocol TaskStore: Sendable {
    /// Creates or upgrades the schema; safe to call on every start, from any number of nodes at once.
    func migrate() async throws
    /// Fails when the database cannot be reached (for `/health`).
    func ping() async throws
    /// Completes even when called from a cancelled task.
    func close() async throws

    func createTask(_ task: NewTask) async throws -> TaskRecord
    func task(id: Int64) async throws -> TaskRecord?
    /// Nil when the task does not exist or its text is still to be recognized.
    func text(ofTask id: Int64) async throws -> TaskText?
    /// Stores the text recognized for a task created without one, and its contract type when none was set;
    /// throws `LeaseLost` when another node holds the task.
    func saveText(taskID: Int64, _ text: TaskText, contractType: String) async throws
    func tasks(matching query: TaskQuery) async throws -> TaskPage

    /// Sets the role (and optionally the type and party names) of a task that is not being reviewed;
    /// moves PENDING to READY. Returns nil when the task does not exist or is PROCESSING.
    func confirmRole(taskID: Int64, role: String, contractType: String?, partyNames: [String]) async throws -> TaskRecord?

    /// Atomically moves a READY, COMPLETED or FAILED task to PROCESSING and starts a new run, unclaimed.
    /// Returns nil when the task is not in one of those states.
    func startRun(taskID: Int64) async throws -> TaskRecord?

    /// Claims one PROCESSING task that no live job runs, leasing it to this node for `lease`, oldest first.
    ///
    /// A task is free when nobody holds it, when its lease expired (PostgreSQL: its node stopped renewing), or —
    /// SQLite, one process — when it is not in `running`. If the claimed run already has events (its previous holder
    /// died or handed it back mid-run), a new run starts so that progress never goes backwards within a run; `seq`
    /// keeps growing. Nil when there is nothing to claim.
    func claimJob(excluding running: Set<Int64>, lease: Duration) async throws -> TaskRecord?
    /// Extends this node's leases on the tasks it is running.
    func renewLeases(of taskIDs: [Int64], lease: Duration) async throws
    /// Hands tasks back at once (graceful shutdown, or a finished job), so any node may claim them.
    func releaseLeases(of taskIDs: [Int64]) async throws

    /// Appends an event to the task's current run, assigning the next `seq`, and records its stage and progress on the task.
    /// Throws `LeaseLost` when another node holds the task.
    func appendEvent(taskID: Int64, _ draft: EventDraft) async throws -> StoredEvent
    /// Events with `seq > after`, in order.
    func events(taskID: Int64, after seq: Int64) async throws -> [StoredEvent]
    func latestEvent(taskID: Int64) async throws -> StoredEvent?

    /// Records the result; throws `LeaseLost` when another node holds the task.
    func complete(taskID: Int64, resultJSON: String) async throws
    /// Records the failure; throws `LeaseLost` when another node holds the task.
    func fail(taskID: Int64, message: String) async throws
}

/// This node no longer holds the task (its lease expired and another node claimed it), so its job must stop writing.
public struct LeaseLost: Error, CustomStringConvertible {
    public let taskID: Int64
    public var description: String { "task \(taskID) is now held by another node" }
}

/// The database could not be reached (PostgreSQL restarting, the network down); the statement may or may not
/// have taken effect, and trying again later may succeed.
public struct StoreUnavailable: Error, CustomStringConvertible {
    public let underlying: any Error
    public var description: String { "the database is unreachable: \(String(reflecting: underlying))" }
}

/// Which announcements a `ChangeFeed` consumer wants.
public enum ChangeTopic: Sendable {
    /// Every appended event, as `eventAppended`.
    case events
    /// Tasks that became claimable, as `jobsAvailable`.
    case jobs
}

/// Something another node did, as the database announced it.
public enum StoreChange: Sendable, Hashable {
    /// Listening (re)started. Announcements made while not listening are lost, so consumers catch up from the store.
    case listening
    case eventAppended(taskID: Int64, seq: Int64)
    case jobsAvailable
}

/// Announcements of writes made by any node of a cluster (PostgreSQL `LISTEN/NOTIFY`).
public protocol ChangeFeed: Sendable {
    /// Calls `body` with each change of `topic`, in the order the database sent them, until the calling task is
    /// cancelled; reconnects after a failure and says `.listening` each time it is listening again.
    func watch(_ topic: ChangeTopic, _ body: @Sendable (StoreChange) async -> Void) async
}
