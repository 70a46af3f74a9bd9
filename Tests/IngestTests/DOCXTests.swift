import Foundation
import Ingest
import Testing

@Suite struct DOCXTests {
    let extractor = Extractor()

    static let numbering = """
    <?xml version="1.0" encoding="UTF-8"?>
    <w:numbering \(wordNamespaces)>
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="space"/><w:lvlText w:val="第%1条"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/>
          <mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="一, 二, 三, ..."/></mc:Choice>
          <mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent>
          <w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="◆"/></w:lvl>
        <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="\u{F0B7}"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
    </w:numbering>
    """

    static let styles = """
    <?xml version="1.0" encoding="UTF-8"?>
    <w:styles \(wordNamespaces)>
      <w:style w:type="paragraph" w:styleId="ClauseBase"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="Clause"><w:basedOn w:val="ClauseBase"/></w:style>
    </w:styles>
    """

    static func paragraph(_ text: String, numId: Int? = nil, level: Int = 0, style: String? = nil) -> String {
        let numPr = numId.map { "<w:numPr><w:ilvl w:val=\"\(level)\"/><w:numId w:val=\"\($0)\"/></w:numPr>" } ?? ""
        let pStyle = style.map { "<w:pStyle w:val=\"\($0)\"/>" } ?? ""
        return "<w:p><w:pPr>\(pStyle)\(numPr)</w:pPr><w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r></w:p>"
    }

    static let body = [
        paragraph("采购合同"),
        paragraph("合同标的", numId: 1),
        paragraph("甲方向乙方采购服务器。", numId: 1, level: 1),
        paragraph("乙方负责安装调试。", numId: 1, level: 1),
        paragraph("交付时间为签约后30日内。", numId: 1, level: 2),
        paragraph("合同价款", numId: 1),
        // Tracked changes: the deletion is dropped, the insertion kept; a moved run appears once, at its new place.
        """
        <w:p><w:r><w:t>合同总价为人民币</w:t></w:r>\
        <w:del w:id="1" w:author="甲方"><w:r><w:delText>壹佰万元整</w:delText></w:r></w:del>\
        <w:ins w:id="2" w:author="甲方"><w:r><w:t>壹佰贰拾万元整</w:t></w:r></w:ins>\
        <w:r><w:t>（¥1,200,000.00元）。</w:t></w:r>\
        <w:moveFrom w:id="3"><w:r><w:t>含税。</w:t></w:r></w:moveFrom></w:p>
        """,
        "<w:p><w:r><w:t>价格</w:t></w:r><w:moveTo w:id=\"4\"><w:r><w:t>含税。</w:t></w:r></w:moveTo></w:p>",
        // Tab-stop definitions are not tabs; an old numbering kept in pPrChange is not displayed.
        """
        <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>\
        <w:pPrChange w:id="5"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:pPrChange></w:pPr>\
        <w:r><w:t>付款方式：</w:t><w:tab/><w:t>银行转账</w:t><w:br/><w:t>账期30日</w:t></w:r></w:p>
        """,
        """
        <w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc>\
        <w:tc><w:p><w:r><w:t>金额</w:t></w:r></w:p></w:tc></w:tr>\
        <w:tr><w:tc><w:p><w:r><w:t>服务器</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>\
        <w:tc><w:p><w:r><w:t>1,200,000.00元</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
        """,
        // A field shows its result, not its instruction.
        """
        <w:p><w:r><w:t>签订日期：</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>\
        <w:r><w:instrText> DATE \\@ "yyyy年M月d日" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>\
        <w:r><w:t>2024年1月1日</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
        """,
        paragraph("违约责任", style: "Clause"),
        paragraph("首项", numId: 2),
        paragraph("次项", numId: 2),
        paragraph("重新编号", numId: 3),
        paragraph("要点", numId: 4),
        // A Symbol-font bullet (private use U+F0B7) is shown as a plain bullet.
        paragraph("细节", numId: 4, level: 1),
        // A text box's alternate rendering must not appear twice.
        """
        <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>\
        <w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>\
        <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>\
        </mc:AlternateContent></w:r></w:p>
        """,
    ].joined()

    static let header = """
    <?xml version="1.0" encoding="UTF-8"?><w:hdr \(wordNamespaces)><w:p><w:r><w:t>某某科技有限公司</w:t></w:r></w:p></w:hdr>
    """
    static let footer = """
    <?xml version="1.0" encoding="UTF-8"?><w:ftr \(wordNamespaces)><w:p><w:r><w:t>第 </w:t></w:r>\
    <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>\
    <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>\
    <w:r><w:t> 页</w:t></w:r></w:p></w:ftr>
    """

    @Test func bodyWithNumberingTablesAndTrackedChanges() async throws {
        let data = try makeDOCX(body: Self.body, parts: [
            "word/numbering.xml": Self.numbering, "word/styles.xml": Self.styles,
            "word/header1.xml": Self.header, "word/footer1.xml": Self.footer,
        ])
        let document = try await extractor.extract(data, filename: "采购合同.docx")
        #expect(document.sourceFormat == .docx)
        #expect(document.text == """
        采购合同
        第一条 合同标的
        （一）甲方向乙方采购服务器。
        （二）乙方负责安装调试。
        2.1交付时间为签约后30日内。
        第二条 合同价款
        合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元）。
        价格含税。
        付款方式：\t银行转账
        账期30日
        项目\t数量\t金额
        服务器\t2\t1,200,000.00元
        签订日期：2024年1月1日
        第三条 违约责任
        一、首项
        二、次项
        一、重新编号
        ◆ 要点
        • 细节
        文本框内容
        """)
        #expect(document.pages == [PageSpan(page: 1, start: 0, end: document.text.unicodeScalars.count)])
        // Kept apart from the body, normalized like it.
        #expect(document.headersAndFooters == "某某科技有限公司\n第1页")
    }

    /// The server extracts uploads concurrently; Foundation's XMLParser keeps per-thread state on Linux.
    @Test func concurrentExtractionsAgree() async throws {
        let data = try makeDOCX(body: Self.body, parts: ["word/numbering.xml": Self.numbering, "word/styles.xml": Self.styles])
        let expected = try await extractor.extract(data, filename: "a.docx")
        let results = try await withThrowingTaskGroup(of: ExtractedDocument.self) { group in
            for _ in 0..<16 { group.addTask { try await Extractor().extract(data, filename: "a.docx") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func missingDocumentXMLIsUnsupported() async throws {
        let zip = try makeZip([("readme.txt", Data("hello".utf8))])
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(zip, filename: "a.docx") }
        #expect(error?.kind == .unsupportedFormat)
    }

    @Test func malformedXMLIsUnreadable() async throws {
        let data = try makeZip([("word/document.xml", Data("<w:document><w:body><w:p>".utf8))])
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(data, filename: "a.docx") }
        #expect(error == IngestError(.unreadable, "DOCX 文件已损坏：word/document.xml 不是有效的 XML"))
    }

    @Test func corruptZipIsUnreadable() async throws {
        var data = try makeDOCX(body: Self.paragraph("正文"))
        // Keep the local header magic (so it is sniffed as a ZIP) but destroy the central directory.
        data.replaceSubrange(data.count - 60..<data.count, with: Data(repeating: 0xAB, count: 60))
        let error = await ingestError { () async throws(IngestError) in try await extractor.extract(data, filename: "a.docx") }
        #expect(error?.kind == .unsupportedFormat || error?.kind == .unreadable)
    }

    @Test func zipBombStopsAtTheInflationCap() async throws {
        // 8 MB of zeros deflates to a few KB; the cap is lowered so the test stays fast,
        // the code path is the one the 200 MB default takes.
        let zeros = Data(count: 8 * 1_048_576)
        let bomb = try makeZip([("word/document.xml", zeros)])
        #expect(bomb.count < 64 * 1024)
        let limits = IngestLimits(maxInflatedBytes: 1_048_576)
        let clock = ContinuousClock()
        let started = clock.now
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: limits).extract(bomb, filename: "bomb.docx")
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.message.contains("压缩炸弹") == true)
        #expect(clock.now - started < .seconds(5))
    }

    @Test func zipBombLyingAboutItsSizeIsStoppedWhileInflating() async throws {
        let zeros = Data(count: 4 * 1_048_576)
        var bomb = try makeZip([("word/document.xml", zeros)])
        // Patch the declared uncompressed size (local header offset 22, central directory +24) to 100 bytes.
        let declared = withUnsafeBytes(of: UInt32(100).littleEndian, Array.init)
        bomb.replaceSubrange(22..<26, with: declared)
        let central = try #require(bomb.range(of: Data([0x50, 0x4B, 0x01, 0x02])))
        bomb.replaceSubrange(central.lowerBound + 24..<central.lowerBound + 28, with: declared)
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: IngestLimits(maxInflatedBytes: 1_048_576)).extract(bomb, filename: "bomb.docx")
        }
        #expect(error?.kind == .unreadable)
    }

    @Test func tooManyEntriesIsUnreadable() async throws {
        var entries = [(path: "word/document.xml", content: Data("<w:document/>".utf8))]
        for index in 0..<20 { entries.append(("word/media/\(index).bin", Data([1]))) }
        let error = await ingestError { () async throws(IngestError) in
            try await Extractor(limits: IngestLimits(maxEntries: 10)).extract(try! makeZip(entries), filename: "a.docx")
        }
        #expect(error?.kind == .unreadable)
    }
}
