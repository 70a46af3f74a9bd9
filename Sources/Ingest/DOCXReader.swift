import Foundation

/// Reads a DOCX in memory: the body of `word/document.xml` as text, with list labels,
/// tables and tracked changes resolved, plus its headers and footers kept apart.
///
/// Headers and footers stay out of the body text because they repeat on every printed page
/// (company names, "第 X 页") and would otherwise be cited as clauses; the same reasoning
/// makes the PDF path strip running headers. They are returned separately for display.
struct DOCXReader: Sendable {
    let limits: IngestLimits

    struct Result: Sendable, Hashable {
        var body: String
        /// The header and footer lines, each distinct line once; empty when there are none.
        var headersAndFooters: String
    }

    func read(_ data: Data) throws(IngestError) -> Result {
        var zip = try BoundedZipReader(data, limits: limits)
        guard let documentXML = try zip.contents(of: "word/document.xml") else {
            throw IngestError(.unreadable, "DOCX 文件已损坏：缺少正文 word/document.xml")
        }
        let numbering = try zip.contents(of: "word/numbering.xml").map { xml throws(IngestError) in
            try WordNumbering(numberingXML: xml)
        } ?? WordNumbering()
        let styles = try zip.contents(of: "word/styles.xml").map { xml throws(IngestError) in
            try WordStyles(stylesXML: xml)
        } ?? WordStyles()

        var body = WordDocumentHandler(numbering: numbering, styles: styles)
        try body.parse(documentXML, part: "word/document.xml")

        var furniture: [String] = []
        // Headers before footers, header2 before header10.
        let furnitureParts = zip.paths.filter(Self.isHeaderOrFooter).sorted {
            ($0.contains("footer") ? 1 : 0, $0.count, $0) < ($1.contains("footer") ? 1 : 0, $1.count, $1)
        }
        for part in furnitureParts {
            guard let xml = try zip.contents(of: part) else { continue }
            var handler = WordDocumentHandler(numbering: WordNumbering(), styles: styles)
            try handler.parse(xml, part: part)
            for line in handler.lines where !furniture.contains(line) { furniture.append(line) }
        }
        return Result(body: body.lines.joined(separator: "\n"), headersAndFooters: furniture.joined(separator: "\n"))
    }

    private static func isHeaderOrFooter(_ path: String) -> Bool {
        guard path.hasPrefix("word/"), path.hasSuffix(".xml") else { return false }
        let name = path.dropFirst("word/".count)
        return !name.contains("/") && (name.hasPrefix("header") || name.hasPrefix("footer"))
    }
}

/// Turns WordprocessingML into lines: one per paragraph, one per table row (cells joined by a tab).
struct WordDocumentHandler: XMLEventHandler {
    private(set) var lines: [String] = []
    private var numbering: WordNumbering
    private let styles: WordStyles

    private struct Paragraph {
        var text = ""
        var numId: String?
        var level: Int?
        var style: String?
    }

    private struct Table {
        var row: [String] = []
        var cell: [String]?
    }

    private var paragraphs: [Paragraph] = []
    private var tables: [Table] = []
    /// Depth inside content Word does not display: deletions, moved-away text, `mc:Fallback`
    /// duplicates, the old properties kept by `w:*Change` revision records, and tab-stop
    /// definitions (`w:tabs` holds `w:tab` elements that are not tab characters).
    private var hiddenDepth = 0
    private var inText = false

    init(numbering: WordNumbering, styles: WordStyles) {
        self.numbering = numbering
        self.styles = styles
    }

    private static func hides(_ name: String) -> Bool {
        name == "w:del" || name == "w:moveFrom" || name == "mc:Fallback" || name == "w:tabs" || name.hasSuffix("Change")
    }

    mutating func start(_ name: String, attributes: [String: String]) {
        if Self.hides(name) { hiddenDepth += 1 }
        guard hiddenDepth == 0 else { return }
        let val = attributes["w:val"]
        switch name {
        case "w:p": paragraphs.append(Paragraph())
        case "w:pStyle": paragraphs.indices.last.map { paragraphs[$0].style = val }
        case "w:numId": paragraphs.indices.last.map { paragraphs[$0].numId = val }
        case "w:ilvl": paragraphs.indices.last.map { paragraphs[$0].level = Int(val ?? "") }
        case "w:t": inText = true
        case "w:tab", "w:ptab": append(tables.isEmpty ? "\t" : " ")
        case "w:br", "w:cr": append(tables.isEmpty ? "\n" : " ")
        case "w:noBreakHyphen": append("-")
        case "w:tbl": tables.append(Table())
        case "w:tr": tables.indices.last.map { tables[$0].row = [] }
        case "w:tc": tables.indices.last.map { tables[$0].cell = [] }
        default: break
        }
    }

    mutating func end(_ name: String) {
        if Self.hides(name) {
            hiddenDepth -= 1
            return
        }
        guard hiddenDepth == 0 else { return }
        switch name {
        case "w:t": inText = false
        case "w:p": if let paragraph = paragraphs.popLast() { finish(paragraph) }
        case "w:tc":
            guard let last = tables.indices.last, let cell = tables[last].cell else { return }
            tables[last].row.append(cell.joined(separator: " "))
            tables[last].cell = nil
        case "w:tr":
            guard let last = tables.indices.last else { return }
            let row = tables[last].row
            tables[last].row = []
            if row.contains(where: { !$0.isEmpty }) { emit(row.joined(separator: "\t"), fromTableDepth: last) }
        case "w:tbl": tables.removeLast()
        default: break
        }
    }

    mutating func characters(_ text: String) {
        if inText, hiddenDepth == 0 { append(text) }
    }

    private mutating func append(_ text: String) {
        guard let last = paragraphs.indices.last else { return }
        paragraphs[last].text += text
    }

    private mutating func finish(_ paragraph: Paragraph) {
        var numId = paragraph.numId
        var level = paragraph.level
        if let style = paragraph.style, let styled = styles.numbering(ofStyle: style) {
            numId = numId ?? styled.numId
            level = level ?? styled.level
        }
        let label = numId.flatMap { numbering.nextLabel(numId: $0, level: level ?? 0) } ?? ""
        let text = label + paragraph.text
        guard !text.allSatisfy(\.isWhitespace) else { return }
        emit(text, fromTableDepth: tables.count)
    }

    /// Sends a finished line to the innermost open table cell below `depth`, or to the body.
    private mutating func emit(_ line: String, fromTableDepth depth: Int) {
        var target = min(depth, tables.count) - 1
        while target >= 0, tables[target].cell == nil { target -= 1 }
        if target >= 0 {
            tables[target].cell?.append(line)
        } else {
            lines.append(line)
        }
    }
}
