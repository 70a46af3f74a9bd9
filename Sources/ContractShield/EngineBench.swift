import ArgumentParser
import Foundation
import Review

extension BenchCommand {
    /// Engine throughput on real contracts and on a generated long one, with no server in the way.
    struct EngineThroughput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review", abstract: "Review engine throughput (MB/s) on a corpus and on a generated 200-page contract")

        @Option(help: "Directory of .txt contracts (default: ../shared/corpus when present)")
        var corpus: String?
        @Option var pages = 200
        @Option var repeats = 5

        func run() async throws {
            let engine = try ReviewEngine()
            var texts: [(String, String)] = []
            let corpusDir = corpus ?? "../shared/corpus"
            if let names = try? FileManager.default.contentsOfDirectory(atPath: corpusDir) {
                for name in names.sorted() where name.hasSuffix(".txt") {
                    texts.append((name, try String(contentsOfFile: corpusDir + "/" + name, encoding: .utf8)))
                }
            }
            let long = GeneratedContract.purchase(pages: pages)
            let clock = ContinuousClock()

            if !texts.isEmpty {
                // A server's engine has compiled its regexes long before: one untimed pass, as after start-up.
                for (_, text) in texts {
                    _ = await engine.review(text: text, contractType: nil, role: .buyer, partyNames: []) { _ in }
                }
                var bytes = 0
                let start = clock.now
                for _ in 0..<repeats {
                    for (_, text) in texts {
                        _ = await engine.review(text: text, contractType: nil, role: .buyer, partyNames: []) { _ in }
                        bytes += text.utf8.count
                    }
                }
                let seconds = (clock.now - start).seconds
                let rate = Double(bytes) / seconds / 1_000_000
                print("engine: corpus of \(texts.count) contracts × \(repeats): \(String(format: "%.2f", rate)) MB/s")
                print("bench=engine_corpus contracts=\(texts.count) bytes=\(bytes) mb_per_s=\(String(format: "%.2f", rate))")
            }

            var samples: [Duration] = []
            for _ in 0..<repeats {
                let start = clock.now
                _ = await engine.review(text: long, contractType: .purchase, role: .buyer, partyNames: []) { _ in }
                samples.append(clock.now - start)
            }
            let stats = LatencyStats(samples)
            let rate = Double(long.utf8.count) / (samples.sorted()[samples.count / 2].seconds) / 1_000_000
            print("engine: generated \(pages)-page contract (\(long.count) characters): p50 \(stats.p50ms) ms, \(String(format: "%.2f", rate)) MB/s")
            print("bench=engine_long pages=\(pages) chars=\(long.count) p50_ms=\(stats.p50ms) max_ms=\(stats.maxms) mb_per_s=\(String(format: "%.2f", rate))")
        }
    }
}

/// A long, realistic purchase contract for benchmarks: about 850 characters per page, with amounts,
/// periods and the usual sections repeated with varied numbers.
enum GeneratedContract {
    static func purchase(pages: Int) -> String {
        var text = """
            设备及配件采购合同

            甲方（买方）：苏州工业园区星河智能制造有限公司
            统一社会信用代码：91320594MA1XXXXXX0
            乙方（卖方）：无锡新程机电设备有限公司

            """
        let target = pages * 850
        var article = 1
        var batch = 1
        while text.count < target {
            let amount = 120_000 + batch * 3_700
            text += """
                第\(ChineseNumber.format(article))条 第\(batch)批货物的标的、数量与价款
                \(article).1 乙方向甲方供应第\(batch)批伺服电机及控制柜共\(batch % 9 + 3)套，单价人民币\(amount / 4)元，合计人民币\(amount)元（含增值税13%）。
                \(article).2 货物的规格、型号以附件\(batch)所列技术参数为准，乙方保证货物为全新原厂正品。

                第\(ChineseNumber.format(article + 1))条 第\(batch)批货物的交付
                \(article + 1).1 乙方应于甲方书面通知后\(batch % 20 + 10)日内将货物运至甲方指定仓库，运费及保险费由乙方承担。
                \(article + 1).2 甲方应在收货后\(batch % 10 + 5)个工作日内完成验收，并书面通知乙方验收结果。

                第\(ChineseNumber.format(article + 2))条 第\(batch)批货物的付款
                \(article + 2).1 甲方在验收合格并收到乙方开具的增值税专用发票后三十日内支付该批货款的百分之九十五。
                \(article + 2).2 剩余百分之五作为质量保证金，于质保期满且无质量争议后十五日内无息支付。

                """
            article += 3
            batch += 1
        }
        text += """
            第\(ChineseNumber.format(article))条 违约责任
            乙方逾期交货的，每逾期一日按逾期交付货物价款的万分之五向甲方支付违约金，但违约金总额不超过该批货款的百分之十。

            第\(ChineseNumber.format(article + 1))条 争议解决
            因本合同引起的争议，双方协商不成的，任何一方可向甲方所在地有管辖权的人民法院提起诉讼。

            甲方（盖章）：苏州工业园区星河智能制造有限公司
            乙方（盖章）：无锡新程机电设备有限公司
            """
        return text
    }
}

/// Chinese numerals for article headings (1 → 一, 21 → 二十一, 105 → 一百零五).
enum ChineseNumber {
    private static let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    static func format(_ value: Int) -> String {
        guard value > 0 else { return digits[0] }
        if value < 10 { return digits[value] }
        if value < 20 { return "十" + (value % 10 == 0 ? "" : digits[value % 10]) }
        if value < 100 { return digits[value / 10] + "十" + (value % 10 == 0 ? "" : digits[value % 10]) }
        if value < 1000 {
            let rest = value % 100
            let tail = rest == 0 ? "" : (rest < 10 ? "零" + digits[rest] : (rest < 20 ? "一" + format(rest) : format(rest)))
            return digits[value / 100] + "百" + tail
        }
        return String(value)
    }
}
