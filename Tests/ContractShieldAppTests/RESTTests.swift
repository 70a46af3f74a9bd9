import Foundation
import Realtime
import Testing

/// The REST API of PROTOCOL.md, and what it says to bad input.
@Suite(.timeLimit(.minutes(2))) struct RESTTests {
    @Test func serviceInfoAndHealth() async throws {
        try await withLiveServer { server in
            let (status, info) = try await server.request(.get, "/")
            #expect(status == .ok)
            #expect(info["name"] == "ContractShield")
            #expect(info["endpoints"]?["ws_review"] != nil)
            #expect(try await server.request(.get, "/api/v1").1 == info)
            let (healthStatus, health) = try await server.request(.get, "/health")
            #expect(healthStatus == .ok)
            #expect(health["status"] == "healthy")
            #expect(health["database"] == "connected")
        }
    }

    @Test func aContractGoesFromUploadToAQuotedRoleAwareResult() async throws {
        try await withLiveServer { server in
            let (status, upload) = try await server.upload(Data(Samples.purchase.utf8), filename: "采购合同.txt", contractType: "采购合同")
            #expect(status == .ok)
            let taskID = try #require(upload["task_id"]?.int)
            #expect(upload["filename"] == "采购合同.txt")
            #expect(upload["contract_type"] == "purchase", "the Chinese alias is accepted")
            #expect(upload["message"] == "文件上传成功")
            #expect(upload["next_step"]?.stringValue?.contains("confirm_roles") == true)
            let names = upload["entities_extracted"]?["parties"].map { parties -> [String] in
                guard case .array(let list) = parties else { return [] }
                return list.compactMap { $0["name"]?.stringValue }
            } ?? []
            #expect(names.contains("北京青松精密仪器有限公司"))

            let (_, uploadStatus) = try await server.request(.get, "/api/v1/upload/status/\(taskID)")
            #expect(uploadStatus["status"] == "PENDING")
            #expect(uploadStatus["file"]?["size"] == .integer(Int64(Data(Samples.purchase.utf8).count)))

            let (_, text) = try await server.request(.get, "/api/v1/tasks/\(taskID)/text")
            let fullText = try #require(text["text"]?.stringValue)
            #expect(fullText.contains("第四条 违约责任"))

            let (draftStatus, draft) = try await server.request(.post, "/api/v1/draft_roles", json: #"{"task_id":\#(taskID)}"#)
            #expect(draftStatus == .ok)
            guard case .array(let candidates)? = draft["candidates"] else { throw TestFailure("no candidates: \(draft.serialized())") }
            #expect(candidates.compactMap { $0["role"]?.stringValue } == ["buyer", "seller"])
            #expect(candidates.first?["party_name"] == "北京青松精密仪器有限公司")

            let (reviewTooEarly, early) = try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
            #expect(reviewTooEarly == .conflict)
            #expect(early["code"] == "ROLE_NOT_CONFIRMED")

            let (confirmStatus, confirmed) = try await server.request(
                .post, "/api/v1/confirm_roles", json: #"{"task_id":\#(taskID),"role":"buyer","selected_entity_index":0}"#)
            #expect(confirmStatus == .ok)
            #expect(confirmed["status"] == "READY")
            #expect(confirmed["role"] == "buyer")

            let (startStatus, started) = try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
            #expect(startStatus == .ok)
            #expect(started["status"] == "PROCESSING")

            let result = try await server.finishedResult(taskID)
            #expect(result["status"] == "COMPLETED")
            guard case .array(let risks)? = result["risks"] else { throw TestFailure("no risks: \(result.serialized())") }
            #expect(!risks.isEmpty)
            for risk in risks {
                let quote = try #require(risk["clause_text"]?.stringValue)
                guard let start = risk["span"]?["start"]?.int, let end = risk["span"]?["end"]?.int else {
                    #expect(quote.isEmpty, "only document-level findings have no span")
                    continue
                }
                let scalars = Array(fullText.unicodeScalars)
                var quoted = String.UnicodeScalarView()
                quoted.append(contentsOf: scalars[Int(start)..<Int(end)])
                #expect(String(quoted) == quote, "clause_text is verbatim at its span")
                #expect(risk["statutes"] != nil)
            }
            let penalty = risks.first { $0["clause_text"]?.stringValue?.contains("合同总价50%的违约金") == true }
            #expect(["HIGH", "MEDIUM"].contains(penalty?["risk_level"]?.stringValue ?? ""), "a 50% penalty is flagged")
            let statutes = penalty?["statutes"].map { value -> [String] in
                guard case .array(let list) = value else { return [] }
                return list.compactMap { $0["statute_text"]?.stringValue }
            } ?? []
            #expect(statutes.contains { $0.contains("约定的违约金超过造成损失的百分之三十的，人民法院一般可以认定为过分高于造成的损失。") },
                    "cites the exact text of 合同编通则解释第六十五条")

            let (summaryStatus, summary) = try await server.request(.get, "/api/v1/review/\(taskID)/summary")
            #expect(summaryStatus == .ok)
            #expect(summary["summary"]?["total_risks"] == .integer(Int64(risks.count)))
            #expect(["高风险", "中等风险", "低风险"].map(JSONValue.string).contains(summary["summary"]?["overall_assessment"] ?? .null))

            let (_, list) = try await server.request(.get, "/api/v1/tasks?status=COMPLETED&limit=5")
            #expect(list["total"] == 1)
        }
    }

    @Test func theDefaultUploadCapIsFiftyMegabytes() {
        #expect(TestArguments().security.maxUploadBytes == 50 * 1024 * 1024)
    }

    @Test func badUploadsAreRefusedInChineseAndStoreNothing() async throws {
        var arguments = TestArguments()
        arguments.security.maxUploadBytes = 1 << 20
        try await withLiveServer(arguments) { server in
            let notMultipart = try await server.request(.post, "/api/v1/upload", json: #"{"file":"x"}"#)
            #expect(notMultipart.0 == .badRequest)
            #expect(notMultipart.1["code"] == "INVALID_UPLOAD")
            #expect(notMultipart.1["error"] == .bool(true))
            #expect(notMultipart.1["status_code"] == 400)

            let wrongField = try await server.upload(Data("第一条 价款".utf8), filename: "a.txt", field: "document")
            #expect(wrongField.0 == .badRequest)
            #expect(wrongField.1["message"] == "缺少文件字段 file")

            let empty = try await server.upload(Data(), filename: "a.txt")
            #expect(empty.0 == .badRequest)
            #expect(empty.1["message"] == "上传的文件为空")

            let oversized = try await server.upload(Data(repeating: 0x41, count: (1 << 20) + 1), filename: "big.txt")
            #expect(oversized.0 == .contentTooLarge)
            #expect(oversized.1["message"] == "文件超过 1 MB 上限")

            let binary = try await server.upload(Data([0x00, 0x01, 0x02, 0xFF, 0xFE, 0x00, 0x10, 0x80] + Array(repeating: 0, count: 100)), filename: "a.txt")
            #expect(binary.0 == .unsupportedMediaType)
            #expect(binary.1["message"]?.stringValue?.isEmpty == false)

            let zipBomb = try await server.upload(Data("PK\u{03}\u{04}garbage-not-a-zip".utf8), filename: "a.docx")
            #expect([.unprocessableContent, .unsupportedMediaType].contains(zipBomb.0))

            #expect(try await server.request(.get, "/api/v1/tasks").1["total"] == 0, "nothing was stored")
        }
    }

    @Test func badJSONBodiesAndTaskIDsGetTheRightStatus() async throws {
        try await withLiveServer { server in
            let cases: [(String, String, Int, String)] = [
                ("/api/v1/review", "not json", 400, "INVALID_JSON"),
                ("/api/v1/review", "{}", 400, "MISSING_FIELD"),
                ("/api/v1/review", #"{"task_id":"1"}"#, 400, "INVALID_FIELD"),
                ("/api/v1/review", #"{"task_id":1e30}"#, 400, "INVALID_FIELD"),
                ("/api/v1/review", #"{"task_id":99999999999999999999}"#, 400, "INVALID_FIELD"),
                ("/api/v1/review", #"{"task_id":-1}"#, 400, "INVALID_FIELD"),
                ("/api/v1/review", #"{"task_id":77}"#, 404, "TASK_NOT_FOUND"),
                ("/api/v1/confirm_roles", #"{"task_id":77,"role":"buyer"}"#, 404, "TASK_NOT_FOUND"),
                ("/api/v1/draft_roles", #"{"task_id":[1]}"#, 400, "INVALID_FIELD"),
            ]
            for (path, body, status, code) in cases {
                let (answer, json) = try await server.request(.post, path, json: body)
                #expect(Int(answer.code) == status, "\(path) \(body)")
                #expect(json["code"] == .string(code), "\(path) \(body): \(json.serialized())")
                #expect(json["message"]?.stringValue?.unicodeScalars.contains { $0.value > 0x4E00 } == true, "message is Chinese")
            }
            let taskID = try await server.readyTask()
            let (badRole, roleError) = try await server.request(.post, "/api/v1/confirm_roles", json: #"{"task_id":\#(taskID),"role":"king"}"#)
            #expect(badRole == .badRequest)
            #expect(roleError["code"] == "INVALID_ROLE")
            #expect(try await server.request(.get, "/api/v1/review/abc").0 == .badRequest)
            #expect(try await server.request(.get, "/api/v1/review/99999999999999999999").0 == .badRequest)
            #expect(try await server.request(.get, "/api/v1/review/12345").0 == .notFound)
            #expect(try await server.request(.get, "/api/v1/tasks?limit=0").0 == .badRequest)
            #expect(try await server.request(.get, "/api/v1/tasks?status=DONE").0 == .badRequest)
            let (missing, body) = try await server.request(.get, "/no/such/route")
            #expect(missing == .notFound)
            #expect(body["error"] == .bool(true))
            #expect(try await server.request(.get, "/api/v1/upload/status/\(taskID)").1["status"] == "READY", "the task is untouched")
        }
    }
}
