import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Realtime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `contractshield ws …`: the guide's command-line WebSocket test tool (test_websocket.py) —
/// ping `/ws/health`, watch `/ws/review/{id}`, echo through `/ws/test/{client_id}`.
struct WSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ws", abstract: "WebSocket 测试工具：健康检查 ping、监听审查进度、回显测试",
        subcommands: [Ping.self, Watch.self, Echo.self])
}

/// `--server` and `--token`, shared by the client commands (`ws`, `submit`).
struct ClientOptions: ParsableArguments {
    @Option(help: "服务器地址")
    var server = "http://127.0.0.1:8000"
    @Option(help: "访问令牌：REST 请求以 Authorization: Bearer 发送，WebSocket 以 ?token= 发送（默认读取 CONTRACTSHIELD_TOKEN）")
    var token: String?

    func client() throws -> APIClient {
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("无效的服务器地址: \(server)（示例: http://127.0.0.1:8000）")
        }
        let fromEnvironment = ProcessInfo.processInfo.environment["CONTRACTSHIELD_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return APIClient(base: url, token: token ?? fromEnvironment)
    }
}

extension WSCommand {
    struct Ping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ping", abstract: "连接 /ws/health，发送 ping 并显示 pong 的往返时间")

        @OptionGroup var options: ClientOptions
        @Option(name: .shortAndLong, help: "发送 ping 的次数")
        var count = 3
        @Option(help: "两次 ping 之间的间隔（秒）")
        var interval = 1.0

        func run() async throws {
            let api = try options.client()
            let url = api.webSocketURL("/ws/health")
            let count = max(1, count)
            let pause = Duration.milliseconds(Int64(max(0, interval) * 1000))
            let results = ResultBox<[Double]>([])
            say("连接 \(url)")
            try await exitingOnConnectionFailure {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20), logger: quietLogger
                ) { inbound, outbound, _ in
                    var frames = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    guard let greeting = try await frames.next() else { return }
                    say("← \(greeting.text)")
                    var rtts: [Double] = []
                    for index in 1...count {
                        let stamp = Int64(Date().timeIntervalSince1970 * 1000) + Int64(index)
                        let ping = #"{"type":"ping","timestamp":\#(stamp)}"#
                        let clock = ContinuousClock()
                        let sent = clock.now
                        try await outbound.write(.text(ping))
                        say("→ \(ping)")
                        while let frame = try await frames.next() {
                            let json = JSONValue.parse(frame.text)
                            guard json?["type"] == "pong", json?["timestamp"] == .integer(stamp) else {
                                say("← \(frame.text)")
                                continue
                            }
                            let rtt = (clock.now - sent).milliseconds
                            rtts.append(rtt)
                            say("← \(frame.text)  往返 \(String(format: "%.2f", rtt)) ms")
                            break
                        }
                        if index < count { try await Task.sleep(for: pause) }
                    }
                    await results.set(rtts)
                }
                let rtts = await results.value
                if rtts.count < count {
                    say("连接在收到全部 pong 之前关闭\(close.map { "（代码 \($0.code)）" } ?? "")")
                    throw ExitCode.failure
                }
                let sorted = rtts.sorted()
                say(String(format: "%d 个 pong，往返 最小 %.2f ms，平均 %.2f ms，最大 %.2f ms",
                             rtts.count, sorted.first!, rtts.reduce(0, +) / Double(rtts.count), sorted.last!))
            }
        }
    }

    struct Echo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "连接 /ws/test/{client_id}，发送消息并显示服务器的回显")

        @OptionGroup var options: ClientOptions
        @Argument(help: "客户端ID（1–64 个字母、数字、_ - .）")
        var clientID: String
        @Argument(help: "要发送的消息（默认发送一条测试消息；“-”表示从标准输入逐行读取）")
        var messages: [String] = []

        func run() async throws {
            let api = try options.client()
            let path = "/ws/test/" + (clientID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? clientID)
            let url = api.webSocketURL(path)
            var texts = messages.isEmpty ? ["你好，ContractShield（来自 contractshield ws test）"] : messages
            if texts == ["-"] {
                texts = []
                while let line = readLine() { texts.append(line) }
            }
            let outgoing = texts
            let echoed = ResultBox(0)
            say("连接 \(url)")
            try await exitingOnConnectionFailure {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20), logger: quietLogger
                ) { inbound, outbound, _ in
                    var frames = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    guard let welcome = try await frames.next() else { return }
                    say("← \(welcome.text)")
                    if JSONValue.parse(welcome.text)?["type"] != "welcome" { return }
                    var count = 0
                    for text in outgoing {
                        try await outbound.write(.text(text))
                        say("→ \(text)")
                        guard let echo = try await frames.next() else { break }
                        say("← \(echo.text)")
                        if JSONValue.parse(echo.text)?["original_message"] == .string(text) { count += 1 }
                    }
                    await echoed.set(count)
                }
                let count = await echoed.value
                if count < outgoing.count {
                    say("只收到 \(count)/\(outgoing.count) 条回显\(close.map { "，连接关闭（代码 \($0.code)\($0.reason.map { " \($0)" } ?? "")）" } ?? "")")
                    throw ExitCode.failure
                }
                say("收到全部 \(count) 条回显")
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch",
            abstract: "监听 /ws/review/{task_id} 的审查进度，断线后以指数退避重连并用 ?since= 续传",
            discussion: "审查完成时退出码为 0，审查失败、任务不存在或无法连接时为 1。")

        @OptionGroup var options: ClientOptions
        @Argument(help: "任务ID")
        var taskID: Int64
        @Flag(help: "打印收到的每一条原始消息")
        var raw = false
        @Option(help: "心跳间隔（秒）")
        var heartbeat = 30
        @Option(help: "最多连续重连次数")
        var retries = 10

        func run() async throws {
            let api = try options.client()
            // Only the task's current (or next) run counts: an earlier run's `complete` must not end the watch.
            var minRun: Int64 = 1
            do {
                let task = try await api.get("/api/v1/tasks/\(taskID)")
                let run = task["run"]?.int64 ?? 0
                let status = task["status"]?.stringValue ?? ""
                minRun = ["PENDING", "READY"].contains(status) ? run + 1 : max(run, 1)
                say("任务 #\(taskID)：\(task["filename"]?.stringValue ?? "")，状态 \(status)")
                if ["PENDING", "READY"].contains(status) { say("等待审查开始…") }
            } catch {
                say("无法读取任务 #\(taskID)：\(describe(error))")
                throw ExitCode.failure
            }
            let watcher = ReviewWatcher(
                api: api, taskID: taskID, minRun: minRun, heartbeat: .seconds(max(1, heartbeat)),
                maxAttempts: max(0, retries), raw: raw)
            let outcome = try await watcher.run()
            if !outcome.succeeded { throw ExitCode.failure }
        }
    }
}

// MARK: - Watching a review over a connection that may drop

/// How a watched review ended.
struct ReviewOutcome {
    let event: JSONValue
    var succeeded: Bool { event["stage"] == "complete" }
    var message: String { event["message"]?.stringValue ?? "" }
}

/// Follows `/ws/review/{id}`: every event once and in order, across dropped connections (exponential
/// backoff with jitter, resuming with `?since=<last seq>`), a heartbeat every `heartbeat`, and a progress bar.
struct ReviewWatcher {
    let api: APIClient
    let taskID: Int64
    /// Events of earlier runs are skipped.
    var minRun: Int64 = 1
    var heartbeat: Duration = .seconds(30)
    var maxAttempts = 10
    var raw = false
    var baseDelay: Duration = .milliseconds(500)
    var maxDelay: Duration = .seconds(30)

    private final class State: @unchecked Sendable {
        // Only touched from the one connection handler running at a time.
        var lastSeq: Int64 = 0
        var terminal: JSONValue?
        var connected = false
        var fatal: String?
    }

    func run() async throws -> ReviewOutcome {
        let state = State()
        let bar = ProgressBar()
        var attempt = 0
        while true {
            state.connected = false
            var url = api.webSocketURL("/ws/review/\(taskID)")
            url += (url.contains("?") ? "&" : "?") + "since=\(state.lastSeq)"
            var reason = ""
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 24), logger: quietLogger
                ) { [raw, heartbeat, minRun] inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            while true {
                                try await Task.sleep(for: heartbeat)
                                let stamp = Int64(Date().timeIntervalSince1970 * 1000)
                                try await outbound.write(.text(#"{"type":"heartbeat","timestamp":\#(stamp)}"#))
                            }
                        }
                        group.addTask {
                            for try await message in inbound.messages(maxSize: 1 << 24) {
                                let text = message.text
                                if raw { bar.note("← \(text)") }
                                guard let json = JSONValue.parse(text) else { continue }
                                if json["type"] == "connection" {
                                    state.connected = true
                                    continue
                                }
                                if json["type"] == "error", json["seq"] == nil {
                                    // 任务不存在 / 无效的任务ID: the server closes right after.
                                    state.fatal = json["message"]?.stringValue
                                    continue
                                }
                                guard let seq = json["seq"]?.int64, json["stage"]?.stringValue != nil else { continue }
                                guard seq > state.lastSeq else { continue }  // never twice
                                state.lastSeq = seq
                                if let run = json["run"]?.int64, run < minRun { continue }
                                bar.show(json)
                                let stage = json["stage"]?.stringValue ?? ""
                                if ["complete", "failed", "cancelled"].contains(stage) || json["type"] == "error" {
                                    state.terminal = json
                                    return
                                }
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
                if let terminal = state.terminal {
                    bar.finish(terminal)
                    return ReviewOutcome(event: terminal)
                }
                if let close {
                    let code = close.code
                    if [1008, 4400, 4401, 4403, 4404].contains(code) {
                        bar.note("无法监听任务 #\(taskID)：\(state.fatal ?? close.reason ?? "连接被拒绝")（关闭代码 \(code)）")
                        return ReviewOutcome(event: .object([("type", "error"), ("stage", "failed"), ("message", .string(state.fatal ?? "连接被拒绝"))]))
                    }
                    reason = "连接已关闭（代码 \(code)）"
                } else {
                    reason = "连接已断开"
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                reason = "连接失败：\(describe(error))"
            }
            if state.connected { attempt = 0 }
            attempt += 1
            if attempt > maxAttempts {
                bar.note("\(reason)，已重试 \(maxAttempts) 次，放弃")
                return ReviewOutcome(event: .object([("type", "error"), ("stage", "failed"), ("message", .string(reason))]))
            }
            let delay = Self.backoff(attempt: attempt, base: baseDelay, max: maxDelay)
            bar.note("\(reason)，\(String(format: "%.1f", delay.milliseconds / 1000)) 秒后第 \(attempt) 次重连（从 seq \(state.lastSeq) 之后继续）")
            try await Task.sleep(for: delay)
        }
    }

    /// Exponential backoff with "equal jitter": half of each step fixed, half random.
    static func backoff(attempt: Int, base: Duration, max: Duration) -> Duration {
        let step = min(max.milliseconds, base.milliseconds * pow(2, Double(Swift.max(0, attempt - 1))))
        return .milliseconds(Int64(step / 2 + Double.random(in: 0...(step / 2))))
    }
}

/// The progress line: redrawn in place on a terminal, one line per stage otherwise (logs, pipes, tests).
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDOUT_FILENO) != 0
    private var lineOpen = false
    private var lastStage: String?

    static let stageLabels = [
        "queued": "排队", "extracting": "读取文本", "segmenting": "拆分条款", "entities": "识别主体",
        "analyzing": "分析条款", "reporting": "生成报告", "complete": "完成", "failed": "失败", "cancelled": "已取消",
    ]

    func show(_ event: JSONValue) {
        lock.withLock {
            let stage = event["stage"]?.stringValue ?? "?"
            let percent = Int(event["progress"]?.int64 ?? 0)
            let message = event["message"]?.stringValue ?? ""
            let label = Self.stageLabels[stage] ?? stage
            let width = 30
            let filled = Swift.max(0, Swift.min(width, percent * width / 100))
            if interactive {
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                print("\r\u{1B}[2K[\(bar)] \(String(format: "%3d", percent))%  \(label)  \(message)", terminator: "")
                fflush(nil)
                lineOpen = true
            } else if stage != lastStage || percent == 100 {
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                say("[\(bar)] \(String(format: "%3d", percent))%  \(stage) \(label)  \(message)")
            }
            lastStage = stage
        }
    }

    func note(_ text: String) {
        lock.withLock {
            if lineOpen { say(""); lineOpen = false }
            say(text)
            fflush(nil)
        }
    }

    func finish(_ event: JSONValue) {
        lock.withLock {
            if lineOpen { say(""); lineOpen = false }
            fflush(nil)
        }
        if event["stage"] == "complete" {
            note("审查完成")
        } else {
            note("审查未完成：\(event["message"]?.stringValue ?? "未知错误")")
        }
    }
}

// MARK: - Small helpers shared with SubmitCommand

let quietLogger: Logger = {
    var logger = Logger(label: "contractshield-client")
    logger.logLevel = .critical
    return logger
}()

actor ResultBox<Value: Sendable> {
    private(set) var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { value = newValue }
}

/// Prints a line and flushes at once: output piped to a log or a test shows up as it happens.
func say(_ line: String = "") {
    print(line)
    fflush(nil)
}

/// Runs a client session; an error other than a deliberate exit code is reported as a failed connection.
func exitingOnConnectionFailure(_ session: () async throws -> Void) async throws {
    do {
        try await session()
    } catch let error as ExitCode {
        throw error
    } catch {
        say("连接失败: \(describe(error))")
        throw ExitCode.failure
    }
}

func describe(_ error: any Error) -> String {
    if let failure = error as? APIClient.Failure { return failure.description }
    let text = String(describing: error)
    if text.contains("Connection refused") { return "连接被拒绝（服务器未运行或地址有误）" }
    if text.contains("upgrade failed") { return "WebSocket 握手被拒绝（缺少或错误的 --token？）" }
    if text.contains("connectTimeout") || text.contains("timed out") { return "连接超时" }
    return text
}

extension WebSocketMessage {
    var text: String {
        switch self {
        case .text(let text): text
        case .binary(let buffer): "[二进制 \(buffer.readableBytes) 字节]"
        }
    }
}

extension WebSocketCloseFrame {
    var code: Int { Int(UInt16(webSocketErrorCode: closeCode)) }
}

extension Duration {
    var milliseconds: Double { seconds * 1000 }
}

extension JSONValue {
    var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
