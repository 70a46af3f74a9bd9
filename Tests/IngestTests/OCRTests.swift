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

    /// A scan, the three text pages, the scan again: pages 1 and 5 are recognized concurrently,
    /// and progress still arrives in page order.
    @Test func mixedPDFRecognizesOnlyPagesWithoutText() async throws {
        guard Self.hasTesseract, isInstalled("pdfunite"), PDFTests.hasPoppler else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let merged = directory.appendingPathComponent("mixed.pdf")
        let pdfunite = Process()
        pdfunite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pdfunite.arguments = ["pdfunite"] + ["scanned.pdf", "contract.pdf", "scanned.pdf"].map { fixtures.appendingPathComponent($0).path }
            + [merged.path]
        try pdfunite.run()
        pdfunite.waitUntilExit()
        try #require(pdfunite.terminationStatus == 0)

        let pages = PageLog()
        let document = try await extractor.extract(try Data(contentsOf: merged), filename: "mixed.pdf") { await pages.append($0, $1) }
        #expect(document.sourceFormat == .scannedPDF)
        #expect(await pages.entries == (1...5).map { [$0, 5] })
        let scalars = Array(document.text.unicodeScalars)
        let pageTexts = document.pages.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        #expect(pageTexts.count == 5)
        Self.expectPageOne(pageTexts[0])
        Self.expectPageOne(pageTexts[4])
        #expect(pageTexts[2].hasPrefix("第三条 付款方式"))
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
