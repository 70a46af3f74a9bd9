import Foundation
import Reports

/// Rendered reports kept on disk per task, run and variant, so a second download is a file read.
///
/// A file name carries the run it was rendered from, so a re-review never serves a stale report;
/// files older than `lifetime` are treated as absent and removed by `sweep()`.
struct ReportCache: Sendable {
    let directory: URL
    let lifetime: TimeInterval
    /// Reports are kept seven days unless removed earlier.
    static let defaultLifetime: TimeInterval = 7 * 24 * 3600

    init(directory: URL, lifetime: TimeInterval) throws {
        self.directory = directory
        self.lifetime = lifetime
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// One cached report: which task, run, format and options it was rendered for.
    struct Key: Hashable {
        let taskID: Int64
        let run: Int
        let format: ReportFormat
        let redline: Bool

        var filename: String {
            "run\(run)-\(format.rawValue)\(format == .annotated && !redline ? "-comments" : "").\(format.fileExtension)"
        }
    }

    /// A file that is in the cache, for `/status`.
    struct Entry {
        let format: String
        let size: Int
        let generatedAt: Date
        var expiresAt: Date
    }

    func data(for key: Key, now: Date = Date()) -> Data? {
        let url = location(of: key)
        guard let modified = modificationDate(url), now.timeIntervalSince(modified) < lifetime else { return nil }
        return try? Data(contentsOf: url)
    }

    func store(_ data: Data, for key: Key) throws {
        let url = location(of: key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    func entries(taskID: Int64, now: Date = Date()) -> [Entry] {
        let folder = taskFolder(taskID)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            let url = folder.appendingPathComponent(name)
            guard let modified = modificationDate(url), now.timeIntervalSince(modified) < lifetime else { return nil }
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            // "run3-annotated-comments.docx" → "annotated"
            let format = String(name.drop { $0 != "-" }.dropFirst().prefix { $0 != "-" && $0 != "." })
            return Entry(format: format, size: size, generatedAt: modified, expiresAt: modified.addingTimeInterval(lifetime))
        }
    }

    /// Removes every cached report of a task; returns how many files went.
    @discardableResult
    func remove(taskID: Int64) -> Int {
        let folder = taskFolder(taskID)
        let count = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).count) ?? 0
        try? FileManager.default.removeItem(at: folder)
        return count
    }

    /// Deletes every expired file (and batch archive) under the cache directory.
    func sweep(now: Date = Date()) {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.contentModificationDateKey]) else { return }
        for case let url as URL in walker {
            guard let modified = modificationDate(url), !url.hasDirectoryPath, now.timeIntervalSince(modified) >= lifetime else { continue }
            try? FileManager.default.removeItem(at: url)
        }
    }

    private func taskFolder(_ taskID: Int64) -> URL {
        directory.appendingPathComponent(String(taskID), isDirectory: true)
    }

    private func location(of key: Key) -> URL {
        taskFolder(key.taskID).appendingPathComponent(key.filename)
    }

    private func modificationDate(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }
}
