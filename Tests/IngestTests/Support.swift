import Foundation
import Ingest
import Testing
import ZIPFoundation

/// Builds an in-memory ZIP (a DOCX when given the Word parts) from path → content.
func makeZip(_ entries: [(path: String, content: Data)]) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
    for (path, content) in entries {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(content.count),
                             compressionMethod: .deflate) { position, size in
            content.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return try #require(archive.data)
}

/// The WordprocessingML namespace declarations every part of the test DOCX uses.
let wordNamespaces = """
xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" \
xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"
"""

/// A DOCX whose body is `bodyXML` (the inside of `w:body`), with optional other parts.
func makeDOCX(body bodyXML: String, parts: [String: String] = [:]) throws -> Data {
    let document = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <w:document \(wordNamespaces)><w:body>\(bodyXML)</w:body></w:document>
    """
    var entries: [(String, Data)] = [
        ("[Content_Types].xml", Data(#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.utf8)),
        ("word/document.xml", Data(document.utf8)),
    ]
    for (path, xml) in parts.sorted(by: { $0.key < $1.key }) { entries.append((path, Data(xml.utf8))) }
    return try makeZip(entries)
}

/// The committed fixtures, found next to this source file (the main package declares no test resources).
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: fixturesDirectory.appendingPathComponent(name))
}

/// A fresh temporary directory for tools the tests run themselves, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Runs a tool found on PATH (used only to build inputs, e.g. pdfunite) and requires success.
func runTool(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "\(arguments.joined(separator: " ")) failed")
}

/// Runs `body` and returns the `IngestError` it throws, failing the test when it throws none.
func ingestError(_ body: () async throws(IngestError) -> some Any) async -> IngestError? {
    do {
        _ = try await body()
        Issue.record("expected an IngestError, got a result")
        return nil
    } catch {
        return error
    }
}

/// Whether an external program can be found on PATH, so a test can expect either real output or `.programMissing`.
func isInstalled(_ program: String) -> Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
}
