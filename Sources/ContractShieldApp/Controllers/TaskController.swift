import Foundation
import Hummingbird
import Ingest
import Logging
import Realtime
import Review
import Storage

/// The task REST API of PROTOCOL.md: upload, roles, review, results and the task list.
struct TaskController<Context: CallerContext> {
    let store: any TaskStore
    let files: FileStore
    let extractor: Extractor
    let engine: ReviewEngine
    let jobs: ReviewJobRunner
    let maxUploadBytes: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("upload", use: upload)
        group.get("upload/status/{id}", use: uploadStatus)
        group.get("tasks", use: list)
        group.get("tasks/{id}", use: uploadStatus)
        group.get("tasks/{id}/text", use: text)
        group.post("draft_roles", use: draftRoles)
        group.post("confirm_roles", use: confirmRoles)
        group.post("manual_party_names", use: manualPartyNames)
        group.post("review", use: startReview)
        group.get("review/{id}", use: result)
        group.get("review/{id}/summary", use: summary)
    }

    // MARK: Upload

    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let form = try await UploadForm.parse(request, maxFileBytes: maxUploadBytes)
        let document: ExtractedDocument?
        let sourceFormat: SourceFormat
        do {
            switch try await extractor.extractWithoutOCR(form.content, filename: form.filename) {
            case .document(let read): (document, sourceFormat) = (read, read.sourceFormat)
            case .needsOCR(let format): (document, sourceFormat) = (nil, format)
            }
        } catch {
            throw Self.apiError(error)
        }
        let requested = form.contractType.flatMap(ContractType.init(alias:))
        // A scan's type is detected once the review has recognized its text.
        let contractType = requested ?? document.map { engine.detectContractType(in: $0.text) }
        let stored = try files.put(form.content)
        let pages = String(decoding: try JSONEncoder.wire.encode(document?.pages ?? []), as: UTF8.self)
        let task = try await store.createTask(
            NewTask(contractType: contractType?.rawValue, filename: form.filename, file: stored,
                    sourceFormat: sourceFormat.rawValue, text: document?.text,
                    pagesJSON: pages, owner: context.apiKeyID))
        context.logger.info("contract uploaded", metadata: ["task_id": "\(task.id)", "bytes": "\(stored.size)"])
        let extracted: [(String, JSONValue)]
        if let document {
            extracted = [
                ("parties", .array(engine.parties(in: document.text).map(TaskPresenter.party))),
                ("characters", .integer(Int64(document.text.unicodeScalars.count))),
                ("pages", .integer(Int64(document.pages.count))),
                ("source_format", .string(document.sourceFormat.rawValue)),
                ("text_ready", .bool(true)),
            ]
        } else {
            extracted = [
                ("parties", .array([])), ("characters", .null), ("pages", .null),
                ("source_format", .string(task.sourceFormat)),
                ("text_ready", .bool(false)),
            ]
        }
        return JSONValue.object([
            ("task_id", .integer(task.id)),
            ("filename", .string(task.filename)),
            ("contract_type", .optional(contractType?.rawValue)),
            ("contract_type_label", .optional(contractType?.label)),
            ("contract_type_detected", .bool(requested == nil && document != nil)),
            ("status", .string(task.status.rawValue)),
            ("message", .string(document == nil ? "文件上传成功；这是扫描件或图片，文字将在审查开始后逐页识别（OCR），进度可通过WebSocket查看" : "文件上传成功")),
            ("entities_extracted", .object(extracted)),
            ("next_step", "请调用 POST /api/v1/draft_roles 获取立场候选，再调用 POST /api/v1/confirm_roles 确认审查立场"),
        ]).response()
    }

    static func apiError(_ error: IngestError) -> APIError {
        switch error.kind {
        case .unsupportedFormat: APIError(.unsupportedMediaType, "UNSUPPORTED_FORMAT", error.message)
        case .unreadable: APIError(.unprocessableContent, "UNREADABLE_FILE", error.message)
        case .tooLarge: APIError(.contentTooLarge, "FILE_TOO_LARGE", error.message)
        case .programMissing: APIError(.serviceUnavailable, "PROGRAM_MISSING", error.message)
        }
    }

    @Sendable func uploadStatus(_ request: Request, context: Context) async throws -> Response {
        let task = try await existingTask(context.parameters.get("id"), context)
        return JSONValue.object(TaskPresenter.status(task) + [("file", TaskPresenter.file(task))]).response()
    }

    @Sendable func text(_ request: Request, context: Context) async throws -> Response {
        let task = try await existingTask(context.parameters.get("id"), context)
        guard let text = try await store.text(ofTask: task.id) else {
            throw APIError(.conflict, "TEXT_NOT_READY", "任务 \(task.id) 是扫描件或图片，文字在审查的识别阶段（extracting）完成后提供", details: [
                ("current_status", .string(task.status.rawValue))
            ])
        }
        return JSONValue.object([
            ("task_id", .integer(task.id)),
            ("text", .string(text.text)),
            ("pages", JSONValue.trusted(text.pagesJSON)),
            ("source_format", .string(task.sourceFormat)),
        ]).response()
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = TaskQuery()
        if let raw = query["status"].map(String.init), !raw.isEmpty {
            guard let status = TaskStatus(rawValue: raw.uppercased()) else {
                throw APIError(.badRequest, "INVALID_STATUS",
                               "无效的状态: \(raw)，可选值: \(TaskStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = status
        }
        filter.owner = context.apiKeyID
        filter.limit = try Self.integer(query["limit"].map(String.init), name: "limit", default: 20, range: 1...100)
        filter.offset = try Self.integer(query["offset"].map(String.init), name: "offset", default: 0, range: 0...Int(Int32.max))
        let page = try await store.tasks(matching: filter)
        return JSONValue.object([
            ("tasks", .array(page.tasks.map { .object(TaskPresenter.status($0)) })),
            ("total", .integer(Int64(page.total))),
            ("limit", .integer(Int64(filter.limit))),
            ("offset", .integer(Int64(filter.offset))),
        ]).response()
    }

    private static func integer(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw, !raw.isEmpty else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError(.badRequest, "INVALID_QUERY", "参数 \(name) 应为 \(range.lowerBound)–\(range.upperBound) 之间的整数")
        }
        return number
    }

    // MARK: Roles

    private struct TaskRef: Decodable {
        let taskID: TaskID
        enum CodingKeys: String, CodingKey { case taskID = "task_id" }
    }

    @Sendable func draftRoles(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.decode(TaskRef.self, from: request)
        let task = try await existingTask(body.taskID.value, context)
        let type = task.contractType.flatMap(ContractType.init(rawValue:)) ?? .other
        let parties = try await partiesOf(task)
        let candidates: [JSONValue] = type.roles.map { role in
            let party = parties.first { $0.role == role }
            return .object([
                ("role", .string(role.rawValue)),
                ("label", .string(role.label)),
                ("party_name", .optional(party?.name)),
                ("designation", .optional(party?.designation)),
            ])
        }
        return JSONValue.object([
            ("task_id", .integer(task.id)),
            ("contract_type", .string(type.rawValue)),
            ("contract_type_label", .string(type.label)),
            ("candidates", .array(candidates)),
            ("parties", .array(parties.map(TaskPresenter.party))),
            ("all_roles", .array(Role.allCases.map { .object([("role", .string($0.rawValue)), ("label", .string($0.label))]) })),
        ]).response()
    }

    private struct RoleChoice: Decodable {
        let taskID: TaskID
        let role: String
        let partyNames: [String]?
        let selectedEntityIndex: Int?
        let contractType: String?
        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", role
            case partyNames = "party_names", selectedEntityIndex = "selected_entity_index", contractType = "contract_type"
        }
    }

    @Sendable func confirmRoles(_ request: Request, context: Context) async throws -> Response {
        try await setRole(try await RequestBody.decode(RoleChoice.self, from: request), namesRequired: false, context)
    }

    @Sendable func manualPartyNames(_ request: Request, context: Context) async throws -> Response {
        try await setRole(try await RequestBody.decode(RoleChoice.self, from: request), namesRequired: true, context)
    }

    private func setRole(_ choice: RoleChoice, namesRequired: Bool, _ context: Context) async throws -> Response {
        guard let role = Role(alias: choice.role) else {
            throw APIError(.badRequest, "INVALID_ROLE",
                           "无效的立场: \(choice.role)，可选值: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var contractType: ContractType?
        if let raw = choice.contractType {
            guard let type = ContractType(alias: raw) else {
                throw APIError(.badRequest, "INVALID_CONTRACT_TYPE",
                               "无效的合同类型: \(raw)，可选值: \(ContractType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            contractType = type
        }
        let task = try await existingTask(choice.taskID.value, context)
        var names = (choice.partyNames ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if namesRequired, names.isEmpty {
            throw APIError(.badRequest, "MISSING_FIELD", "缺少必填字段: party_names")
        }
        if names.contains(where: { $0.count > 200 }) || names.count > 20 {
            throw APIError(.badRequest, "INVALID_FIELD", "字段取值无效: party_names（最多 20 个，每个不超过 200 字）")
        }
        if let index = choice.selectedEntityIndex {
            let parties = try await partiesOf(task)
            guard parties.indices.contains(index) else {
                throw APIError(.badRequest, "INVALID_FIELD", "字段取值无效: selected_entity_index（共识别到 \(parties.count) 个主体）")
            }
            if !names.contains(parties[index].name) { names.insert(parties[index].name, at: 0) }
        } else if names.isEmpty, let found = try await partiesOf(task).first(where: { $0.role == role }) {
            // No name given: the party the text designates for this role is the user's.
            names = [found.name]
        }
        guard let updated = try await store.confirmRole(
            taskID: task.id, role: role.rawValue, contractType: contractType?.rawValue, partyNames: names)
        else {
            throw APIError(.conflict, "TASK_PROCESSING", "任务 \(task.id) 正在审查中，无法修改立场")
        }
        return JSONValue.object([
            ("task_id", .integer(updated.id)),
            ("role", .string(role.rawValue)),
            ("role_label", .string(role.label)),
            ("contract_type", .optional(updated.contractType)),
            ("party_names", .array(updated.partyNames.map(JSONValue.string))),
            ("status", .string(updated.status.rawValue)),
            ("message", "立场已确认，可以开始审查"),
        ]).response()
    }

    private func partiesOf(_ task: TaskRecord) async throws -> [Party] {
        guard let text = try await store.text(ofTask: task.id) else { return [] }
        return engine.parties(in: text.text)
    }

    // MARK: Review

    @Sendable func startReview(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.decode(TaskRef.self, from: request)
        let task = try await existingTask(body.taskID.value, context)
        guard task.role != nil else {
            throw APIError(.conflict, "ROLE_NOT_CONFIRMED", "请先调用 POST /api/v1/confirm_roles 确认审查立场", details: [
                ("current_status", .string(task.status.rawValue))
            ])
        }
        guard let started = try await store.startRun(taskID: task.id) else {
            throw APIError(.conflict, "REVIEW_IN_PROGRESS", "任务 \(task.id) 正在审查中", details: [
                ("current_status", .string(TaskStatus.processing.rawValue))
            ])
        }
        jobs.submit(taskID: started.id)
        return JSONValue.object([
            ("task_id", .integer(started.id)),
            ("status", .string(started.status.rawValue)),
            ("run", .integer(Int64(started.run))),
            ("message", "审查已开始，请通过WebSocket监听进度"),
            ("websocket_url", .string("/ws/review/\(started.id)")),
        ]).response()
    }

    @Sendable func result(_ request: Request, context: Context) async throws -> Response {
        let task = try await existingTask(context.parameters.get("id"), context)
        var members = TaskPresenter.status(task)
        if task.status == .completed, let json = task.resultJSON, case .object(let report) = JSONValue.trusted(json) {
            members += report.filter { $0.0 != "contract_type" && $0.0 != "role" }
        } else {
            members.append(("message", .string(Self.pendingMessage(task))))
        }
        return JSONValue.object(members).response()
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> Response {
        let task = try await existingTask(context.parameters.get("id"), context)
        guard task.status == .completed, let json = task.resultJSON else {
            throw APIError(.unprocessableContent, "REVIEW_NOT_COMPLETED", Self.pendingMessage(task), details: [
                ("current_status", .string(task.status.rawValue))
            ])
        }
        return JSONValue.object([
            ("task_id", .integer(task.id)),
            ("status", .string(task.status.rawValue)),
            ("summary", JSONValue.trusted(json)["summary"] ?? .null),
        ]).response()
    }

    private static func pendingMessage(_ task: TaskRecord) -> String {
        switch task.status {
        case .pending: "任务 \(task.id) 尚未确认审查立场"
        case .ready: "任务 \(task.id) 尚未开始审查"
        case .processing: "任务 \(task.id) 正在审查中"
        case .failed: task.errorMessage ?? "任务 \(task.id) 审查失败"
        case .cancelled: "任务 \(task.id) 已取消"
        case .completed: "任务 \(task.id) 审查已完成"
        }
    }

    private func existingTask(_ raw: String?, _ context: Context) async throws -> TaskRecord {
        try await existingTask(TaskID.path(raw), context)
    }

    private func existingTask(_ id: Int64, _ context: Context) async throws -> TaskRecord {
        try await store.ownedTask(id: id, by: context.apiKeyID)
    }
}
