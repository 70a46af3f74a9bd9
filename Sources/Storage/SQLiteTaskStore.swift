import Foundation
import Logging
import NIOCore
import SQLiteNIO

/// The default store: one SQLite file in WAL mode, used by one process.
///
/// Every write is a single SQL statement (events get their `seq` in the INSERT itself and a trigger records the
/// stage on the task), so no transaction spans an `await` and concurrent jobs cannot interleave half-done writes.
/// Leases need no expiry here: only this process uses the file, so a task it is not running was left by a
/// process that is gone.
public final class SQLiteTaskStore: TaskStore {
    private let connection: SQLiteConnection
    /// The connection's own thread: SQLite's calls block, and on the shared `NIOThreadPool.singleton` (one thread per
    /// core) they would wait behind whatever else blocks there — a PDF being rendered, another store's long write —
    /// and every request and WebSocket of the node with them.
    private let thread: NIOThreadPool
    /// Who holds the leases this instance takes: a previous process's leases are stale by construction.
    private let node = UUID().uuidString

    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String, logger: Logger) async throws -> SQLiteTaskStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: thread, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
        let store = SQLiteTaskStore(connection: connection, thread: thread)
        do {
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"] {
                _ = try await connection.query(pragma)
            }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    private init(connection: SQLiteConnection, thread: NIOThreadPool) {
        self.connection = connection
        self.thread = thread
    }

    /// Runs in a task of its own: SQLiteNIO skips work asked for by a cancelled task, and a server cancelled rather
    /// than shut down (a failed service, a test that gave up) must still close its file — an open connection left to
    /// deinitialize is a process crash in debug builds.
    public func close() async throws {
        let (connection, thread) = (connection, thread)
        try await Task {
            do {
                try await connection.close()
            } catch {
                try? await thread.shutdownGracefully()
                throw error
            }
            try await thread.shutdownGracefully()
        }.value
    }

    public func ping() async throws {
        _ = try await connection.query("SELECT 1")
    }

    // MARK: Schema

    /// Each entry is one schema version; never edit a released one, append a new one.
    private static let migrations: [[String]] = [
        [
            """
            CREATE TABLE tasks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                status TEXT NOT NULL,
                contract_type TEXT,
                role TEXT,
                party_names TEXT NOT NULL DEFAULT '[]',
                filename TEXT NOT NULL,
                file_sha256 TEXT NOT NULL,
                file_size INTEGER NOT NULL,
                source_format TEXT NOT NULL,
                text TEXT NOT NULL,
                pages TEXT NOT NULL,
                stage TEXT,
                progress INTEGER,
                run INTEGER NOT NULL DEFAULT 0,
                result TEXT,
                error TEXT,
                owner TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
            "CREATE INDEX tasks_by_status ON tasks(status, id)",
            """
            CREATE TABLE events (
                task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                run INTEGER NOT NULL,
                kind TEXT NOT NULL,
                stage TEXT NOT NULL,
                progress INTEGER NOT NULL,
                message TEXT NOT NULL,
                payload TEXT,
                created_at REAL NOT NULL,
                PRIMARY KEY (task_id, seq)
            ) WITHOUT ROWID
            """,
            """
            CREATE TRIGGER events_record_stage AFTER INSERT ON events BEGIN
                UPDATE tasks SET stage = NEW.stage, progress = NEW.progress, updated_at = NEW.created_at
                WHERE id = NEW.task_id;
            END
            """,
        ],
        ["ALTER TABLE tasks ADD COLUMN lease_owner TEXT"],
    ]

    public func migrate() async throws {
        _ = try await connection.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
        let applied = try await connection.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        let current = Int(applied.first?.column("v")?.integer ?? 0)
        for (index, statements) in Self.migrations.enumerated() where index + 1 > current {
            // Migrations run at start-up before any request, so a transaction on the one connection is safe here.
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                for statement in statements { _ = try await connection.query(statement) }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(index + 1), .float(Date().timeIntervalSince1970)])
                _ = try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: Tasks

    public func createTask(_ task: NewTask) async throws -> TaskRecord {
        let now = Date().timeIntervalSince1970
        let rows = try await connection.query(
            """
            INSERT INTO tasks (status, contract_type, filename, file_sha256, file_size, source_format, text, pages,
                               owner, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING \(taskColumns)
            """,
            [
                .text(TaskStatus.pending.rawValue), .optionalText(task.contractType), .text(task.filename),
                .text(task.file.sha256), .integer(task.file.size), .text(task.sourceFormat), .text(task.text ?? ""),
                .text(task.pagesJSON), .optionalText(task.owner), .float(now), .float(now),
            ])
        return try TaskRecord(row: rows.first.orThrow())
    }

    public func task(id: Int64) async throws -> TaskRecord? {
        let rows = try await connection.query("SELECT \(taskColumns) FROM tasks WHERE id = ?", [.integer(Int(id))])
        return try rows.first.map(TaskRecord.init(row:))
    }

    public func text(ofTask id: Int64) async throws -> TaskText? {
        let rows = try await connection.query("SELECT text, pages FROM tasks WHERE id = ?", [.integer(Int(id))])
        return rows.first.flatMap { TaskText(stored: $0.column("text")?.string, pagesJSON: $0.column("pages")?.string) }
    }

    public func tasks(matching query: TaskQuery) async throws -> TaskPage {
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let status = query.status {
            conditions.append("status = ?")
            binds.append(.text(status.rawValue))
        }
        if let owner = query.owner {
            conditions.append("owner = ?")
            binds.append(.text(owner))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try await connection.query("SELECT COUNT(*) AS n FROM tasks \(filter)", binds)
        let rows = try await connection.query(
            "SELECT \(taskColumns) FROM tasks \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
            binds + [.integer(query.limit), .integer(query.offset)])
        return TaskPage(tasks: try rows.map(TaskRecord.init(row:)), total: Int(total.first?.column("n")?.integer ?? 0))
    }

    public func confirmRole(taskID: Int64, role: String, contractType: String?, partyNames: [String]) async throws -> TaskRecord? {
        let names = String(decoding: try JSONEncoder().encode(partyNames), as: UTF8.self)
        let rows = try await connection.query(
            """
            UPDATE tasks SET role = ?, contract_type = COALESCE(?, contract_type), party_names = ?,
                status = CASE status WHEN 'PENDING' THEN 'READY' ELSE status END, updated_at = ?
            WHERE id = ? AND status <> 'PROCESSING' RETURNING \(taskColumns)
            """,
            [.text(role), .optionalText(contractType), .text(names), .float(Date().timeIntervalSince1970), .integer(Int(taskID))])
        return try rows.first.map(TaskRecord.init(row:))
    }

    public func startRun(taskID: Int64) async throws -> TaskRecord? {
        let rows = try await connection.query(
            """
            UPDATE tasks SET status = 'PROCESSING', run = run + 1, stage = NULL, progress = NULL, result = NULL,
                error = NULL, lease_owner = NULL, updated_at = ?
            WHERE id = ? AND status IN ('READY', 'COMPLETED', 'FAILED') RETURNING \(taskColumns)
            """,
            [.float(Date().timeIntervalSince1970), .integer(Int(taskID))])
        return try rows.first.map(TaskRecord.init(row:))
    }

    public func claimJob(excluding running: Set<Int64>, lease: Duration) async throws -> TaskRecord? {
        let rows = try await connection.query(
            """
            UPDATE tasks SET run = run + EXISTS (SELECT 1 FROM events e WHERE e.task_id = tasks.id AND e.run = tasks.run),
                stage = NULL, progress = NULL, lease_owner = ?, updated_at = ?
            WHERE id = (SELECT id FROM tasks WHERE status = 'PROCESSING' AND id NOT IN (SELECT value FROM json_each(?))
                        ORDER BY id LIMIT 1)
            RETURNING \(taskColumns)
            """,
            [.text(node), .float(Date().timeIntervalSince1970), .text(Self.jsonArray(running))])
        return try rows.first.map(TaskRecord.init(row:))
    }

    /// Nothing expires in one process, so there is nothing to renew.
    public func renewLeases(of taskIDs: [Int64], lease: Duration) async throws {}

    public func releaseLeases(of taskIDs: [Int64]) async throws {
        _ = try await connection.query(
            "UPDATE tasks SET lease_owner = NULL WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?))",
            [.text(node), .text(Self.jsonArray(taskIDs))])
    }

    public func complete(taskID: Int64, resultJSON: String) async throws {
        try await fenced(taskID, "UPDATE tasks SET status = 'COMPLETED', result = ?, error = NULL, updated_at = ?", [
            .text(resultJSON), .float(Date().timeIntervalSince1970),
        ])
    }

    public func saveText(taskID: Int64, _ text: TaskText, contractType: String) async throws {
        try await fenced(taskID, "UPDATE tasks SET text = ?, pages = ?, contract_type = COALESCE(contract_type, ?), updated_at = ?", [
            .text(text.text), .text(text.pagesJSON), .text(contractType), .float(Date().timeIntervalSince1970),
        ])
    }

    public func fail(taskID: Int64, message: String) async throws {
        try await fenced(taskID, "UPDATE tasks SET status = 'FAILED', error = ?, updated_at = ?", [
            .text(message), .float(Date().timeIntervalSince1970),
        ])
    }

    /// Runs an UPDATE of one task only if no other instance holds it.
    private func fenced(_ taskID: Int64, _ update: String, _ binds: [SQLiteData]) async throws {
        let rows = try await connection.query(
            update + " WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ?) RETURNING id",
            binds + [.integer(Int(taskID)), .text(node)])
        guard !rows.isEmpty else { throw LeaseLost(taskID: taskID) }
    }

    private static func jsonArray(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    // MARK: Events

    public func appendEvent(taskID: Int64, _ draft: EventDraft) async throws -> StoredEvent {
        let rows = try await connection.query(
            """
            INSERT INTO events (task_id, seq, run, kind, stage, progress, message, payload, created_at)
            SELECT t.id, COALESCE((SELECT MAX(seq) FROM events WHERE task_id = t.id), 0) + 1, t.run, ?, ?, ?, ?, ?, ?
            FROM tasks t WHERE t.id = ? AND (t.lease_owner IS NULL OR t.lease_owner = ?)
            RETURNING \(eventColumns)
            """,
            [
                .text(draft.kind.rawValue), .text(draft.stage), .integer(draft.progress), .text(draft.message),
                .optionalText(draft.payloadJSON), .float(Date().timeIntervalSince1970), .integer(Int(taskID)), .text(node),
            ])
        guard let row = rows.first else { throw LeaseLost(taskID: taskID) }
        return try StoredEvent(row: row)
    }

    public func events(taskID: Int64, after seq: Int64) async throws -> [StoredEvent] {
        let rows = try await connection.query(
            "SELECT \(eventColumns) FROM events WHERE task_id = ? AND seq > ? ORDER BY seq",
            [.integer(Int(taskID)), .integer(Int(seq))])
        return try rows.map(StoredEvent.init(row:))
    }

    public func latestEvent(taskID: Int64) async throws -> StoredEvent? {
        let rows = try await connection.query(
            "SELECT \(eventColumns) FROM events WHERE task_id = ? ORDER BY seq DESC LIMIT 1", [.integer(Int(taskID))])
        return try rows.first.map(StoredEvent.init(row:))
    }
}

extension SQLiteRow: StoreRow {
    func string(_ column: String) -> String? { self.column(column)?.string }
    func integer(_ column: String) -> Int64? { self.column(column)?.integer.map(Int64.init) }
    func double(_ column: String) -> Double? { self.column(column)?.double }
}

extension SQLiteData {
    fileprivate static func optionalText(_ value: String?) -> SQLiteData {
        value.map(SQLiteData.text) ?? .null
    }
}
