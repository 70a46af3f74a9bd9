import Crypto
import Foundation
import Hummingbird
import Synchronization

/// One API key as stored: only its SHA-256 is kept, never the key itself.
public struct APIKeyRecord: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var sha256: String
    public var createdAt: Date
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, sha256
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }
}

/// The API key file (`--api-keys-file`): a JSON list of hashed keys, managed by `contractshield keys`.
public struct APIKeyFile: Sendable {
    public let url: URL

    public init(path: String) {
        url = URL(fileURLWithPath: path)
    }

    public func load() throws -> [APIKeyRecord] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([APIKeyRecord].self, from: Data(contentsOf: url))
    }

    public func save(_ records: [APIKeyRecord]) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(records).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    /// Creates a key, stores its hash, and returns the key: the only time it is ever shown.
    public func add(name: String) throws -> (record: APIKeyRecord, key: String) {
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let key = "cs_" + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        let record = APIKeyRecord(
            id: "key_" + String(UUID().uuidString.lowercased().prefix(8)), name: name, sha256: Self.hash(key),
            createdAt: Date(), revokedAt: nil)
        try save(try load() + [record])
        return (record, key)
    }

    /// Marks a key revoked; false when no such key exists.
    public func revoke(id: String) throws -> Bool {
        var records = try load()
        guard let index = records.firstIndex(where: { $0.id == id }) else { return false }
        records[index].revokedAt = records[index].revokedAt ?? Date()
        try save(records)
        return true
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Checks the key a request presents; re-reads the key file when it changes, so a revocation takes effect at once.
final class APIKeyAuthenticator: Sendable {
    private let file: APIKeyFile
    private let state: Mutex<(modified: Date?, keys: [String: String])>

    init(file: APIKeyFile) throws {
        self.file = file
        state = Mutex((nil, [:]))
        try reloadIfChanged()
    }

    /// The key id for the request's `Authorization: Bearer` or `?token=`; throws 401 when missing or wrong.
    func authenticate(_ request: Request) throws -> String {
        guard let presented = Self.presentedKey(request) else {
            throw APIError(.unauthorized, "UNAUTHORIZED", "缺少 API 密钥：请使用 Authorization: Bearer <key> 或 ?token=<key>")
        }
        try? reloadIfChanged()
        let digest = APIKeyFile.hash(presented)
        guard let id = state.withLock({ $0.keys[digest] }) else {
            throw APIError(.unauthorized, "UNAUTHORIZED", "API 密钥无效或已吊销")
        }
        return id
    }

    private static func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        return request.uri.queryParameters["token"].map(String.init)
    }

    private func reloadIfChanged() throws {
        let modified = (try? FileManager.default.attributesOfItem(atPath: file.url.path))?[.modificationDate] as? Date
        guard state.withLock({ $0.modified != modified || $0.keys.isEmpty }) else { return }
        let active = try file.load().filter { $0.revokedAt == nil }
        let keys = Dictionary(active.map { ($0.sha256, $0.id) }, uniquingKeysWith: { first, _ in first })
        state.withLock { $0 = (modified, keys) }
    }
}

/// Requires an API key on every request except the service index, health and the static web files.
struct APIKeyMiddleware<Context: CallerContext>: RouterMiddleware {
    let authenticator: APIKeyAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/" || path == "/health" || path == "/metrics" || path.hasPrefix("/app") || path.hasPrefix("/tools")
            || request.method == .options
        {
            return try await next(request, context)
        }
        var context = context
        context.apiKeyID = try authenticator.authenticate(request)
        return try await next(request, context)
    }
}
