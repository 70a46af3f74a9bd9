import Foundation
import Testing

/// The independent readers the tests check the reports with: poppler's command-line tools and
/// python-docx. A missing one fails the test with what to install, never skips it.
enum ExternalTools {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The repository root (this file is `Tests/ReportsTests/ExternalTools.swift`), symlinks resolved
    /// so that a development package linking the test folder finds the same root.
    static let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let scripts = packageRoot.appendingPathComponent("Tests/ReportsTests/Scripts")

    /// `$CONTRACTSHIELD_PYTHON`, else the repository's `.venv`, else `python3` on the PATH.
    static func python() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["CONTRACTSHIELD_PYTHON"], !configured.isEmpty {
            return configured
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python3").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return try executable("python3", package: "python3")
    }

    /// The absolute path of `name` on the PATH, or a failure naming the Debian package to install.
    static func executable(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw MissingTool(
            message: "\(name) is not installed: run scripts/setup-reports.sh (or apt-get install \(package))")
    }

    struct MissingTool: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Runs `executable` with `arguments`, waiting for it to finish.
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        // stderr goes to a file, so a chatty tool cannot fill a second pipe nobody reads yet and block.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = stdout
        process.standardError = errorHandle
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, stdout: output, stderr: errors)
    }

    /// Runs a check script from `Tests/ReportsTests/Scripts` with python-docx; fails with its
    /// message when the script reports a problem, or with setup advice when python-docx is missing.
    static func runPythonCheck(_ script: String, _ arguments: [String]) throws -> String {
        let python = try python()
        let probe = try run(python, ["-c", "import docx"])
        guard probe.status == 0 else {
            throw MissingTool(
                message: "python-docx is not importable by \(python): run scripts/setup-reports.sh "
                    + "(creates .venv with python-docx) or set CONTRACTSHIELD_PYTHON")
        }
        let output = try run(python, [scripts.appendingPathComponent(script).path] + arguments)
        if output.status != 0 {
            Issue.record("\(script) \(arguments.first ?? ""): \(output.stderr)\(output.text)")
        }
        return output.text
    }

    /// A fresh temporary directory for one test's files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reports-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension String {
    /// The text with all whitespace removed, for comparing against laid-out text with inserted breaks.
    var withoutWhitespace: String {
        String(String.UnicodeScalarView(unicodeScalars.filter { !$0.properties.isWhitespace }))
    }
}
