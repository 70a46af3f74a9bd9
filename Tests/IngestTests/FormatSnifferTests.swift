import Foundation
import Ingest
import Testing

@Suite struct FormatSnifferTests {
    let extractor = Extractor()

    @Test func pngNamedPDFIsRejected() async throws {
        let png = try fixture("contract-page1.png")
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(png, filename: "合同.pdf") }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.message == "文件扩展名 .pdf 与文件实际内容（图片）不符。支持的格式：txt、md、docx、doc、pdf、jpg、png、tiff")
    }

    @Test func detectsByContent() throws {
        let cases: [(Data, String, SourceFormat)] = [
            (Data("%PDF-1.7\n".utf8), "a.pdf", .pdf),
            (Data([0xFF, 0xD8, 0xFF, 0xE0]), "a.jpg", .image),
            (Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]), "a.jpeg", .image),
            (Data([0x49, 0x49, 0x2A, 0x00]), "a.tiff", .image),
            (Data([0x4D, 0x4D, 0x00, 0x2A]), "scan.tif", .image),
            (Data("甲方：某公司".utf8), "合同.txt", .text),
            (Data("# 标题".utf8), "readme.md", .markdown),
            (Data("第一条".utf8), "no-extension", .text),
            (try makeDOCX(body: ""), "a.docx", .docx),
            // Word's two formats are accepted under each other's name, as Word itself opens them.
            (try makeDOCX(body: ""), "a.doc", .docx),
            (Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data("WordDocument".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
             "a.doc", .doc),
        ]
        for (data, name, format) in cases {
            #expect(try extractor.sniff(data, filename: name) == format, "\(name)")
        }
    }

    @Test func rejectsUnknownAndMismatched() {
        let cases: [(Data, String)] = [
            (Data("%PDF-1.4".utf8), "a.docx"),
            (Data("plain".utf8), "a.pdf"),
            (Data("plain".utf8), "a.exe"),
            (Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]), "program"),
            (Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), "book.doc"),
            (Data("{\\rtf1\\ansi 合同}".utf8), "a.doc"),
        ]
        for (data, name) in cases {
            #expect(throws: IngestError.self, "\(name)") { try extractor.sniff(data, filename: name) }
            do {
                _ = try extractor.sniff(data, filename: name)
            } catch {
                #expect(error.kind == .unsupportedFormat)
                #expect(error.message.hasSuffix("支持的格式：txt、md、docx、doc、pdf、jpg、png、tiff"))
            }
        }
    }

    @Test func passwordProtectedDOCXIsUnreadable() {
        let encrypted = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data(count: 504)
            + Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(throws: IngestError(.unreadable, "文件已加密，请解除密码保护后重新上传")) {
            try extractor.sniff(encrypted, filename: "合同.docx")
        }
    }

    @Test func tooLargeIsRejectedBeforeSniffing() {
        let extractor = Extractor(limits: IngestLimits(maxFileBytes: 10))
        #expect(throws: IngestError(.tooLarge, "文件大小超过 0 MB 上限")) {
            try extractor.sniff(Data(count: 11), filename: "a.txt")
        }
    }

    @Test func damagedLegacyDocIsUnreadable() async throws {
        // An OLE2 container naming a WordDocument stream but holding no real document.
        let fake = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data(count: 504)
            + Data("WordDocument".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(fake, filename: "合同.doc") }
        if isInstalled("antiword") {
            #expect(error?.kind == .unreadable)
        } else {
            #expect(error == IngestError(.programMissing, "缺少外部程序 antiword，请安装 antiword"))
        }
    }
}
