/// The text of a Word body as ContractShield's DOCX reader extracts it — paragraphs in order
/// joined by `\n`, a table row as its cells joined by `\t` (a cell's paragraphs joined by spaces) —
/// with every character tied to the run it comes from, so a span of the text can be found in the runs.
struct WordBodyText {
    /// Where one character of the text comes from.
    enum Source {
        /// Unit `index` of a run: a character of its `w:t`, or a tab or break.
        case run(XMLNode, index: Int)
        /// A line or cell separator the reader adds.
        case separator
    }

    private(set) var scalars: [Unicode.Scalar] = []
    private(set) var sources: [Source] = []
    /// The runs of the first line that has any, usually the contract's title: where comments on the
    /// contract as a whole are anchored.
    private(set) var titleRuns: [XMLNode] = []

    /// Elements whose content is not part of a paragraph's current text: deletions, moved-away text,
    /// `mc:Fallback` duplicates, tab-stop definitions, the old properties of revision records, and
    /// text boxes (the reader puts their paragraphs on lines of their own, found by search if quoted).
    private static func hides(_ name: String) -> Bool {
        name == "w:del" || name == "w:moveFrom" || name == "mc:Fallback" || name == "w:tabs"
            || name == "w:txbxContent" || name.hasSuffix("Change")
    }

    /// - Parameter keepsBlankParagraphs: count empty paragraphs as lines, as in a document built
    ///   from text line by line; the DOCX reader drops them.
    init(body: XMLNode, keepsBlankParagraphs: Bool) {
        var lines: [[(Unicode.Scalar, Source)]] = []
        for block in Self.blocks(body) {
            if block.name == "w:p" {
                let line = Self.paragraph(block, inTable: false)
                if keepsBlankParagraphs || !line.allSatisfy({ $0.0.properties.isWhitespace }) { lines.append(line) }
            } else {
                lines += Self.rows(of: block)
            }
        }
        var lineOfTitle = -1
        for (index, line) in lines.enumerated() {
            if index > 0 {
                scalars.append("\n")
                sources.append(.separator)
            }
            for (scalar, source) in line {
                scalars.append(scalar)
                sources.append(source)
                if titleRuns.isEmpty || index == lineOfTitle, case .run(let run, _) = source, titleRuns.last !== run {
                    lineOfTitle = index
                    titleRuns.append(run)
                }
            }
        }
    }

    /// Paragraphs and tables at body level, looking through block-level content controls.
    private static func blocks(_ container: XMLNode) -> [XMLNode] {
        container.elements.flatMap { element -> [XMLNode] in
            switch element.name {
            case "w:p", "w:tbl": [element]
            case "w:sdt": element.element("w:sdtContent").map(blocks) ?? []
            case "w:customXml": blocks(element)
            default: []
            }
        }
    }

    /// Each non-empty row of a table as one line; nested tables go into their cell.
    private static func rows(of table: XMLNode) -> [[(Unicode.Scalar, Source)]] {
        var lines: [[(Unicode.Scalar, Source)]] = []
        for row in table.elements where row.name == "w:tr" {
            let cells = row.elements.filter { $0.name == "w:tc" }.map(cellText)
            guard cells.contains(where: { !$0.isEmpty }) else { continue }
            lines.append(Array(cells.joined(separator: [(Unicode.Scalar("\t"), Source.separator)])))
        }
        return lines
    }

    private static func cellText(_ cell: XMLNode) -> [(Unicode.Scalar, Source)] {
        var parts: [[(Unicode.Scalar, Source)]] = []
        for block in blocks(cell) {
            if block.name == "w:p" {
                let line = paragraph(block, inTable: true)
                if !line.allSatisfy({ $0.0.properties.isWhitespace }) { parts.append(line) }
            } else {
                parts += rows(of: block)
            }
        }
        return Array(parts.joined(separator: [(Unicode.Scalar(" "), Source.separator)]))
    }

    private static func paragraph(_ paragraph: XMLNode, inTable: Bool) -> [(Unicode.Scalar, Source)] {
        var line: [(Unicode.Scalar, Source)] = []
        func visit(_ node: XMLNode) {
            for child in node.elements where !hides(child.name) {
                if child.name == "w:r" {
                    for (index, scalar) in units(of: child).enumerated() {
                        // The reader turns tabs and breaks inside tables into spaces.
                        let shown = inTable && (scalar == "\t" || scalar == "\n") ? " " : scalar
                        line.append((shown, .run(child, index: index)))
                    }
                } else if child.name != "w:pPr" && child.name != "w:p" {
                    visit(child)
                }
            }
        }
        visit(paragraph)
        return line
    }

    /// The characters a run shows, one per unit: its text, tabs and breaks.
    static func units(of run: XMLNode) -> [Unicode.Scalar] {
        run.elements.flatMap { unit(of: $0) }
    }

    /// What one child of a run contributes.
    static func unit(of child: XMLNode) -> [Unicode.Scalar] {
        switch child.name {
        case "w:t": Array(child.text.unicodeScalars)
        case "w:tab", "w:ptab": ["\t"]
        case "w:br", "w:cr": ["\n"]
        case "w:noBreakHyphen": ["-"]
        default: []
        }
    }
}
