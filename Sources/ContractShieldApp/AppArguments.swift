import Foundation
import Logging

/// What `contractshield serve` and the tests configure; both build the same application from it.
public protocol AppArguments: Sendable {
    var host: String { get }
    var port: Int { get }
    /// Where the database (by default) and uploaded files live.
    var dataDir: String { get }
    /// `sqlite:///absolute/path.db`, `sqlite://relative/path.db`, or `postgres://user:password@host:port/db` for a
    /// cluster of nodes sharing one PostgreSQL; nil means SQLite under `dataDir`.
    var database: String? { get }
    /// Where uploaded files live; nil means `<dataDir>/files`. A cluster's nodes must all see the same directory.
    var filesDir: String? { get }
    /// How long a node's claim on a review lasts unrenewed: a dead node's reviews restart elsewhere after this.
    var jobLeaseSeconds: Double { get }
    /// Reviews this node runs at once; nil means one per core, 0 a node that serves clients but runs no reviews.
    var jobConcurrency: Int? { get }
    var logLevel: Logger.Level { get }
    /// A directory of extra review rules (YAML) that add to or override the built-in catalog.
    var playbook: String? { get }
    /// WebSocket and connection limits, Origin allow-list, API keys and TLS.
    var security: SecuritySettings { get }
}

/// The guide's security and performance advice, made configurable (`contractshield serve --help`).
public struct SecuritySettings: Sendable {
    /// Largest upload accepted (413 beyond it); PROTOCOL.md's 50 MB by default.
    public var maxUploadBytes = 50 * 1024 * 1024
    /// Inbound WebSocket messages a connection may send per second, and the burst it may save up.
    public var messagesPerSecond: Double = 20
    public var messageBurst: Int = 40
    /// Open WebSocket connections allowed in all, and from one client address; beyond them the handshake is refused.
    public var maxConnections: Int = 60_000
    public var maxConnectionsPerIP: Int = 1_000
    /// A reader whose socket accepts nothing for this long is closed with 1008.
    public var writeTimeout: Duration = .seconds(10)
    /// The server pings every connection this often, and closes one that has sent nothing for `idleTimeout`.
    public var pingInterval: Duration = .seconds(30)
    public var idleTimeout: Duration = .seconds(90)
    /// Origins allowed besides the server's own host and localhost; `*` allows any.
    public var allowedOrigins: [String] = []
    /// File of hashed API keys (`contractshield keys add`); when set, every API call and handshake needs a key.
    public var apiKeysFile: String?
    /// PEM certificate chain and private key; when both are set the server speaks HTTPS and WSS only.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Mounts the raw echo route `/ws/conformance` for the Autobahn test suite.
    public var conformanceEcho = false

    public init() {}
}

extension AppArguments {
    public var filesDir: String? { nil }
    public var jobLeaseSeconds: Double { 30 }
    public var jobConcurrency: Int? { nil }
}

/// Where the task store lives, parsed from `--database`.
enum DatabaseLocation: Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Parses a database URL; nil for schemes we do not support.
    init?(url: String?, dataDir: String) {
        guard let url, !url.isEmpty else {
            self = .sqlite(path: URL(fileURLWithPath: dataDir).appendingPathComponent("contractshield.sqlite").path)
            return
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
            return
        }
        let prefix = "sqlite://"
        guard url.hasPrefix(prefix) else { return nil }
        let path = String(url.dropFirst(prefix.count))
        guard !path.isEmpty else { return nil }
        self = .sqlite(path: URL(fileURLWithPath: path).path)
    }
}

/// Why the server refused to start; printed as is.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
}
