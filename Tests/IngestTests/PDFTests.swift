import Foundation
import Ingest
import Testing

/// PDF tests run the real poppler programs when installed (CI installs them through
/// scripts/setup.sh); where they are absent they check the `.programMissing` answer instead,
/// so neither case passes without asserting something.
@Suite struct PDFTests {
    let extractor = Extractor()
    static let hasPoppler = isInstalled("pdftotext") && isInstalled("pdfinfo")

    @Test func textLayerPDF() async throws {
        let data = try fixture("contract.pdf")
        guard Self.hasPoppler else {
            let error = await ingestError { () async throws(IngestError) in try await extractor.extract(data, filename: "合同.pdf") }
            #expect(error?.kind == .programMissing)
            #expect(error?.message.contains("poppler-utils") == true)
            return
        }
        let pages = PageLog()
        let document = try await extractor.extract(data, filename: "合同.pdf") { await pages.append($0, $1) }
        #expect(document.sourceFormat == .pdf)
        #expect(await pages.entries == [[1, 3], [2, 3], [3, 3]])
        let text = document.text
        for heading in ["第一条 合同标的", "第二条 合同价款", "第三条 付款方式", "第四条 交付与验收", "第五条 违约责任", "第六条 争议解决"] {
            #expect(text.split(separator: "\n").contains(Substring(heading)), "\(heading) on its own line")
        }
        // The clause was wrapped over two lines in the PDF; normalization joins it back.
        #expect(text.contains("本合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元），该价款已包含设备费、运输费、安装调试费、培训费及税费"))
        #expect(text.contains("即人民币1,080,000.00元；剩余10%作为质量保证金"))
        // Running header and page footer are gone.
        #expect(!text.contains("合同编号"))
        #expect(!text.contains("共3页"))

        #expect(document.pages.map(\.page) == [1, 2, 3])
        let scalars = Array(text.unicodeScalars)
        func page(_ number: Int) -> String {
            let span = document.pages[number - 1]
            return String(String.UnicodeScalarView(scalars[span.start..<span.end]))
        }
        #expect(page(1).hasPrefix("设备采购合同\n第一条 合同标的"))
        #expect(page(2).hasPrefix("第三条 付款方式"))
        #expect(page(3).contains("第六条 争议解决"))
        #expect(document.pages.last?.end == scalars.count)
    }

    /// A page with no text and no image is left blank rather than sent to OCR.
    @Test func blankPageIsNotRecognized() async throws {
        guard Self.hasPoppler, isInstalled("pdfunite") else { return }
        let merged = try await withTemporaryDirectory { directory in
            let blank = directory.appendingPathComponent("blank.pdf")
            try Self.blankPDF.write(to: blank)
            let merged = directory.appendingPathComponent("merged.pdf")
            try runTool(["pdfunite", fixturesDirectory.appendingPathComponent("contract.pdf").path, blank.path, merged.path])
            return try Data(contentsOf: merged)
        }
        // No tesseract on this search path: asking for it would fail the extraction.
        let poppler = ["pdfinfo", "pdftotext", "pdfimages"].map { URL(fileURLWithPath: "/usr/bin/\($0)") }
        try #require(poppler.allSatisfy { FileManager.default.isExecutableFile(atPath: $0.path) })
        let document = try await withTemporaryDirectory { directory in
            for program in poppler {
                try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent(program.lastPathComponent),
                                                           withDestinationURL: program)
            }
            return try await Extractor(programSearchPath: [directory.path]).extract(merged, filename: "a.pdf")
        }
        #expect(document.sourceFormat == .pdf)
        #expect(document.pages.count == 4)
        #expect(document.pages[3].start == document.pages[3].end)
    }

    /// One empty A4 page, with a correct cross-reference table.
    static var blankPDF: Data {
        let objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }

    @Test func truncatedPDFIsUnreadable() async throws {
        let data = try fixture("contract.pdf")
        let error = await ingestError { () async throws(IngestError) in
            try await extractor.extract(data.prefix(data.count / 2), filename: "合同.pdf")
        }
        #expect(error?.kind == (Self.hasPoppler ? .unreadable : .programMissing))
    }

    @Test func pageCapIsEnforcedBeforeReading() async throws {
        guard Self.hasPoppler else { return #expect(!isInstalled("pdfinfo")) }
        let pdf = try fixture("contract.pdf")
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: IngestLimits(maxPages: 2)).extract(pdf, filename: "a.pdf")
        }
        #expect(error == IngestError(.unreadable, "PDF 共 3 页，超过 2 页上限"))
    }
}
