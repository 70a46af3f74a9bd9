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

    @Option(help: "Database URL, e.g. sqlite:///var/lib/contractshield/db.sqlite; default: SQLite under --data-dir (env CONTRACTSHIELD_DATABASE)")
    var database: String? = Environment.value("DATABASE")

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
