import Crypto
import Foundation

/// A file kept by the store, named by the SHA-256 of its content.
public struct StoredFile: Sendable, Hashable {
    public var sha256: String
    public var size: Int
    public init(sha256: String, size: Int) {
        self.sha256 = sha256
        self.size = size
    }
}

/// Uploaded files, content-addressed under a directory (`ab/cdef…`), written atomically and never executed or served raw.
public struct FileStore: Sendable {
    public let root: URL

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Stores the bytes once; storing the same content again is a no-op.
    public func put(_ data: Data) throws -> StoredFile {
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let url = location(of: digest)
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
        return StoredFile(sha256: digest, size: data.count)
    }

    public func get(_ file: StoredFile) throws -> Data {
        try Data(contentsOf: location(of: file.sha256))
    }

    private func location(of digest: String) -> URL {
        root.appendingPathComponent(String(digest.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(digest.dropFirst(2)))
    }
}
