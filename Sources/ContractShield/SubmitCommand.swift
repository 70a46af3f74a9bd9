import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import Realtime

/// `contractshield submit FILE --role buyer`: upload, confirm the role, review with live progress, print the
/// summary and the top findings, optionally download a report. Exits non-zero when anything fails.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "上传合同到服务器审查：实时显示进度，打印结论与主要风险，可导出报告",
        discussion: """
            示例:
              contractshield submit 采购合同.docx --role buyer
              contractshield submit contract.pdf --role tenant --type lease --export pdf -o 审查报告.pdf
            成功时退出码为 0；上传、审查或导出失败时为 1。
            """)

    @OptionGroup var options: ClientOptions
    @Argument(help: "合同文件（TXT、DOCX、DOC、PDF 或图片）")
    var file: String
    @Option(help: "审查立场，例如 buyer seller landlord tenant employer employee lender borrower")
    var role: String
    @Option(help: "合同类型，例如 purchase sales lease employment nda loan（默认由服务器识别）")
    var type: String?
    @Option(help: "审查完成后导出报告：pdf、docx、annotated 或 txt")
    var export: String?
    @Option(name: .shortAndLong, help: "导出报告的保存路径（默认使用服务器给出的文件名，保存在当前目录）")
    var output: String?
    @Option(help: "列出的主要风险条数")
    var top = 5
    @Option(help: "心跳间隔（秒）")
    var heartbeat = 30

    func validate() throws {
        if let export, !["pdf", "docx", "annotated", "txt"].contains(export.lowercased()) {
            throw ValidationError("不支持的导出格式: \(export)，可选 pdf、docx、annotated、txt")
        }
        if output != nil, export == nil {
            throw ValidationError("-o/--output 需要与 --export 一起使用")
        }
    }

    func run() async throws {
        let api = try options.client()
        let url = URL(fileURLWithPath: file)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            say("无法读取文件 \(file)：\(error.localizedDescription)")
            throw ExitCode.failure
        }

        if let problem = await api.unreachable() {
            say("提交失败：无法连接服务器 \(api.base.absoluteString)：\(problem)")
            throw ExitCode.failure
        }

        let taskID: Int64
        let run: Int64
        do {
            taskID = try await api.upload(data, filename: url.lastPathComponent, contractType: type)
            let draft = try await api.postJSON("/api/v1/draft_roles", .object([("task_id", .integer(taskID))]))
            let typeLabel = draft["contract_type_label"]?.stringValue ?? draft["contract_type"]?.stringValue ?? "未知"
            say("已上传 \(url.lastPathComponent)（\(data.count) 字节）→ 任务 #\(taskID)，合同类型：\(typeLabel)")
            if case .array(let parties)? = draft["parties"], !parties.isEmpty {
                let names = parties.map { "\($0["designation"]?.stringValue ?? "")：\($0["name"]?.stringValue ?? "")" }
                say("识别到的主体：\(names.joined(separator: "；"))")
            }
            let confirmed = try await api.postJSON(
                "/api/v1/confirm_roles", .object([("task_id", .integer(taskID)), ("role", .string(role))]))
            var line = "审查立场：\(confirmed["role_label"]?.stringValue ?? role)"
            if case .array(let names)? = confirmed["party_names"], !names.isEmpty {
                line += "（\(names.compactMap(\.stringValue).joined(separator: "、"))）"
            }
            say(line)
            let started = try await api.postJSON("/api/v1/review", .object([("task_id", .integer(taskID))]))
            run = started["run"]?.int64 ?? 1
        } catch {
            say("提交失败：\(describe(error))")
            throw ExitCode.failure
        }

        let watcher = ReviewWatcher(api: api, taskID: taskID, minRun: run, heartbeat: .seconds(max(1, heartbeat)))
        let outcome = try await watcher.run()
        guard outcome.succeeded else { throw ExitCode.failure }

        let result: JSONValue
        do {
            result = try await api.get("/api/v1/review/\(taskID)")
        } catch {
            say("读取审查结果失败：\(describe(error))")
            throw ExitCode.failure
        }
        printSummary(result)

        if let export {
            let format = export.lowercased()
            do {
                let download = try await api.download("/api/v1/export/\(taskID)?format=\(format)")
                let path = output ?? download.filename.map(Self.safeFilename) ?? "审查报告-\(taskID).\(format == "annotated" ? "docx" : format)"
                try download.data.write(to: URL(fileURLWithPath: path))
                say("已导出 \(format.uppercased())：\(path)（\(download.data.count) 字节）")
            } catch {
                say("导出失败：\(describe(error))")
                throw ExitCode.failure
            }
        }
        say("完整结果：\(api.base.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")))/app/#/task/\(taskID)")
    }

    private func printSummary(_ result: JSONValue) {
        let summary = result["summary"] ?? .null
        func count(_ key: String) -> Int64 { summary[key]?.int64 ?? 0 }
        say("")
        say("总体评估：\(summary["overall_assessment"]?.stringValue ?? "—")　风险评分：\(summary["risk_score"]?.int64.map(String.init) ?? "—")/100")
        say("风险：共 \(count("total_risks")) 项（高 \(count("high_risks"))，中 \(count("medium_risks"))，低 \(count("low_risks"))）")
        if case .array(let concerns)? = summary["key_concerns"], !concerns.isEmpty {
            say("主要关注点：")
            for (index, concern) in concerns.enumerated() {
                say("  \(index + 1). \(concern.stringValue ?? concern.serialized())")
            }
        }
        guard case .array(let risks)? = result["risks"], !risks.isEmpty, top > 0 else { return }
        let rank = ["HIGH": 0, "MEDIUM": 1, "LOW": 2]
        let ordered = risks.enumerated().sorted { a, b in
            let (ra, rb) = (rank[a.element["risk_level"]?.stringValue ?? ""] ?? 3, rank[b.element["risk_level"]?.stringValue ?? ""] ?? 3)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
        say("")
        say("主要风险（前 \(min(top, ordered.count)) 项，共 \(ordered.count) 项）：")
        let labels = ["HIGH": "高", "MEDIUM": "中", "LOW": "低"]
        for risk in ordered.prefix(top) {
            let level = labels[risk["risk_level"]?.stringValue ?? ""] ?? "?"
            var lines = ""
            if case .array(let numbers)? = risk["line_numbers"], !numbers.isEmpty {
                lines = "（第 \(numbers.compactMap(\.int64).map(String.init).joined(separator: "、")) 行）"
            }
            say("[\(level)] \(risk["title"]?.stringValue ?? "")\(lines)")
            if let clause = risk["clause_text"]?.stringValue { say("    原文：\(Self.shorten(clause, 80))") }
            if let suggestion = risk["suggestion"]?.stringValue { say("    建议：\(Self.shorten(suggestion, 120))") }
            if case .array(let statutes)? = risk["statutes"], !statutes.isEmpty {
                say("    依据：\(statutes.compactMap { $0["statute_ref"]?.stringValue }.joined(separator: "、"))")
            }
        }
    }

    static func shorten(_ text: String, _ limit: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }

    /// A server-suggested name, reduced to its last path component.
    static func safeFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        return last.isEmpty || last == "." || last == ".." ? "report" : last
    }
}

extension APIClient {
    /// Why the server cannot be reached within `timeout`, or nil when it answers at all (any HTTP status).
    /// The REST calls retry a refused connection until their long deadline; this gives up far sooner, yet leaves a
    /// server busy reviewing on two loaded cores time to answer (5 s was too short under a full test run).
    func unreachable(timeout: Duration = .seconds(15)) async -> String? {
        var root = base.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        let request = HTTPClientRequest(url: root + "/health")
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout.milliseconds)))
            _ = try? await response.body.collect(upTo: 1 << 20)
            return nil
        } catch {
            return describe(error)
        }
    }

    /// GET of a file: its bytes and the name from `Content-Disposition` (RFC 6266 `filename*` preferred).
    func download(_ path: String) async throws -> (data: Data, filename: String?) {
        var root = base.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        var request = HTTPClientRequest(url: root + path)
        request.method = .GET
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
        let bytes = try await response.body.collect(upTo: 512 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            let json = JSONValue.parse(String(buffer: bytes))
            throw Failure(description: "GET \(path): \(response.status.code) \(json?["message"]?.stringValue ?? String(buffer: bytes))")
        }
        let disposition = response.headers.first(name: "Content-Disposition")
        return (Data(buffer: bytes), disposition.flatMap(Self.filename(fromDisposition:)))
    }

    static func filename(fromDisposition header: String) -> String? {
        for part in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part.lowercased().hasPrefix("filename*="), let range = part.range(of: "''") {
                if let decoded = part[range.upperBound...].removingPercentEncoding { return decoded }
            }
        }
        for part in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where part.lowercased().hasPrefix("filename=") {
            return part.dropFirst("filename=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
