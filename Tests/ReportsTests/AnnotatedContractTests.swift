import Foundation
import Review
import Testing
import ZIPFoundation

@testable import Reports

/// What check_docx.py expects of an annotated contract.
private func annotatedSpec(
    document: ReportDocument, original: String, redlined: Bool
) -> [String: Any] {
    var accepted = original
    var insertions = 0
    for finding in document.report.findings where !finding.clauseText.isEmpty {
        if redlined, let wording = SuggestedRewrite.wording(in: finding.suggestion) {
            accepted = accepted.replacingOccurrences(of: finding.clauseText, with: wording)
            insertions += 1
        }
    }
    let comments = document.report.findings.filter { !$0.clauseText.isEmpty }.map { finding -> [String: Any] in
        ["anchor": finding.clauseText, "contains": [finding.riskLevel.label, finding.title, finding.suggestion]]
    }
    return [
        "comment_count": document.report.findings.count, "comments": comments, "insertions": insertions,
        "accepted": accepted, "original": original,
    ]
}

private func check(_ data: Data, spec: [String: Any], in directory: URL) throws -> String {
    let file = directory.appendingPathComponent("annotated-\(UUID().uuidString).docx")
    try data.write(to: file)
    let specFile = directory.appendingPathComponent("spec-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: spec).write(to: specFile)
    return try ExternalTools.runPythonCheck("check_docx.py", ["annotated", file.path, specFile.path])
}

@Suite struct AnnotatedContractTests {
    @Test func fromTextEveryClauseIsCommentedAndRewritesAreTrackedChanges() throws {
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = Fixtures.document
        let data = try ReportRenderer(fontFile: nil).render(document, as: .annotated)
        let output = try check(
            data, spec: annotatedSpec(document: document, original: Fixtures.contract, redlined: true), in: directory)
        #expect(output.contains("\"insertions\": 4"), "\(output)")
    }

    @Test func withoutRedlineOnlyComments() throws {
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = Fixtures.document
        let data = try ReportRenderer(fontFile: nil).render(
            document, as: .annotated, options: ReportOptions(redline: false))
        _ = try check(
            data, spec: annotatedSpec(document: document, original: Fixtures.contract, redlined: false), in: directory)
    }

    /// An uploaded DOCX written by python-docx, with clauses split over bold and italic runs, one in a
    /// table, and a comment of its own, reviewed as text that (like the DOCX reader's) differs slightly
    /// from the runs.
    @Test func uploadedDocxIsAnnotatedInPlaceKeepingFormatting() throws {
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.docx")
        let inputSpec: [String: Any] = [
            "paragraphs": [
                [["text": "设备采购合同", "bold": true, "comment": ["王律师", "请核对合同名称"]]],
                [
                    ["text": "第二条 付款方式："], ["text": "甲方应于合同签订后"], ["text": "三日内", "bold": true],
                    ["text": "一次性支付合同总价款的100%。", "italic": true],
                ],
                [
                    ["text": "乙方应于2025年10月31日前交付设备。甲方未在设备到货后"], ["text": "2日内", "bold": true],
                    ["text": "提出书面异议的，视为设备验收合格。其他事项另行约定。"],
                ],
                [["text": "第四条\t违约责任：甲方解除合同的，应向乙方支付合同总价款50%的违约金。"]],
            ],
            "table": [["争议解决", "因本合同引起的争议，可以提交苏州仲裁委员会仲裁，也可以向乙方所在地人民法院提起诉讼。"]],
            "closing": "乙方对因设备质量问题造成的甲方任何损失均不承担责任，包括因乙方安装调试人员的故意或者重大过失所致的财产损失。",
        ]
        let inputSpecFile = directory.appendingPathComponent("input.json")
        try JSONSerialization.data(withJSONObject: inputSpec).write(to: inputSpecFile)
        let made = try ExternalTools.runPythonCheck("check_docx.py", ["make", input.path, inputSpecFile.path])
        let extracted = try #require(
            (try JSONSerialization.jsonObject(with: Data(made.utf8)) as? [String: String])?["text"],
            "make output: \(made)")

        // The reviewed text carries a list label the runs do not have, so spans are shifted against them.
        let reviewed = extracted.replacingOccurrences(of: "第四条\t违约责任", with: "4. 第四条 违约责任")
        let findings =
            Fixtures.specs.enumerated().map { Fixtures.finding($1, number: $0 + 1, in: reviewed) } + [
                Fixtures.documentLevel
            ]
        let document = ReportDocument(
            taskID: 7, filename: "采购合同.docx", contractText: reviewed,
            report: Fixtures.report(findings: findings, clauseCount: 5), reviewedAt: Fixtures.reviewedAt,
            originalDOCX: try Data(contentsOf: input))
        let data = try ReportRenderer(fontFile: nil).render(document, as: .annotated)

        var spec = annotatedSpec(document: document, original: extracted, redlined: true)
        spec["bold"] = ["三日内", "2日内", "设备采购合同"]
        // The lawyer's own comment stays, beside ours.
        spec["foreign"] = [["王律师", "请核对合同名称"]]
        spec["comment_count"] = document.report.findings.count + 1
        let output = try check(data, spec: spec, in: directory)
        #expect(output.contains("\"insertions\": 4"), "\(output)")

        // Every part python-docx wrote is still there, plus the comments.
        let before = Set(try Archive(data: try Data(contentsOf: input), accessMode: .read).map(\.path))
        let after = Set(try Archive(data: data, accessMode: .read).map(\.path))
        #expect(after.isSuperset(of: before))
        #expect(after.subtracting(before).allSatisfy { $0.hasSuffix("comments.xml") })
    }
}

@Suite struct SuggestedRewriteTests {
    @Test func findsQuotedAndUnquotedWording() {
        #expect(SuggestedRewrite.wording(in: "分期付款。建议修改为：“甲方分三期付款。”") == "甲方分三期付款。")
        #expect(SuggestedRewrite.wording(in: "建议将本条改为「双方协商解决」") == "双方协商解决")
        #expect(SuggestedRewrite.wording(in: "建议调整为：违约金不超过实际损失的30%。") == "违约金不超过实际损失的30%。")
        #expect(SuggestedRewrite.wording(in: "建议删除本条，并补充验收标准。") == nil)
        #expect(SuggestedRewrite.wording(in: "建议修改为更公平的条款") == nil)
    }
}

@Suite struct XMLTreeTests {
    @Test func roundTripsWhatItDoesNotTouch() throws {
        let xml = #"<?xml version="1.0"?><!-- c --><a x="1 > 0" y='2'><b/>t&amp;u<![CDATA[<raw>]]><c>&#x4E2D;</c></a>"#
        let tree = try #require(XMLNode.parse(Array(xml.utf8)))
        #expect(tree.serialized() == xml)
        let a = try #require(tree.element("a"))
        #expect(a.attribute("x") == "1 > 0" && a.attribute("y") == "2")
        #expect(a.element("c")?.text == "中")
    }

    @Test func splitsRunsKeepingProperties() throws {
        let xml = #"<w:p><w:r w:rsidR="1"><w:rPr><w:b/></w:rPr><w:t>甲方应于</w:t><w:tab/><w:t>三日内</w:t></w:r></w:p>"#
        let paragraph = try #require(XMLNode.parse(Array(xml.utf8))?.element("w:p"))
        RunSplitter.split(try #require(paragraph.element("w:r")), at: [2, 5])
        let runs = paragraph.elements
        #expect(runs.map { WordBodyText.units(of: $0).map(String.init).joined() } == ["甲方", "应于\t", "三日内"])
        #expect(runs.allSatisfy { $0.element("w:rPr")?.element("w:b") != nil && $0.attribute("w:rsidR") == "1" })
    }
}

@Suite struct ClauseLocatorTests {
    private func locate(_ clause: String, contract: String, body: String) -> (text: String, exact: Bool)? {
        let scalars = Array(contract.unicodeScalars)
        let start = contract.unicodeScalars.distance(
            from: contract.unicodeScalars.startIndex,
            to: contract.range(of: clause)!.lowerBound.samePosition(in: contract.unicodeScalars)!)
        var finding = Fixtures.documentLevel
        finding.clauseText = clause
        finding.span = TextSpan(start: start, end: start + clause.unicodeScalars.count)
        let text = Array(body.unicodeScalars)
        guard let match = ClauseLocator(text: text, contract: scalars).range(of: finding) else { return nil }
        return (String(String.UnicodeScalarView(text[match.range])), match.isExact)
    }

    @Test func sameTextUsesTheSpan() {
        let result = locate("乙方交货", contract: "乙方交货。乙方交货。", body: "乙方交货。乙方交货。")
        #expect(result?.text == "乙方交货" && result?.exact == true)
    }

    @Test func shiftedTextTakesTheNearestOccurrence() {
        let contract = "1. 付款\n付款\n2. 交货\n付款"
        let body = "付款\n付款\n交货\n付款"
        let result = locate("2. 交货\n付款", contract: contract, body: body)
        // The label "2. " is not in the runs: found without it, as a place for a comment only.
        #expect(result?.text == "交货\n付款" && result?.exact == false)
        #expect(locate("交货", contract: contract, body: body)?.exact == true)
    }

    @Test func normalisedCharactersStillMatch() {
        let result = locate("支付１２０万元", contract: "甲方支付１２０万元。", body: "甲方 支付120 万元。")
        #expect(result?.text == "支付120 万元" && result?.exact == false)
    }

    @Test func aMissingClauseFallsBackToItsLine() {
        let result = locate("完全不同的条款", contract: "第一行\n完全不同的条款\n第三行", body: "第一行\n另一段文字\n第三行")
        #expect(result?.text == "另一段文字" && result?.exact == false)
    }
}

@Suite struct EdgeCaseTests {
    @Test func everyFormatRendersAReviewWithoutFindings() throws {
        var document = Fixtures.document
        document.report = Fixtures.report(findings: [], clauseCount: 6)
        let renderer = ReportRenderer()
        for format in ReportFormat.allCases {
            #expect(try !renderer.render(document, as: format).isEmpty, "\(format)")
        }
        let text = String(decoding: try renderer.render(document, as: .txt), as: UTF8.self)
        #expect(text.contains(ReportContent.noFindings))
    }

    @Test func markupCharactersAndTabsSurviveTheRoundTrip() throws {
        let contract = "合同 <A&B> \"版\"\n甲方<A&B公司>应于\t三日内付款。\n其余条款 & 附件。"
        let spec = Fixtures.Spec(
            title: "付款 <期限> & 方式", level: .high, category: "付款", clause: "<A&B公司>应于\t三日内付款。",
            rewrite: "<A&B公司>应于验收后\t三十日内付款。", instruction: "延长付款期限。")
        let findings = [Fixtures.finding(spec, number: 1, in: contract)]
        let document = ReportDocument(
            taskID: 9, filename: "a&b.txt", contractText: contract,
            report: Fixtures.report(findings: findings, clauseCount: 2), reviewedAt: Fixtures.reviewedAt)
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ReportRenderer().render(document, as: .annotated)
        let expected = contract.replacingOccurrences(of: spec.clause, with: spec.rewrite!)
        let output = try check(
            data,
            spec: [
                "comment_count": 1, "insertions": 1, "accepted": expected, "original": contract,
                "comments": [["anchor": spec.clause, "contains": [spec.title, "高风险"]]],
            ], in: directory)
        #expect(output.contains("\"comments\": 1"))

        let report = directory.appendingPathComponent("report.docx")
        try ReportRenderer().render(document, as: .docx).write(to: report)
        let reportSpec = directory.appendingPathComponent("report.json")
        try JSONSerialization.data(withJSONObject: [
            "title": ReportContent.title,
            "heading1": [ReportContent.summaryHeading, ReportContent.chartHeading, ReportContent.findingsHeading],
            "heading2": ["风险1　\(spec.title)"], "contains": [spec.clause, "a&b.txt"],
        ]).write(to: reportSpec)
        _ = try ExternalTools.runPythonCheck("check_docx.py", ["report", report.path, reportSpec.path])
    }
}
