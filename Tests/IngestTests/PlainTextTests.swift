import Foundation
import Ingest
import Testing

@Suite struct PlainTextTests {
    let extractor = Extractor()
    let contract = "第一条 合同金额\n合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元）。\n"

    @Test func utf8WithAndWithoutBOM() async throws {
        for data in [Data(contract.utf8), Data([0xEF, 0xBB, 0xBF]) + Data(contract.utf8)] {
            let document = try await extractor.extract(data, filename: "合同.txt")
            #expect(document.text == "第一条 合同金额\n合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元）。")
            #expect(document.sourceFormat == .text)
            #expect(document.pages == [PageSpan(page: 1, start: 0, end: document.text.unicodeScalars.count)])
        }
    }

    @Test func utf16WithBOM() async throws {
        let little = Data([0xFF, 0xFE]) + contract.data(using: .utf16LittleEndian)!
        let big = Data([0xFE, 0xFF]) + contract.data(using: .utf16BigEndian)!
        for data in [little, big] {
            let document = try await extractor.extract(data, filename: "contract.txt")
            #expect(document.text.contains("壹佰贰拾万元整（¥1,200,000.00元）"))
        }
    }

    /// Encoded by Python's codec (Fixtures/make_fixtures.py), not by the Foundation codec under test.
    @Test func gb18030() async throws {
        let data = try fixture("contract-gb18030.txt")
        #expect(String(data: data, encoding: .utf8) == nil, "the fixture must not be valid UTF-8")
        let document = try await extractor.extract(data, filename: "合同.txt")
        #expect(document.text == "第一条 合同金额\n合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元）。\n乙方：吉𠮷贸易有限公司")
    }

    @Test func markdownIsText() async throws {
        let document = try await extractor.extract(Data("# 采购合同\n\n**第一条** 标的".utf8), filename: "c.md")
        #expect(document.sourceFormat == .markdown)
        #expect(document.text == "# 采购合同\n\n**第一条** 标的")
    }

    @Test func formFeedsSplitPages() async throws {
        let document = try await extractor.extract(Data("第一页\u{0C}第二页".utf8), filename: "c.txt")
        #expect(document.text == "第一页\n第二页")
        #expect(document.pages == [PageSpan(page: 1, start: 0, end: 3), PageSpan(page: 2, start: 4, end: 7)])
    }

    @Test func emptyOrWhitespaceIsUnreadable() async {
        for data in [Data(), Data(" \n\t\u{3000}\n".utf8)] {
            let error = await ingestError { () async throws(IngestError) in try await extractor.extract(data, filename: "a.txt") }
            #expect(error == IngestError(.unreadable, "文件内容为空"))
        }
    }

    @Test func binaryGarbageIsUnsupported() async {
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ $0 >> 3) })
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(garbage, filename: "a.txt") }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.message.contains("txt、md、docx、doc、pdf、jpg、png、tiff") == true)
    }

    @Test func progressReportsEveryPage() async throws {
        let pages = PageLog()
        _ = try await extractor.extract(Data("一\u{0C}二\u{0C}三".utf8), filename: "c.txt") { page, count in
            await pages.append(page, count)
        }
        #expect(await pages.entries == [[1, 3], [2, 3], [3, 3]])
    }
}

actor PageLog {
    var entries: [[Int]] = []
    func append(_ page: Int, _ count: Int) { entries.append([page, count]) }
}
