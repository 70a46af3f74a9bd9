import Foundation

/// Serialises PDF objects and writes the cross-reference table: the file format, without layout.
struct PDFWriter {
    private var output = Data()
    /// Byte offset of each object, indexed by object number (0 is the free-list head).
    private var offsets: [Int?] = [nil]

    init() {
        // The binary comment tells transfer tools the file is not text.
        output.append(Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8))
    }

    /// Reserves an object number, for objects that are referenced before they are written.
    mutating func reserve() -> Int {
        offsets.append(nil)
        return offsets.count - 1
    }

    /// Writes `body` (a dictionary or array in PDF syntax) as object `number`.
    mutating func write(_ number: Int, _ body: String) {
        offsets[number] = output.count
        output.append(Data("\(number) 0 obj\n\(body)\nendobj\n".utf8))
    }

    /// Writes a stream object, Flate-compressed; `dictionary` holds any entries besides Length and Filter.
    mutating func writeStream(_ number: Int, dictionary: String = "", _ data: Data) throws {
        let compressed = try Zlib.compress(data)
        offsets[number] = output.count
        output.append(
            Data("\(number) 0 obj\n<< \(dictionary) /Length \(compressed.count) /Filter /FlateDecode >>\nstream\n".utf8)
        )
        output.append(compressed)
        output.append(Data("\nendstream\nendobj\n".utf8))
    }

    /// Reserves and writes in one step.
    mutating func add(_ body: String) -> Int {
        let number = reserve()
        write(number, body)
        return number
    }

    /// The finished file with `catalog` as its root.
    func finish(catalog: Int, info: Int) -> Data {
        var file = output
        let xref = file.count
        var table = "xref\n0 \(offsets.count)\n0000000000 65535 f \n"
        for offset in offsets.dropFirst() {
            // An object reserved but never written would corrupt the file; writers always write them.
            let value = String(offset ?? 0)
            table += String(repeating: "0", count: 10 - value.count) + value + " 00000 n \n"
        }
        table +=
            "trailer\n<< /Size \(offsets.count) /Root \(catalog) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        file.append(Data(table.utf8))
        return file
    }

    /// A text string as PDF wants it for titles and bookmarks: UTF-16BE with a byte-order mark, in hex.
    static func textString(_ text: String) -> String {
        "<FEFF" + text.utf16.map { hex($0) }.joined() + ">"
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// A number in content-stream syntax: at most two decimals, no exponent.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = "\(hundredths < 0 ? "-" : "")\(abs(hundredths) / 100)"
        let fraction = abs(hundredths) % 100
        if fraction == 0 { return whole }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)" }
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
