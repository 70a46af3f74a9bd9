import Ingest
import Testing

@Suite struct TextNormalizerTests {
    let plain = TextNormalizer(isLaidOut: false)
    let laidOut = TextNormalizer(isLaidOut: true)

    func normalized(_ text: String) -> String { plain.normalize(pages: [text]).text }

    @Test func fullWidthDigitsLettersAndNumberPunctuation() {
        #expect(normalized("合同金额：１，２００，０００．００元，比例５０％，型号ＡＢＣ－１２，时间１２：３０")
            == "合同金额：1,200,000.00元，比例50%，型号ABC－12，时间12:30")
    }

    @Test func chinesePunctuationIsKept() {
        let text = "甲方（买方），乙方（卖方）；双方约定：“货到付款”。"
        #expect(normalized(text) == text)
    }

    @Test func spacesBetweenCJKAreRemovedButNotBetweenLatinWords() {
        #expect(normalized("甲 方 ： 某 某 公 司") == "甲方：某某公司")
        #expect(normalized("人民币 1,200,000.00 元") == "人民币1,200,000.00元")
        #expect(normalized("甲方\u{3000}\u{3000}乙方") == "甲方乙方")
        #expect(normalized("Party A  and\u{00A0}Party B") == "Party A and Party B")
        #expect(normalized("  缩进的行  ") == "缩进的行")
    }

    @Test func clauseHeadingKeepsItsTitleSpace() {
        #expect(normalized("第 1 条  合同标的") == "第1条 合同标的")
        #expect(normalized("第十二条　违约责任") == "第十二条 违约责任")
    }

    @Test func clauseHeadingAfterASentenceStartsALine() {
        #expect(normalized("以本合同为准。第五条 违约责任") == "以本合同为准。\n第五条 违约责任")
        #expect(normalized("依照本合同第五条约定执行。") == "依照本合同第五条约定执行。")
    }

    @Test func everyLineEndingStyle() {
        #expect(normalized("一\r\n二\r三\n四\u{2028}五") == "一\n二\n三\n四\n五")
    }

    @Test func blankLineRunsCollapse() {
        #expect(normalized("一\n\n\n\n二\n\n") == "一\n\n二")
    }

    @Test func spansCountUnicodeScalars() {
        // U+20000 is one scalar but two UTF-16 units: offsets must count scalars.
        let result = plain.normalize(pages: ["𠀀甲方", "乙方"])
        #expect(result.text == "𠀀甲方\n乙方")
        #expect(result.pages == [PageSpan(page: 1, start: 0, end: 3), PageSpan(page: 2, start: 4, end: 6)])
    }

    @Test func runningHeadersAndPageNumbersAreRemoved() {
        let pages = (1...4).map { number in
            "某某科技有限公司采购合同（编号 HT-2024-0\(number)）\n第\(number)条 正文内容\n正文\(number)\n- \(number) -"
        }
        let result = laidOut.normalize(pages: pages)
        // The headings and body lines recur too, once digits are ignored, but are content.
        #expect(result.text == "第1条 正文内容\n正文1\n第2条 正文内容\n正文2\n第3条 正文内容\n正文3\n第4条 正文内容\n正文4")
        #expect(result.pages.count == 4)
    }

    @Test func headersOnFewPagesStay() {
        // Two pages are too few to call a repeated line a running header.
        let result = laidOut.normalize(pages: ["甲方：某公司\n正文一", "甲方：某公司\n正文二"])
        #expect(result.text == "甲方：某公司\n正文一\n甲方：某公司\n正文二")
    }

    @Test func wrappedLinesAreJoinedIntoParagraphs() {
        let page = """
        第三条 付款方式
        甲方应于设备验收合格之日起三十日内支付合同总价的百分之九十，即人民币1,080,
        000.00元；剩余部分作为质量保证金。
        第四条 交付
        This Agreement shall be governed by the laws of the People's Republic of China and inter-
        preted in accordance with them, without regard to conflict of laws principles at all.
        （一）乙方应于收到预付款后十五个工作日内将全部设备运至甲方指定地点并负责卸
        货。
        """
        #expect(laidOut.normalize(pages: [page]).text == """
        第三条 付款方式
        甲方应于设备验收合格之日起三十日内支付合同总价的百分之九十，即人民币1,080,000.00元；剩余部分作为质量保证金。
        第四条 交付
        This Agreement shall be governed by the laws of the People's Republic of China and interpreted in accordance with them, without regard to conflict of laws principles at all.
        （一）乙方应于收到预付款后十五个工作日内将全部设备运至甲方指定地点并负责卸货。
        """)
    }
}
