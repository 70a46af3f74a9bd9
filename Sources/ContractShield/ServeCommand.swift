import ArgumentParser
import ContractShieldApp
import Foundation
import Hummingbird
import Logging

/// `contractshield serve`: every option can also come from `CONTRACTSHIELD_<NAME>` in the environment.
struct ServeCommand: AsyncParsableCommand, AppArguments {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "启动审查服务（HTTP + WebSocket）")

    @Option(help: "Address to listen on (env CONTRACTSHIELD_HOST)")
    var host: String = Environment.value("HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env CONTRACTSHIELD_PORT)")
    var port: Int = Environment.value("PORT").flatMap(Int.init) ?? 8000

    @Option(help: "Directory for the database and uploaded files (env CONTRACTSHIELD_DATA_DIR)")
    var dataDir: String = Environment.value("DATA_DIR") ?? "./data"

    @Option(help: "Database URL: sqlite:///var/lib/contractshield/db.sqlite, or postgres://user:password@host:5432/db to run as one node of a cluster; default: SQLite under --data-dir (env CONTRACTSHIELD_DATABASE)")
    var database: String? = Environment.value("DATABASE")

    @Option(help: "Directory for uploaded files, shared by every node of a cluster; default: <data-dir>/files (env CONTRACTSHIELD_FILES_DIR)")
    var filesDir: String? = Environment.value("FILES_DIR")

    @Option(help: "Seconds a node's claim on a review lasts unrenewed; a dead node's reviews restart on another node after this (env CONTRACTSHIELD_JOB_LEASE_SECONDS)")
    var jobLeaseSeconds: Double = Environment.value("JOB_LEASE_SECONDS").flatMap(Double.init) ?? 30

    @Option(help: "trace, debug, info, notice, warning, error or critical (env CONTRACTSHIELD_LOG_LEVEL)")
    var logLevel: Logger.Level = Environment.value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

    @Option(help: "Directory of extra review rules in YAML that add to or override the built-in catalog (env CONTRACTSHIELD_PLAYBOOK)")
    var playbook: String? = Environment.value("PLAYBOOK")

    func run() async throws {
        let app = try await buildApplication(self)
        try await app.runService()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Reads `CONTRACTSHIELD_<NAME>` settings.
enum Environment {
    static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment["CONTRACTSHIELD_\(name)"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
