import Foundation
import Ingest
import Testing

/// OCR of a clean 300-dpi page (page 1 of contract.pdf, see Fixtures/make_fixtures.py).
/// Runs Tesseract when installed, otherwise checks the `.programMissing` answer.
@Suite struct OCRTests {
    let extractor = Extractor()
    static let hasTesseract = isInstalled("tesseract")

    static func expectPageOne(_ text: String) {
        #expect(text.contains("第一条 合同标的"))
        #expect(text.contains("第二条 合同价款"))
        #expect(text.contains("壹佰贰拾万元整"))
        #expect(text.contains("1,200,000.00元"))
        #expect(!text.contains("第1页共3页"))
    }

    @Test func pngImage() async throws {
        let data = try fixture("contract-page1.png")
        guard Self.hasTesseract else {
            let error = await ingestError { () async throws(IngestError) in try await extractor.extract(data, filename: "scan.png") }
            #expect(error?.message.contains("tesseract") == true)
            return
        }
        let document = try await extractor.extract(data, filename: "扫描件.png")
        #expect(document.sourceFormat == .image)
        Self.expectPageOne(document.text)
    }

    @Test func scannedPDFIsRecognizedPageByPage() async throws {
        let data = try fixture("scanned.pdf")
        guard Self.hasTesseract, isInstalled("pdftoppm"), PDFTests.hasPoppler else {
            let error = await ingestError { () async throws(IngestError) in try await extractor.extract(data, filename: "scan.pdf") }
            #expect(error?.kind == .programMissing)
            return
        }
        let pages = PageLog()
        let document = try await extractor.extract(data, filename: "扫描件.pdf") { await pages.append($0, $1) }
        #expect(document.sourceFormat == .scannedPDF)
        #expect(await pages.entries == [[1, 1]])
        Self.expectPageOne(document.text)
    }

    @Test func timeoutKillsTheProgram() async throws {
        guard Self.hasTesseract else { return }
        let limits = IngestLimits(subprocessTimeout: .milliseconds(50))
        let clock = ContinuousClock()
        let started = clock.now
        let png = try fixture("contract-page1.png")
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: limits).extract(png, filename: "scan.png")
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.message.hasPrefix("处理超时") == true)
        #expect(clock.now - started < .seconds(2))
    }
}
