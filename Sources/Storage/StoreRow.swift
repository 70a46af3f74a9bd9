import Foundation

/// A result row read by column name, so both stores share one mapping from rows to records.
protocol StoreRow {
    func string(_ column: String) -> String?
    func integer(_ column: String) -> Int64?
    func double(_ column: String) -> Double?
}

/// The columns every task query selects, in both schemas.
let taskColumns = """
    id, status, contract_type, role, party_names, filename, file_sha256, file_size, source_format,
    stage, progress, run, result, error, owner, created_at, updated_at
    """

/// The columns every event query selects, in both schemas.
let eventColumns = "task_id, seq, run, kind, stage, progress, message, payload, created_at"

extension TaskRecord {
    init(row: some StoreRow) throws {
        let names = row.string("party_names").flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        self.init(
            id: try row.integer("id").orThrow(),
            status: try TaskStatus(rawValue: row.string("status").orThrow()).orThrow(),
            contractType: row.string("contract_type"),
            role: row.string("role"),
            partyNames: names ?? [],
            filename: row.string("filename") ?? "",
            file: StoredFile(sha256: row.string("file_sha256") ?? "", size: Int(row.integer("file_size") ?? 0)),
            sourceFormat: row.string("source_format") ?? "text",
            stage: row.string("stage"),
            progress: row.integer("progress").map { Int($0) },
            run: Int(row.integer("run") ?? 0),
            resultJSON: row.string("result"),
            errorMessage: row.string("error"),
            owner: row.string("owner"),
            createdAt: Date(timeIntervalSince1970: row.double("created_at") ?? 0),
            updatedAt: Date(timeIntervalSince1970: row.double("updated_at") ?? 0))
    }
}

extension StoredEvent {
    init(row: some StoreRow) throws {
        self.init(
            taskID: try row.integer("task_id").orThrow(),
            seq: try row.integer("seq").orThrow(),
            run: Int(row.integer("run") ?? 0),
            kind: try EventKind(rawValue: row.string("kind").orThrow()).orThrow(),
            stage: row.string("stage") ?? "",
            progress: Int(row.integer("progress") ?? 0),
            message: row.string("message") ?? "",
            payloadJSON: row.string("payload"),
            createdAt: Date(timeIntervalSince1970: row.double("created_at") ?? 0))
    }
}

/// A row or value the schema guarantees was missing: the database was changed behind our back.
public struct StoreCorruption: Error, CustomStringConvertible {
    public var description: String { "the database returned a row that does not match the schema" }
}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let value = self else { throw StoreCorruption() }
        return value
    }
}

extension Duration {
    /// Whole and fractional seconds, as the SQL of both stores takes a lease length.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
