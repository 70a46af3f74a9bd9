import Foundation
import ZIPFoundation

/// Reads entries of an in-memory ZIP while counting every inflated byte, so that a zip bomb
/// is stopped as soon as it passes the cap instead of after it has filled memory.
struct BoundedZipReader {
    private let archive: Archive
    private let maxInflatedBytes: Int
    private var inflatedBytes = 0

    /// Thrown from inside ZIPFoundation's consumer closure to abort inflation.
    private struct InflationCapExceeded: Error {}

    init(_ data: Data, limits: IngestLimits) throws(IngestError) {
        guard let archive = try? Archive(data: data, accessMode: .read, pathEncoding: nil) else {
            throw IngestError(.unreadable, "DOCX 文件已损坏：不是有效的 ZIP 压缩包")
        }
        // Counting stops at the cap: iterating a hostile central directory to the end is itself work.
        var entries = 0
        for _ in archive {
            entries += 1
            if entries > limits.maxEntries {
                throw IngestError(.unreadable, "DOCX 文件包含的条目过多（超过 \(limits.maxEntries) 个），已拒绝处理")
            }
        }
        self.archive = archive
        self.maxInflatedBytes = limits.maxInflatedBytes
    }

    /// Paths of all entries, in archive order.
    var paths: [String] { archive.map(\.path) }

    /// The inflated bytes of `path`, or nil when the archive has no such entry.
    mutating func contents(of path: String) throws(IngestError) -> Data? {
        guard let entry = archive[path] else { return nil }
        // The declared size is checked first (cheap), the running count covers entries that lie about it.
        if entry.uncompressedSize > UInt64(maxInflatedBytes - inflatedBytes) { throw capError() }
        var output = Data()
        var total = inflatedBytes
        let cap = maxInflatedBytes
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                total += chunk.count
                if total > cap { throw InflationCapExceeded() }
                output.append(chunk)
            }
        } catch is InflationCapExceeded {
            throw capError()
        } catch {
            throw IngestError(.unreadable, "DOCX 文件已损坏：无法解压 \(path)")
        }
        inflatedBytes = total
        return output
    }

    private func capError() -> IngestError {
        IngestError(.unreadable, "DOCX 文件解压后超过 \(maxInflatedBytes / 1_048_576) MB 上限，疑似压缩炸弹，已拒绝处理")
    }
}
