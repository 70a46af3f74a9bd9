/// Builds a TrueType font holding only the glyphs a document uses, renumbered from 1 in order of
/// first use (0 stays .notdef), so that a PDF can embed it with `CIDToGIDMap /Identity`.
struct TrueTypeSubsetter {
    let font: TrueTypeFont
    /// Old glyph ID of each new one.
    private(set) var glyphs: [Int] = [0]
    private var newIDs: [Int: Int] = [0: 0]

    init(font: TrueTypeFont) {
        self.font = font
    }

    /// The new ID of `glyph`, assigning the next one on first use.
    mutating func include(_ glyph: Int) -> Int {
        if let id = newIDs[glyph] { return id }
        let id = glyphs.count
        glyphs.append(glyph)
        newIDs[glyph] = id
        return id
    }

    /// Composite glyph flags (OpenType `glyf` spec).
    private enum Composite {
        static let argumentsAreWords: UInt16 = 0x0001
        static let hasScale: UInt16 = 0x0008
        static let moreComponents: UInt16 = 0x0020
        static let hasXYScale: UInt16 = 0x0040
        static let hasTwoByTwo: UInt16 = 0x0080
    }

    /// Offsets (within a composite glyph's outline) of each component's glyph index.
    private static func componentIndexOffsets(_ outline: ArraySlice<UInt8>) -> [Int] {
        let reader = ByteReader(bytes: Array(outline))
        guard let contours = reader.i16(at: 0), contours < 0 else { return [] }
        var offsets: [Int] = []
        var position = 10
        while let flags = reader.u16(at: position), reader.u16(at: position + 2) != nil {
            offsets.append(position + 2)
            position += 4 + (flags & Composite.argumentsAreWords != 0 ? 4 : 2)
            if flags & Composite.hasScale != 0 {
                position += 2
            } else if flags & Composite.hasXYScale != 0 {
                position += 4
            } else if flags & Composite.hasTwoByTwo != 0 {
                position += 8
            }
            if flags & Composite.moreComponents == 0 { break }
        }
        return offsets
    }

    /// The subset font file. Components of composite glyphs are pulled in (and get IDs after the
    /// glyphs used directly), and their references are rewritten to the new IDs.
    mutating func fontFile() -> [UInt8] {
        var outlines: [[UInt8]] = []
        var index = 0
        while index < glyphs.count {
            var outline = Array(font.outline(ofGlyph: glyphs[index]))
            for offset in Self.componentIndexOffsets(outline[...]) {
                let component = Int(UInt16(outline[offset]) << 8 | UInt16(outline[offset + 1]))
                let id = include(component)
                outline[offset] = UInt8(id >> 8)
                outline[offset + 1] = UInt8(id & 0xFF)
            }
            // Four-byte alignment keeps every glyph where loca says, for strict rasterisers.
            outline += Array(repeating: 0, count: (4 - outline.count % 4) % 4)
            outlines.append(outline)
            index += 1
        }

        var glyf: [UInt8] = []
        var loca: [UInt8] = []
        var hmtx: [UInt8] = []
        for (newID, outline) in outlines.enumerated() {
            loca.appendBigEndian(UInt32(glyf.count))
            glyf += outline
            hmtx.appendBigEndian(UInt16(font.advance(ofGlyph: glyphs[newID])))
            hmtx.appendBigEndian(UInt16(bitPattern: Int16(font.leftSideBearing(ofGlyph: glyphs[newID]))))
        }
        loca.appendBigEndian(UInt32(glyf.count))

        var head = Array(font.table("head")!)
        head.replaceBigEndian(UInt32(0), at: 8)  // checkSumAdjustment, set below
        head.replaceBigEndian(UInt16(1), at: 50)  // long loca offsets
        var hhea = Array(font.table("hhea")!)
        hhea.replaceBigEndian(UInt16(outlines.count), at: 34)
        var maxp = Array(font.table("maxp")!)
        maxp.replaceBigEndian(UInt16(outlines.count), at: 4)

        // The tables PDF requires of an embedded TrueType program; hinting tables only when present.
        var tables: [(tag: String, data: [UInt8])] = [
            ("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca), ("maxp", maxp),
        ]
        for tag in ["cvt ", "fpgm", "prep"] {
            if let table = font.table(tag) { tables.append((tag, Array(table))) }
        }
        tables.sort { $0.tag < $1.tag }
        return Self.assemble(tables)
    }

    /// An sfnt file from its tables, with the directory, checksums and head's checksum adjustment.
    private static func assemble(_ tables: [(tag: String, data: [UInt8])]) -> [UInt8] {
        let count = tables.count
        var power = 1
        var log = 0
        while power * 2 <= count {
            power *= 2
            log += 1
        }
        var file: [UInt8] = []
        file.appendBigEndian(UInt32(0x0001_0000))
        file.appendBigEndian(UInt16(count))
        file.appendBigEndian(UInt16(power * 16))
        file.appendBigEndian(UInt16(log))
        file.appendBigEndian(UInt16(count * 16 - power * 16))
        var offset = 12 + 16 * count
        for table in tables {
            file += Array(table.tag.utf8)
            file.appendBigEndian(checksum(table.data))
            file.appendBigEndian(UInt32(offset))
            file.appendBigEndian(UInt32(table.data.count))
            offset += (table.data.count + 3) & ~3
        }
        var headOffset = 0
        for table in tables {
            if table.tag == "head" { headOffset = file.count }
            file += table.data
            file += Array(repeating: 0, count: (4 - table.data.count % 4) % 4)
        }
        file.replaceBigEndian(0xB1B0_AFBA &- checksum(file), at: headOffset + 8)
        return file
    }

    private static func checksum(_ data: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var index = 0
        while index < data.count {
            var word: UInt32 = 0
            for byte in 0..<4 {
                word = word << 8 | UInt32(index + byte < data.count ? data[index + byte] : 0)
            }
            sum &+= word
            index += 4
        }
        return sum
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    mutating func replaceBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for (index, shift) in stride(from: T.bitWidth - 8, through: 0, by: -8).enumerated() {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }
}
