import Foundation

/// The reviewed text as Unicode scalars, with the line map every span and line number is computed from.
struct ReviewText: Sendable {
    let text: String
    let scalars: [Unicode.Scalar]
    /// Scalar offset at which each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]
    /// UTF-16 offset at which each line starts, and the text's UTF-16 length, for searching one line of the whole
    /// text with a regex.
    private let lineUTF16Starts: [Int]
    private let utf16Count: Int

    /// The text as UTF-8, and the byte offset of every scalar (plus the end), so slicing is a copy, not a re-encode.
    private let utf8: [UInt8]
    private let utf8Offsets: [Int32]

    /// Whether `word` occurs anywhere: a scalar comparison, far cheaper than Foundation's `contains`.
    func contains(_ word: String) -> Bool { scalars[...].containsScalars(of: word) }

    init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
        utf8 = Array(text.utf8)
        var offsets: [Int32] = []
        offsets.reserveCapacity(scalars.count + 1)
        var starts = [0], utf16Starts = [0], byte: Int32 = 0, utf16 = 0
        for (offset, scalar) in scalars.enumerated() {
            offsets.append(byte)
            byte += Int32(UTF8.width(scalar))
            utf16 += UTF16.width(scalar)
            if scalar == "\n" {
                starts.append(offset + 1)
                utf16Starts.append(utf16)
            }
        }
        offsets.append(byte)
        utf8Offsets = offsets
        lineStarts = starts
        lineUTF16Starts = utf16Starts
        utf16Count = utf16
    }

    var lineCount: Int { lineStarts.count }

    /// The scalars of 0-based line `line`, without its line break.
    func lineRange(_ line: Int) -> Range<Int> {
        lineStarts[line]..<(line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : scalars.count)
    }

    /// The UTF-16 range of 0-based line `line` in `text`, without its line break.
    func utf16Range(ofLine line: Int) -> NSRange {
        let end = line + 1 < lineUTF16Starts.count ? lineUTF16Starts[line + 1] - 1 : utf16Count
        return NSRange(location: lineUTF16Starts[line], length: end - lineUTF16Starts[line])
    }

    /// The 0-based lines, in order, on which `needle` occurs.
    func lines(containing needle: [Unicode.Scalar]) -> [Int] {
        var found: [Int] = [], from = 0
        while let offset = firstOffset(of: needle, in: from..<scalars.count) {
            let line = self.line(at: offset) - 1
            found.append(line)
            // The rest of this line cannot add it again.
            from = line + 1 < lineStarts.count ? lineStarts[line + 1] : scalars.count
        }
        return found
    }

    /// The text covered by a half-open scalar range.
    func string(_ range: Range<Int>) -> String {
        String(decoding: utf8[Int(utf8Offsets[range.lowerBound])..<Int(utf8Offsets[range.upperBound])], as: UTF8.self)
    }

    /// 1-based line number of the scalar at `offset`.
    func line(at offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// Every 1-based line a non-empty range touches.
    func lines(_ range: Range<Int>) -> [Int] {
        guard !range.isEmpty else { return [line(at: range.lowerBound)] }
        return Array(line(at: range.lowerBound)...line(at: range.upperBound - 1))
    }

    /// The phrase holding `range`: from the comma, full stop, semicolon or line break before it to the one after it,
    /// trimmed ("本项目服务费总额为人民币陆拾捌万元整（¥680,000.00）" around its price word and amount).
    func phrase(around range: Range<Int>) -> Range<Int> {
        func isStop(_ scalar: Unicode.Scalar) -> Bool { "，。；;\n".unicodeScalars.contains(scalar) }
        var lower = range.lowerBound, upper = range.upperBound
        while lower > 0, !isStop(scalars[lower - 1]) { lower -= 1 }
        while upper < scalars.count, !isStop(scalars[upper]) { upper += 1 }
        return trimmed(lower..<upper)
    }

    /// `range` without leading and trailing whitespace.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, scalars[lower].isBlank { lower += 1 }
        while upper > lower, scalars[upper - 1].isBlank { upper -= 1 }
        return lower..<upper
    }

    /// Whether `needle` occurs inside `range`.
    func contains(_ needle: [Unicode.Scalar], in range: Range<Int>) -> Bool {
        needle.isEmpty || firstOffset(of: needle, in: range) != nil
    }

    /// Where `needle` (not empty) first occurs inside `range`.
    func firstOffset(of needle: [Unicode.Scalar], in range: Range<Int>) -> Int? {
        guard let first = needle.first, needle.count <= range.count else { return nil }
        var index = range.lowerBound
        let last = range.upperBound - needle.count
        while index <= last {
            if scalars[index] == first {
                var k = 1
                while k < needle.count, scalars[index + k] == needle[k] { k += 1 }
                if k == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}

extension Unicode.Scalar {
    /// Whitespace including the ideographic space.
    var isBlank: Bool { properties.isWhitespace }

    /// Ends a whole sentence: a full stop, not the "；" between its halves.
    var endsFullSentence: Bool {
        switch self {
        case "。", "！", "？", "!", "?", "\n": true
        default: false
        }
    }

    /// Ends a sentence for quoting purposes.
    var endsSentence: Bool {
        switch self {
        case "。", "；", ";", "！", "？", "!", "?", "\n": true
        default: false
        }
    }
}

/// A string searched by one regular expression, with UTF-16 match ranges mapped back to scalar offsets.
struct SearchableText {
    let string: String
    let nsString: NSString
    /// Scalar offset of `string` inside the reviewed text.
    let base: Int
    private let scalarOffsetOfUTF16: [Int]?

    init(_ string: String, base: Int) {
        self.string = string
        self.base = base
        nsString = string as NSString
        if string.utf16.count == string.unicodeScalars.count {
            scalarOffsetOfUTF16 = nil
        } else {
            var table: [Int] = []
            table.reserveCapacity(string.utf16.count + 1)
            for (offset, scalar) in string.unicodeScalars.enumerated() {
                table.append(offset)
                if scalar.utf16.count == 2 { table.append(offset) }
            }
            table.append(string.unicodeScalars.count)
            scalarOffsetOfUTF16 = table
        }
    }

    var fullRange: NSRange { NSRange(location: 0, length: nsString.length) }

    /// Document scalar range of an NSRange found in `string`.
    func documentRange(_ range: NSRange) -> Range<Int> {
        guard let table = scalarOffsetOfUTF16 else {
            return (base + range.location)..<(base + range.location + range.length)
        }
        return (base + table[range.location])..<(base + table[range.location + range.length])
    }
}

/// Which scalar values (hashed to 4096 bits) occur in a text, to reject most gate literals without scanning.
struct ScalarBloom {
    private var bits = [UInt64](repeating: 0, count: 64)

    init(_ scalars: ArraySlice<Unicode.Scalar>) {
        for scalar in scalars {
            let hash = Int(scalar.value & 4095)
            bits[hash >> 6] |= 1 << UInt64(hash & 63)
        }
    }

    /// False only when some scalar of `literal` certainly does not occur.
    func mayContain(_ literal: [Unicode.Scalar]) -> Bool {
        literal.allSatisfy { scalar in
            let hash = Int(scalar.value & 4095)
            return bits[hash >> 6] & (1 << UInt64(hash & 63)) != 0
        }
    }
}
