import Foundation
import ZIPFoundation

/// What an upload is, decided from its bytes; the file name only has to agree.
struct FormatSniffer: Sendable {
    /// The content found, with what reading it needs next.
    enum Content: Sendable {
        case text(String, SourceFormat)
        case docx
        case doc
        case pdf
        case image
    }

    static let supportedFormats = "txt、md、docx、doc、pdf、jpg、png、tiff"

    /// Which content each known extension promises. Word's two formats and the image
    /// formats are accepted for each other: users rename them freely and every program
    /// opens them by content, so refusing would only frustrate.
    private enum Family {
        case text, markdown, word, pdf, image
    }

    private static let families: [String: Family] = [
        "txt": .text, "text": .text, "md": .markdown, "markdown": .markdown,
        "docx": .word, "doc": .word, "pdf": .pdf,
        "jpg": .image, "jpeg": .image, "png": .image, "tif": .image, "tiff": .image,
    ]

    func identify(_ data: Data, filename: String) throws(IngestError) -> Content {
        let ext = (filename as NSString).pathExtension.lowercased()
        let expected: Family?
        if ext.isEmpty {
            expected = nil
        } else if let family = Self.families[ext] {
            expected = family
        } else {
            throw Self.unsupported("不支持 .\(ext) 文件")
        }
        let (content, family) = try detect(data, expected: expected)
        if let expected, expected != family, !(expected == .text && family == .markdown),
           !(expected == .markdown && family == .text) {
            throw Self.unsupported("文件扩展名 .\(ext) 与文件实际内容（\(Self.describe(family))）不符")
        }
        return content
    }

    private func detect(_ data: Data, expected: Family?) throws(IngestError) -> (Content, Family) {
        let head = [UInt8](data.prefix(1024))
        if Self.findsPDFHeader(head) { return (.pdf, .pdf) }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) || head.starts(with: [0x89, 0x50, 0x4E, 0x47])
            || head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return (.image, .image)
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            guard Self.isWordPackage(data) else {
                throw Self.unsupported("该压缩包不是 Word 文档（缺少 word/document.xml）")
            }
            return (.docx, .word)
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // Word saves a password-protected DOCX as an OLE2 container holding the encrypted package.
            if Self.containsStream(named: "EncryptedPackage", in: data) {
                throw IngestError(.unreadable, "文件已加密，请解除密码保护后重新上传")
            }
            guard Self.containsStream(named: "WordDocument", in: data) else {
                throw Self.unsupported("该文件是 Office 文档但不是 Word 文档")
            }
            return (.doc, .word)
        }
        if head.starts(with: Array("{\\rtf".utf8)) {
            throw Self.unsupported("暂不支持 RTF 格式，请在 Word 中另存为 DOCX")
        }
        guard let text = PlainTextDecoder().decode(data) else {
            throw Self.unsupported("无法识别的文件类型")
        }
        let family: Family = expected == .markdown ? .markdown : .text
        return (.text(text, family == .markdown ? .markdown : .text), family)
    }

    /// PDF readers accept junk before the header within the first kilobyte, and so do we.
    private static func findsPDFHeader(_ head: [UInt8]) -> Bool {
        let magic: [UInt8] = Array("%PDF-".utf8)
        guard head.count >= magic.count else { return false }
        return (0...(head.count - magic.count)).contains { head[$0..<$0 + magic.count].elementsEqual(magic) }
    }

    private static func isWordPackage(_ data: Data) -> Bool {
        guard let archive = try? Archive(data: data, accessMode: .read, pathEncoding: nil) else { return false }
        return archive["word/document.xml"] != nil
    }

    /// Whether an OLE2 directory names this stream (names are stored in UTF-16LE). A Word
    /// document has a `WordDocument` stream; Excel and PowerPoint files share the OLE2 magic.
    private static func containsStream(named name: String, in data: Data) -> Bool {
        data.range(of: Data(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })) != nil
    }

    private static func describe(_ family: Family) -> String {
        switch family {
        case .text, .markdown: "纯文本"
        case .word: "Word 文档"
        case .pdf: "PDF"
        case .image: "图片"
        }
    }

    static func unsupported(_ reason: String) -> IngestError {
        IngestError(.unsupportedFormat, "\(reason)。支持的格式：\(supportedFormats)")
    }
}

extension FormatSniffer.Content {
    /// The wire format this content is reported as before extraction; a PDF may still turn
    /// out to need OCR (`.scannedPDF`).
    var sourceFormat: SourceFormat {
        switch self {
        case .text(_, let format): format
        case .docx: .docx
        case .doc: .doc
        case .pdf: .pdf
        case .image: .image
        }
    }
}
