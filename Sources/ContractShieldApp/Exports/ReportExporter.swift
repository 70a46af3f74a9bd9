import Foundation
import NIOPosix
import Reports
import Review
import Storage

/// Turns a completed task into report files: from the cache when it can, rendering on the thread pool when not.
struct ReportExporter: Sendable {
    let store: any TaskStore
    let files: FileStore
    let cache: ReportCache
    let renderer: ReportRenderer

    /// A rendered report and the name to download it under.
    struct Export: Sendable {
        let data: Data
        let filename: String
        let format: ReportFormat
    }

    /// Why a task cannot be exported right now.
    enum Refusal: Error {
        case notFound(Int64)
        case notCompleted(TaskRecord)
    }

    func export(taskID: Int64, format: ReportFormat, options: ReportOptions) async throws -> Export {
        guard let task = try await store.task(id: taskID) else { throw Refusal.notFound(taskID) }
        guard task.status == .completed, let resultJSON = task.resultJSON else { throw Refusal.notCompleted(task) }
        let document = try await document(for: task, resultJSON: resultJSON)
        let key = ReportCache.Key(taskID: taskID, run: task.run, format: format, redline: options.redline)
        let filename = format.filename(for: document)
        if let cached = cache.data(for: key) {
            return Export(data: cached, filename: filename, format: format)
        }
        let renderer = renderer
        // PDF rendering takes a noticeable fraction of a second: keep it off the cooperative pool.
        let data = try await NIOThreadPool.singleton.runIfActive {
            try renderer.render(document, as: format, options: options)
        }
        try cache.store(data, for: key)
        return Export(data: data, filename: filename, format: format)
    }

    private func document(for task: TaskRecord, resultJSON: String) async throws -> ReportDocument {
        let report = try JSONDecoder().decode(ReviewReport.self, from: Data(resultJSON.utf8))
        let text = try await store.text(ofTask: task.id)?.text ?? ""
        let original = task.sourceFormat == "docx" ? try? files.get(task.file) : nil
        return ReportDocument(
            taskID: task.id, filename: task.filename, contractText: text, report: report, reviewedAt: task.updatedAt,
            originalDOCX: original)
    }
}

extension ReportExporter {
    /// The REST error for a failed export, in Chinese.
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case Refusal.notFound(let id):
            return APIError.taskNotFound(id)
        case Refusal.notCompleted(let task):
            return APIError(.unprocessableContent, "REVIEW_NOT_COMPLETED",
                            "任务 \(task.id) 尚未审查完成（当前状态: \(task.status.rawValue)），无法导出",
                            details: [("current_status", .string(task.status.rawValue))])
        case let error as ReportError:
            return APIError(.internalServerError, "EXPORT_FAILED", "导出失败: \(error.message)")
        default:
            return APIError(.internalServerError, "EXPORT_FAILED", "导出失败: 服务器内部错误")
        }
    }

    static func message(for error: any Error) -> String {
        apiError(for: error).message
    }
}
