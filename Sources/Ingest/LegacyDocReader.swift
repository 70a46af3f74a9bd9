import Foundation

/// Reads Word 97–2003 `.doc` files through `antiword`, which prints their text as UTF-8.
struct LegacyDocReader: Sendable {
    let runner: ProgramRunner

    func read(_ data: Data) async throws(IngestError) -> String {
        try await withScratchDirectory { directory throws(IngestError) in
            let input = try writeInput(data, named: "input.doc", in: directory)
            // -m UTF-8.txt: output encoding independent of the server's locale; -w 0: no re-wrapping.
            let output = try await runner.run(.antiword, ["-m", "UTF-8.txt", "-w", "0", input.path])
            guard output.succeeded, let text = String(data: output.standardOutput, encoding: .utf8) else {
                throw IngestError(.unreadable, "DOC 文件已损坏或无法读取，请在 Word 中另存为 DOCX 后重新上传")
            }
            return text
        }
    }
}
