import ArgumentParser
import Foundation
import Ingest
import Review

/// `contractshield review FILE`: the server's engine, offline, for lawyers and for debugging rules.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "离线审查一份合同并打印风险")

    @Argument(help: "Contract file (txt, md, docx, …)")
    var file: String

    @Option(help: "Your side: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
    var role: String

    @Option(name: .customLong("type"), help: "Contract type (detected when omitted): \(ContractType.allCases.map(\.rawValue).joined(separator: ", "))")
    var contractType: String?

    @Option(help: "Directory of extra review rules (YAML)")
    var playbook: String?

    @Flag(help: "Print the full result as JSON")
    var json = false

    func validate() throws {
        guard Role(alias: role) != nil else { throw ValidationError("unknown role \(role)") }
        if let contractType, ContractType(alias: contractType) == nil { throw ValidationError("unknown contract type \(contractType)") }
    }

    func run() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let document: ExtractedDocument
        do {
            document = try await Extractor().extract(data, filename: URL(fileURLWithPath: file).lastPathComponent)
        } catch {
            throw ValidationError(error.message)
        }
        let engine = try ReviewEngine(playbook: playbook.map { URL(fileURLWithPath: $0, isDirectory: true) })
        var report = await engine.review(
            text: document.text, contractType: contractType.flatMap(ContractType.init(alias:)), role: Role(alias: role)!,
            partyNames: []) { _ in }
        if document.sourceFormat.hasFixedPages { report.locatePages(startingAt: document.pages.map(\.start)) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("\(report.contractType.label) · 立场: \(report.role.label) · 条款 \(report.clauseCount) 条")
        print("总体评估: \(report.summary.overallAssessment)  风险分: \(report.summary.riskScore)  " +
              "高 \(report.summary.highRisks) / 中 \(report.summary.mediumRisks) / 低 \(report.summary.lowRisks)")
        for finding in report.findings {
            print("")
            let lines = finding.lineNumbers.first.map { line in finding.page.map { "第 \($0) 页第 \(line) 行" } ?? "第 \(line) 行" } ?? "全文"
            print("[\(finding.riskLevel.label)] \(finding.title)（\(finding.category)，\(lines)）")
            if !finding.clauseText.isEmpty { print("  原文: \(finding.clauseText)") }
            print("  风险: \(finding.summary)")
            print("  建议: \(finding.suggestion)")
            for statute in finding.statutes { print("  依据: \(statute.statuteRef)") }
        }
    }
}
