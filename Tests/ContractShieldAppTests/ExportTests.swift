import Foundation
import HummingbirdTesting
import Realtime
import Testing

/// Report export over REST: files, refusals, the cache and batch ZIPs.
@Suite(.timeLimit(.minutes(2))) struct ExportTests {
    private func completedTask(_ server: LiveServer) async throws -> Int64 {
        let taskID = try await server.readyTask()
        try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
        #expect(try await server.finishedResult(taskID)["status"] == "COMPLETED")
        return taskID
    }

    private func download(_ server: LiveServer, _ uri: String) async throws -> TestReply {
        try await server.client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
    }

    @Test func formatsAreListedAndBadRequestsRefused() async throws {
        try await withLiveServer { server in
            let (status, formats) = try await server.request(.get, "/api/v1/export/formats")
            #expect(status == .ok)
            guard case .array(let list)? = formats["formats"] else { throw TestFailure("no formats") }
            #expect(list.compactMap { $0["format"]?.stringValue } == ["pdf", "docx", "annotated", "txt"])

            let taskID = try await server.readyTask()
            let (early, refusal) = try await server.request(.get, "/api/v1/export/\(taskID)?format=txt")
            #expect(early == .unprocessableContent)
            #expect(refusal["current_status"] == "READY")
            #expect(refusal["message"]?.stringValue?.contains("尚未审查完成") == true)

            let (unknown, body) = try await server.request(.get, "/api/v1/export/\(taskID)?format=xls")
            #expect(unknown == .badRequest)
            #expect(body["supported_formats"] == .array(["pdf", "docx", "annotated", "txt"]))
            #expect(try await server.request(.get, "/api/v1/export/424242?format=txt").0 == .notFound)
        }
    }

    @Test func aCompletedReviewExportsInEveryFormatAndIsCachedUntilDeleted() async throws {
        try await withLiveServer { server in
            let taskID = try await completedTask(server)
            let result = try await server.finishedResult(taskID)
            guard case .array(let risks)? = result["risks"], let first = risks.first?["title"]?.stringValue else {
                throw TestFailure("no risks to export")
            }

            let txt = try await download(server, "/api/v1/export/\(taskID)?format=txt")
            #expect(txt.status == .ok)
            #expect(txt.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(txt.headers[.contentDisposition]?.contains("filename*=UTF-8''") == true)
            #expect(String(buffer: txt.body).contains(first), "the text report names every finding")

            let docx = try await download(server, "/api/v1/export/\(taskID)?format=docx")
            #expect(docx.status == .ok)
            #expect(Array(docx.body.readableBytesView.prefix(2)) == [0x50, 0x4B], "a DOCX is a ZIP")

            let pdf = try await download(server, "/api/v1/export/\(taskID)?format=pdf")
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            #expect(String(buffer: pdf.body).hasPrefix("%PDF-"))
            for variant in ["", "&redline=false"] {
                let annotated = try await download(server, "/api/v1/export/\(taskID)?format=annotated\(variant)")
                #expect(annotated.status == .ok)
                #expect(Array(annotated.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            }
            #expect(try await server.request(.get, "/api/v1/export/\(taskID)?format=annotated&redline=maybe").0 == .badRequest)

            let (_, preview) = try await server.request(.get, "/api/v1/export/\(taskID)/preview")
            #expect(preview["content"]?.stringValue?.contains(first) == true)

            let (_, cached) = try await server.request(.get, "/api/v1/export/\(taskID)/status")
            #expect(cached["exportable"] == .bool(true))
            guard case .array(let files)? = cached["files"] else { throw TestFailure("no files") }
            #expect(Set(files.compactMap { $0["format"]?.stringValue }) == ["txt", "docx", "pdf", "annotated"])

            let (deleted, answer) = try await server.request(.delete, "/api/v1/export/\(taskID)/files")
            #expect(deleted == .ok)
            #expect(answer["deleted"] == 5, "txt, docx, pdf and both annotated variants")
            #expect(try await server.request(.get, "/api/v1/export/\(taskID)/status").1["files"] == .array([]))
        }
    }

    @Test func aBatchZipsSeveralReportsInTheBackground() async throws {
        try await withLiveServer { server in
            let a = try await completedTask(server)
            let b = try await completedTask(server)
            let (started, batch) = try await server.request(.post, "/api/v1/export/batch", json: #"{"task_ids":[\#(a),\#(b)],"format":"txt"}"#)
            #expect(started == .accepted)
            #expect(batch["total"] == 2)
            let id = try #require(batch["batch_id"]?.stringValue)
            var status = batch
            for _ in 0..<200 where status["status"] == "PROCESSING" {
                try await Task.sleep(for: .milliseconds(20))
                status = try await server.request(.get, "/api/v1/export/batch/\(id)").1
            }
            #expect(status["status"] == "COMPLETED")
            #expect(status["done"] == 2)
            #expect(status["progress"] == 100)
            let zip = try await download(server, try #require(status["download_url"]?.stringValue))
            #expect(zip.status == .ok)
            #expect(zip.headers[.contentType] == "application/zip")
            #expect(Array(zip.body.readableBytesView.prefix(2)) == [0x50, 0x4B])

            #expect(try await server.request(.post, "/api/v1/export/batch", json: #"{"task_ids":[\#(a),999]}"#).0 == .notFound)
            let tooMany = "[" + (1...101).map(String.init).joined(separator: ",") + "]"
            #expect(try await server.request(.post, "/api/v1/export/batch", json: #"{"task_ids":\#(tooMany)}"#).0 == .badRequest)
            #expect(try await server.request(.get, "/api/v1/export/batch/nope").0 == .notFound)
        }
    }
}
