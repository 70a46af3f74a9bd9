import Foundation
import ZIPFoundation

/// Builds ZIP files in memory: the container of every DOCX, and of report batches.
enum ZIPContainer {
    /// A ZIP holding `entries` in order, deflated, each stamped with `modified` so that the same
    /// input always gives the same bytes (which keeps cached exports stable).
    static func archive(_ entries: [(path: String, data: Data)], modified: Date) throws -> Data {
        let archive: Archive
        do {
            archive = try Archive(accessMode: .create)
            for (path, data) in entries {
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                    compressionMethod: .deflate
                ) { position, size in
                    let start = data.startIndex + Int(position)
                    return data.subdata(in: start..<start + size)
                }
            }
        } catch {
            throw ReportError("无法生成压缩文件：\(error)")
        }
        guard let data = archive.data else { throw ReportError("无法生成压缩文件") }
        return data
    }
}
