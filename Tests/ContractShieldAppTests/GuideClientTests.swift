import Foundation
import Testing

/// The guide's own Python client, unmodified, against the live server over a real review.
@Suite(.timeLimit(.minutes(2))) struct GuideClientTests {
    @Test func theGuidesPythonClientSeesConnectionProgressAndComplete() async throws {
        let python = try PythonEnvironment.interpreter()
        let contract = FileManager.default.temporaryDirectory.appendingPathComponent("guide-\(UUID().uuidString).txt")
        try Data(Samples.purchase.utf8).write(to: contract)
        defer { try? FileManager.default.removeItem(at: contract) }
        try await withLiveServer { server in
            let (status, output) = try await PythonEnvironment.run(
                python, script: "Tests/GuideClients/run_guide_client.py",
                arguments: ["http://127.0.0.1:\(server.port)", contract.path, "buyer"])
            #expect(status == 0, "guide client output:\n\(output)")
            #expect(output.contains("进度更新: complete - 100% - 审查完成"))
        }
    }
}

/// The project's Python venv (made by scripts/setup.sh), for running real third-party clients.
enum PythonEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func interpreter() throws -> URL {
        let path = ProcessInfo.processInfo.environment["CONTRACTSHIELD_PYTHON"]
            ?? packageRoot.appendingPathComponent(".venv/bin/python3").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("no Python venv at \(path): run scripts/setup.sh (it installs websockets<14 into .venv)")
        }
        return URL(fileURLWithPath: path)
    }

    /// Runs a script from the package root off the cooperative pool and returns its exit status and output.
    static func run(_ python: URL, script: String, arguments: [String]) async throws -> (Int32, String) {
        try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = python
            process.arguments = [packageRoot.appendingPathComponent(script).path] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.terminationHandler = { finished in
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: (finished.terminationStatus, output))
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
}
