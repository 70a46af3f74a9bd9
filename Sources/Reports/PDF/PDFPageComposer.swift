import Foundation

/// Places text and shapes on A4 pages from the top down, starting a new page when the next
/// piece does not fit, and records bookmarks; the report layout drives it.
struct PDFPageComposer {
    /// A bookmark: where a heading landed.
    struct Bookmark {
        var title: String
        var page: Int
        var top: Double
        var level: Int
    }

    /// How a run of text looks.
    struct TextStyle {
        var size: Double
        var color: ReportColor = .ink
        var bold = false
        /// Line height as a multiple of the size.
        var leading = 1.6

        var lineHeight: Double { size * leading }
    }

    static let pageWidth = 595.28
    static let pageHeight = 841.89
    static let left = 62.0
    static let right = pageWidth - 62
    static let top = pageHeight - 68
    static let bottom = 64.0
    static let textWidth = right - left

    private(set) var font: PDFFont
    /// Content-stream operators of each page.
    private(set) var pages: [String] = []
    private(set) var bookmarks: [Bookmark] = []
    /// Where the next piece goes: the top of its box, in PDF coordinates (origin bottom left).
    var cursor = top

    init(font: PDFFont) {
        self.font = font
        newPage()
    }

    var pageIndex: Int { pages.count - 1 }

    mutating func newPage() {
        pages.append("")
        cursor = Self.top
    }

    /// Starts a new page unless `height` more fits on this one (and this page is not still empty).
    mutating func reserve(_ height: Double) {
        if cursor - height < Self.bottom && cursor < Self.top { newPage() }
    }

    mutating func bookmark(_ title: String, level: Int) {
        bookmarks.append(Bookmark(title: title, page: pageIndex, top: cursor, level: level))
    }

    /// Moves the cursor down by `height`, breaking the page if needed.
    mutating func skip(_ height: Double) {
        cursor -= height
        if cursor < Self.bottom { newPage() }
    }

    // MARK: Drawing on the current page

    /// Draws `text` with its baseline at `baseline`, left edge at `x`; returns its width.
    @discardableResult
    mutating func draw(_ text: String, x: Double, baseline: Double, style: TextStyle, page: Int? = nil) -> Double {
        guard !text.isEmpty else { return 0 }
        let color = Self.components(style.color)
        // Bold is simulated by stroking the outlines too: one font file keeps the subset small.
        let render = style.bold ? "\(PDFWriter.number(style.size * 0.035)) w \(color) RG 2 Tr" : "0 Tr"
        let operators =
            "BT /F1 \(PDFWriter.number(style.size)) Tf \(color) rg \(render) 1 0 0 1 "
            + "\(PDFWriter.number(x)) \(PDFWriter.number(baseline)) Tm \(font.encode(text)) Tj ET\n"
        pages[page ?? pageIndex] += operators
        return font.width(text, size: style.size)
    }

    mutating func fill(x: Double, y: Double, width: Double, height: Double, color: ReportColor) {
        pages[pageIndex] += "\(Self.components(color)) rg \(rect(x, y, width, height)) re f\n"
    }

    mutating func stroke(
        x: Double, y: Double, width: Double, height: Double, color: ReportColor, lineWidth: Double = 0.5
    ) {
        pages[pageIndex] +=
            "\(PDFWriter.number(lineWidth)) w \(Self.components(color)) RG \(rect(x, y, width, height)) re S\n"
    }

    mutating func line(
        from start: (Double, Double), to end: (Double, Double), color: ReportColor, width: Double = 0.5,
        page: Int? = nil
    ) {
        pages[page ?? pageIndex] +=
            "\(PDFWriter.number(width)) w \(Self.components(color)) RG \(PDFWriter.number(start.0)) \(PDFWriter.number(start.1)) m "
            + "\(PDFWriter.number(end.0)) \(PDFWriter.number(end.1)) l S\n"
    }

    private func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double) -> String {
        [x, y, width, height].map(PDFWriter.number).joined(separator: " ")
    }

    private static func components(_ color: ReportColor) -> String {
        [color.red, color.green, color.blue].map { PDFWriter.number(Double($0) / 255) }.joined(separator: " ")
    }

    // MARK: Flowing text

    /// The lines `text` breaks into at `width` in `style`.
    func lines(_ text: String, width: Double, style: TextStyle) -> [CJKLineBreaker.Line] {
        let font = self.font
        let size = style.size
        return CJKLineBreaker(maxWidth: width, advance: { font.advance($0) * size / 1000 }).lines(text)
    }

    /// Where the baseline of a line sits in a line box whose top is `top`: CJK glyphs are centred in the box.
    static func baseline(top: Double, style: TextStyle) -> Double {
        top - style.lineHeight / 2 - style.size * 0.35
    }

    /// Flows `text` from the cursor between `x` and `x + width`, breaking pages between lines.
    /// `background` shades each line's box and `bar` draws a rule at its left, for quotations.
    mutating func paragraph(
        _ text: String, x: Double = left, width: Double = textWidth, style: TextStyle,
        background: ReportColor? = nil, bar: ReportColor? = nil
    ) {
        let inset = background == nil ? 0.0 : 8
        for line in lines(text, width: width - 2 * inset, style: style) {
            reserve(style.lineHeight)
            let top = cursor
            if let background {
                fill(x: x, y: top - style.lineHeight, width: width, height: style.lineHeight, color: background)
            }
            if let bar { fill(x: x, y: top - style.lineHeight, width: 2.5, height: style.lineHeight, color: bar) }
            draw(line.text, x: x + inset, baseline: Self.baseline(top: top, style: style), style: style)
            cursor -= style.lineHeight
        }
    }

    /// Pieces of differently styled text set one after another, wrapping whole pieces to new lines.
    mutating func inline(_ pieces: [(text: String, style: TextStyle)], x: Double = left, width: Double = textWidth) {
        guard let lineHeight = pieces.map(\.style.lineHeight).max() else { return }
        reserve(lineHeight)
        var position = x
        for piece in pieces {
            let pieceWidth = font.width(piece.text, size: piece.style.size)
            if position > x && position + pieceWidth > x + width {
                cursor -= lineHeight
                reserve(lineHeight)
                position = x
            }
            position += draw(
                piece.text, x: position, baseline: Self.baseline(top: cursor, style: piece.style), style: piece.style)
        }
        cursor -= lineHeight
    }
}
