import Foundation
import Logging
import Storage
import Testing

/// A database the store suite runs against. Every test gets a fresh one.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when `CONTRACTSHIELD_TEST_POSTGRES` names a server (scripts/with-postgres.sh
    /// starts one). In CI (`CI=true`) PostgreSQL is always included, so a missing server fails instead of skipping.
    static let available: [Backend] = postgresServer == nil && !isCI ? [.sqlite] : [.sqlite, .postgres]
    /// The backends whose stores several processes share.
    static let clustered: [Backend] = available.filter { $0 == .postgres }

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let postgresServer: String? = {
        let url = ProcessInfo.processInfo.environment["CONTRACTSHIELD_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
        if url == nil && !isCI {
            print("⚠️ StorageTests: PostgreSQL store tests SKIPPED — CONTRACTSHIELD_TEST_POSTGRES is unset (run them with scripts/with-postgres.sh)")
        }
        return url
    }()
}

/// Where one test's database lives; `open()` may be called again to get a second node on the same data.
struct StoreLocation: Sendable {
    let backend: Backend
    let address: String

    /// A location nobody has used yet: a new temp SQLite file, or a new database on the test PostgreSQL server.
    static func fresh(_ backend: Backend) throws -> StoreLocation {
        let name = "cs_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        switch backend {
        case .sqlite:
            return StoreLocation(backend: backend, address: FileManager.default.temporaryDirectory
                .appendingPathComponent(name).appendingPathComponent("db.sqlite").path)
        case .postgres:
            guard let server = Backend.postgresServer, var url = URLComponents(string: server) else {
                throw StoreTestSetupError("CI=true but CONTRACTSHIELD_TEST_POSTGRES is unset: run the tests with scripts/with-postgres.sh")
            }
            url.path = "/" + name
            return StoreLocation(backend: backend, address: try url.string.orFail())
        }
    }

    /// Opens and migrates a store (a new node) on this location.
    func open() async throws -> any TaskStore {
        let store: any TaskStore = switch backend {
        case .sqlite: try await SQLiteTaskStore.open(path: address, logger: Logger(label: "test"))
        case .postgres: try await PostgresTaskStore.open(url: address, logger: Logger(label: "test"))
        }
        try await store.migrate()
        return store
    }

    func remove() {
        if backend == .sqlite { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: address).deletingLastPathComponent().path) }
    }
}

/// Runs `body` with a fresh, migrated store of `backend`, and closes it.
func withStore(_ backend: Backend, _ body: (any TaskStore, StoreLocation) async throws -> Void) async throws {
    let location = try StoreLocation.fresh(backend)
    defer { location.remove() }
    let store = try await location.open()
    do {
        try await body(store, location)
    } catch {
        try? await store.close()
        throw error
    }
    try await store.close()
}

struct StoreTestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    func orFail() throws -> Wrapped {
        guard let value = self else { throw StoreTestSetupError("unexpected nil") }
        return value
    }
}
