import Foundation
import Review

/// Renders the review report as a Word document: cover, summary table, a risk-distribution chart
/// drawn as a table of shaded cells, and one Heading 2 section per finding.
struct DOCXReportWriter {
    /// One table cell: its paragraphs, how many grid columns it spans, and its shading.
    private struct Cell {
        var paragraphs: String
        var span = 1
        var fill: ReportColor?
    }

    /// Grid cells the longest bar of the chart fills.
    private static let chartCells = 20

    func render(_ content: ReportContent, created: Date) throws -> Data {
        var body = WordML.paragraph(style: WordStyles.title, WordML.run(ReportContent.title))
        body += fieldTable(content.cover)

        body += heading(ReportContent.summaryHeading, style: WordStyles.heading1)
        body += fieldTable(content.summary)
        if !content.keyConcerns.isEmpty {
            body += WordML.paragraph(style: WordStyles.label, WordML.run("主要关注"))
            for concern in content.keyConcerns { body += WordML.paragraph(WordML.run("• " + concern)) }
        }

        body += heading(ReportContent.chartHeading, style: WordStyles.heading1)
        body += chart(content.bars)

        body += heading(ReportContent.findingsHeading, style: WordStyles.heading1)
        if content.sections.isEmpty { body += WordML.paragraph(WordML.run(ReportContent.noFindings)) }
        for section in content.sections {
            body += heading(section.heading, style: WordStyles.heading2)
            body += self.section(section)
        }
        body += WordML.paragraph(style: WordStyles.note, WordML.run(ReportContent.disclaimer))
        body += WordPackage.sectionProperties(footerID: "rIdFooter")

        let package = WordPackage(
            title: ReportContent.title, body: body,
            parts: [
                WordPackage.Part(
                    path: "word/footer1.xml", contentType: WordPackage.contentTypeBase + "footer+xml",
                    relationshipType: WordPackage.relationshipTypeBase + "footer", relationshipID: "rIdFooter",
                    xml: Self.footer)
            ], created: created)
        return try package.archive()
    }

    private func heading(_ text: String, style: String) -> String {
        WordML.paragraph(style: style, WordML.run(text))
    }

    private func section(_ section: ReportContent.Section) -> String {
        var xml = ""
        let brief = section.items.filter(\.isBrief)
        if !brief.isEmpty {
            // Level, category and location share one line: label in bold, the level in its colour.
            var runs = ""
            for (index, item) in brief.enumerated() {
                if index > 0 { runs += WordML.run("　　") }
                runs += WordML.run(item.label + "：", WordML.RunStyle(bold: true, color: ReportColor.accent))
                let value = item.paragraphs.map(\.text).joined(separator: "；")
                runs += WordML.run(value, WordML.RunStyle(bold: item.highlight != nil, color: item.highlight))
            }
            xml += WordML.paragraph(runs)
        }
        for item in section.items where !item.isBrief {
            xml += WordML.paragraph(style: WordStyles.label, WordML.run(item.label))
            for paragraph in item.paragraphs {
                // The lead gets a paragraph of its own: a line break after it would be stretched by justification.
                if !paragraph.lead.isEmpty {
                    xml += WordML.paragraph(style: WordStyles.lead, WordML.run(paragraph.lead))
                }
                xml += WordML.paragraph(
                    style: item.isQuotation ? WordStyles.quotation : nil, WordML.run(paragraph.text))
            }
        }
        return xml
    }

    /// Two columns, label and value, the labels shaded.
    private func fieldTable(_ fields: [ReportContent.Field]) -> String {
        let labelWidth = 2000
        let rows = fields.map { field in
            [
                Cell(paragraphs: WordML.paragraph(WordML.run(field.label, WordML.RunStyle(bold: true))), fill: .shade),
                Cell(paragraphs: WordML.paragraph(WordML.run(field.value))),
            ]
        }
        return table(columns: [labelWidth, WordPackage.textWidth - labelWidth], rows: rows, bordered: true)
    }

    /// A bar chart as a borderless table: each level's bar is a run of cells shaded in its colour.
    private func chart(_ bars: [ReportContent.Bar]) -> String {
        let labelWidth = 1400
        let countWidth = 900
        let cellWidth = (WordPackage.textWidth - labelWidth - countWidth) / Self.chartCells
        let longest = max(1, bars.map(\.count).max() ?? 1)
        let rows = bars.map { bar -> [Cell] in
            let filled = bar.count == 0 ? 0 : max(1, bar.count * Self.chartCells / longest)
            var row = [Cell(paragraphs: WordML.paragraph(WordML.run(bar.level.label, WordML.RunStyle(bold: true))))]
            if filled > 0 {
                row.append(Cell(paragraphs: WordML.paragraph(""), span: filled, fill: bar.level.reportColor))
            }
            if filled < Self.chartCells {
                row.append(Cell(paragraphs: WordML.paragraph(""), span: Self.chartCells - filled))
            }
            row.append(Cell(paragraphs: WordML.paragraph(WordML.run("\(bar.count) 项"))))
            return row
        }
        let columns = [labelWidth] + Array(repeating: cellWidth, count: Self.chartCells) + [countWidth]
        return table(columns: columns, rows: rows, bordered: false)
            + WordML.paragraph(style: WordStyles.note, WordML.run("图：各风险等级的风险数量"))
    }

    private func table(columns: [Int], rows: [[Cell]], bordered: Bool) -> String {
        let borders =
            bordered
            ? ""
            : "<w:tblBorders>"
                + ["top", "left", "bottom", "right", "insideH", "insideV"]
                .map { #"<w:\#($0) w:val="nil"/>"# }.joined() + "</w:tblBorders>"
        var xml =
            "<w:tbl><w:tblPr>"
            + #"<w:tblStyle w:val="\#(WordStyles.table)"/><w:tblW w:w="\#(columns.reduce(0, +))" w:type="dxa"/>"#
            + borders + #"<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>"#
        for width in columns { xml += #"<w:gridCol w:w="\#(width)"/>"# }
        xml += "</w:tblGrid>"
        for row in rows {
            xml += bordered ? "<w:tr>" : #"<w:tr><w:trPr><w:trHeight w:val="400"/></w:trPr>"#
            var column = 0
            for cell in row {
                let width = columns[column..<column + cell.span].reduce(0, +)
                column += cell.span
                xml += #"<w:tc><w:tcPr><w:tcW w:w="\#(width)" w:type="dxa"/>"#
                if cell.span > 1 { xml += #"<w:gridSpan w:val="\#(cell.span)"/>"# }
                if let fill = cell.fill { xml += #"<w:shd w:val="clear" w:color="auto" w:fill="\#(fill.hex)"/>"# }
                xml += #"<w:vAlign w:val="center"/></w:tcPr>\#(cell.paragraphs)</w:tc>"#
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }

    /// 第 N 页 / 共 M 页, with Word computing both numbers.
    private static let footer =
        #"<w:ftr \#(WordPackage.documentNamespaces)"#
        + #"><w:p><w:pPr><w:pStyle w:val="\#(WordStyles.footer)"/></w:pPr>"#
        + WordML.run("第 ") + #"<w:fldSimple w:instr=" PAGE ">\#(WordML.run("1"))</w:fldSimple>"#
        + WordML.run(" 页 / 共 ") + #"<w:fldSimple w:instr=" NUMPAGES ">\#(WordML.run("1"))</w:fldSimple>"#
        + WordML.run(" 页") + "</w:p></w:ftr>"
}
