import ArgumentParser
import ContractShieldApp
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `contractshield serve`: every option can also come from `CONTRACTSHIELD_<NAME>` in the environment.
struct ServeCommand: AsyncParsableCommand, AppArguments {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "启动审查服务（HTTP + WebSocket）")

    @Option(help: "Address to listen on (env CONTRACTSHIELD_HOST)")
    var host: String = Environment.value("HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env CONTRACTSHIELD_PORT)")
    var port: Int = Environment.value("PORT").flatMap(Int.init) ?? 8000

    @Option(help: "Directory for the database and uploaded files (env CONTRACTSHIELD_DATA_DIR)")
    var dataDir: String = Environment.value("DATA_DIR") ?? "./data"

    @Option(name: .customLong("database"), help: "Database URL: sqlite:///var/lib/contractshield/db.sqlite, or postgres://user:password@host:5432/db to run as one node of a cluster; default: SQLite under --data-dir (env CONTRACTSHIELD_DATABASE)")
    var databaseOption: String = Environment.value("DATABASE") ?? ""

    @Option(name: .customLong("files-dir"), help: "Directory for uploaded files, shared by every node of a cluster; default: <data-dir>/files (env CONTRACTSHIELD_FILES_DIR)")
    var filesDirOption: String = Environment.value("FILES_DIR") ?? ""

    @Option(help: "Seconds a node's claim on a review lasts unrenewed; a dead node's reviews restart on another node after this (env CONTRACTSHIELD_JOB_LEASE_SECONDS)")
    var jobLeaseSeconds: Double = Environment.value("JOB_LEASE_SECONDS").flatMap(Double.init) ?? 30

    @Option(name: .customLong("job-concurrency"), help: "Reviews this node runs at once; 0 makes a node that serves clients but runs no reviews; default: one per core (env CONTRACTSHIELD_JOB_CONCURRENCY)")
    var jobConcurrencyOption: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env CONTRACTSHIELD_LOG_LEVEL)")
    var logLevel: Logger.Level = Environment.value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

    @Option(name: .customLong("playbook"), help: "Directory of extra review rules in YAML that add to or override the built-in catalog (env CONTRACTSHIELD_PLAYBOOK)")
    var playbookOption: String = Environment.value("PLAYBOOK") ?? ""

    @Option(help: "Largest upload in MB (env CONTRACTSHIELD_MAX_UPLOAD_MB)")
    var maxUploadMb: Int = Environment.value("MAX_UPLOAD_MB").flatMap(Int.init) ?? 50

    @Option(help: "WebSocket messages a connection may send per second (env CONTRACTSHIELD_WS_RATE)")
    var wsRate: Double = Environment.value("WS_RATE").flatMap(Double.init) ?? 20

    @Option(help: "Burst of WebSocket messages a connection may save up (env CONTRACTSHIELD_WS_BURST)")
    var wsBurst: Int = Environment.value("WS_BURST").flatMap(Int.init) ?? 40

    @Option(help: "Seconds a WebSocket reader may take no data before it is closed with 1008 (env CONTRACTSHIELD_WS_WRITE_TIMEOUT)")
    var wsWriteTimeout: Double = Environment.value("WS_WRITE_TIMEOUT").flatMap(Double.init) ?? 10

    @Option(help: "Seconds between the server's WebSocket pings (env CONTRACTSHIELD_WS_PING_INTERVAL)")
    var wsPingInterval: Double = Environment.value("WS_PING_INTERVAL").flatMap(Double.init) ?? 30

    @Option(help: "Seconds a WebSocket client may send nothing, not even a pong, before it is closed with 1000 (env CONTRACTSHIELD_WS_IDLE_TIMEOUT)")
    var wsIdleTimeout: Double = Environment.value("WS_IDLE_TIMEOUT").flatMap(Double.init) ?? 90

    @Option(help: "Open WebSocket connections allowed in all (env CONTRACTSHIELD_MAX_CONNECTIONS)")
    var maxConnections: Int = Environment.value("MAX_CONNECTIONS").flatMap(Int.init) ?? 60_000

    @Option(name: .customLong("max-connections-per-ip"), help: "Open WebSocket connections allowed from one address (env CONTRACTSHIELD_MAX_CONNECTIONS_PER_IP)")
    var maxConnectionsPerIP: Int = Environment.value("MAX_CONNECTIONS_PER_IP").flatMap(Int.init) ?? 1_000

    @Option(help: "Comma-separated origins allowed besides this host and localhost; * allows any (env CONTRACTSHIELD_ALLOWED_ORIGINS)")
    var allowedOrigins: String = Environment.value("ALLOWED_ORIGINS") ?? ""

    @Option(name: .customLong("api-keys-file"), help: "API key file; when set every API call and WebSocket needs a key (env CONTRACTSHIELD_API_KEYS_FILE)")
    var apiKeysFileOption: String = Environment.value("API_KEYS_FILE") ?? ""

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS/WSS (env CONTRACTSHIELD_TLS_CERT)")
    var tlsCertOption: String = Environment.value("TLS_CERT") ?? ""

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS/WSS (env CONTRACTSHIELD_TLS_KEY)")
    var tlsKeyOption: String = Environment.value("TLS_KEY") ?? ""

    @Flag(help: "Mount the raw echo route /ws/conformance for the Autobahn test suite")
    var conformance = false

    var database: String? { databaseOption.isEmpty ? nil : databaseOption }
    var filesDir: String? { filesDirOption.isEmpty ? nil : filesDirOption }
    var jobConcurrency: Int? { jobConcurrencyOption ?? Environment.value("JOB_CONCURRENCY").flatMap(Int.init) }
    var playbook: String? { playbookOption.isEmpty ? nil : playbookOption }

    var security: SecuritySettings {
        var settings = SecuritySettings()
        settings.maxUploadBytes = maxUploadMb * 1024 * 1024
        settings.messagesPerSecond = wsRate
        settings.messageBurst = wsBurst
        settings.writeTimeout = .milliseconds(Int64(wsWriteTimeout * 1000))
        settings.pingInterval = .milliseconds(Int64(wsPingInterval * 1000))
        settings.idleTimeout = .milliseconds(Int64(wsIdleTimeout * 1000))
        settings.maxConnections = maxConnections
        settings.maxConnectionsPerIP = maxConnectionsPerIP
        settings.allowedOrigins = allowedOrigins.split(separator: ",").map(String.init)
        settings.apiKeysFile = apiKeysFileOption.isEmpty ? nil : apiKeysFileOption
        settings.tlsCertificate = tlsCertOption.isEmpty ? nil : tlsCertOption
        settings.tlsKey = tlsKeyOption.isEmpty ? nil : tlsKeyOption
        settings.conformanceEcho = conformance
        return settings
    }

    func validate() throws {
        if tlsCertOption.isEmpty != tlsKeyOption.isEmpty { throw ValidationError("--tls-cert and --tls-key go together") }
        if maxUploadMb < 1 { throw ValidationError("--max-upload-mb must be at least 1") }
        if let jobs = jobConcurrency, jobs < 0 { throw ValidationError("--job-concurrency must be 0 or more") }
        if min(wsWriteTimeout, wsPingInterval, wsIdleTimeout) <= 0 {
            throw ValidationError("--ws-write-timeout, --ws-ping-interval and --ws-idle-timeout must be positive")
        }
    }

    func run() async throws {
        // Every WebSocket holds a file descriptor: take all the process may have.
        let descriptors = FileDescriptorLimit.raiseToHardLimit()
        let app = try await buildApplication(self)
        if descriptors < maxConnections + 256 {
            app.logger.warning("open-file limit \(descriptors) is below --max-connections \(maxConnections); raise ulimit -Hn")
        }
        // On SIGINT/SIGTERM stop gracefully: every WebSocket client is told 1001 (going away), and running reviews
        // are handed back and resume at the next start.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger))
        try await group.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Reads `CONTRACTSHIELD_<NAME>` settings.
public enum Environment {
    public static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment["CONTRACTSHIELD_\(name)"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
