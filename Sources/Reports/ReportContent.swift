import Foundation
import Review

/// What every report format shows, decided once so that TXT, DOCX and PDF carry the same content
/// and differ only in how they lay it out.
struct ReportContent {
    /// A label with its value, e.g. 合同类型：采购合同.
    struct Field {
        var label: String
        var value: String
    }

    /// One bar of the risk-distribution chart.
    struct Bar {
        var level: RiskLevel
        var count: Int
    }

    /// A paragraph of a finding, optionally led by a term set in bold (a statute's reference).
    struct Paragraph {
        var lead: String = ""
        var text: String
    }

    /// A labelled part of a finding, e.g. 修改建议 with its paragraphs.
    struct Item {
        var label: String
        var paragraphs: [Paragraph]
        /// Words quoted verbatim from the contract, which layouts set apart.
        var isQuotation = false
        /// A one-word value (level, category, location) that layouts put on the label's own line.
        var isBrief = false
        /// The colour the value is set in, bold, where the format has colour (the risk level).
        var highlight: ReportColor?
    }

    /// One finding as the reports present it.
    struct Section {
        var number: Int
        var finding: Finding
        var items: [Item]

        /// e.g. 风险1　付款条件对买方不利
        var heading: String { "风险\(number)　\(finding.title)" }
    }

    static let title = "合同审查报告"
    static let summaryHeading = "一、审查概要"
    static let chartHeading = "二、风险分布"
    static let findingsHeading = "三、风险明细"
    static let noFindings = "未发现需要提示的风险条款。"
    static let disclaimer = "本报告由 ContractShield 根据合同文本自动生成，仅供参考，不构成法律意见；重要事项请咨询执业律师。"

    var cover: [Field]
    var summary: [Field]
    var keyConcerns: [String]
    var bars: [Bar]
    var sections: [Section]

    init(_ document: ReportDocument) {
        let report = document.report
        let reviewer = report.parties.filter { $0.role == report.role }.map { "\($0.designation) \($0.name)" }
        let stance = reviewer.isEmpty ? report.role.label : "\(report.role.label)（\(reviewer.joined(separator: "、"))）"
        cover =
            [
                Field(label: "合同文件", value: document.filename),
                Field(label: "合同类型", value: report.contractType.label),
            ]
            + report.parties.map { party in
                let code = party.creditCode.map { "（统一社会信用代码：\($0)）" } ?? ""
                return Field(label: party.designation, value: party.name + code)
            }
            + [
                Field(label: "审查立场", value: stance),
                Field(label: "审查日期", value: Self.chineseDate(document.reviewedAt)),
                Field(label: "任务编号", value: String(document.taskID)),
            ]

        let totals = report.summary
        summary = [
            Field(label: "总体评估", value: totals.overallAssessment),
            Field(label: "风险评分", value: "\(totals.riskScore) / 100"),
            Field(label: "风险总数", value: "\(totals.totalRisks)"),
            Field(label: RiskLevel.high.label, value: "\(totals.highRisks)"),
            Field(label: RiskLevel.medium.label, value: "\(totals.mediumRisks)"),
            Field(label: RiskLevel.low.label, value: "\(totals.lowRisks)"),
            Field(label: "审查条款数", value: "\(report.clauseCount)"),
        ]
        keyConcerns = totals.keyConcerns
        bars = [
            Bar(level: .high, count: totals.highRisks),
            Bar(level: .medium, count: totals.mediumRisks),
            Bar(level: .low, count: totals.lowRisks),
        ]

        // The gravest first, keeping the engine's order (which follows the contract) within a level.
        let ordered = report.findings.enumerated().sorted {
            $0.element.riskLevel != $1.element.riskLevel
                ? $0.element.riskLevel > $1.element.riskLevel : $0.offset < $1.offset
        }
        sections = ordered.enumerated().map { index, pair in
            Section(number: index + 1, finding: pair.element, items: Self.items(for: pair.element))
        }
    }

    private static func items(for finding: Finding) -> [Item] {
        var items = [
            Item(
                label: "风险等级", paragraphs: [Paragraph(text: finding.riskLevel.label)], isBrief: true,
                highlight: finding.riskLevel.reportColor),
            Item(label: "风险类别", paragraphs: [Paragraph(text: finding.category)], isBrief: true),
        ]
        if let location = location(of: finding) {
            items.append(Item(label: "条款位置", paragraphs: [Paragraph(text: location)], isBrief: true))
        }
        items.append(
            finding.clauseText.isEmpty
                ? Item(label: "条款原文", paragraphs: [Paragraph(text: "（合同中没有相应条款）")])
                : Item(label: "条款原文", paragraphs: paragraphs(finding.clauseText), isQuotation: true))
        let analysis = [finding.summary, finding.analysis].filter { !$0.isEmpty }
        items.append(Item(label: "风险分析", paragraphs: analysis.flatMap(paragraphs)))
        items.append(Item(label: "修改建议", paragraphs: paragraphs(finding.suggestion)))
        if !finding.statutes.isEmpty {
            items.append(
                Item(
                    label: "法律依据",
                    paragraphs: finding.statutes.map { Paragraph(lead: $0.statuteRef, text: $0.statuteText) }))
        }
        return items
    }

    /// 第3行 / 第3–5行, from the finding's line numbers, after 第2页 when the source has fixed pages.
    static func location(of finding: Finding) -> String? {
        guard let first = finding.lineNumbers.min(), let last = finding.lineNumbers.max() else { return nil }
        let lines = first == last ? "第\(first)行" : "第\(first)–\(last)行"
        return finding.page.map { "第\($0)页 " + lines } ?? lines
    }

    private static func paragraphs(_ text: String) -> [Paragraph] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { Paragraph(text: String($0)) }
    }

    /// 2025年8月28日, in China Standard Time (no daylight saving, so a fixed offset is exact).
    static func chineseDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.year!)年\(parts.month!)月\(parts.day!)日"
    }
}

/// An sRGB colour shared by the DOCX and PDF layouts.
struct ReportColor {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    /// `C0392B`, as WordprocessingML wants it.
    var hex: String {
        [red, green, blue].map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
    }

    static let ink = ReportColor(red: 0x1F, green: 0x1F, blue: 0x1F)
    static let accent = ReportColor(red: 0x1F, green: 0x4E, blue: 0x79)
    static let muted = ReportColor(red: 0x76, green: 0x76, blue: 0x76)
    static let rule = ReportColor(red: 0xBF, green: 0xBF, blue: 0xBF)
    static let shade = ReportColor(red: 0xF2, green: 0xF2, blue: 0xF2)
}

extension RiskLevel {
    /// Red, amber, green: the colour a level is drawn in, in every format that has colour.
    var reportColor: ReportColor {
        switch self {
        case .high: ReportColor(red: 0xC0, green: 0x39, blue: 0x2B)
        case .medium: ReportColor(red: 0xE6, green: 0x7E, blue: 0x22)
        case .low: ReportColor(red: 0x27, green: 0xAE, blue: 0x60)
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
