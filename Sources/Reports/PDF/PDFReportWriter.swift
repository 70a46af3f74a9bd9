import Foundation
import Review

/// Lays the report out on A4 pages: cover and summary tables, the risk distribution drawn as
/// vector bars, one bookmarked section per finding, running header and page numbers.
struct PDFReportWriter {
    /// The font to embed a subset of; nil sets the text in the reader's STSong-Light.
    let font: TrueTypeFont?

    private typealias Style = PDFPageComposer.TextStyle
    private static let body = Style(size: 10.5)
    private static let label = Style(size: 10.5, color: .accent, bold: true)
    private static let quotation = Style(size: 10.5, leading: 1.7)
    private static let heading1 = Style(size: 15, color: .accent, bold: true, leading: 1.4)
    private static let heading2 = Style(size: 12.5, bold: true, leading: 1.5)
    private static let small = Style(size: 8.5, color: .muted, leading: 1.5)

    func render(_ content: ReportContent, document: ReportDocument) throws -> Data {
        var page = PDFPageComposer(font: PDFFont(embedding: font))
        cover(content, on: &page)
        heading(ReportContent.summaryHeading, on: &page)
        table(content.summary, on: &page)
        if !content.keyConcerns.isEmpty {
            page.skip(6)
            page.paragraph("主要关注", style: Self.label)
            for concern in content.keyConcerns {
                page.paragraph("•  " + concern, x: PDFPageComposer.left + 8, style: Self.body)
            }
        }
        heading(ReportContent.chartHeading, on: &page)
        chart(content.bars, on: &page)
        heading(ReportContent.findingsHeading, on: &page)
        if content.sections.isEmpty { page.paragraph(ReportContent.noFindings, style: Self.body) }
        for section in content.sections { self.section(section, on: &page) }
        page.skip(12)
        page.paragraph(ReportContent.disclaimer, style: Self.small)
        runningHeadersAndPageNumbers(filename: document.filename, on: &page)
        return try PDFFile(
            composer: page, title: "\(ReportContent.title) - \(document.filename)", created: document.reviewedAt
        )
        .data()
    }

    private func cover(_ content: ReportContent, on page: inout PDFPageComposer) {
        let title = Style(size: 24, color: .accent, bold: true, leading: 1.4)
        let width = page.font.width(ReportContent.title, size: title.size)
        page.skip(8)
        page.draw(
            ReportContent.title, x: (PDFPageComposer.pageWidth - width) / 2,
            baseline: PDFPageComposer.baseline(top: page.cursor, style: title), style: title)
        page.skip(title.lineHeight + 14)
        table(content.cover, on: &page)
    }

    private func heading(_ text: String, on page: inout PDFPageComposer) {
        // Keep the heading with at least three lines of what follows.
        page.reserve(Self.heading1.lineHeight + 18 + 3 * Self.body.lineHeight)
        page.skip(18)
        page.bookmark(text, level: 0)
        page.paragraph(text, style: Self.heading1)
        page.line(
            from: (PDFPageComposer.left, page.cursor + 2), to: (PDFPageComposer.right, page.cursor + 2), color: .accent,
            width: 0.8)
        page.skip(8)
    }

    /// Label and value rows with the labels shaded; a row never splits across pages.
    private func table(_ fields: [ReportContent.Field], on page: inout PDFPageComposer) {
        let labelWidth = 96.0
        let padding = 4.0
        let valueWidth = PDFPageComposer.textWidth - labelWidth
        for field in fields {
            let lines = page.lines(field.value, width: valueWidth - 2 * padding, style: Self.body)
            let height = Double(lines.count) * Self.body.lineHeight + 2 * padding
            page.reserve(height)
            let top = page.cursor
            let x = PDFPageComposer.left
            page.fill(x: x, y: top - height, width: labelWidth, height: height, color: .shade)
            page.stroke(x: x, y: top - height, width: labelWidth, height: height, color: .rule)
            page.stroke(x: x + labelWidth, y: top - height, width: valueWidth, height: height, color: .rule)
            var bold = Self.body
            bold.bold = true
            page.draw(
                field.label, x: x + padding, baseline: PDFPageComposer.baseline(top: top - padding, style: bold),
                style: bold)
            for (index, line) in lines.enumerated() {
                let lineTop = top - padding - Double(index) * Self.body.lineHeight
                page.draw(
                    line.text, x: x + labelWidth + padding,
                    baseline: PDFPageComposer.baseline(top: lineTop, style: Self.body), style: Self.body)
            }
            page.cursor -= height
        }
    }

    /// Horizontal bars, one per level, scaled to the largest count.
    private func chart(_ bars: [ReportContent.Bar], on page: inout PDFPageComposer) {
        let labelWidth = 56.0
        let countWidth = 44.0
        let barHeight = 16.0
        let gap = 12.0
        let height = Double(bars.count) * (barHeight + gap) + 24
        page.reserve(height)
        let x = PDFPageComposer.left + labelWidth
        let maxWidth = PDFPageComposer.textWidth - labelWidth - countWidth
        let longest = Double(max(1, bars.map(\.count).max() ?? 1))
        var top = page.cursor - 6
        let chartTop = top + 4
        for bar in bars {
            let style = Style(size: 10.5, bold: true)
            let baseline = top - barHeight / 2 - style.size * 0.35
            page.draw(bar.level.label, x: PDFPageComposer.left, baseline: baseline, style: style)
            let width = Double(bar.count) / longest * maxWidth
            if bar.count > 0 {
                page.fill(
                    x: x, y: top - barHeight, width: max(width, 2), height: barHeight, color: bar.level.reportColor)
            }
            page.draw("\(bar.count) 项", x: x + width + 6, baseline: baseline, style: Self.body)
            top -= barHeight + gap
        }
        page.line(from: (x, chartTop), to: (x, top + gap - 4), color: .muted, width: 0.8)
        page.cursor = top
        page.paragraph("图：各风险等级的风险数量", style: Self.small)
    }

    private func section(_ section: ReportContent.Section, on page: inout PDFPageComposer) {
        page.reserve(Self.heading2.lineHeight + 10 + 4 * Self.body.lineHeight)
        page.skip(10)
        page.bookmark(section.heading, level: 1)
        // A tab in the level's colour marks the heading.
        page.fill(
            x: PDFPageComposer.left, y: page.cursor - Self.heading2.lineHeight + 4, width: 4,
            height: Self.heading2.lineHeight - 8, color: section.finding.riskLevel.reportColor)
        page.paragraph(
            section.heading, x: PDFPageComposer.left + 10, width: PDFPageComposer.textWidth - 10, style: Self.heading2)

        var brief: [(text: String, style: Style)] = []
        for item in section.items where item.isBrief {
            var value = Self.body
            if let highlight = item.highlight {
                value.color = highlight
                value.bold = true
            }
            brief.append((item.label + "：", Self.label))
            brief.append((item.paragraphs.map(\.text).joined(separator: "；") + "　　", value))
        }
        page.inline(brief)

        for item in section.items where !item.isBrief {
            page.reserve(Self.label.lineHeight + 2 * Self.body.lineHeight)
            page.skip(3)
            page.paragraph(item.label, style: Self.label)
            for paragraph in item.paragraphs {
                if !paragraph.lead.isEmpty {
                    var lead = Self.body
                    lead.bold = true
                    page.paragraph(paragraph.lead, style: lead)
                }
                if item.isQuotation {
                    page.paragraph(paragraph.text, style: Self.quotation, background: .shade, bar: .rule)
                } else {
                    page.paragraph(paragraph.text, style: Self.body)
                }
            }
        }
    }

    /// Page numbers on every page and the report's name at the top of every page after the first;
    /// drawn last, when the page count is known.
    private func runningHeadersAndPageNumbers(filename: String, on page: inout PDFPageComposer) {
        let count = page.pages.count
        let headerTop = PDFPageComposer.pageHeight - 30
        for index in 0..<count {
            let number = "第 \(index + 1) 页 / 共 \(count) 页"
            let width = page.font.width(number, size: Self.small.size)
            page.draw(number, x: (PDFPageComposer.pageWidth - width) / 2, baseline: 36, style: Self.small, page: index)
            guard index > 0 else { continue }
            page.draw(
                "\(ReportContent.title) · \(filename)", x: PDFPageComposer.left,
                baseline: PDFPageComposer.baseline(top: headerTop, style: Self.small), style: Self.small, page: index)
            page.line(
                from: (PDFPageComposer.left, headerTop - Self.small.lineHeight - 2),
                to: (PDFPageComposer.right, headerTop - Self.small.lineHeight - 2), color: .rule, page: index)
        }
    }
}

/// The composed pages as a PDF file: page tree, font, bookmarks, document information.
private struct PDFFile {
    let composer: PDFPageComposer
    let title: String
    let created: Date

    func data() throws -> Data {
        var writer = PDFWriter()
        let catalog = writer.reserve()
        let pageTree = writer.reserve()
        let font = try composer.font.write(into: &writer)
        var pageObjects: [Int] = []
        for content in composer.pages {
            let stream = writer.reserve()
            try writer.writeStream(stream, Data(content.utf8))
            pageObjects.append(
                writer.add(
                    "<< /Type /Page /Parent \(pageTree) 0 R /MediaBox [0 0 \(PDFWriter.number(PDFPageComposer.pageWidth)) "
                        + "\(PDFWriter.number(PDFPageComposer.pageHeight))] /Resources << /Font << /F1 \(font) 0 R >> >> "
                        + "/Contents \(stream) 0 R >>"))
        }
        writer.write(
            pageTree,
            "<< /Type /Pages /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pageObjects.count) >>"
        )
        let outlines = writeOutlines(into: &writer, pages: pageObjects)
        let info = writer.add(
            "<< /Title \(PDFWriter.textString(title)) /Author \(PDFWriter.textString("ContractShield")) "
                + "/Producer (ContractShield) /CreationDate (\(Self.pdfDate(created))) >>")
        writer.write(
            catalog,
            "<< /Type /Catalog /Pages \(pageTree) 0 R /Outlines \(outlines) 0 R /PageMode /UseOutlines /Lang (zh-CN) "
                + "/ViewerPreferences << /DisplayDocTitle true >> >>")
        return writer.finish(catalog: catalog, info: info)
    }

    /// The bookmark tree: level-0 headings at the top, each finding under the heading before it.
    private func writeOutlines(into writer: inout PDFWriter, pages: [Int]) -> Int {
        let root = writer.reserve()
        let marks = composer.bookmarks
        let numbers = marks.map { _ in writer.reserve() }
        var children: [Int: [Int]] = [:]  // parent index (-1 for the root) → child indices
        var lastTop = -1
        for (index, mark) in marks.enumerated() {
            if mark.level == 0 { lastTop = index }
            children[mark.level == 0 ? -1 : lastTop, default: []].append(index)
        }
        for (parent, siblings) in children {
            for (position, index) in siblings.enumerated() {
                let mark = marks[index]
                var entry =
                    "<< /Title \(PDFWriter.textString(mark.title)) /Parent \(parent < 0 ? root : numbers[parent]) 0 R "
                if position > 0 { entry += "/Prev \(numbers[siblings[position - 1]]) 0 R " }
                if position < siblings.count - 1 { entry += "/Next \(numbers[siblings[position + 1]]) 0 R " }
                if let kids = children[index], let first = kids.first, let last = kids.last {
                    entry += "/First \(numbers[first]) 0 R /Last \(numbers[last]) 0 R /Count \(kids.count) "
                }
                entry += "/Dest [\(pages[mark.page]) 0 R /XYZ 0 \(PDFWriter.number(mark.top + 8)) null] >>"
                writer.write(numbers[index], entry)
            }
        }
        let top = children[-1] ?? []
        if let first = top.first, let last = top.last {
            writer.write(
                root,
                "<< /Type /Outlines /First \(numbers[first]) 0 R /Last \(numbers[last]) 0 R /Count \(marks.count) >>")
        } else {
            writer.write(root, "<< /Type /Outlines /Count 0 >>")
        }
        return root
    }

    /// `D:20251127160000+08'00'`, in China Standard Time like the rest of the report.
    private static func pdfDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let digits = [parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!]
            .map { $0 < 10 ? "0\($0)" : "\($0)" }.joined()
        return "D:\(parts.year!)\(digits)+08'00'"
    }
}
