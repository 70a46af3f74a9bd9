import Foundation

/// Several rendered reports in one download.
public enum ReportBatch {
    /// A ZIP of `files`, flat: a `/` or `\` in a name becomes `_` (no entry can land outside the folder it is
    /// unpacked into), and a repeated name gets a ` (2)`, ` (3)`… before its extension.
    public static func zip(_ files: [(name: String, data: Data)]) throws -> Data {
        try ZIPContainer.archive(uniqueNames(files), modified: Date())
    }

    /// Writes the ZIP of `files` to `url`, replacing any file there.
    public static func zip(_ files: [(name: String, data: Data)], to url: URL) throws {
        try zip(files).write(to: url, options: .atomic)
    }

    static func uniqueNames(_ files: [(name: String, data: Data)]) -> [(path: String, data: Data)] {
        var taken: Set<String> = []
        return files.map { file in
            var name = file.name.isEmpty ? "report" : String(file.name.map { $0 == "/" || $0 == "\\" ? "_" : $0 })
            let dot = name.lastIndex(of: ".") ?? name.endIndex
            let (stem, ext) = (name[..<dot], name[dot...])
            var copy = 1
            while taken.contains(name) {
                copy += 1
                name = "\(stem) (\(copy))\(ext)"
            }
            taken.insert(name)
            return (name, file.data)
        }
    }
}
