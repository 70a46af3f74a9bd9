import Foundation
import Review

/// Renders the report as UTF-8 plain text that reads well in an 80-column terminal.
struct TextReportWriter {
    /// Terminal columns a line may fill; ideographs take two.
    static let columns = 78.0

    func render(_ content: ReportContent) -> Data {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        func wrapped(_ text: String, indent: String) {
            let breaker = CJKLineBreaker(maxWidth: Self.columns - Self.width(indent), advance: Self.width)
            for wrappedLine in breaker.lines(text) { line(indent + wrappedLine.text) }
        }
        func heading(_ text: String, underline: Character) {
            line()
            line(text)
            line(String(repeating: underline, count: Int(Self.width(text))))
        }

        line(ReportContent.title)
        line(String(repeating: "=", count: Int(Self.width(ReportContent.title))))
        for field in content.cover { wrapped("\(field.label)：\(field.value)", indent: "") }

        heading(ReportContent.summaryHeading, underline: "-")
        for field in content.summary { line("\(field.label)：\(field.value)") }
        if !content.keyConcerns.isEmpty {
            line("主要关注：")
            for concern in content.keyConcerns { wrapped("· " + concern, indent: "  ") }
        }

        heading(ReportContent.chartHeading, underline: "-")
        let longest = max(1, content.bars.map(\.count).max() ?? 1)
        for bar in content.bars {
            // Scale so the longest bar is 40 cells; a non-zero count always shows at least one.
            let cells = bar.count == 0 ? 0 : max(1, bar.count * 40 / longest)
            line("\(bar.level.label)  \(String(repeating: "█", count: cells)) \(bar.count)")
        }

        heading(ReportContent.findingsHeading, underline: "-")
        if content.sections.isEmpty { line(ReportContent.noFindings) }
        for section in content.sections {
            line()
            wrapped("【\(section.finding.riskLevel.label)】\(section.heading)", indent: "")
            for item in section.items {
                if item.isBrief {
                    wrapped("\(item.label)：\(item.paragraphs.map(\.text).joined(separator: "；"))", indent: "  ")
                    continue
                }
                line("  \(item.label)：")
                for (index, paragraph) in item.paragraphs.enumerated() {
                    if !paragraph.lead.isEmpty { wrapped(paragraph.lead, indent: "    ") }
                    // Quote marks around the whole quotation, so it still reads as one when it spans lines.
                    let open = item.isQuotation && index == 0 ? "「" : ""
                    let close = item.isQuotation && index == item.paragraphs.count - 1 ? "」" : ""
                    wrapped(open + paragraph.text + close, indent: "    ")
                }
            }
        }
        line()
        wrapped(ReportContent.disclaimer, indent: "")
        return Data(out.utf8)
    }

    /// Terminal cells one character occupies.
    static func width(_ scalar: Unicode.Scalar) -> Double {
        CJKLineBreaker.isIdeographic(scalar) ? 2 : 1
    }

    static func width(_ text: String) -> Double {
        text.unicodeScalars.reduce(0) { $0 + width($1) }
    }
}
