import Foundation
import Ingest
import Realtime
import Review
import Storage

/// How tasks and results look on the wire (PROTOCOL.md): one place, so REST and WebSocket agree.
enum TaskPresenter {
    static func status(_ task: TaskRecord) -> [(String, JSONValue)] {
        [
            ("task_id", .integer(task.id)),
            ("status", .string(task.status.rawValue)),
            ("contract_type", .optional(task.contractType)),
            ("contract_type_label", .optional(task.contractType.flatMap(ContractType.init(rawValue:))?.label)),
            ("role", .optional(task.role)),
            ("role_label", .optional(task.role.flatMap(Role.init(rawValue:))?.label)),
            ("party_names", .array(task.partyNames.map(JSONValue.string))),
            ("filename", .string(task.filename)),
            ("created_at", .string(WireTime.rfc3339(task.createdAt))),
            ("updated_at", .string(WireTime.rfc3339(task.updatedAt))),
            ("stage", .optional(task.stage)),
            ("progress", .optional(task.progress)),
            ("run", .integer(Int64(task.run))),
            ("error_message", .optional(task.errorMessage)),
        ]
    }

    static func file(_ task: TaskRecord) -> JSONValue {
        .object([
            ("filename", .string(task.filename)),
            ("size", .integer(Int64(task.file.size))),
            ("sha256", .string(task.file.sha256)),
            ("source_format", .string(task.sourceFormat)),
        ])
    }

    /// The `status` message of `/ws/review/{id}`: every field present, unknown values null.
    static func statusMessage(_ task: TaskRecord) -> JSONValue {
        .object([
            ("type", "status"),
            ("task_id", .integer(task.id)),
            ("status", .string(task.status.rawValue)),
            ("contract_type", .optional(task.contractType)),
            ("role", .optional(task.role)),
            ("created_at", .string(WireTime.rfc3339(task.createdAt))),
            ("updated_at", .string(WireTime.rfc3339(task.updatedAt))),
            ("stage", .optional(task.stage)),
            ("progress", .optional(task.progress)),
        ])
    }

    static func party(_ party: Party) -> JSONValue {
        .object([
            ("designation", .string(party.designation)),
            ("name", .string(party.name)),
            ("role", .optional(party.role?.rawValue)),
            ("role_label", .optional(party.role?.label)),
            ("credit_code", .optional(party.creditCode)),
        ])
    }
}
