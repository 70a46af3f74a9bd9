/// Breaks text into lines the way Chinese typesetting expects: a line may end between any two
/// ideographs, but never before closing punctuation (，。）」…) nor after opening punctuation (（「《…),
/// and Latin words and numbers stay whole unless a single one is wider than the line.
struct CJKLineBreaker {
    /// One line of output and how wide it is, in the caller's units.
    struct Line: Equatable {
        var text: String
        var width: Double
    }

    /// Characters that may not begin a line (GB/T 15834 and common typesetting practice).
    static let noLineStart: Set<Unicode.Scalar> = Set(
        "，。、；：？！）］｝」』》〉】〕〗”’…‥—～·・％‰℃,.;:?!)]}%".unicodeScalars)
    /// Characters that may not end a line.
    static let noLineEnd: Set<Unicode.Scalar> = Set("（［｛「『《〈【〔〖“‘([{￥$#".unicodeScalars)

    var maxWidth: Double
    /// The advance of one character, in the same units as `maxWidth`.
    var advance: (Unicode.Scalar) -> Double

    /// Every line of `text`; a `\n` always starts a new line and an empty paragraph gives an empty line.
    func lines(_ text: String) -> [Line] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { lines(paragraph: $0) }
    }

    /// A piece that is never split at a line end unless it alone overflows a line.
    private struct Segment {
        var scalars: [Unicode.Scalar] = []
        var width = 0.0
        var isSpace = false
    }

    private func lines(paragraph: Substring) -> [Line] {
        var output: [Line] = []
        var line = Segment()
        var pendingSpace: Segment?

        func flush() {
            output.append(Line(text: String(String.UnicodeScalarView(line.scalars)), width: line.width))
            line = Segment()
        }
        for segment in segments(paragraph) {
            if segment.isSpace {
                // Spaces separate words inside a line and vanish at a line end.
                if !line.scalars.isEmpty { pendingSpace = segment }
                continue
            }
            let space = pendingSpace?.width ?? 0
            if line.scalars.isEmpty || line.width + space + segment.width <= maxWidth {
                if let pendingSpace, !line.scalars.isEmpty {
                    line.scalars += pendingSpace.scalars
                    line.width += pendingSpace.width
                }
            } else {
                flush()
            }
            pendingSpace = nil
            if line.width + segment.width <= maxWidth {
                line.scalars += segment.scalars
                line.width += segment.width
                continue
            }
            // A word or glued group wider than the line: break it wherever it must.
            for scalar in segment.scalars {
                let width = advance(scalar)
                if !line.scalars.isEmpty && line.width + width > maxWidth { flush() }
                line.scalars.append(scalar)
                line.width += width
            }
        }
        if !line.scalars.isEmpty || output.isEmpty { flush() }
        return output
    }

    /// Splits a paragraph into spaces, single ideographs and Latin words, then glues each closing
    /// mark to what precedes it and each opening mark to what follows it.
    private func segments(_ paragraph: Substring) -> [Segment] {
        var segments: [Segment] = []
        var current = Segment()
        var previous: Unicode.Scalar?

        for scalar in paragraph.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            let startsNew: Bool
            if let previous {
                if isSpace != current.isSpace {
                    startsNew = true
                } else if isSpace {
                    startsNew = false
                } else if Self.noLineStart.contains(scalar) || Self.noLineEnd.contains(previous) {
                    startsNew = false
                } else {
                    // Latin runs stay together; anything next to an ideograph may break.
                    startsNew = Self.isIdeographic(scalar) || Self.isIdeographic(previous)
                }
            } else {
                startsNew = false
            }
            if startsNew {
                segments.append(current)
                current = Segment()
            }
            current.scalars.append(scalar)
            current.width += advance(scalar)
            current.isSpace = isSpace
            previous = scalar
        }
        if !current.scalars.isEmpty { segments.append(current) }
        return segments
    }

    /// Scripts written without spaces, where a line may break between any two characters.
    static func isIdeographic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E80...0x9FFF, 0xA960...0xA97F, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE10...0xFE1F, 0xFE30...0xFE4F,
            0xFF00...0xFFEF, 0x20000...0x3FFFF:
            true
        default:
            false
        }
    }
}
