import Foundation
import Review
import Testing
import ZIPFoundation

@testable import Reports

@Suite struct FixtureTests {
    @Test func spansAreRealOffsetsOfTheirClauses() {
        for document in [Fixtures.document, Fixtures.largeDocument] {
            let scalars = Array(document.contractText.unicodeScalars)
            for finding in document.report.findings {
                guard let span = finding.span else { continue }
                let quoted = String(String.UnicodeScalarView(scalars[span.start..<span.end]))
                #expect(quoted == finding.clauseText)
            }
        }
        #expect(Fixtures.largeDocument.report.findings.count == 40)
    }
}

@Suite struct TextReportTests {
    @Test func containsEveryFindingAndTheCover() throws {
        let data = try ReportRenderer(fontFile: nil).render(Fixtures.document, as: .txt)
        let text = try #require(String(data: data, encoding: .utf8))
        let squashed = text.withoutWhitespace
        for finding in Fixtures.document.report.findings {
            #expect(squashed.contains(finding.title.withoutWhitespace), "title \(finding.title)")
            #expect(finding.clauseText.isEmpty || squashed.contains(finding.clauseText.withoutWhitespace))
            #expect(squashed.contains(finding.suggestion.withoutWhitespace), "suggestion \(finding.id)")
        }
        for needle in ["合同审查报告", "上海明远精密机械有限公司", "2025年11月27日", "风险等级", "条款原文", "风险分析", "修改建议", "法律依据"] {
            #expect(text.contains(needle), "\(needle)")
        }
        #expect(squashed.contains(Fixtures.exemption.statuteText.withoutWhitespace))
    }

    @Test func linesFitAnEightyColumnTerminal() throws {
        let data = try ReportRenderer(fontFile: nil).render(Fixtures.largeDocument, as: .txt)
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") {
            #expect(TextReportWriter.width(String(line)) <= 80, "\(line)")
        }
    }

    @Test func highestRiskComesFirst() throws {
        let text = String(
            decoding: try ReportRenderer(fontFile: nil).render(Fixtures.document, as: .txt), as: UTF8.self)
        let high = try #require(text.range(of: "风险1　付款条件"))
        let medium = try #require(text.range(of: "视为验收期限过短"))
        let low = try #require(text.range(of: "未约定交货地点", options: .backwards))
        #expect(high.lowerBound < medium.lowerBound && medium.lowerBound < low.lowerBound)
    }
}

@Suite struct WordReportTests {
    @Test func pythonDocxReadsHeadingsTablesAndEveryClause() throws {
        let document = Fixtures.document
        let content = ReportContent(document)
        let data = try ReportRenderer(fontFile: nil).render(document, as: .docx)
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.docx")
        try data.write(to: file)
        let findings = document.report.findings
        let spec: [String: Any] = [
            "title": "合同审查报告",
            "heading1": [ReportContent.summaryHeading, ReportContent.chartHeading, ReportContent.findingsHeading],
            "heading2": content.sections.map(\.heading),
            "contains": findings.map(\.title) + findings.map(\.clauseText).filter { !$0.isEmpty }
                + findings.map(\.suggestion) + [Fixtures.exemption.statuteText, "上海明远精密机械有限公司", "2025年11月27日"],
        ]
        let specFile = directory.appendingPathComponent("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specFile)
        let output = try ExternalTools.runPythonCheck("check_docx.py", ["report", file.path, specFile.path])
        #expect(output.contains("\"headings\": 6"))
    }

    @Test func packageHasTheWordprocessingParts() throws {
        let data = try ReportRenderer(fontFile: nil).render(Fixtures.document, as: .docx)
        let archive = try Archive(data: data, accessMode: .read)
        let paths = Set(archive.map(\.path))
        for part in ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/footer1.xml"] {
            #expect(paths.contains(part), "\(part)")
        }
        #expect(archive.map(\.path).first == "[Content_Types].xml")
    }

    @Test func sameInputGivesSameBytes() throws {
        let renderer = ReportRenderer(fontFile: nil)
        #expect(try renderer.render(Fixtures.document, as: .docx) == renderer.render(Fixtures.document, as: .docx))
    }
}

@Suite struct ReportBatchTests {
    @Test func zipHoldsEveryFileUnderAUniqueName() throws {
        let files: [(name: String, data: Data)] = [
            ("审查报告.txt", Data("一".utf8)), ("审查报告.txt", Data("二".utf8)), ("../b.docx", Data([1, 2, 3])),
        ]
        let archive = try Archive(data: try ReportBatch.zip(files), accessMode: .read)
        var contents: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            contents[entry.path] = data
        }
        #expect(
            contents == ["审查报告.txt": Data("一".utf8), "审查报告 (2).txt": Data("二".utf8), ".._b.docx": Data([1, 2, 3])])
    }
}

@Suite struct ReportFormatTests {
    @Test func everyFormatHasAMimeTypeExtensionAndChineseLabel() {
        for format in ReportFormat.allCases {
            #expect(!format.mimeType.isEmpty && !format.fileExtension.isEmpty)
            #expect(format.label.unicodeScalars.contains { CJKLineBreaker.isIdeographic($0) })
        }
        #expect(ReportFormat.annotated.filename(for: Fixtures.document) == "设备采购合同-批注版.docx")
        #expect(ReportFormat.pdf.filename(for: Fixtures.document) == "设备采购合同-审查报告.pdf")
    }
}
