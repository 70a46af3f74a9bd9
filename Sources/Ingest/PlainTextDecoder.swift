import Foundation

/// Turns the bytes of a text file into a `String`, finding its encoding from a BOM or by trial.
///
/// Order matters: UTF-8 is tried before GB18030 because almost any UTF-8 Chinese text is
/// also a byte sequence GB18030 would accept, while the reverse is rarely true.
struct PlainTextDecoder: Sendable {
    /// Foundation on Linux has no `CFStringConvertEncodingToNSStringEncoding`; this is the
    /// NSStringEncoding value it would return for kCFStringEncodingGB_18030_2000, and
    /// swift-corelibs-foundation decodes it (checked on Linux with Swift 6.3).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The decoded text, or nil when the bytes are not text in an encoding we know.
    func decode(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(3))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(data: data.dropFirst(3), encoding: .utf8).flatMap(Self.textOrNil)
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return String(data: data.dropFirst(2), encoding: .utf16LittleEndian).flatMap(Self.textOrNil)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return String(data: data.dropFirst(2), encoding: .utf16BigEndian).flatMap(Self.textOrNil)
        }
        // A NUL byte never occurs in UTF-8 or GB18030 text; it marks a binary file
        // (or BOM-less UTF-16, which we do not guess at).
        if data.contains(0) { return nil }
        if let utf8 = String(data: data, encoding: .utf8) { return Self.textOrNil(utf8) }
        return String(data: data, encoding: Self.gb18030).flatMap(Self.textOrNil)
    }

    /// Rejects decodings that are mostly control characters: binary data that happened to be
    /// valid in some encoding.
    private static func textOrNil(_ string: String) -> String? {
        var controls = 0
        var total = 0
        for scalar in string.unicodeScalars.prefix(65_536) {
            total += 1
            switch scalar.value {
            case 0x09, 0x0A, 0x0C, 0x0D: continue
            case 0x00...0x1F, 0x7F, 0xFFFD: controls += 1
            default: continue
            }
        }
        return controls * 100 > total ? nil : string
    }
}
