/// A numbered unit of the contract: an article (第X条), a section (一、), a numbered item (1.1, （一）, (1)),
/// or an unnumbered paragraph of the preamble or the signature block.
public struct Clause: Sendable, Hashable {
    /// "clause-N", numbered in text order from 1.
    public var id: String
    /// The number as written: "第七条", "7.3", "（一）"; empty for unnumbered paragraphs.
    public var number: String
    /// The heading of the article this clause belongs to, e.g. "第七条 违约责任"; empty outside articles.
    public var heading: String
    /// Verbatim text, `text[span]`.
    public var text: String
    public var span: TextSpan
    /// 1-based line numbers the clause covers.
    public var lineNumbers: [Int]
}

/// Splits contract text into clauses by its numbering.
enum Segmenter {
    private enum LineKind: Equatable {
        case article(number: String), section(number: String), item(number: String)
        case signature, body, blank
    }

    /// Clauses in text order; the scalar range of each is trimmed of surrounding whitespace.
    static func clauses(of text: ReviewText) -> [(clause: Clause, range: Range<Int>)] {
        var result: [(Clause, Range<Int>)] = []
        var current: (start: Int, end: Int, number: String, heading: String)?
        var articleHeading = ""
        var inArticles = false, inSignature = false

        func close() {
            guard let open = current else { return }
            current = nil
            let range = text.trimmed(open.start..<open.end)
            guard !range.isEmpty else { return }
            let clause = Clause(
                id: "", number: open.number, heading: open.heading, text: text.string(range),
                span: TextSpan(start: range.lowerBound, end: range.upperBound), lineNumbers: text.lines(range))
            result.append((clause, range))
        }

        for (index, start) in text.lineStarts.enumerated() {
            let end = index + 1 < text.lineStarts.count ? text.lineStarts[index + 1] : text.scalars.count
            let kind = classify(text.scalars[start..<end])
            switch kind {
            case .blank:
                continue
            case .signature:
                inSignature = true
                close()
                current = (start, end, "", "")
                close()
            case .article(let number), .section(let number):
                inArticles = true
                inSignature = false
                close()
                articleHeading = text.string(text.trimmed(start..<end))
                current = (start, end, number, articleHeading)
            case .item(let number):
                close()
                current = (start, end, number, (inArticles && !inSignature) ? articleHeading : "")
                // A contract numbered "1." / "1.1" throughout has no 第N条 article: its items open the body, and the
                // lines under an item (a table, an annex) belong to it.
                if !inSignature { inArticles = true }
            case .body:
                if inSignature || !inArticles {
                    close()
                    current = (start, end, "", "")
                    close()
                } else if current == nil {
                    current = (start, end, "", articleHeading)
                } else {
                    current?.end = end
                }
            }
        }
        close()
        return dropBareHeadings(result).enumerated().map { index, entry in
            var clause = entry.0
            clause.id = "clause-\(index + 1)"
            return (clause, entry.1)
        }
    }

    /// An article heading line followed directly by its numbered items carries no text of its own — unless it is a
    /// sentence ("劳动者有下列情形之一的，每次应当支付违约金2万元："), whose terms the items only complete.
    private static func dropBareHeadings(_ clauses: [(Clause, Range<Int>)]) -> [(Clause, Range<Int>)] {
        clauses.enumerated().compactMap { index, entry in
            let isBare = entry.0.text == entry.0.heading && !entry.0.heading.isEmpty
                && !entry.0.heading.unicodeScalars.contains(where: { "，,；;。".unicodeScalars.contains($0) })
                && index + 1 < clauses.count && clauses[index + 1].0.heading == entry.0.heading
                && clauses[index + 1].0.number != entry.0.number
            return isBare ? nil : entry
        }
    }

    private static let chineseDigits = Set("零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟".unicodeScalars)
    private static let partyWords = PartyVocabulary.designations.sorted { $0.count > $1.count }
        .map { Array($0.unicodeScalars) }

    private static func classify(_ line: ArraySlice<Unicode.Scalar>) -> LineKind {
        let scalars = Array(line.drop(while: \.isBlank))
        guard let first = scalars.first, !(scalars.allSatisfy(\.isBlank)) else { return .blank }
        func number(_ count: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[0..<count])
            return String(view)
        }
        if first == "第" {
            var k = 1
            while k < scalars.count, chineseDigits.contains(scalars[k]) || scalars[k].properties.numericType != nil
                && scalars[k].isASCII { k += 1 }
            if k > 1, k < scalars.count, "条章".unicodeScalars.contains(scalars[k]) {
                return .article(number: number(k + 1))
            }
        }
        if chineseDigits.contains(first) {
            var k = 0
            while k < scalars.count, chineseDigits.contains(scalars[k]) { k += 1 }
            if k < scalars.count, scalars[k] == "、" { return .section(number: number(k + 1)) }
        }
        if first == "（" || first == "(" {
            var k = 1
            while k < scalars.count, chineseDigits.contains(scalars[k]) || scalars[k].isASCIIDigit { k += 1 }
            if k > 1, k < scalars.count, scalars[k] == "）" || scalars[k] == ")" { return .item(number: number(k + 1)) }
        }
        if first.isASCIIDigit {
            var k = 0, groups = 1
            while k < scalars.count {
                if scalars[k].isASCIIDigit { k += 1; continue }
                if scalars[k] == "." || scalars[k] == "．", k + 1 < scalars.count, scalars[k + 1].isASCIIDigit {
                    groups += 1; k += 1; continue
                }
                break
            }
            if groups > 1, k < scalars.count, !(scalars[k] == "%" || scalars[k] == "年" || scalars[k] == "元") {
                return .item(number: number(k))
            }
            if groups == 1, k <= 3, k < scalars.count, ".．、".unicodeScalars.contains(scalars[k]) {
                return .item(number: number(k + 1))
            }
        }
        if isSignatureLine(scalars) { return .signature }
        return .body
    }

    private static let endOfTextMarks = ["（以下无正文", "(以下无正文", "以下无正文"].map { Array($0.unicodeScalars) }
    private static let signatureMarks = ["（盖章", "（签字", "（签章", "(盖章", "(签字", "（签名", "签字", "盖章"]
        .map { Array($0.unicodeScalars) }

    /// "甲方（盖章）：…", "出租方（签字）：…" or "（以下无正文）" start the signature block.
    private static func isSignatureLine(_ scalars: [Unicode.Scalar]) -> Bool {
        if endOfTextMarks.contains(where: { scalars.starts(with: $0) }) { return true }
        return partyWords.contains { word in
            scalars.starts(with: word) && signatureMarks.contains { scalars.dropFirst(word.count).starts(with: $0) }
        }
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
