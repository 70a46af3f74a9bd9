import Foundation
import Review
import Testing

@testable import Reports

/// The installed CJK font, or a failure saying how to install it.
private func installedFont() throws -> URL {
    guard let url = ReportRenderer.defaultCJKFont() else {
        throw ExternalTools.MissingTool(
            message:
                "WenQuanYi Micro Hei is not installed: run scripts/setup-reports.sh (or apt-get install fonts-wqy-microhei)"
        )
    }
    return url
}

/// Writes the PDF of `document` to a temporary file and passes its path to `body`.
private func withPDF<T>(_ document: ReportDocument, fontFile: URL?, _ body: (String, Data) throws -> T) throws -> T {
    let data = try ReportRenderer(fontFile: fontFile).render(document, as: .pdf)
    let directory = try ExternalTools.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("report.pdf")
    try data.write(to: file)
    return try body(file.path, data)
}

@Suite struct PDFReportTests {
    @Test func pdftotextGivesBackEveryTitleClauseAndStatute() throws {
        let pdftotext = try ExternalTools.executable("pdftotext", package: "poppler-utils")
        let document = Fixtures.document
        let text = try withPDF(document, fontFile: try installedFont()) { path, _ in
            try ExternalTools.run(pdftotext, [path, "-"]).text
        }
        let squashed = text.withoutWhitespace
        for finding in document.report.findings {
            #expect(squashed.contains(finding.title.withoutWhitespace), "title \(finding.title)")
            #expect(
                finding.clauseText.isEmpty || squashed.contains(finding.clauseText.withoutWhitespace),
                "clause of \(finding.id)")
            #expect(squashed.contains(finding.suggestion.withoutWhitespace), "suggestion of \(finding.id)")
        }
        for needle in [Fixtures.exemption.statuteText, "合同审查报告", "风险等级", "条款原文", "风险分析", "修改建议", "法律依据", "第1页/共"] {
            #expect(squashed.contains(needle.withoutWhitespace), "\(needle)")
        }
    }

    @Test func pdffontsShowsAnEmbeddedSubsetWithUnicodeMap() throws {
        let pdffonts = try ExternalTools.executable("pdffonts", package: "poppler-utils")
        let output = try withPDF(Fixtures.document, fontFile: try installedFont()) { path, _ in
            try ExternalTools.run(pdffonts, [path])
        }
        #expect(output.status == 0, "\(output.stderr)")
        let fonts = output.text.split(separator: "\n").dropFirst(2)
        #expect(fonts.count == 1, "\(output.text)")
        let columns = fonts.first.map { $0.split(separator: " ", omittingEmptySubsequences: true) } ?? []
        // name, type ("CID TrueType"), encoding, emb, sub, uni, object ID
        #expect(columns.count >= 7, "\(output.text)")
        guard columns.count >= 7 else { return }
        let name = String(columns[0])
        #expect(name.range(of: #"^[A-Z]{6}\+\S+$"#, options: .regularExpression) != nil, "\(name)")
        #expect(columns[1] == "CID" && columns[2] == "TrueType" && columns[3] == "Identity-H")
        #expect(Array(columns[4...6]) == ["yes", "yes", "yes"], "emb sub uni: \(output.text)")
    }

    @Test func firstPageRendersInk() throws {
        let pdftoppm = try ExternalTools.executable("pdftoppm", package: "poppler-utils")
        let page = try withPDF(Fixtures.document, fontFile: try installedFont()) { path, _ in
            try ExternalTools.run(pdftoppm, ["-r", "50", "-gray", "-f", "1", "-l", "1", path])
        }
        #expect(page.status == 0, "\(page.stderr)")
        let image = try GrayImage(pgm: page.stdout)
        #expect(
            (413...414).contains(image.width) && (584...585).contains(image.height),
            "A4 at 50 dpi, got \(image.width)×\(image.height)")
        let dark = image.pixels.filter { $0 < 128 }.count
        // Text, tables and bars: a few percent of the page, neither blank nor a black box.
        #expect(dark > image.pixels.count / 200 && dark < image.pixels.count / 4, "\(dark) dark pixels")
    }

    @Test func bookmarksListEveryFindingUnderItsSection() throws {
        let pdftohtml = try ExternalTools.executable("pdftohtml", package: "poppler-utils")
        let xml = try withPDF(Fixtures.document, fontFile: try installedFont()) { path, _ in
            try ExternalTools.run(pdftohtml, ["-xml", "-stdout", "-i", "-q", path]).text
        }
        let items = xml.split(separator: "\n").filter { $0.hasPrefix("<item") }
            .map { $0.replacingOccurrences(of: #"<item page="\d+">|</item>"#, with: "", options: .regularExpression) }
        let sections = ReportContent(Fixtures.document).sections.map(\.heading)
        #expect(
            items == [ReportContent.summaryHeading, ReportContent.chartHeading, ReportContent.findingsHeading]
                + sections)
        #expect(xml.components(separatedBy: "<outline>").count == 3, "findings nest under 三、风险明细")
    }

    @Test func fortyFindingsStayUnderOneMegabyte() throws {
        let pdftotext = try ExternalTools.executable("pdftotext", package: "poppler-utils")
        try withPDF(Fixtures.largeDocument, fontFile: try installedFont()) { path, data in
            #expect(data.count < 1_000_000, "\(data.count) bytes")
            let text = try ExternalTools.run(pdftotext, [path, "-"]).text.withoutWhitespace
            #expect(text.contains("风险40"))
        }
    }

    @Test func withoutAFontFallsBackToSTSongLight() throws {
        let pdffonts = try ExternalTools.executable("pdffonts", package: "poppler-utils")
        let pdftotext = try ExternalTools.executable("pdftotext", package: "poppler-utils")
        let (output, text) = try withPDF(Fixtures.document, fontFile: nil) { path, _ in
            (try ExternalTools.run(pdffonts, [path]), try ExternalTools.run(pdftotext, [path, "-"]).text)
        }
        #expect(output.status == 0, "\(output.stderr)")
        // The ToUnicode map keeps the text searchable even where the reader lacks Adobe's CMaps.
        #expect(text.withoutWhitespace.contains(Fixtures.specs[0].clause.withoutWhitespace))
        let line = output.text.split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
        #expect(line.hasPrefix("STSong-Light "), "\(output.text)")
        #expect(line.contains("UniGB-UCS2-H") && line.contains(" no "), "not embedded: \(line)")
    }

    @Test func anUnreadableFontFileFailsWithAMessage() {
        let renderer = ReportRenderer(fontFile: URL(fileURLWithPath: "/nonexistent/font.ttf"))
        #expect(throws: ReportError.self) { try renderer.render(Fixtures.document, as: .pdf) }
        #expect((try? renderer.render(Fixtures.document, as: .txt)) != nil)
    }
}

@Suite struct TrueTypeSubsetterTests {
    @Test func compositeGlyphsKeepTheirComponentsRenumbered() throws {
        let font = try TrueTypeFont(contentsOf: try installedFont())
        // Most of WenQuanYi's ideographs are composites; take the first few used by the fixture.
        let composites = Fixtures.contract.unicodeScalars.map(font.glyph(for:)).filter { glyph in
            let outline = Array(font.outline(ofGlyph: glyph))
            return outline.count > 2 && Int16(bitPattern: UInt16(outline[0]) << 8 | UInt16(outline[1])) < 0
        }
        try #require(!composites.isEmpty, "the fixture should use composite glyphs")
        var subsetter = TrueTypeSubsetter(font: font)
        for glyph in composites.prefix(5) { _ = subsetter.include(glyph) }
        let subset = try TrueTypeFont(bytes: subsetter.fontFile(), name: "subset")
        #expect(subset.glyphCount == subsetter.glyphs.count && subset.glyphCount > 6, "components were added")
        for (newID, oldID) in subsetter.glyphs.enumerated() {
            #expect(subset.advance(ofGlyph: newID) == font.advance(ofGlyph: oldID))
            let outline = Array(subset.outline(ofGlyph: newID))
            let original = Array(font.outline(ofGlyph: oldID))
            // Padding aside, simple glyphs are copied byte for byte; composites differ only in component IDs.
            #expect(outline.count >= original.count && outline.count - original.count < 4)
            #expect(outline.prefix(2) == original.prefix(2))
        }
    }
}

@Suite struct CJKLineBreakerTests {
    private let breaker = CJKLineBreaker(maxWidth: 10, advance: { CJKLineBreaker.isIdeographic($0) ? 1 : 0.5 })

    @Test func closingPunctuationNeverStartsALineAndOpeningNeverEndsOne() {
        let text = "甲方应于合同签订后（三日内）支付，乙方应于收款后「五日内」交货。双方确认《验收单》。"
        for width in stride(from: 3.0, through: 12, by: 1) {
            let lines = CJKLineBreaker(maxWidth: width, advance: breaker.advance).lines(text)
            #expect(lines.map(\.text).joined() == text)
            for line in lines {
                #expect(!CJKLineBreaker.noLineStart.contains(line.text.unicodeScalars.first!), "\(width): \(line.text)")
                #expect(!CJKLineBreaker.noLineEnd.contains(line.text.unicodeScalars.last!), "\(width): \(line.text)")
                #expect(line.width <= width + 1, "one glued mark may overhang: \(line.text)")
            }
        }
    }

    @Test func latinWordsStayWholeAndSpacesVanishAtBreaks() {
        let lines = breaker.lines("型号HT-850 Pro (5-axis)共三台").map(\.text)
        #expect(lines.contains { $0.contains("HT-850") })
        #expect(lines.contains { $0.contains("(5-axis)") })
        #expect(lines.allSatisfy { !$0.hasPrefix(" ") && !$0.hasSuffix(" ") })
    }

    @Test func overlongWordsAreForcedAndNewlinesKept() {
        let lines = breaker.lines("ABCDEFGHIJKLMNOPQRSTUVWXYZ\n\n中")
        #expect(lines.map(\.text) == ["ABCDEFGHIJKLMNOPQRST", "UVWXYZ", "", "中"])
    }
}

/// A binary PGM (P5) as pdftoppm -gray writes it.
private struct GrayImage {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    init(pgm: Data) throws {
        let bytes = [UInt8](pgm)
        var fields: [Int] = []
        var index = 2
        guard bytes.starts(with: Array("P5".utf8)) else { throw ExternalTools.MissingTool(message: "not a PGM") }
        while fields.count < 3 {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
            var value = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            fields.append(value)
        }
        width = fields[0]
        height = fields[1]
        pixels = Array(bytes[(index + 1)...])
        guard pixels.count == width * height else { throw ExternalTools.MissingTool(message: "truncated PGM") }
    }
}
