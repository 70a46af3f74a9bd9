import Foundation
import Logging

/// What `contractshield serve` and the tests configure; both build the same application from it.
public protocol AppArguments: Sendable {
    var host: String { get }
    var port: Int { get }
    /// Where the database (by default) and uploaded files live.
    var dataDir: String { get }
    /// `sqlite:///absolute/path.db`, `sqlite://relative/path.db`; nil means SQLite under `dataDir`.
    var database: String? { get }
    var logLevel: Logger.Level { get }
    /// A directory of extra review rules (YAML) that add to or override the built-in catalog.
    var playbook: String? { get }
}

/// Where the task store lives, parsed from `--database`.
enum DatabaseLocation: Equatable {
    case sqlite(path: String)

    /// Parses a database URL; nil for schemes we do not support.
    init?(url: String?, dataDir: String) {
        guard let url, !url.isEmpty else {
            self = .sqlite(path: URL(fileURLWithPath: dataDir).appendingPathComponent("contractshield.sqlite").path)
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
