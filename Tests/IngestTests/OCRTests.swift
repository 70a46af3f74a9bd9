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
        #expect(try await extractor.extractWithoutOCR(data, filename: "扫描件.png") == .needsOCR(.image), "a photo waits for the review")
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
        #expect(try await extractor.extractWithoutOCR(data, filename: "扫描件.pdf") == .needsOCR(.scannedPDF), "a scan waits for the review")
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
        let merged = try await withTemporaryDirectory { directory in
            let merged = directory.appendingPathComponent("mixed.pdf")
            try runTool(["pdfunite"] + ["scanned.pdf", "contract.pdf", "scanned.pdf"].map { fixturesDirectory.appendingPathComponent($0).path }
                + [merged.path])
            return try Data(contentsOf: merged)
        }
        let pages = PageLog()
        let document = try await extractor.extract(merged, filename: "mixed.pdf") { await pages.append($0, $1) }
        #expect(document.sourceFormat == .scannedPDF)
        #expect(await pages.entries == (1...5).map { [$0, 5] })
        let scalars = Array(document.text.unicodeScalars)
        let pageTexts = document.pages.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        #expect(pageTexts.count == 5)
        Self.expectPageOne(pageTexts[0])
        Self.expectPageOne(pageTexts[4])
        #expect(pageTexts[2].hasPrefix("第三条 付款方式"))
    }

    @Test func oversizedImageIsRefusedBeforeOCR() async throws {
        var png = try fixture("contract-page1.png")
        #expect(png[16..<24] == Data([0, 0, 0x09, 0xB1, 0, 0, 0x0D, 0xB4]), "IHDR says 2481 × 3508")
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: IngestLimits(maxImagePixels: 8_000_000)).extract(png, filename: "scan.png")
        }
        #expect(error == IngestError(.unreadable, "图片尺寸过大（2481×3508 像素），请缩小后重新上传"))
        // A header declaring 100 000 × 100 000 pixels is refused under the default cap.
        png.replaceSubrange(16..<24, with: [0, 0x01, 0x86, 0xA0, 0, 0x01, 0x86, 0xA0])
        let bomb = png
        let bombError = await ingestError { () async throws(IngestError) in try await extractor.extract(bomb, filename: "a.png") }
        #expect(bombError?.message.hasPrefix("图片尺寸过大") == true)
    }

    /// JPEG and TIFF headers are read too (rendered here by pdftoppm at 50 dpi: 414 × 585).
    @Test(arguments: ["jpeg", "tiff"]) func imageSizeFromHeader(format: String) async throws {
        guard isInstalled("pdftoppm") else { return }
        let (name, image) = try await withTemporaryDirectory { directory in
            try runTool(["pdftoppm", "-r", "50", "-gray", "-\(format)", "-f", "1", "-l", "1", "-singlefile",
                         fixturesDirectory.appendingPathComponent("contract.pdf").path, directory.appendingPathComponent("page").path])
            let file = try #require(try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).first)
            return (file.lastPathComponent, try Data(contentsOf: file))
        }
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: IngestLimits(maxImagePixels: 1000)).extract(image, filename: name)
        }
        #expect(error?.message == "图片尺寸过大（414×585 像素），请缩小后重新上传")
    }

    @Test func missingLanguageModelNamesThePackage() async throws {
        guard Self.hasTesseract else { return }
        let png = try fixture("contract-page1.png")
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: IngestLimits(ocrLanguages: "zzz_missing")).extract(png, filename: "scan.png")
        }
        #expect(error?.kind == .programMissing)
        #expect(error?.message.contains("tesseract-ocr-chi-sim") == true)
    }

    /// A "tesseract" that never finishes (it records its pid and sleeps): the time limit must end the wait
    /// and kill it, however busy the machine is.
    @Test func timeoutKillsTheProgram() async throws {
        try await withTemporaryDirectory { directory in
            let pidFile = directory.appendingPathComponent("pid")
            let hanging = directory.appendingPathComponent("tesseract")
            try Data("#!/bin/sh\necho $$ > '\(pidFile.path)'\nexec sleep 600\n".utf8).write(to: hanging)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hanging.path)
            let extractor = Extractor(limits: IngestLimits(subprocessTimeout: .milliseconds(500)), programSearchPath: [directory.path])
            let clock = ContinuousClock()
            let started = clock.now
            let png = try fixture("contract-page1.png")
            let error = await ingestError { () async throws(IngestError) in try await extractor.extract(png, filename: "scan.png") }
            #expect(error == IngestError(.unreadable, "处理超时：tesseract 超过 0.5 秒未完成，已终止"))
            #expect(clock.now - started < .seconds(120), "the wait ended long before the program would have")
            let pid = try #require(Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(kill(pid, 0) != 0, "the program was killed, not left running")
        }
    }
}
