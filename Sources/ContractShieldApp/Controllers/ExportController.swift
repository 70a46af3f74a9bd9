import Foundation
import Hummingbird
import Realtime
import Reports
import Storage

/// Report export (issue #9): single files, a preview, cache status and removal, and batch ZIPs.
struct ExportController<Context: CallerContext> {
    let store: any TaskStore
    let exporter: ReportExporter
    let batches: ExportBatches

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("export/formats", use: formats)
        group.post("export/batch", use: startBatch)
        group.get("export/batch/{batch_id}", use: batchStatus)
        group.get("export/batch/{batch_id}/download", use: batchDownload)
        group.get("export/{id}", use: download)
        group.get("export/{id}/preview", use: preview)
        group.get("export/{id}/status", use: status)
        group.delete("export/{id}/files", use: deleteFiles)
    }

    private static var supported: String { ReportFormat.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func format(_ raw: String?) throws -> ReportFormat {
        guard let raw, !raw.isEmpty else {
            throw APIError(.badRequest, "MISSING_FORMAT", "缺少参数 format，可选值: \(supported)", details: formatList)
        }
        guard let format = ReportFormat(rawValue: raw.lowercased()) else {
            throw APIError(.badRequest, "UNSUPPORTED_FORMAT", "不支持的导出格式: \(raw)，可选值: \(supported)", details: formatList)
        }
        return format
    }

    private static var formatList: [(String, JSONValue)] {
        [("supported_formats", .array(ReportFormat.allCases.map { .string($0.rawValue) }))]
    }

    private static func options(_ request: Request) throws -> ReportOptions {
        switch request.uri.queryParameters["redline"].map(String.init)?.lowercased() {
        case nil, "", "true", "1": return ReportOptions(redline: true)
        case "false", "0": return ReportOptions(redline: false)
        case let other?: throw APIError(.badRequest, "INVALID_QUERY", "参数 redline 应为 true 或 false，收到: \(other)")
        }
    }

    @Sendable func formats(_ request: Request, context: Context) async throws -> Response {
        JSONValue.object([
            ("formats", .array(ReportFormat.allCases.map { format in
                .object([
                    ("format", .string(format.rawValue)), ("label", .string(format.label)),
                    ("mime_type", .string(format.mimeType)), ("extension", .string(format.fileExtension)),
                ])
            })),
            ("default", "pdf"),
        ]).response()
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let taskID = try TaskID.path(context.parameters.get("id"))
        let format = try Self.format(request.uri.queryParameters["format"].map(String.init))
        let export = try await export(taskID, format, Self.options(request), context)
        return Response(
            status: .ok,
            headers: [
                .contentType: format.mimeType,
                .contentDisposition: Self.attachment(export.filename),
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: export.data)))
    }

    @Sendable func preview(_ request: Request, context: Context) async throws -> Response {
        let taskID = try TaskID.path(context.parameters.get("id"))
        let export = try await export(taskID, .txt, ReportOptions(), context)
        return JSONValue.object([
            ("task_id", .integer(taskID)),
            ("format", "txt"),
            ("filename", .string(export.filename)),
            ("content", .string(String(decoding: export.data, as: UTF8.self))),
        ]).response()
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        let taskID = try TaskID.path(context.parameters.get("id"))
        let task = try await store.ownedTask(id: taskID, by: context.apiKeyID)
        let files = exporter.cache.entries(taskID: taskID).map { entry in
            JSONValue.object([
                ("format", .string(entry.format)), ("size", .integer(Int64(entry.size))),
                ("generated_at", .string(WireTime.rfc3339(entry.generatedAt))),
                ("expires_at", .string(WireTime.rfc3339(entry.expiresAt))),
            ])
        }
        return JSONValue.object([
            ("task_id", .integer(taskID)),
            ("status", .string(task.status.rawValue)),
            ("exportable", .bool(task.status == .completed)),
            ("formats", .array(ReportFormat.allCases.map { .string($0.rawValue) })),
            ("files", .array(files)),
        ]).response()
    }

    @Sendable func deleteFiles(_ request: Request, context: Context) async throws -> Response {
        let taskID = try TaskID.path(context.parameters.get("id"))
        _ = try await store.ownedTask(id: taskID, by: context.apiKeyID)
        let removed = exporter.cache.remove(taskID: taskID)
        return JSONValue.object([
            ("task_id", .integer(taskID)), ("deleted", .integer(Int64(removed))), ("message", "已删除导出文件"),
        ]).response()
    }

    private struct BatchRequest: Decodable {
        let taskIDs: [TaskID]
        let format: String?
        let redline: Bool?
        enum CodingKeys: String, CodingKey { case taskIDs = "task_ids", format, redline }
    }

    @Sendable func startBatch(_ request: Request, context: Context) async throws -> Response {
        let body = try await RequestBody.decode(BatchRequest.self, from: request)
        let format = try Self.format(body.format ?? "pdf")
        let ids = body.taskIDs.map(\.value).reduce(into: [Int64]()) { if !$0.contains($1) { $0.append($1) } }
        guard !ids.isEmpty, ids.count <= ExportBatches.maxTasks else {
            throw APIError(.badRequest, "INVALID_FIELD", "字段取值无效: task_ids（1–\(ExportBatches.maxTasks) 个任务）")
        }
        for id in ids {
            let task = try await store.ownedTask(id: id, by: context.apiKeyID)
            guard task.status == .completed else { throw ReportExporter.apiError(for: ReportExporter.Refusal.notCompleted(task)) }
        }
        let batch = batches.start(taskIDs: ids, format: format, options: ReportOptions(redline: body.redline ?? true))
        return Self.describe(batch).response(status: .accepted)
    }

    @Sendable func batchStatus(_ request: Request, context: Context) async throws -> Response {
        Self.describe(try batch(context)).response()
    }

    @Sendable func batchDownload(_ request: Request, context: Context) async throws -> Response {
        let batch = try batch(context)
        guard batch.status == .completed, let archive = batch.archive, let data = try? Data(contentsOf: archive) else {
            throw APIError(.conflict, "BATCH_NOT_READY", "批量导出尚未完成（当前状态: \(batch.status.rawValue)）",
                           details: [("current_status", .string(batch.status.rawValue))])
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/zip", .contentDisposition: Self.attachment("审查报告-\(batch.id.prefix(8)).zip")],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func batch(_ context: Context) throws -> ExportBatches.Batch {
        let id = context.parameters.get("batch_id") ?? ""
        guard let batch = batches.batch(id) else { throw APIError(.notFound, "BATCH_NOT_FOUND", "批量导出任务 \(id) 不存在") }
        return batch
    }

    private static func describe(_ batch: ExportBatches.Batch) -> JSONValue {
        .object([
            ("batch_id", .string(batch.id)),
            ("status", .string(batch.status.rawValue)),
            ("format", .string(batch.format.rawValue)),
            ("total", .integer(Int64(batch.taskIDs.count))),
            ("done", .integer(Int64(batch.done))),
            ("progress", .integer(Int64(batch.taskIDs.isEmpty ? 100 : batch.done * 100 / batch.taskIDs.count))),
            ("failed", .array(batch.failures.map { .object([("task_id", .integer($0.taskID)), ("message", .string($0.message))]) })),
            ("download_url", batch.status == .completed ? .string("/api/v1/export/batch/\(batch.id)/download") : .null),
            ("created_at", .string(WireTime.rfc3339(batch.createdAt))),
        ])
    }

    private func export(_ taskID: Int64, _ format: ReportFormat, _ options: ReportOptions, _ context: Context) async throws -> ReportExporter.Export {
        _ = try await store.ownedTask(id: taskID, by: context.apiKeyID)
        do {
            return try await exporter.export(taskID: taskID, format: format, options: options)
        } catch {
            throw ReportExporter.apiError(for: error)
        }
    }

    /// `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987) for Chinese file names.
    static func attachment(_ filename: String) -> String {
        let ascii = String(filename.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_"))) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
