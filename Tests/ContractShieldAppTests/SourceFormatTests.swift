import Foundation
import Realtime
import Testing

/// One contract as the user may hold it — a PDF with a text layer, a scan of it, a Word file — reviewed through the
/// live server: the scan is answered at once and recognized page by page during the review, and all three give
/// the same findings.
@Suite(.timeLimit(.minutes(5))) struct SourceFormatTests {
    /// The 3-page purchase contract of the ingest fixtures; its 第四条 (page 2) deems goods accepted after 7 days.
    static let textPDF = PythonEnvironment.packageRoot.appendingPathComponent("Tests/IngestTests/Fixtures/contract.pdf")

    @Test func aScanAPDFAndAWordFileOfOneContractGetTheSameFindings() async throws {
        let pdf = try Data(contentsOf: Self.textPDF)
        let scan = try await ContractForms.make("scan", from: Self.textPDF, suffix: "pdf")
        try await withLiveServer { server in
            let fromPDF = try await server.uploadReady(pdf, filename: "采购合同.pdf", textReady: true)
            let (_, text) = try await server.request(.get, "/api/v1/tasks/\(fromPDF)/text")
            #expect(text["source_format"] == "pdf")
            #expect(text["pages"]?.arrayValue?.count == 3)
            let textFile = FileManager.default.temporaryDirectory.appendingPathComponent("cs-contract-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: textFile) }
            try Data(try #require(text["text"]?.stringValue).utf8).write(to: textFile)
            let docx = try await ContractForms.make("docx", from: textFile, suffix: "docx")
            let fromDOCX = try await server.uploadReady(docx, filename: "采购合同.docx", textReady: true)

            let (uploaded, answer) = try await server.upload(scan, filename: "扫描件.pdf")
            #expect(uploaded == .ok)
            #expect(answer["status"] == "PENDING")
            #expect(answer["contract_type"] == .null, "detected once the text is recognized")
            #expect(answer["entities_extracted"]?["source_format"] == "pdf_ocr")
            #expect(answer["entities_extracted"]?["text_ready"] == .bool(false))
            let fromScan = try #require(answer["task_id"]?.int)
            let (notYet, refusal) = try await server.request(.get, "/api/v1/tasks/\(fromScan)/text")
            #expect(notYet == .conflict)
            #expect(refusal["code"] == "TEXT_NOT_READY")
            try await server.request(.post, "/api/v1/confirm_roles", json: #"{"task_id":\#(fromScan),"role":"buyer"}"#)

            let events = Box<[JSONValue]>([])
            try await server.webSocket("/ws/review/\(fromScan)") { conversation in
                _ = try await conversation.receive()  // connection
                let (started, _) = try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(fromScan)}"#)
                #expect(started == .ok)
                await events.set(try await conversation.receive { $0["type"] == "complete" || $0["type"] == "error" })
            }
            let received = await events.value.filter { $0["type"] != "status" }
            #expect(received.last?["type"] == "complete", "\(received.last?.serialized() ?? "nothing")")
            let extracting = received.filter { $0["stage"] == "extracting" }.compactMap { $0["message"]?.stringValue }
            #expect(extracting.filter { $0.contains("页") } == (1...3).map { "正在识别扫描件文字：第 \($0)/3 页" })
            let progress = received.compactMap { $0["progress"]?.int }
            #expect(progress == progress.sorted(), "the bar never moves back")
            let (_, recognized) = try await server.request(.get, "/api/v1/tasks/\(fromScan)/text")
            #expect(recognized["text"]?.stringValue?.contains("第四条 交付与验收") == true)

            for taskID in [fromPDF, fromDOCX] {
                try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
            }
            let results = [
                try await server.finishedResult(fromPDF), try await server.finishedResult(fromDOCX),
                try await server.finishedResult(fromScan),
            ]
            let findings = results.map { result in
                (result["risks"]?.arrayValue ?? []).map { "\($0["rule_id"]?.stringValue ?? "?") \($0["risk_level"]?.stringValue ?? "?")" }.sorted()
            }
            #expect(findings[0].contains("deemed-acceptance MEDIUM"))
            #expect(findings[1] == findings[0], "Word file")
            #expect(findings[2] == findings[0], "scan")
            #expect(results[2]["contract_type"] == "purchase", "detected from the recognized text")

            func acceptance(_ result: JSONValue) -> JSONValue? {
                result["risks"]?.arrayValue?.first { $0["rule_id"] == "deemed-acceptance" }
            }
            #expect(acceptance(results[0])?["page"] == .integer(2), "第四条 is on page 2 of the PDF")
            #expect(acceptance(results[2])?["page"] == .integer(2), "and of the scan")
            #expect(acceptance(results[1])?["page"] == .null, "a Word file's pages depend on who displays it")
            #expect(acceptance(results[2])?["clause_text"]?.stringValue?.hasPrefix("乙方应于2024年3月1日前将设备运至甲方指定地点") == true)
        }
    }
}

extension LiveServer {
    /// Uploads a file, checks whether its text was read at once, and confirms the buyer's role.
    func uploadReady(_ data: Data, filename: String, textReady: Bool) async throws -> Int64 {
        let (status, body) = try await upload(data, filename: filename)
        try #require(status == .ok, "upload answered \(status): \(body.serialized())")
        #expect(body["entities_extracted"]?["text_ready"] == .bool(textReady))
        let taskID = try #require(body["task_id"]?.int)
        let (confirmed, _) = try await request(.post, "/api/v1/confirm_roles", json: #"{"task_id":\#(taskID),"role":"buyer"}"#)
        try #require(confirmed == .ok)
        return taskID
    }
}

/// Other forms of one contract, made by Scripts/contract_formats.py (poppler for the scan, python-docx for Word).
enum ContractForms {
    static func make(_ form: String, from source: URL, suffix: String) async throws -> Data {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("cs-\(form)-\(UUID().uuidString).\(suffix)")
        defer { try? FileManager.default.removeItem(at: target) }
        let (status, output) = try await PythonEnvironment.run(
            try PythonEnvironment.interpreter(), script: "Tests/ContractShieldAppTests/Scripts/contract_formats.py",
            arguments: [form, source.path, target.path])
        try #require(status == 0, "contract_formats.py \(form) failed: \(output)")
        return try Data(contentsOf: target)
    }
}
