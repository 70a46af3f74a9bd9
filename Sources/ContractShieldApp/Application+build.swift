import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Ingest
import Logging
import NIOSSL
import Realtime
import Reports
import Review
import ServiceLifecycle
import Storage

/// Builds the whole server from its arguments; `contractshield serve` and the tests call this same function.
/// When it shuts down gracefully, every WebSocket client is told 1001 (going away) before the server stops.
public func buildApplication(_ arguments: some AppArguments) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "contractshield")
    logger.logLevel = arguments.logLevel

    guard let location = DatabaseLocation(url: arguments.database, dataDir: arguments.dataDir) else {
        throw ConfigurationError(description: "unsupported --database URL \(arguments.database ?? ""): use sqlite:///path/to/file.db or postgres://user:password@host:port/db")
    }
    guard arguments.jobLeaseSeconds > 0 else {
        throw ConfigurationError(description: "--job-lease-seconds must be positive, got \(arguments.jobLeaseSeconds)")
    }
    let database = try await Database.open(location, logger: logger)
    do {
        try await database.store.migrate()
        return try assembleApplication(arguments, database: database, logger: logger)
    } catch {
        // No service will ever close this store: close it here, so a failed start leaves no connection behind.
        try? await database.store.close()
        throw error
    }
}

/// The store a server runs on; a cluster (PostgreSQL) also gets the database's announcements: other nodes' events and
/// claimable jobs.
private struct Database {
    let store: any TaskStore
    let changes: (any ChangeFeed)?
    let node: String?

    static func open(_ location: DatabaseLocation, logger: Logger) async throws -> Database {
        switch location {
        case .sqlite(let path):
            return Database(store: try await SQLiteTaskStore.open(path: path, logger: logger), changes: nil, node: nil)
        case .postgres(let url):
            let postgres = try await PostgresTaskStore.open(url: url, logger: logger)
            logger.info("joining the cluster on PostgreSQL", metadata: ["node": "\(postgres.node)"])
            return Database(store: postgres, changes: postgres, node: postgres.node)
        }
    }
}

private func assembleApplication(
    _ arguments: some AppArguments, database: Database, logger: Logger
) throws -> some ApplicationProtocol {
    let (store, changes, node) = (database.store, database.changes, database.node)
    let files = try FileStore(root: URL(fileURLWithPath: arguments.filesDir
        ?? URL(fileURLWithPath: arguments.dataDir).appendingPathComponent("files", isDirectory: true).path))
    let engine = try ReviewEngine(playbook: arguments.playbook.map { URL(fileURLWithPath: $0, isDirectory: true) })
    let hub = ProgressHub()
    let feeds = FeedMailboxes(hub: hub)
    let extractor = Extractor(limits: IngestLimits(maxFileBytes: arguments.security.maxUploadBytes))
    let metrics = AppMetrics()
    let jobs = ReviewJobRunner(
        store: store, files: files, extractor: extractor, hub: hub, engine: engine, logger: logger,
        concurrency: arguments.jobConcurrency ?? ProcessInfo.processInfo.activeProcessorCount,
        lease: .milliseconds(Int64(arguments.jobLeaseSeconds * 1000)), changes: changes, durations: metrics.reviewDuration)
    let clusterFeed = changes.map { ClusterEventFeed(hub: hub, store: store, changes: $0, logger: logger) }

    let security = arguments.security
    let origins = OriginPolicy(allowed: security.allowedOrigins)
    let authenticator = try security.apiKeysFile.map { try APIKeyAuthenticator(file: APIKeyFile(path: $0)) }

    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(OriginMiddleware(policy: origins))
    router.middlewares.add(JSONErrorMiddleware())
    router.middlewares.add(RequestLogMiddleware())
    if let authenticator { router.middlewares.add(APIKeyMiddleware(authenticator: authenticator)) }
    WebAppFiles.add(to: router, logger: logger)
    ServiceController(store: store, node: node).addRoutes(to: router)
    MetricsController(metrics: metrics, hub: hub, feeds: feeds, store: store).addRoutes(to: router)
    let api = router.group("api/v1")
    TaskController(
        store: store, files: files, extractor: extractor,
        engine: engine, jobs: jobs, maxUploadBytes: security.maxUploadBytes
    ).addRoutes(to: api)
    let reports = try ReportCache(
        directory: URL(fileURLWithPath: arguments.dataDir).appendingPathComponent("reports", isDirectory: true),
        lifetime: ReportCache.defaultLifetime)
    let exporter = ReportExporter(store: store, files: files, cache: reports, renderer: ReportRenderer())
    ExportController(store: store, exporter: exporter, batches: ExportBatches(exporter: exporter, logger: logger))
        .addRoutes(to: api)

    // Handshakes pass the same checks as REST calls, then the connection caps, before any upgrade.
    let webSocketRouter = Router(context: AppWebSocketContext.self)
    webSocketRouter.middlewares.add(OriginMiddleware(policy: origins))
    webSocketRouter.middlewares.add(JSONErrorMiddleware())
    webSocketRouter.middlewares.add(RequestLogMiddleware())
    if let authenticator { webSocketRouter.middlewares.add(APIKeyMiddleware(authenticator: authenticator)) }
    let connections = ConnectionRegistry(maxConnections: security.maxConnections, maxPerAddress: security.maxConnectionsPerIP)
    webSocketRouter.middlewares.add(ConnectionLimitMiddleware(registry: connections))
    WebSocketRoutes(
        store: store, mailboxes: feeds, rate: MessageRate(perSecond: security.messagesPerSecond, burst: security.messageBurst),
        metrics: metrics
    ).addRoutes(to: webSocketRouter, conformanceEcho: security.conformanceEcho)
    let timing = WebSocketConnection.Timing(
        pingInterval: security.pingInterval, idleTimeout: security.idleTimeout, writeTimeout: security.writeTimeout)
    // --conformance lets the Autobahn cases' large frames in; the protocol's endpoints keep their 64 KiB message cap.
    let frameLimit = security.conformanceEcho ? WebSocketRoutes.conformanceMessageSize : WebSocketConnection.maxMessageSize
    let handshakes = webSocketRouter.buildResponder()
    var server = HTTPServerBuilder { responder in
        WebSocketServerChannel(responder: responder, webSocketRouter: handshakes, maxFrameSize: frameLimit, timing: timing)
    }
    if let certificate = security.tlsCertificate, let key = security.tlsKey {
        server = try .tls(server, tlsConfiguration: TLSFiles.serverConfiguration(certificate: certificate, key: key))
    }

    let application = Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(arguments.host, port: arguments.port), serverName: "ContractShield"),
        services: [StoreLifecycle(store: store), jobs, ReportCacheSweeper(cache: reports)]
            + (clusterFeed.map { [ClusterFeedService(feed: $0)] } ?? []),
        logger: logger)
    return application
}

/// Closes the store after everything that uses it has stopped (services stop in reverse order).
private struct StoreLifecycle: Service {
    let store: any TaskStore

    func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
    }
}

/// Runs the cluster's event feed until shutdown.
private struct ClusterFeedService: Service {
    let feed: ClusterEventFeed

    func run() async throws {
        await cancelWhenGracefulShutdown { await feed.run() }
    }
}

/// Removes expired reports once an hour.
private struct ReportCacheSweeper: Service {
    let cache: ReportCache

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            cache.sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}

/// The server's TLS identity, from PEM files.
enum TLSFiles {
    static func serverConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
        } catch {
            throw ConfigurationError(description: "cannot load --tls-cert \(certificate) / --tls-key \(key): \(error)")
        }
    }
}
