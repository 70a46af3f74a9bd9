import Foundation
import Logging
import Reports
import Synchronization

/// Batch exports: up to 100 tasks' reports zipped in the background, with progress, downloadable when done.
///
/// Batch state lives in this process (a restart forgets unfinished batches; their clients start a new one);
/// finished archives live in the report cache directory and expire with it.
final class ExportBatches: Sendable {
    static let maxTasks = 100

    enum Status: String, Sendable { case processing = "PROCESSING", completed = "COMPLETED", failed = "FAILED" }

    struct Batch: Sendable {
        let id: String
        let format: ReportFormat
        let taskIDs: [Int64]
        var status: Status = .processing
        var done = 0
        var failures: [(taskID: Int64, message: String)] = []
        var archive: URL?
        let createdAt = Date()
    }

    private let exporter: ReportExporter
    private let directory: URL
    private let logger: Logger
    private let batches = Mutex<[String: Batch]>([:])

    init(exporter: ReportExporter, logger: Logger) {
        self.exporter = exporter
        self.directory = exporter.cache.directory.appendingPathComponent("batches", isDirectory: true)
        self.logger = logger
    }

    func batch(_ id: String) -> Batch? {
        batches.withLock { $0[id] }
    }

    /// Registers a batch and starts building it in the background.
    func start(taskIDs: [Int64], format: ReportFormat, options: ReportOptions) -> Batch {
        let batch = Batch(id: UUID().uuidString.lowercased(), format: format, taskIDs: taskIDs)
        batches.withLock { $0[batch.id] = batch }
        Task { await build(batch.id, taskIDs: taskIDs, format: format, options: options) }
        return batch
    }

    private func build(_ id: String, taskIDs: [Int64], format: ReportFormat, options: ReportOptions) async {
        var files: [(name: String, data: Data)] = []
        var names = Set<String>()
        for taskID in taskIDs {
            do {
                let export = try await exporter.export(taskID: taskID, format: format, options: options)
                var name = "\(taskID)-\(export.filename)"
                while names.contains(name) { name = "_" + name }
                names.insert(name)
                files.append((name, export.data))
            } catch {
                update(id) { $0.failures.append((taskID, ReportExporter.message(for: error))) }
            }
            update(id) { $0.done += 1 }
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let archive = directory.appendingPathComponent("\(id).zip")
            try ReportBatch.zip(files, to: archive)
            update(id) {
                $0.archive = archive
                $0.status = .completed
            }
        } catch {
            logger.error("batch export failed", metadata: ["batch_id": "\(id)", "error": "\(error)"])
            update(id) { $0.status = .failed }
        }
    }

    private func update(_ id: String, _ change: (inout Batch) -> Void) {
        batches.withLock { batches in
            if var batch = batches[id] {
                change(&batch)
                batches[id] = batch
            }
        }
    }
}
