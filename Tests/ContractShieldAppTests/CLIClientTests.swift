import Foundation
import Testing

/// The built `contractshield` binary's client commands (`submit`, `ws ping|test|watch`) against the live server.
@Suite(.timeLimit(.minutes(2))) struct CLIClientTests {
    @Test func submitUploadsConfirmsReviewsAndPrintsTheSummary() async throws {
        let contract = try CLI.temporaryFile("submit.txt", Data(Samples.purchase.utf8))
        let report = CLI.temporaryURL("report.txt")
        defer { try? FileManager.default.removeItem(at: contract); try? FileManager.default.removeItem(at: report) }
        try await withLiveServer { server in
            let run = try await CLI.run(
                ["submit", contract.path, "--role", "buyer", "--type", "purchase", "--export", "txt", "-o", report.path],
                server: server)
            #expect(run.status == 0, "submit output:\n\(run.output)")
            #expect(run.output.contains("任务 #"), "\(run.output)")
            #expect(run.output.contains("审查立场：买方"), "\(run.output)")
            #expect(run.output.contains("100%"), "the progress reaches 100%:\n\(run.output)")
            #expect(run.output.contains("审查完成"), "\(run.output)")
            #expect(run.output.contains("总体评估："), "\(run.output)")
            #expect(run.output.contains("主要风险"), "\(run.output)")
            let body = try String(contentsOf: report, encoding: .utf8)
            #expect(!body.isEmpty, "the exported TXT report is empty")
        }
    }

    @Test func submitExportsAPDFWhenTheServerCanRenderOne() async throws {
        let contract = try CLI.temporaryFile("submit.txt", Data(Samples.purchase.utf8))
        let report = CLI.temporaryURL("report.pdf")
        defer { try? FileManager.default.removeItem(at: contract); try? FileManager.default.removeItem(at: report) }
        try await withLiveServer { server in
            let run = try await CLI.run(
                ["submit", contract.path, "--role", "buyer", "--export", "pdf", "-o", report.path], server: server)
            if run.status != 0, run.output.contains("暂不支持导出PDF") {
                print("note: the server cannot render PDF reports yet; submit reported it and exited \(run.status)")
                return
            }
            #expect(run.status == 0, "submit output:\n\(run.output)")
            let head = try FileHandle(forReadingFrom: report).read(upToCount: 5) ?? Data()
            #expect(head.starts(with: Data("%PDF".utf8)), "not a PDF: \(head)")
        }
    }

    @Test func submitExitsNonZeroWhenTheRoleIsInvalid() async throws {
        let contract = try CLI.temporaryFile("submit.txt", Data(Samples.purchase.utf8))
        defer { try? FileManager.default.removeItem(at: contract) }
        try await withLiveServer { server in
            let run = try await CLI.run(["submit", contract.path, "--role", "astronaut"], server: server)
            #expect(run.status != 0, "submit output:\n\(run.output)")
            #expect(run.output.contains("无效的立场"), "\(run.output)")
        }
    }

    @Test func submitExitsNonZeroWhenTheServerIsDown() async throws {
        let contract = try CLI.temporaryFile("submit.txt", Data(Samples.purchase.utf8))
        defer { try? FileManager.default.removeItem(at: contract) }
        let run = try await CLI.run(["submit", contract.path, "--role", "buyer", "--server", "http://127.0.0.1:1"])
        #expect(run.status != 0, "submit output:\n\(run.output)")
        #expect(run.output.contains("提交失败"), "\(run.output)")
    }

    @Test func wsPingPrintsPongsWithRoundTrips() async throws {
        try await withLiveServer { server in
            let run = try await CLI.run(["ws", "ping", "--count", "2", "--interval", "0.05"], server: server)
            #expect(run.status == 0, "ws ping output:\n\(run.output)")
            #expect(run.output.contains(#""type":"health""#), "\(run.output)")
            #expect(run.output.components(separatedBy: #""type":"pong""#).count - 1 == 2, "\(run.output)")
            #expect(run.output.contains("2 个 pong"), "\(run.output)")
        }
    }

    @Test func wsTestPrintsTheEcho() async throws {
        try await withLiveServer { server in
            let run = try await CLI.run(["ws", "test", "cli_client_1", "你好", #"{"type":"x"}"#], server: server)
            #expect(run.status == 0, "ws test output:\n\(run.output)")
            #expect(run.output.contains(#""type":"welcome""#), "\(run.output)")
            #expect(run.output.contains("收到全部 2 条回显"), "\(run.output)")
        }
    }

    @Test func wsWatchFollowsAReviewStartedWhileWatching() async throws {
        try await withLiveServer { server in
            let taskID = try await server.readyTask()
            let watch = try CLI.start(["ws", "watch", String(taskID), "--server", "http://127.0.0.1:\(server.port)"])
            // A watcher left connected would keep the server from shutting down at the end of the test.
            defer { watch.terminate() }
            try await watch.waitForOutput("等待审查开始")
            let (status, _) = try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
            #expect(status == .ok)
            let run = try await watch.finish()
            #expect(run.status == 0, "ws watch output:\n\(run.output)")
            for stage in ["queued", "analyzing", "complete"] {
                #expect(run.output.contains(stage), "stage \(stage) missing:\n\(run.output)")
            }
            #expect(run.output.contains("100%"), "\(run.output)")
        }
    }

    @Test func wsWatchOfAnUnknownTaskExitsNonZero() async throws {
        try await withLiveServer { server in
            let run = try await CLI.run(["ws", "watch", "987654"], server: server)
            #expect(run.status != 0, "ws watch output:\n\(run.output)")
            #expect(run.output.contains("987654"), "\(run.output)")
        }
    }
}

/// Runs the built `contractshield` binary.
enum CLI {
    struct Run {
        let status: Int32
        let output: String
    }

    /// `.build/…/debug/contractshield`: beside the test bundle, else under the package's .build.
    static func binary() throws -> URL {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["CONTRACTSHIELD_BINARY"] { candidates.append(override) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for directory in sequence(first: testBinary.deletingLastPathComponent(), next: { $0.path == "/" ? nil : $0.deletingLastPathComponent() }).prefix(4) {
            candidates.append(directory.appendingPathComponent("contractshield").path)
        }
        candidates.append(PythonEnvironment.packageRoot.appendingPathComponent(".build/debug/contractshield").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestFailure("no contractshield binary (looked at \(candidates)); run swift build first")
        }
        return URL(fileURLWithPath: found)
    }

    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)-\(name)")
    }

    static func temporaryFile(_ name: String, _ data: Data) throws -> URL {
        let url = temporaryURL(name)
        try data.write(to: url)
        return url
    }

    static func run(_ arguments: [String], server: LiveServer? = nil, timeout: Duration = .seconds(60)) async throws -> Run {
        var arguments = arguments
        if let server, !arguments.contains("--server") { arguments += ["--server", "http://127.0.0.1:\(server.port)"] }
        let process = try start(arguments)
        return try await process.finish(timeout: timeout)
    }

    static func start(_ arguments: [String]) throws -> Running {
        try Running(executable: binary(), arguments: arguments)
    }

    /// A child process whose combined output is collected as it comes (no pipe can fill up).
    final class Running: @unchecked Sendable {
        private let process = Process()
        private let pipe = Pipe()
        private let lock = NSLock()
        private var collected = Data()
        private var exited = false
        private var endOfFile = false

        init(executable: URL, arguments: [String]) throws {
            process.executableURL = executable
            process.arguments = arguments
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "CONTRACTSHIELD_TOKEN")
            process.environment = environment
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let chunk = handle.availableData
                if chunk.isEmpty {  // end of file: stop, or the handler is called again and again
                    handle.readabilityHandler = nil
                    self?.lock.withLock { self?.endOfFile = true }
                    return
                }
                guard let self else { return }
                self.lock.withLock { self.collected.append(chunk) }
            }
            process.terminationHandler = { [weak self] _ in
                guard let self else { return }
                self.lock.withLock { self.exited = true }
            }
            try process.run()
        }

        func terminate() {
            if process.isRunning { process.terminate() }
        }

        /// SIGKILL: the process dies at once, without closing its sockets or handing anything back.
        func kill() {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }

        var output: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }
        private var hasExited: Bool { lock.withLock { exited } }

        func waitForOutput(_ text: String, timeout: Duration = .seconds(20)) async throws {
            let deadline = ContinuousClock.now + timeout
            while !output.contains(text) {
                if hasExited || ContinuousClock.now > deadline {
                    throw TestFailure("never printed \(text):\n\(output)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func finish(timeout: Duration = .seconds(60)) async throws -> Run {
            let deadline = ContinuousClock.now + timeout
            while !hasExited {
                if ContinuousClock.now > deadline {
                    process.terminate()
                    throw TestFailure("\(process.arguments ?? []) did not finish within \(timeout):\n\(output)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            process.waitUntilExit()
            // Let the handler pick up the rest of the output (it stops itself at end of file).
            let drained = ContinuousClock.now + .seconds(5)
            while !lock.withLock({ endOfFile }), ContinuousClock.now < drained {
                try await Task.sleep(for: .milliseconds(10))
            }
            return Run(status: process.terminationStatus, output: output)
        }
    }
}
