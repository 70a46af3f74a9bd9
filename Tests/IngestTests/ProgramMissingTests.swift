import Foundation
import Ingest
import Testing

/// With no directory to search, every format that needs an external program must say which
/// program and which Debian package are missing (HTTP 503), whatever the machine has installed.
@Suite struct ProgramMissingTests {
    let extractor = Extractor(programSearchPath: [])

    @Test func pdfNeedsPoppler() async throws {
        let pdf = try fixture("contract.pdf")
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(pdf, filename: "a.pdf") }
        #expect(error == IngestError(.programMissing, "缺少外部程序 pdfinfo，请安装 poppler-utils"))
    }

    @Test func imageNeedsTesseract() async throws {
        let png = try fixture("contract-page1.png")
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(png, filename: "a.png") }
        #expect(error == IngestError(.programMissing, "缺少外部程序 tesseract，请安装 tesseract-ocr tesseract-ocr-chi-sim"))
    }

    @Test func deferringOCRStillSaysAtOnceThatTesseractIsMissing() async throws {
        let png = try fixture("contract-page1.png")
        let error = await ingestError { () async throws(IngestError) in _ = try await extractor.extractWithoutOCR(png, filename: "a.png") }
        #expect(error == IngestError(.programMissing, "缺少外部程序 tesseract，请安装 tesseract-ocr tesseract-ocr-chi-sim"))
    }

    @Test func legacyDocNeedsAntiword() async throws {
        let doc = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
            + Data("WordDocument".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(doc, filename: "a.doc") }
        #expect(error == IngestError(.programMissing, "缺少外部程序 antiword，请安装 antiword"))
    }

    @Test func nativeFormatsNeedNothing() async throws {
        let document = try await extractor.extract(try makeDOCX(body: "<w:p><w:r><w:t>正文</w:t></w:r></w:p>"), filename: "a.docx")
        #expect(document.text == "正文")
    }
}
