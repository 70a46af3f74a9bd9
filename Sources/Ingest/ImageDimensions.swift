import Foundation

/// Width and height read from a PNG, JPEG or TIFF header, so an image that would decode to
/// gigabytes (a few KB of PNG can declare 100 000 × 100 000 pixels) is refused before OCR.
struct ImageDimensions: Sendable, Hashable {
    var width: Int
    var height: Int

    var pixels: Int { width * height }

    /// nil when the header cannot be read; Tesseract then decides, bounded by the time limit.
    init?(_ data: Data) {
        let bytes = [UInt8](data.prefix(256 * 1024))
        if let size = Self.png(bytes) ?? Self.jpeg(bytes) ?? Self.tiff(bytes) {
            (width, height) = size
        } else {
            return nil
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        return bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        return bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// IHDR is always the first chunk: width and height at offsets 16 and 20.
    private static func png(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), let width = bigEndian(bytes, 16, 4),
              let height = bigEndian(bytes, 20, 4) else { return nil }
        return (width, height)
    }

    /// Walks the marker segments to the first start-of-frame (SOF0–SOF15 except DHT, JPG, DAC).
    private static func jpeg(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.starts(with: [0xFF, 0xD8]) else { return nil }
        var offset = 2
        while offset + 9 < bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard let height = bigEndian(bytes, offset + 5, 2), let width = bigEndian(bytes, offset + 7, 2) else { return nil }
                return (width, height)
            }
            guard let length = bigEndian(bytes, offset + 2, 2) else { return nil }
            offset += 2 + length
        }
        return nil
    }

    /// ImageWidth (256) and ImageLength (257) from the first IFD.
    private static func tiff(_ bytes: [UInt8]) -> (Int, Int)? {
        let read: ([UInt8], Int, Int) -> Int?
        switch bytes.prefix(4) {
        case [0x49, 0x49, 0x2A, 0x00]: read = littleEndian
        case [0x4D, 0x4D, 0x00, 0x2A]: read = bigEndian
        default: return nil
        }
        guard let ifd = read(bytes, 4, 4), let count = read(bytes, ifd, 2) else { return nil }
        var width: Int?
        var height: Int?
        for entry in 0..<count {
            let base = ifd + 2 + entry * 12
            guard let tag = read(bytes, base, 2), let type = read(bytes, base + 2, 2) else { return nil }
            // SHORT values sit in the first two bytes of the value field, LONG in all four.
            let value = type == 3 ? read(bytes, base + 8, 2) : read(bytes, base + 8, 4)
            if tag == 256 { width = value }
            if tag == 257 { height = value }
        }
        guard let width, let height else { return nil }
        return (width, height)
    }
}
