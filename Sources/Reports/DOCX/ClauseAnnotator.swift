import Foundation
import Review

/// Marks findings up in a Word body: a comment range around each finding's clause and, for a
/// concrete rewrite, the clause's runs wrapped in `w:del` followed by the new wording in `w:ins`.
struct ClauseAnnotator {
    /// A comment to write into the comments part.
    struct Comment {
        var id: Int
        var section: ReportContent.Section
    }

    var redline: Bool
    var author: String
    var date: Date

    /// Annotates `body` in place and returns the comments to store, numbering comments and
    /// revisions from `firstID` (which must exceed every `w:id` already in the document).
    func annotate(
        body: XMLNode, keepsBlankParagraphs: Bool, document: ReportDocument, sections: [ReportContent.Section],
        firstID: Int
    ) -> [Comment] {
        var text = WordBodyText(body: body, keepsBlankParagraphs: keepsBlankParagraphs)
        let contract = Array(document.contractText.unicodeScalars)
        let located = sections.map { section in
            (section, ClauseLocator(text: text.scalars, contract: contract).range(of: section.finding))
        }

        // Split runs so that every clause starts and ends on a run boundary, then read the text again.
        var cuts: [ObjectIdentifier: (run: XMLNode, offsets: Set<Int>)] = [:]
        for (_, match) in located {
            guard let match else { continue }
            for boundary in [match.range.lowerBound, match.range.upperBound] where boundary < text.sources.count {
                guard case .run(let run, let index) = text.sources[boundary], index > 0 else { continue }
                cuts[ObjectIdentifier(run), default: (run, [])].offsets.insert(index)
            }
        }
        for (run, offsets) in cuts.values { RunSplitter.split(run, at: offsets) }
        text = WordBodyText(body: body, keepsBlankParagraphs: keepsBlankParagraphs)

        var nextID = firstID
        var comments: [Comment] = []
        var rewritten: [Range<Int>] = []
        for (section, match) in located {
            // A finding about the contract as a whole is noted on its title.
            let runs = match.map { Self.runs(in: $0.range, of: text) } ?? text.titleRuns
            guard let first = runs.first, let last = runs.last else { continue }
            let commentID = nextID
            nextID += 1
            comments.append(Comment(id: commentID, section: section))

            var lastNode = last
            if redline, let match, match.isExact, Self.canRevise(runs),
                let wording = SuggestedRewrite.wording(in: section.finding.suggestion),
                wording != section.finding.clauseText, !rewritten.contains(where: { $0.overlaps(match.range) })
            {
                lastNode = revise(runs, to: wording, nextID: &nextID)
                rewritten.append(match.range)
            }
            let start = Self.outermost(first)
            start.parent?.insert(
                [XMLNode(element: "w:commentRangeStart", attributes: [("w:id", "\(commentID)")])],
                at: start.indexInParent!)
            let end = Self.outermost(lastNode)
            end.parent?.insert(
                [
                    XMLNode(element: "w:commentRangeEnd", attributes: [("w:id", "\(commentID)")]),
                    XMLNode(
                        element: "w:r",
                        children: [XMLNode(element: "w:commentReference", attributes: [("w:id", "\(commentID)")])]),
                ], at: end.indexInParent! + 1)
        }
        return comments
    }

    /// The runs whose text lies in `range`, in document order.
    private static func runs(in range: Range<Int>, of text: WordBodyText) -> [XMLNode] {
        var runs: [XMLNode] = []
        for source in text.sources[range] {
            if case .run(let run, _) = source, runs.last !== run { runs.append(run) }
        }
        return runs
    }

    /// A tracked change is written only within one paragraph without fields, for runs directly in it
    /// or in a hyperlink or smart tag: other containers (existing revisions, fields) cannot hold a
    /// `w:del` of ours without breaking their structure.
    private static func canRevise(_ runs: [XMLNode]) -> Bool {
        let parents = Set(runs.compactMap { $0.parent.map(ObjectIdentifier.init) })
        guard parents.count == 1, let parent = runs.first?.parent, let paragraph = paragraph(of: runs[0]),
            ["w:p", "w:hyperlink", "w:smartTag"].contains(parent.name)
        else { return false }
        var hasField = false
        paragraph.descendants { hasField = hasField || $0.name == "w:fldChar" || $0.name == "w:fldSimple" }
        return !hasField
    }

    private static func paragraph(of node: XMLNode) -> XMLNode? {
        var current: XMLNode? = node
        while let node = current, node.name != "w:p" { current = node.parent }
        return current
    }

    /// The node to put comment markers beside: a run, or the revision wrapping it.
    private static func outermost(_ node: XMLNode) -> XMLNode {
        var node = node
        while let parent = node.parent, parent.name == "w:del" || parent.name == "w:ins" { node = parent }
        return node
    }

    /// Wraps `runs` in deletions and inserts `wording` after them, formatted like the first run;
    /// returns the insertion.
    private func revise(_ runs: [XMLNode], to wording: String, nextID: inout Int) -> XMLNode {
        let stamp = ISO8601DateFormatter().string(from: date)
        func revision(_ name: String, _ children: [XMLNode]) -> XMLNode {
            defer { nextID += 1 }
            return XMLNode(
                element: name, attributes: [("w:id", "\(nextID)"), ("w:author", author), ("w:date", stamp)],
                children: children)
        }
        for run in runs {
            for child in run.elements {
                if child.name == "w:t" { child.name = "w:delText" }
                if child.name == "w:instrText" { child.name = "w:delInstrText" }
            }
            run.parent?.replace(run, with: [revision("w:del", [run])])
        }
        let properties = runs[0].element("w:rPr")?.copy()
        let content = XMLNode.parse(Array(WordML.content(wording, textElement: "w:t").utf8))?.children ?? []
        let insertion = revision(
            "w:ins", [XMLNode(element: "w:r", children: (properties.map { [$0] } ?? []) + content)])
        let last = Self.outermost(runs[runs.count - 1])
        last.parent?.insert([insertion], at: last.indexInParent! + 1)
        return insertion
    }
}

/// Finds a finding's clause in the text of a Word body, which may differ slightly from the
/// reviewed text (list labels, normalised characters, dropped blank lines).
struct ClauseLocator {
    struct Match {
        var range: Range<Int>
        /// The body text there equals the clause exactly, so its words may be replaced; otherwise the
        /// range only shows where the comment belongs.
        var isExact: Bool
    }

    let text: [Unicode.Scalar]
    let contract: [Unicode.Scalar]

    func range(of finding: Finding) -> Match? {
        let clause = Array(finding.clauseText.unicodeScalars)
        guard !clause.isEmpty, let span = finding.span else { return nil }
        // The same text: the span is the answer.
        if text.count == contract.count, span.end <= text.count, Array(text[span.start..<span.end]) == clause {
            return Match(range: span.start..<span.end, isExact: true)
        }
        // Expect the clause about as far into the body as into the reviewed text.
        let expected = contract.isEmpty ? 0 : span.start * text.count / contract.count
        if let start = nearest(occurrencesOf: clause, in: text, to: expected) {
            return Match(range: start..<start + clause.count, isExact: true)
        }
        let (foldedText, positions) = Self.fold(text)
        let (foldedClause, _) = Self.fold(clause)
        // A list label the reader put before the clause is not in the runs: try without a short prefix.
        for dropped in 0...min(Self.longestLabel, foldedClause.count / 3) {
            let needle = Array(foldedClause.dropFirst(dropped))
            if !needle.isEmpty,
                let start = nearest(occurrencesOf: needle, in: foldedText, to: expected, positions: positions)
            {
                return Match(range: positions[start]..<positions[start + needle.count - 1] + 1, isExact: false)
            }
        }
        // Not found at all: point at the line where the clause should be.
        guard !text.isEmpty else { return nil }
        var around = min(expected, text.count - 1)
        if text[around] == "\n", around + 1 < text.count { around += 1 }
        let lineStart = text[..<around].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let lineEnd = text[around...].firstIndex(of: "\n") ?? text.count
        return lineStart < lineEnd ? Match(range: lineStart..<lineEnd, isExact: false) : nil
    }

    /// Characters of the longest list label the DOCX reader writes (`(iv) `, `第十二条 `).
    private static let longestLabel = 8

    private func nearest(
        occurrencesOf needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], to expected: Int, positions: [Int]? = nil
    ) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var best: Int?
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            guard haystack[start..<start + needle.count].elementsEqual(needle) else { continue }
            let position = positions?[start] ?? start
            if best.map({ abs((positions?[$0] ?? $0) - expected) > abs(position - expected) }) ?? true { best = start }
        }
        return best
    }

    /// The text without whitespace and with full-width ASCII folded to ASCII, and where each
    /// remaining character was: the differences the reader's normalisation may have made.
    static func fold(_ scalars: [Unicode.Scalar]) -> ([Unicode.Scalar], [Int]) {
        var folded: [Unicode.Scalar] = []
        var positions: [Int] = []
        for (index, scalar) in scalars.enumerated() where !scalar.properties.isWhitespace && scalar.value != 0x200B {
            let value = (0xFF01...0xFF5E).contains(scalar.value) ? scalar.value - 0xFEE0 : scalar.value
            folded.append(Unicode.Scalar(value)!)
            positions.append(index)
        }
        return (folded, positions)
    }
}

/// Splits a run into several at unit offsets, each piece keeping the run's properties.
enum RunSplitter {
    static func split(_ run: XMLNode, at offsets: Set<Int>) {
        let properties = run.element("w:rPr")
        var pieces: [[XMLNode]] = [[]]
        var unit = 0
        for child in run.children where child !== properties {
            let scalars = child.kind == .element ? WordBodyText.unit(of: child) : []
            guard child.name == "w:t", scalars.count > 1 else {
                if !scalars.isEmpty, offsets.contains(unit), !pieces[pieces.count - 1].isEmpty { pieces.append([]) }
                pieces[pieces.count - 1].append(child)
                unit += scalars.count
                continue
            }
            // Cut the text element itself where an offset falls inside it.
            var current: [Unicode.Scalar] = []
            for scalar in scalars {
                if offsets.contains(unit), !(current.isEmpty && pieces[pieces.count - 1].isEmpty) {
                    if !current.isEmpty { pieces[pieces.count - 1].append(textElement(current)) }
                    current = []
                    pieces.append([])
                }
                current.append(scalar)
                unit += 1
            }
            pieces[pieces.count - 1].append(textElement(current))
        }
        guard pieces.count > 1 else { return }
        let runs = pieces.map { children in
            XMLNode(
                .element, name: run.name, attributes: run.attributes,
                children: (properties.map { [$0.copy()] } ?? []) + children)
        }
        run.parent?.replace(run, with: runs)
    }

    private static func textElement(_ scalars: [Unicode.Scalar]) -> XMLNode {
        XMLNode(
            element: "w:t", attributes: [("xml:space", "preserve")],
            children: [XMLNode(text: String(String.UnicodeScalarView(scalars)))])
    }
}
