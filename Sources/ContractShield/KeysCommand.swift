import ArgumentParser
import ContractShieldApp
import Foundation

/// `contractshield keys add|list|revoke`: manage the API key file the server reads with `--api-keys-file`.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "管理 API 密钥（仅保存哈希）", subcommands: [Add.self, List.self, Revoke.self])

    struct FileOption: ParsableArguments {
        @Option(name: .customLong("file"), help: "API key file (env CONTRACTSHIELD_API_KEYS_FILE)")
        var path: String = Environment.value("API_KEYS_FILE") ?? "./data/api-keys.json"

        var keyFile: APIKeyFile { APIKeyFile(path: path) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once")
        @OptionGroup var file: FileOption
        @Option(help: "Who or what the key is for") var name: String

        func run() throws {
            let (record, key) = try file.keyFile.add(name: name)
            print("id:  \(record.id)")
            print("key: \(key)")
            print("保存好这个密钥：服务器只存它的哈希，之后无法再次显示。")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never the keys themselves)")
        @OptionGroup var file: FileOption

        func run() throws {
            for record in try file.keyFile.load() {
                let state = record.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                print("\(record.id)\t\(record.name)\tcreated \(record.createdAt.formatted(.iso8601))\t\(state)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; the server stops accepting it at once")
        @OptionGroup var file: FileOption
        @Argument var id: String

        func run() throws {
            guard try file.keyFile.revoke(id: id) else { throw ValidationError("no key with id \(id)") }
            print("revoked \(id)")
        }
    }
}
