/// Cleans the text of each page and joins the pages into one text, recording where each page lies.
///
/// What it changes, and why:
/// - Full-width digits and Latin letters (`１２３`, `ＡＢＣ`) and `％` become ASCII, and so do
///   `，．：／－` between two digits (`１，２００．００` → `1,200.00`), so amounts and dates match
///   one pattern. Chinese punctuation elsewhere (`，。；：（）`) is left as it is.
/// - Ideographic and no-break spaces become spaces; zero-width characters are dropped.
/// - Spaces between two CJK characters, or between a CJK character and a digit, are removed:
///   PDF and OCR output scatter them (`第 1 条`, `甲 方`), Chinese text never needs them.
/// - Runs of spaces shrink to one, lines are trimmed, blank-line runs shrink to one blank line.
/// - `第X条` / `第X章` after a sentence end starts its own line; the space after such a heading
///   number (`第五条 违约责任`) is kept, since it separates the clause title.
/// - For laid-out sources (PDF, OCR) also: running headers and footers (lines repeated at the
///   top or bottom of most pages, page numbers ignored) and bare page numbers are removed;
///   lines broken only by the page width are joined back into paragraphs, and Latin words
///   hyphenated at a line end are rejoined.
///
/// Public so that text arriving by other routes (pasted into a form) can be cleaned the same way.
public struct TextNormalizer: Sendable {
    /// Whether the source was laid out on pages (PDF, OCR), which enables the layout repairs.
    public var isLaidOut: Bool

    public init(isLaidOut: Bool) {
        self.isLaidOut = isLaidOut
    }

    /// Pages are joined with one newline; each span covers its page's text without that newline.
    public func normalize(pages: [String]) -> (text: String, pages: [PageSpan]) {
        var lines = pages.map { page in
            // Split on scalars after uniting "\r\n": old Mac files end lines with a lone "\r".
            page.replacing("\r\n", with: "\n").unicodeScalars
                .split(omittingEmptySubsequences: false) { Self.lineBreaks.contains($0) }
                .map(Self.cleanLine)
        }
        if isLaidOut {
            lines = Self.removingRunningLines(lines)
            lines = lines.map(Self.reflow)
        }
        var text = ""
        var spans: [PageSpan] = []
        var offset = 0
        for (index, pageLines) in lines.enumerated() {
            let pageText = Self.separatingHeadings(Self.collapsingBlankLines(pageLines))
            if index > 0 {
                text += "\n"
                offset += 1
            }
            let length = pageText.unicodeScalars.count
            spans.append(PageSpan(page: index + 1, start: offset, end: offset + length))
            text += pageText
            offset += length
        }
        return (text, spans)
    }

    // MARK: Characters

    private static let lineBreaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{0B}", "\u{2028}", "\u{2029}", "\u{85}"]

    private static func cleanLine(_ line: Substring.UnicodeScalarView) -> String {
        var scalars = Array(line)
        var output = String.UnicodeScalarView()
        for index in scalars.indices {
            let scalar = scalars[index]
            switch scalar.value {
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF05:
                output.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0xFF0C, 0xFF0E, 0xFF1A, 0xFF0F, 0xFF0D:
                let betweenDigits = (output.last.map(isDigit) ?? false)
                    && (index + 1 < scalars.count && isDigit(halfWidth(scalars[index + 1])))
                output.append(betweenDigits ? Unicode.Scalar(scalar.value - 0xFEE0)! : scalar)
            case 0x3000, 0x00A0, 0x2002...0x200A, 0x202F:
                output.append(" ")
            case 0x200B...0x200D, 0xFEFF, 0x00AD:
                continue
            default:
                output.append(scalar)
            }
        }
        scalars = Array(output)
        // Second pass: spacing, which needs the half-width characters on both sides.
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == " " else {
                result.append(scalar)
                index += 1
                continue
            }
            var next = index
            while next < scalars.count, scalars[next] == " " { next += 1 }
            if let before = result.last, next < scalars.count,
               !joinsTight(before, scalars[next]) || endsClauseHeading(result) {
                result.append(" ")
            }
            index = next
        }
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return String(result)
    }

    /// Whether `text` ends in a heading number like 第十二条, whose following space separates the title.
    private static func endsClauseHeading(_ text: String.UnicodeScalarView) -> Bool {
        guard let last = text.last, "条章节".unicodeScalars.contains(last) else { return false }
        let numerals = text.dropLast().reversed().prefix { headingNumerals.unicodeScalars.contains($0) }
        return !numerals.isEmpty && text.dropLast(numerals.count + 1).last == "第"
    }

    private static let headingNumerals = "0123456789〇零一二三四五六七八九十百千两"

    private static func halfWidth(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0xFF10...0xFF19).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0xFEE0)! : scalar
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// Whether the spaces between these two characters should go.
    private static func joinsTight(_ left: Unicode.Scalar, _ right: Unicode.Scalar) -> Bool {
        (isCJK(left) && (isCJK(right) || isDigit(right))) || (isDigit(left) && isCJK(right))
    }

    /// Han characters and CJK / full-width punctuation: text that is written without spaces.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FFFF: true
        case 0x3000...0x303F, 0xFF00...0xFFEF: true
        case 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026: true
        default: false
        }
    }

    // MARK: Lines

    private static func collapsingBlankLines(_ lines: [String]) -> String {
        var kept: [String] = []
        for line in lines where !(line.isEmpty && (kept.last?.isEmpty ?? true)) { kept.append(line) }
        while kept.last?.isEmpty == true { kept.removeLast() }
        return kept.joined(separator: "\n")
    }

    /// Heading numerals are short; the bound keeps "第…条" from spanning a whole sentence.
    // Regex is not Sendable only because of its generic Output; a literal is immutable and the
    // standard library compiles its program once behind an atomic, so sharing it is safe.
    nonisolated(unsafe) private static let headingAfterSentence = /([。；;！!？?])[ ]*(第[0-9〇零一二三四五六七八九十百千两]{1,6}[条章])/

    private static func separatingHeadings(_ text: String) -> String {
        text.replacing(headingAfterSentence) { match in "\(match.output.1)\n\(match.output.2)" }
    }

    /// A line that opens a clause or list item; a paragraph never continues onto one (shared as above).
    nonisolated(unsafe) private static let itemStart =
        /^(第[0-9〇零一二三四五六七八九十百千两]{1,6}[条章节款项]|[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十0-9]{1,3}[)）]|[0-9]{1,3}(\.[0-9]{1,3})*[、.．)）][^0-9]|[①-⑳•·●■◆]|甲方|乙方|丙方)/

    private static func reflow(_ lines: [String]) -> [String] {
        let widths = lines.map(displayWidth)
        // The width a full line reaches on this page; the second widest resists one odd long line.
        let full = widths.sorted(by: >).dropFirst(widths.count > 4 ? 1 : 0).first ?? 0
        guard full >= 20 else { return lines }
        var result: [String] = []
        var joinNext = false
        for (index, line) in lines.enumerated() {
            if joinNext, let previous = result.popLast() {
                result.append(join(previous, line))
            } else {
                result.append(line)
            }
            let next = index + 1 < lines.count ? lines[index + 1] : ""
            joinNext = !next.isEmpty && widths[index] * 100 >= full * 85 && !endsSentence(line)
                && next.prefixMatch(of: itemStart) == nil
        }
        return result
    }

    private static func join(_ left: String, _ right: String) -> String {
        guard let last = left.unicodeScalars.last, let first = right.unicodeScalars.first else { return left + right }
        let latinLeft = last.properties.isAlphabetic && last.isASCII
        if last == "-", left.unicodeScalars.dropLast().last.map({ $0.isASCII && $0.properties.isAlphabetic }) == true,
           first.properties.isLowercase {
            return String(left.dropLast()) + right
        }
        // An amount wrapped after its separator ("1,080," + "000.00") is one number.
        let splitNumber = (last == "," || last == ".") && isDigit(first)
            && left.unicodeScalars.dropLast().last.map(isDigit) == true
        if !splitNumber, latinLeft || isDigit(last) || last == "," || last == ".", first.isASCII, !isCJK(first) {
            return left + " " + right
        }
        return left + right
    }

    private static func endsSentence(_ line: String) -> Bool {
        guard let last = line.last else { return true }
        return "。！？；：!?;:」』".contains(last)
    }

    /// Columns a line takes when printed: CJK characters are twice as wide as Latin ones.
    private static func displayWidth(_ line: String) -> Int {
        line.unicodeScalars.reduce(0) { $0 + (isCJK($1) ? 2 : 1) }
    }

    /// Removes, from the first and last few lines of each page, lines that recur on at least 60 %
    /// of the pages of a document of three or more (compared without digits, so "第 3 页" matches
    /// "第 4 页"), and lines that are only a page number ("- 3 -", "第3页共10页").
    private static func removingRunningLines(_ pages: [[String]]) -> [[String]] {
        // Up to three lines at each end, fewer on a short page so the window stays off its body.
        func edgeIndices(_ lines: [String]) -> [Int] {
            let content = lines.indices.filter { !lines[$0].isEmpty }
            let edge = max(1, min(3, content.count / 4))
            return Array(Set(content.prefix(edge) + content.suffix(edge))).sorted()
        }
        var pagesWithKey: [String: Int] = [:]
        for lines in pages {
            let keys = Set(edgeIndices(lines).map { runningKey(lines[$0]) })
            for key in keys { pagesWithKey[key, default: 0] += 1 }
        }
        let threshold = max(2, (pages.count * 6 + 9) / 10)
        let recurring = pages.count >= 3 ? Set(pagesWithKey.filter { $0.value >= threshold }.keys) : []
        // A clause heading is content even when every page starts with one.
        return pages.map { lines in
            let drop = Set(edgeIndices(lines).filter {
                isPageNumber(lines[$0])
                    || (recurring.contains(runningKey(lines[$0])) && lines[$0].prefixMatch(of: itemStart) == nil)
            })
            return lines.indices.filter { !drop.contains($0) }.map { lines[$0] }
        }
    }

    private static func runningKey(_ line: String) -> String {
        String(line.unicodeScalars.filter { !isDigit($0) && $0 != " " }.map(Character.init))
    }

    nonisolated(unsafe) private static let pageNumber = /^[-—–\s]*(第|page|Page|PAGE|p\.)?\s*[0-9]+\s*(页)?\s*((共|of|\/|／)\s*[0-9]+\s*(页)?)?[-—–\s]*$/

    private static func isPageNumber(_ line: String) -> Bool {
        line.wholeMatch(of: pageNumber) != nil
    }
}
