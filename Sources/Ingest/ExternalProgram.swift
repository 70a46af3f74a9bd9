import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A Debian-packaged command-line tool the ingest pipeline runs.
struct ExternalProgram: Sendable, Hashable {
    var name: String
    var debianPackage: String

    static let pdfinfo = ExternalProgram(name: "pdfinfo", debianPackage: "poppler-utils")
    static let pdftotext = ExternalProgram(name: "pdftotext", debianPackage: "poppler-utils")
    static let pdftoppm = ExternalProgram(name: "pdftoppm", debianPackage: "poppler-utils")
    static let pdfimages = ExternalProgram(name: "pdfimages", debianPackage: "poppler-utils")
    static let tesseract = ExternalProgram(name: "tesseract", debianPackage: "tesseract-ocr tesseract-ocr-chi-sim")
    static let antiword = ExternalProgram(name: "antiword", debianPackage: "antiword")

    var missingError: IngestError {
        IngestError(.programMissing, "缺少外部程序 \(name)，请安装 \(debianPackage)")
    }
}

/// Runs external programs with an argument array (never a shell), a wall-clock limit and an output cap.
///
/// Built on swift-subprocess: cancelling the task that awaits `run` makes it kill the child
/// (its default teardown ends with SIGKILL), so the timeout is a race between the run and a sleep.
struct ProgramRunner: Sendable {
    var timeout: Duration
    /// Directories to find programs in; nil searches PATH.
    var searchPath: [String]?
    /// Output beyond this is an error rather than an unbounded allocation.
    var outputLimit = 256 * 1024 * 1024

    struct Output: Sendable {
        var status: TerminationStatus
        var standardOutput: Data
        var standardError: String

        var succeeded: Bool { status.isSuccess }
    }

    /// Runs `program`; a non-zero exit is returned, not thrown, because what it means depends on the program.
    func run(_ program: ExternalProgram, _ arguments: [String], environment: [String: String] = [:])
        async throws(IngestError) -> Output {
        let executable = try locate(program)
        let limit = outputLimit
        let timeout = timeout
        let environmentUpdate = Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) })
        do {
            return try await withThrowingTaskGroup(of: Output?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        executable,
                        arguments: Arguments(arguments),
                        environment: .inherit.updating(environmentUpdate),
                        output: .data(limit: limit),
                        error: .string(limit: 64 * 1024)
                    )
                    return Output(status: result.terminationStatus, standardOutput: result.standardOutput,
                                  standardError: result.standardError)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let output = first else {
                    let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
                    throw IngestError(.unreadable, "处理超时：\(program.name) 超过 \(seconds.formatted(.number.precision(.fractionLength(0...1)))) 秒未完成，已终止")
                }
                return output
            }
        } catch let error as IngestError {
            throw error
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw program.missingError
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw IngestError(.unreadable, "\(program.name) 输出过大，已拒绝处理")
        } catch is CancellationError {
            throw IngestError(.unreadable, "处理已取消")
        } catch {
            throw IngestError(.unreadable, "运行 \(program.name) 失败：\(error)")
        }
    }
}

extension ProgramRunner {
    /// Throws the program's `missingError` unless it is installed: for work that runs it later, so the
    /// user hears of a missing program at upload rather than minutes into a review.
    func requireInstalled(_ programs: [ExternalProgram]) throws(IngestError) {
        for program in programs { _ = try locate(program) }
    }

    private func locate(_ program: ExternalProgram) throws(IngestError) -> Executable {
        let directories = searchPath ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(program.name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return .path(FilePath(candidate)) }
        }
        throw program.missingError
    }
}

/// A private (0700) temporary directory for the files external programs read and write,
/// removed when `body` returns, whatever happens.
func withScratchDirectory<T: Sendable>(_ body: (URL) async throws(IngestError) -> T) async throws(IngestError) -> T {
    var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("contractshield-ingest-XXXXXX").utf8CString)
    // mkdtemp creates the directory with mode 0700.
    guard let created = mkdtemp(&template) else {
        throw IngestError(.unreadable, "无法创建临时目录")
    }
    let directory = URL(fileURLWithPath: String(cString: created), isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Writes the upload into `directory` under a fixed name: the user's file name never reaches a command line.
func writeInput(_ data: Data, named name: String, in directory: URL) throws(IngestError) -> URL {
    let url = directory.appendingPathComponent(name)
    do {
        try data.write(to: url, options: .withoutOverwriting)
    } catch {
        throw IngestError(.unreadable, "无法写入临时文件")
    }
    return url
}
