import ContractShieldApp
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import LoadGenerator
import Logging
import Realtime
import Testing

/// The server's arguments for a test: its own temp data directory and an ephemeral port.
struct TestArguments: AppArguments {
    var host = "127.0.0.1"
    var port = 0
    var dataDir: String
    var database: String? = nil
    var logLevel: Logger.Level = .warning
    var playbook: String? = nil
    var security = SecuritySettings()

    init(dataDir: String = FileManager.default.temporaryDirectory.appendingPathComponent("cs-app-\(UUID().uuidString)").path) {
        self.dataDir = dataDir
    }
}

/// Runs `body` against the real server on a real socket, then removes its data.
func withLiveServer(
    _ arguments: TestArguments = TestArguments(), keepData: Bool = false,
    _ body: @escaping @Sendable (LiveServer) async throws -> Void
) async throws {
    defer { if !keepData { try? FileManager.default.removeItem(atPath: arguments.dataDir) } }
    let app = try await buildApplication(arguments)
    try await app.test(.live) { client in
        try await body(LiveServer(client: InProcessClient(base: client), port: try #require(client.port)))
    }
}

/// An HTTP answer as a test sees it.
struct TestReply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer
}

/// How a test's REST requests reach a server.
protocol TestHTTPClient: Sendable {
    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestReply
}

/// An application running in this process, through HummingbirdTesting's live client.
struct InProcessClient: TestHTTPClient {
    let base: any TestClientProtocol

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestReply {
        let response = try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
        return TestReply(status: response.status, headers: response.headers, body: response.body)
    }
}

/// A server in another process: a fresh connection per request, so a request never rides on a connection to a
/// node that has since been killed.
struct ProcessClient: TestHTTPClient {
    let port: Int

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestReply {
        try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60))) { client in
            let response = try await client.execute(.init(uri, method: method, authority: "localhost", headers: headers, body: body))
            return TestReply(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer())
        }
    }
}

/// What a test talks to: REST through a `TestHTTPClient`, WebSockets through HummingbirdWSClient.
struct LiveServer: Sendable {
    let client: any TestHTTPClient
    let port: Int

    /// A request whose body is JSON; answers the status and the parsed JSON body.
    @discardableResult
    func request(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: json == nil ? [:] : [.contentType: "application/json"],
            body: json.map { ByteBuffer(string: $0) })
        return (response.status, JSONValue.parse(String(buffer: response.body)) ?? .null)
    }

    /// `POST /api/v1/upload` with a multipart body.
    func upload(_ data: Data, filename: String, contractType: String? = nil, field: String = "file") async throws -> (HTTPResponse.Status, JSONValue) {
        let boundary = "----cs\(UUID().uuidString)"
        var body = Data()
        if let contractType {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"contract_type\"\r\n\r\n\(contractType)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let response = try await client.executeRequest(
            uri: "/api/v1/upload", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(bytes: body))
        return (response.status, JSONValue.parse(String(buffer: response.body)) ?? .null)
    }

    /// Uploads a contract and confirms the role; returns the task id of a READY task.
    func readyTask(_ text: String = Samples.purchase, role: String = "buyer", contractType: String? = "purchase") async throws -> Int64 {
        let (status, body) = try await upload(Data(text.utf8), filename: "contract.txt", contractType: contractType)
        try #require(status == .ok, "upload answered \(status): \(body.serialized())")
        guard case .integer(let taskID)? = body["task_id"] else { throw TestFailure("upload gave no task_id: \(body.serialized())") }
        let (confirmed, answer) = try await request(.post, "/api/v1/confirm_roles", json: #"{"task_id":\#(taskID),"role":"\#(role)"}"#)
        try #require(confirmed == .ok, "confirm_roles answered \(confirmed): \(answer.serialized())")
        return taskID
    }

    /// Polls the result until the task leaves PROCESSING.
    func finishedResult(_ taskID: Int64, within patience: Duration = .seconds(12)) async throws -> JSONValue {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            let (_, body) = try await request(.get, "/api/v1/review/\(taskID)")
            if body["status"] != .string("PROCESSING") { return body }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("task \(taskID) still PROCESSING after \(patience)")
    }

    /// A WebSocket the server closes at once (refusals), through Python's `websockets` client: the messages
    /// received and the close code.
    func closingSession(_ path: String, sending frames: [String] = []) async throws -> (messages: [JSONValue], closeCode: Int?) {
        let (_, output) = try await PythonEnvironment.run(
            try PythonEnvironment.interpreter(), script: "Tests/GuideClients/ws_session.py",
            arguments: ["ws://127.0.0.1:\(port)\(path)"] + frames)
        var messages: [JSONValue] = []
        var code: Int?
        for line in output.split(separator: "\n").map(String.init) {
            if line.hasPrefix("CLOSE ") { code = Int(line.dropFirst(6)) } else if let json = JSONValue.parse(line) { messages.append(json) }
        }
        return (messages, code)
    }

    /// Opens a WebSocket, lets `body` converse on it, and returns the close frame the server sent (if any).
    @discardableResult
    func webSocket(_ path: String, _ body: @escaping @Sendable (Conversation) async throws -> Void) async throws -> WebSocketCloseFrame? {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", logger: Logger(label: "test-ws")) { inbound, outbound, _ in
            try await body(Conversation(inbound: inbound, outbound: outbound))
        }
    }
}

extension LiveServer {
    /// The server's `GET /metrics`.
    func metrics() async throws -> PrometheusText {
        let response = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
        return PrometheusText(String(buffer: response.body))
    }

    /// Raw WebSocket peers (LoadGenerator, swift-nio) for what HummingbirdWSClient cannot do: stop reading, or open
    /// thousands of connections cheaply.
    func withPeers<Result: Sendable>(_ body: (LoadClient) async throws -> Result) async throws -> Result {
        let peers = LoadClient(host: "127.0.0.1", port: port, threads: 1)
        do {
            let result = try await body(peers)
            try await peers.shutdown()
            return result
        } catch {
            try? await peers.shutdown()
            throw error
        }
    }
}

/// A raw peer that keeps the text of every frame after the greeting.
final class RecordingPeer: WebSocketPeer, @unchecked Sendable {
    private(set) var texts: [String] = []

    override func received(text: ByteBuffer, at nanoseconds: UInt64) {
        texts.append(String(buffer: text))
    }
}

/// Asks `condition` every 50 ms until it holds or `timeout` has passed; answers whether it held.
func eventually(within timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// One side of a WebSocket conversation in a test.
final class Conversation {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
        self.outbound = outbound
    }

    func send(_ text: String) async throws {
        try await outbound.write(.text(text))
    }

    /// The next text message as JSON; fails the test if the server closed instead.
    func receive(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        guard let message = try await messages.next() else {
            throw TestFailure("the server closed the connection instead of answering")
        }
        guard case .text(let text) = message, let json = JSONValue.parse(text) else {
            throw TestFailure("expected a JSON text message, got \(message)")
        }
        return json
    }

    /// Waits for the server to close; fails if it sends anything else first.
    func expectClose() async throws {
        if let message = try await messages.next() {
            throw TestFailure("expected the server to close, got \(message)")
        }
    }

    /// Every message until the connection ends, however it ends: a killed server just drops it.
    func receiveUntilDropped() async -> [JSONValue] {
        var received: [JSONValue] = []
        while let message = try? await messages.next() {
            if case .text(let text) = message, let json = JSONValue.parse(text) { received.append(json) }
        }
        return received
    }

    /// Receives messages until one satisfies `stop`, returning all of them.
    func receive(until stop: (JSONValue) -> Bool) async throws -> [JSONValue] {
        var received: [JSONValue] = []
        while true {
            let message = try await receive()
            received.append(message)
            if stop(message) { return received }
        }
    }
}

/// A value a test's concurrent closures hand back to it.
actor Box<Value: Sendable> {
    private(set) var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { value = newValue }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    var int: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    static func object(_ text: String) -> JSONValue { JSONValue.parse(text)! }
}

/// Contract texts written for the tests (not from the scoring corpus).
enum Samples {
    static let purchase = """
        设备采购合同

        甲方（买方）：北京青松精密仪器有限公司
        统一社会信用代码：91110108MA01ABCD2X
        乙方（卖方）：天津远航工业设备有限公司

        第一条 标的与价款
        甲方向乙方采购数控机床贰台，合同总价款为人民币500,000.00元（大写：伍拾万元整）。

        第二条 付款方式
        甲方应于本合同签订之日起三日内一次性支付全部合同价款。

        第三条 交付与验收
        乙方于2025年6月30日前将设备运至甲方工厂。甲方应在收货后2日内完成验收，逾期未提出书面异议的，视为验收合格。

        第四条 违约责任
        甲方逾期付款的，每日按合同总价的1%支付违约金。任何一方违约的，应向守约方支付合同总价50%的违约金。
        因乙方原因造成甲方人身伤害或者财产损失的，乙方不承担任何责任。

        第五条 定金
        甲方应于合同签订后支付定金人民币150,000元。

        第六条 争议解决
        因本合同引起的争议，提交北京仲裁委员会仲裁，也可以向乙方所在地人民法院起诉。

        甲方（盖章）：北京青松精密仪器有限公司
        乙方（盖章）：天津远航工业设备有限公司
        """
}
