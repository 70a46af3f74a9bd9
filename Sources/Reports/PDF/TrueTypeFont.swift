import Foundation

/// A TrueType font (a `.ttf`, or the first face of a `.ttc` collection), read just far enough to
/// map characters to glyphs, measure them and copy their outlines into a subset.
struct TrueTypeFont: Sendable {
    /// The whole file; table offsets are absolute, also inside a collection.
    let bytes: [UInt8]
    let tables: [String: Range<Int>]
    let unitsPerEm: Int
    let glyphCount: Int
    let ascender: Int
    let descender: Int
    let boundingBox: [Int]
    let postScriptName: String
    private let horizontalMetricCount: Int
    private let longLoca: Bool
    /// nil in a font without a Unicode cmap: a subset we wrote, which PDF addresses by glyph ID.
    private let characterMap: CharacterMap?

    /// Where in `cmap` the Unicode subtable lies, and its layout.
    private enum CharacterMap {
        /// Format 12: full Unicode in sequential groups.
        case groups(offset: Int, count: Int)
        /// Format 4: the Basic Multilingual Plane in segments.
        case segments(offset: Int, count: Int)
    }

    init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ReportError("无法读取字体文件 \(url.path)：\(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), name: url.lastPathComponent)
        guard characterMap != nil else {
            throw ReportError("字体文件 \(url.lastPathComponent) 没有 Unicode 字符映射")
        }
    }

    init(bytes: [UInt8], name: String) throws {
        let malformed = ReportError("字体文件 \(name) 不是可用的 TrueType 字体")
        self.bytes = bytes
        let reader = ByteReader(bytes: bytes)
        guard bytes.count >= 12 else { throw malformed }
        var directory = 0
        if reader.tag(at: 0) == "ttcf" {
            guard let first = reader.u32(at: 12) else { throw malformed }
            directory = Int(first)
        }
        guard let version = reader.u32(at: directory), version == 0x0001_0000 || version == 0x7472_7565,
            let tableCount = reader.u16(at: directory + 4)
        else {
            // CFF-flavoured OpenType ("OTTO") has no glyf table to subset.
            throw malformed
        }
        var tables: [String: Range<Int>] = [:]
        for index in 0..<Int(tableCount) {
            let record = directory + 12 + 16 * index
            guard let tag = reader.tag(at: record), let offset = reader.u32(at: record + 8),
                let length = reader.u32(at: record + 12), Int(offset) + Int(length) <= bytes.count
            else { throw malformed }
            tables[tag] = Int(offset)..<Int(offset) + Int(length)
        }
        for required in ["head", "hhea", "maxp", "hmtx", "loca", "glyf"] where tables[required] == nil {
            throw ReportError("字体文件 \(name) 缺少 \(required) 表")
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound
        let hhea = tables["hhea"]!.lowerBound
        guard let unitsPerEm = reader.u16(at: head + 18), unitsPerEm > 0,
            let locaFormat = reader.i16(at: head + 50),
            let glyphCount = reader.u16(at: tables["maxp"]!.lowerBound + 4),
            let metrics = reader.u16(at: hhea + 34), metrics > 0,
            let ascender = reader.i16(at: hhea + 4), let descender = reader.i16(at: hhea + 6)
        else { throw malformed }
        self.unitsPerEm = Int(unitsPerEm)
        self.longLoca = locaFormat == 1
        self.glyphCount = Int(glyphCount)
        self.horizontalMetricCount = Int(metrics)
        self.ascender = Int(ascender)
        self.descender = Int(descender)
        self.boundingBox = (0..<4).map { Int(reader.i16(at: head + 36 + 2 * $0) ?? 0) }
        self.characterMap = tables["cmap"].flatMap { Self.unicodeMap(reader: reader, cmap: $0) }
        self.postScriptName = Self.postScriptName(reader: reader, name: tables["name"]) ?? "CJKFont"
    }

    /// The glyph drawn for `scalar`; 0 (.notdef) when the font lacks it.
    func glyph(for scalar: Unicode.Scalar) -> Int {
        let reader = ByteReader(bytes: bytes)
        let code = scalar.value
        guard let characterMap else { return 0 }
        switch characterMap {
        case .groups(let offset, let count):
            var (low, high) = (0, count - 1)
            while low <= high {
                let middle = (low + high) / 2
                let group = offset + 12 * middle
                let start = reader.u32(at: group) ?? 0
                let end = reader.u32(at: group + 4) ?? 0
                if code < start {
                    high = middle - 1
                } else if code > end {
                    low = middle + 1
                } else {
                    let glyph = Int((reader.u32(at: group + 8) ?? 0) + code - start)
                    return glyph < glyphCount ? glyph : 0
                }
            }
            return 0
        case .segments(let offset, let count):
            guard code <= 0xFFFF else { return 0 }
            let ends = offset + 14
            let starts = ends + 2 * count + 2
            let deltas = starts + 2 * count
            let rangeOffsets = deltas + 2 * count
            var (low, high) = (0, count - 1)
            while low < high {
                let middle = (low + high) / 2
                if UInt32(reader.u16(at: ends + 2 * middle) ?? 0) < code { low = middle + 1 } else { high = middle }
            }
            guard let start = reader.u16(at: starts + 2 * low), code >= start,
                UInt32(reader.u16(at: ends + 2 * low) ?? 0) >= code
            else { return 0 }
            let delta = Int(reader.u16(at: deltas + 2 * low) ?? 0)
            let rangeOffset = Int(reader.u16(at: rangeOffsets + 2 * low) ?? 0)
            if rangeOffset == 0 { return (Int(code) + delta) & 0xFFFF }
            let address = rangeOffsets + 2 * low + rangeOffset + 2 * (Int(code) - Int(start))
            guard let glyph = reader.u16(at: address), glyph != 0 else { return 0 }
            let result = (Int(glyph) + delta) & 0xFFFF
            return result < glyphCount ? result : 0
        }
    }

    /// The advance width of `glyph`, in font units.
    func advance(ofGlyph glyph: Int) -> Int {
        let reader = ByteReader(bytes: bytes)
        let index = min(glyph, horizontalMetricCount - 1)
        return Int(reader.u16(at: tables["hmtx"]!.lowerBound + 4 * index) ?? 0)
    }

    /// The left side bearing of `glyph`, in font units.
    func leftSideBearing(ofGlyph glyph: Int) -> Int {
        let reader = ByteReader(bytes: bytes)
        let hmtx = tables["hmtx"]!.lowerBound
        let offset =
            glyph < horizontalMetricCount
            ? hmtx + 4 * glyph + 2 : hmtx + 4 * horizontalMetricCount + 2 * (glyph - horizontalMetricCount)
        return Int(reader.i16(at: offset) ?? 0)
    }

    /// The outline bytes of `glyph` in the glyf table; empty for a glyph without contours (a space).
    func outline(ofGlyph glyph: Int) -> ArraySlice<UInt8> {
        let reader = ByteReader(bytes: bytes)
        let loca = tables["loca"]!.lowerBound
        let glyf = tables["glyf"]!
        guard glyph < glyphCount else { return [] }
        let start: Int
        let end: Int
        if longLoca {
            start = Int(reader.u32(at: loca + 4 * glyph) ?? 0)
            end = Int(reader.u32(at: loca + 4 * glyph + 4) ?? 0)
        } else {
            start = 2 * Int(reader.u16(at: loca + 2 * glyph) ?? 0)
            end = 2 * Int(reader.u16(at: loca + 2 * glyph + 2) ?? 0)
        }
        guard start < end, glyf.lowerBound + end <= glyf.upperBound else { return [] }
        return bytes[glyf.lowerBound + start..<glyf.lowerBound + end]
    }

    /// A table's bytes, if the font has it.
    func table(_ tag: String) -> ArraySlice<UInt8>? {
        tables[tag].map { bytes[$0] }
    }

    private static func unicodeMap(reader: ByteReader, cmap: Range<Int>) -> CharacterMap? {
        guard let count = reader.u16(at: cmap.lowerBound + 2) else { return nil }
        var best: (rank: Int, map: CharacterMap)?
        for index in 0..<Int(count) {
            let record = cmap.lowerBound + 4 + 8 * index
            guard let platform = reader.u16(at: record), let encoding = reader.u16(at: record + 2),
                let offset = reader.u32(at: record + 4)
            else { continue }
            let table = cmap.lowerBound + Int(offset)
            let isUnicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            guard isUnicode, let format = reader.u16(at: table) else { continue }
            if format == 12, let groups = reader.u32(at: table + 12) {
                best = (2, .groups(offset: table + 16, count: Int(groups)))
            } else if format == 4, (best?.rank ?? 0) < 1, let segments = reader.u16(at: table + 6) {
                best = (1, .segments(offset: table, count: Int(segments) / 2))
            }
        }
        return best?.map
    }

    /// The PostScript name (name ID 6), which PDF uses as the font's `BaseFont`.
    private static func postScriptName(reader: ByteReader, name: Range<Int>?) -> String? {
        guard let name, let count = reader.u16(at: name.lowerBound + 2),
            let storage = reader.u16(at: name.lowerBound + 4)
        else { return nil }
        for index in 0..<Int(count) {
            let record = name.lowerBound + 6 + 12 * index
            guard reader.u16(at: record + 6) == 6, let platform = reader.u16(at: record),
                let length = reader.u16(at: record + 8), let offset = reader.u16(at: record + 10)
            else { continue }
            let start = name.lowerBound + Int(storage) + Int(offset)
            guard start + Int(length) <= reader.bytes.count else { continue }
            let raw = reader.bytes[start..<start + Int(length)]
            // Windows names are UTF-16BE; Macintosh ones are single-byte.
            let text =
                platform == 3
                ? String(
                    decoding: stride(from: raw.startIndex, to: raw.endIndex - 1, by: 2).map {
                        UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1])
                    }, as: UTF16.self)
                : String(decoding: raw, as: UTF8.self)
            // PDF names must avoid delimiters; PostScript names already do, but be safe.
            let clean = String(
                text.unicodeScalars.filter {
                    $0.isASCII && $0.value > 0x20 && !"()<>[]{}/%#".unicodeScalars.contains($0)
                })
            if !clean.isEmpty { return clean }
        }
        return nil
    }
}

/// Big-endian reads from a byte array that return nil past the end instead of trapping.
struct ByteReader {
    let bytes: [UInt8]

    func u16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    func i16(at offset: Int) -> Int16? {
        u16(at: offset).map { Int16(bitPattern: $0) }
    }

    func u32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    func tag(at offset: Int) -> String? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
    }
}
