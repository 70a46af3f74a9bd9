import Foundation

/// The font a report PDF sets all its text in: a subset of an installed TrueType CJK font,
/// embedded so the file looks the same everywhere, or Adobe's `STSong-Light`, which PDF readers
/// with Chinese support provide, when no such font is installed.
struct PDFFont {
    /// The glyphs used so far of the embedded font; nil for STSong-Light. A stored optional rather
    /// than an enum payload so that it is mutated in place, not copied on every character.
    private var subset: TrueTypeSubsetter?
    /// The character each code was first used for, for the ToUnicode map that makes text searchable.
    private var characters: [Int: Unicode.Scalar] = [:]

    init(embedding font: TrueTypeFont?) {
        subset = font.map(TrueTypeSubsetter.init)
    }

    /// Advance width of `scalar` in thousandths of the font size.
    func advance(_ scalar: Unicode.Scalar) -> Double {
        let scalar = Self.printable(scalar)
        guard let font = subset?.font else {
            // STSong-Light's Latin glyphs are half-width, its ideographs full-width.
            return scalar.value < 0x7F ? 500 : 1000
        }
        return Double(font.advance(ofGlyph: font.glyph(for: scalar))) * 1000 / Double(font.unitsPerEm)
    }

    /// Width of `text` at `size` points.
    func width(_ text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + advance($1) } * size / 1000
    }

    /// `text` as a hex string operand for `Tj`, two bytes a character.
    mutating func encode(_ text: String) -> String {
        var hex = "<"
        for scalar in text.unicodeScalars.map(Self.printable) {
            let code: Int
            if let font = subset?.font {
                code = subset!.include(font.glyph(for: scalar))
            } else {
                code = scalar.value <= 0xFFFF ? Int(scalar.value) : 0x3013  // 〓 stands in beyond UCS-2
            }
            if characters[code] == nil { characters[code] = scalar }
            hex += PDFWriter.hex(UInt16(code))
        }
        return hex + ">"
    }

    /// Control characters (a tab in a clause) print as a space.
    private static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value < 0x20 ? " " : scalar
    }

    /// Writes the font's objects and returns the number of the `Type0` font to put in page resources.
    func write(into writer: inout PDFWriter) throws -> Int {
        let toUnicode = writer.reserve()
        try writer.writeStream(toUnicode, Data(toUnicodeCMap().utf8))
        guard var subset else {
            let descriptor = writer.add(
                "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
                    + "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 626 /StemV 93 >>")
            let cidFont = writer.add(
                "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                    + "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                    + "/FontDescriptor \(descriptor) 0 R /DW 1000 /W [1 95 500 814 939 500] >>")
            return writer.add(
                "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
                    + "/DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
        }
        let file = subset.fontFile()
        let font = subset.font
        let name = "\(Self.subsetTag(subset.glyphs))+\(font.postScriptName)"
        let scale = 1000 / Double(font.unitsPerEm)
        func scaled(_ value: Int) -> Int { Int((Double(value) * scale).rounded()) }

        let fontFile = writer.reserve()
        try writer.writeStream(fontFile, dictionary: "/Length1 \(file.count)", Data(file))
        let box = font.boundingBox.map { String(scaled($0)) }.joined(separator: " ")
        let descriptor = writer.add(
            "<< /Type /FontDescriptor /FontName /\(name) /Flags 4 /FontBBox [\(box)] /ItalicAngle 0 "
                + "/Ascent \(scaled(font.ascender)) /Descent \(scaled(font.descender)) "
                + "/CapHeight \(scaled(font.ascender * 7 / 10)) /StemV 80 /FontFile2 \(fontFile) 0 R >>")
        let widths = subset.glyphs.map { String(scaled(font.advance(ofGlyph: $0))) }.joined(separator: " ")
        let cidFont = writer.add(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(name) "
                + "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                + "/FontDescriptor \(descriptor) 0 R /DW 1000 /W [0 [\(widths)]] /CIDToGIDMap /Identity >>")
        return writer.add(
            "<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H "
                + "/DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
    }

    /// Six capital letters naming this subset (PDF 32000 §9.6.4), derived from its glyphs so the
    /// same document always gets the same tag.
    private static func subsetTag(_ glyphs: [Int]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for glyph in glyphs {
            hash = (hash ^ UInt64(glyph)) &* 0x100_0000_01B3
        }
        return String(
            String.UnicodeScalarView(
                (0..<6).map { Unicode.Scalar(UInt8(65 + (hash >> (UInt64($0) * 5)) % 26)) }))
    }

    private func toUnicodeCMap() -> String {
        var cmap = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        let entries = characters.sorted { $0.key < $1.key }
        // At most 100 entries per bfchar block, as the CMap format requires.
        for start in stride(from: 0, to: entries.count, by: 100) {
            let block = entries[start..<min(start + 100, entries.count)]
            cmap += "\(block.count) beginbfchar\n"
            for (code, scalar) in block {
                let utf16 = String(scalar).utf16.map(PDFWriter.hex).joined()
                cmap += "<\(PDFWriter.hex(UInt16(code)))> <\(utf16)>\n"
            }
            cmap += "endbfchar\n"
        }
        return cmap + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    }
}
