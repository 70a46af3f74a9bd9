import ContractShieldApp
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSCompression
import LoadGenerator
import Logging
import NIOSSL
import Realtime
import Testing

/// The guide's security and robustness advice, tried with real sockets: floods, caps, Origin, API keys, TLS.
@Suite(.timeLimit(.minutes(2))) struct RealtimeSecurityTests {
    /// The HTTP status the server refuses a handshake with before upgrading, or nil when it upgrades.
    private func handshakeRefusal(_ server: LiveServer, _ path: String, headers: [(String, String)] = []) async throws -> Int? {
        try await server.withPeers { peers in
            do {
                let peer = try await peers.connect(path, peer: WebSocketPeer(), headers: headers).get()
                try await peer.onLoop { peer.close() }
                return nil
            } catch let refused as HandshakeRefused {
                return refused.status
            }
        }
    }

    @Test func aFloodingClientIsWarnedThenClosedWithPolicyViolation() async throws {
        var arguments = TestArguments()
        arguments.security.messagesPerSecond = 2
        arguments.security.messageBurst = 5
        try await withLiveServer(arguments) { server in
            let close = try await server.webSocket("/ws/test/flood") { ws in
                _ = try await ws.receive()
                for index in 0..<40 { try await ws.send("m\(index)") }
                var echoes = 0
                var warnings = 0
                while true {
                    guard let message = try? await ws.receive() else { break }
                    if message["type"] == "echo" { echoes += 1 }
                    if message == .object(#"{"type":"error","message":"消息过于频繁"}"#) { warnings += 1 }
                }
                #expect(echoes == 5, "the burst gets through")
                #expect(warnings == 1, "warned once, then closed")
            }
            #expect(close?.closeCode == .policyViolation)
        }
    }

    @Test func malformedMessagesGetASchemaError() async throws {
        try await withLiveServer { server in
            try await server.webSocket("/ws/health") { ws in
                _ = try await ws.receive()
                try await ws.send(#"{"type":"ping","timestamp":{"a":1}}"#)
                #expect(try await ws.receive() == .object(#"{"type":"error","message":"无效的消息格式: timestamp 须为数字或字符串"}"#))
            }
        }
    }

    @Test func handshakesBeyondTheConnectionCapAreRefusedBeforeUpgrading() async throws {
        var arguments = TestArguments()
        arguments.security.maxConnectionsPerIP = 2
        try await withLiveServer(arguments) { server in
            let gate = Gate(count: 2)
            let release = Gate(count: 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<2 {
                    group.addTask {
                        try await server.webSocket("/ws/test/held\(index)") { ws in
                            _ = try await ws.receive()
                            await gate.arrive()
                            await release.wait()
                        }
                    }
                }
                await gate.wait()
                #expect(try await handshakeRefusal(server, "/ws/health") == 503, "a third connection from one address is refused")
                await release.arrive()
                try await group.waitForAll()
            }
            // Closed connections give their slots back.
            try await server.webSocket("/ws/test/after") { ws in
                let welcome = try await ws.receive()
                #expect(welcome["type"] == "welcome")
            }
        }
    }

    @Test func foreignOriginsAreRefusedAndAllowedOnesGetCORS() async throws {
        var arguments = TestArguments()
        arguments.security.allowedOrigins = ["https://review.example.com"]
        try await withLiveServer(arguments) { server in
            let python = try PythonEnvironment.interpreter()
            for (origin, outcome) in [("https://evil.example", "403"), ("https://review.example.com", "upgraded"),
                                      ("http://localhost:3000", "upgraded"), ("null", "403")] {
                let (_, printed) = try await PythonEnvironment.run(
                    python, script: "Tests/GuideClients/ws_handshake.py",
                    arguments: ["ws://127.0.0.1:\(server.port)/ws/health", origin])
                #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == outcome, "Origin \(origin)")
            }
            let refused = try await server.client.executeRequest(
                uri: "/api/v1/tasks", method: .get, headers: [.origin: "https://evil.example"], body: nil)
            #expect(refused.status == .forbidden)
            #expect(JSONValue.parse(String(buffer: refused.body))?["code"] == "ORIGIN_NOT_ALLOWED")

            for origin in ["https://review.example.com", "http://localhost:5173"] {
                let allowed = try await server.client.executeRequest(uri: "/api/v1/tasks", method: .get, headers: [.origin: origin], body: nil)
                #expect(allowed.status == .ok)
                #expect(allowed.headers[.accessControlAllowOrigin] == origin)
            }
            let preflight = try await server.client.executeRequest(
                uri: "/api/v1/upload", method: .options,
                headers: [.origin: "https://review.example.com", .accessControlRequestMethod: "POST"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
        }
    }

    @Test func apiKeysGuardEveryCallAndEachKeySeesOnlyItsOwnTasks() async throws {
        var arguments = TestArguments()
        let keyFile = APIKeyFile(path: arguments.dataDir + "/keys.json")
        let (recordA, keyA) = try keyFile.add(name: "team A")
        let (_, keyB) = try keyFile.add(name: "team B")
        arguments.security.apiKeysFile = keyFile.url.path
        try await withLiveServer(arguments) { server in
            #expect(try await server.request(.get, "/health").0 == .ok, "health stays open")
            let (missing, body) = try await server.request(.get, "/api/v1/tasks")
            #expect(missing == .unauthorized)
            #expect(body["code"] == "UNAUTHORIZED")
            let wrong = try await server.client.executeRequest(
                uri: "/api/v1/tasks", method: .get, headers: [.authorization: "Bearer cs_wrong"], body: nil)
            #expect(wrong.status == .unauthorized)
            #expect(try await handshakeRefusal(server, "/ws/health") == 401, "no key, no upgrade")
            #expect(try await handshakeRefusal(server, "/ws/health?token=cs_wrong") == 401)
            #expect(try await handshakeRefusal(server, "/ws/health", headers: [("Authorization", "Bearer \(keyB)")]) == nil)

            let contract = try await server.client.executeRequest(
                uri: "/api/v1/upload?token=\(keyA)", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=XyZ"],
                body: ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n\(Samples.purchase)\r\n--XyZ--\r\n"))
            #expect(contract.status == .ok)
            let taskID = try #require(JSONValue.parse(String(buffer: contract.body))?["task_id"]?.int)

            let asA = try await server.client.executeRequest(
                uri: "/api/v1/upload/status/\(taskID)", method: .get, headers: [.authorization: "Bearer \(keyA)"], body: nil)
            #expect(asA.status == .ok)
            let asB = try await server.client.executeRequest(
                uri: "/api/v1/upload/status/\(taskID)", method: .get, headers: [.authorization: "Bearer \(keyB)"], body: nil)
            #expect(asB.status == .notFound, "another key's task looks missing")
            let listB = try await server.client.executeRequest(
                uri: "/api/v1/tasks", method: .get, headers: [.authorization: "Bearer \(keyB)"], body: nil)
            #expect(JSONValue.parse(String(buffer: listB.body))?["total"] == 0)

            let asKeyB = try await server.closingSession("/ws/review/\(taskID)?token=\(keyB)")
            #expect(asKeyB.messages == [.object(#"{"type":"error","message":"任务 \#(taskID) 不存在"}"#)])
            #expect(asKeyB.closeCode == 4404)
            try await server.webSocket("/ws/review/\(taskID)?token=\(keyA)") { ws in
                let hello = try await ws.receive()
                #expect(hello["type"] == "connection")
            }

            #expect(try keyFile.revoke(id: recordA.id))
            let revoked = try await server.client.executeRequest(
                uri: "/api/v1/tasks", method: .get, headers: [.authorization: "Bearer \(keyA)"], body: nil)
            #expect(revoked.status == .unauthorized, "a revoked key stops working at once")
        }
    }

    @Test func apiKeysNeverReachTheLogEvenAtDebugLevel() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-logs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let keyFile = APIKeyFile(path: dataDir + "/keys.json")
        let (_, key) = try keyFile.add(name: "logs")
        let process = try CLI.start([
            "serve", "--port", "0", "--data-dir", dataDir, "--api-keys-file", keyFile.url.path, "--log-level", "debug",
        ])
        defer { process.kill() }
        try await process.waitForOutput("listening on 127.0.0.1:", timeout: .seconds(60))
        let port = try #require(NodeProcess.port(in: process.output), "no port in:\n\(process.output)")
        let server = LiveServer(client: ProcessClient(port: port), port: port)

        #expect(try await server.request(.get, "/api/v1/tasks?token=\(key)").0 == .ok)
        #expect(try await server.request(.get, "/api/v1/tasks?page=1&token=\(key)x").0 == .unauthorized)
        #expect(try await handshakeRefusal(server, "/ws/health?token=\(key)") == nil)
        #expect(try await handshakeRefusal(server, "/ws/health", headers: [("Authorization", "Bearer \(key)")]) == nil)
        #expect(try await handshakeRefusal(server, "/ws/health?tok%65n=\(key)") == 401)
        try #require(try await eventually { process.output.components(separatedBy: "] request").count > 5 },
                     "each of the 5 requests is logged at debug level:\n\(process.output)")
        let log = process.output
        #expect(log.contains("path=/api/v1/tasks?token=***") && log.contains("path=/api/v1/tasks?page=1&token=***"), "\(log)")
        #expect(log.components(separatedBy: "path=/ws/health?token=***").count == 3, "a percent-encoded name is hidden too:\n\(log)")
        #expect(!log.contains(String(key.dropFirst(3))), "an API key in the log:\n\(log)")
    }

    @Test func pagesOpenedFromDiskMayConnectUntilAnAllowListIsConfigured() async throws {
        try await withLiveServer { server in
            let (_, printed) = try await PythonEnvironment.run(
                try PythonEnvironment.interpreter(), script: "Tests/GuideClients/ws_handshake.py",
                arguments: ["ws://127.0.0.1:\(server.port)/ws/health", "null"])
            #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "upgraded")
            let app = try await server.client.executeRequest(uri: "/app/", method: .get, headers: [:], body: nil)
            #expect(app.status == .ok, "/app/ serves the web app, no redirect loop")
            let bare = try await server.client.executeRequest(uri: "/app", method: .get, headers: [:], body: nil)
            #expect(bare.status == .movedPermanently)
            #expect(bare.headers[.location] == "/app/")
        }
    }

    @Test func compressedAndTLSConnectionsWork() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")

        var arguments = TestArguments()
        arguments.security.tlsCertificate = dir.appendingPathComponent("cert.pem").path
        arguments.security.tlsKey = dir.appendingPathComponent("key.pem").path
        let app = try await buildApplication(arguments)
        defer { try? FileManager.default.removeItem(atPath: arguments.dataDir) }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let close = try await WebSocketClient.connect(
                url: "wss://localhost:\(port)/ws/test/secure",
                configuration: .init(maxFrameSize: 1 << 20, extensions: [.perMessageDeflate(maxDecompressedFrameSize: 1 << 20)]), tlsConfiguration: tls,
                logger: Logger(label: "tls-test")
            ) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                guard case .text(let welcome)? = try await messages.next() else { throw TestFailure("no welcome over wss") }
                #expect(welcome.contains("欢迎客户端 secure"))
                let long = String(repeating: "合同条款", count: 2000)
                try await outbound.write(.text(long))
                guard case .text(let echo)? = try await messages.next() else { throw TestFailure("no echo over wss") }
                #expect(JSONValue.parse(echo)?["original_message"] == .string(long), "a compressed frame round-trips")
            }
            #expect(close == nil || close?.closeCode == .normalClosure)
        }
    }
}
