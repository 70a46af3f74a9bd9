import Foundation

/// A schedule that pays most of the price when the goods arrive, before anyone has tested them: "签订后支付30%；到货签收
/// 后支付60%；终验合格后支付10%" leaves the buyer a tenth of the price to hold the seller to the acceptance test.
extension Analyzers {
    /// A payment on arrival or signing-for (not on acceptance) that brings what has been paid to
    /// `paidBeforeAcceptanceRatio` of the price or more, in a contract that has an acceptance to wait for.
    func paidBeforeAcceptance(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(Self.arrivalStages), !sentence.contains(Self.acceptanceStages),
              let share = priceShare(in: sentence), text.contains("验收")
        else { return [] }
        let paid = isRunningTotal(share, in: sentence) ? share.value : share.value + sharesPaidBefore(sentence)
        guard paid >= settings.paidBeforeAcceptanceRatio, paid <= 1.001 else { return [] }
        return [AnalyzerHit(range: sentence.range, party: party(actingAt: share.range.lowerBound, in: sentence),
                            detail: "货到签收、尚未验收时累计已付合同价款的\(Self.percent(min(paid, 1)))")]
    }

    /// Words that make a payment due on the goods' arrival or delivery.
    private static let arrivalStages = ["到货", "签收", "运抵", "交货后", "交付后", "发货后", "送达后", "提货后", "收货后", "收到货物"]
    /// Words that make it due on a test of them instead.
    private static let acceptanceStages = ["验收", "调试", "安装完", "试运行", "上线", "终验", "初验", "检测合格", "检验合格"]
    /// What a share of the price is a share of.
    private static let priceBases = ["总价", "总额", "价款", "合同金额", "合同价", "货款", "设备款", "服务费"]
    private static let paymentWords = ["支付", "付款", "付清", "预付"]
    /// Sums that are not instalments of the price.
    private static let otherSums = ["违约金", "滞纳金", "保证金", "逾期", "退还", "返还", "利息"]

    /// The largest share of the price a sentence pays, when it is a payment of the price at all.
    private func priceShare(in sentence: Sentence) -> RateMention? {
        guard sentence.contains(Self.paymentWords), sentence.contains(Self.priceBases), !sentence.contains(Self.otherSums)
        else { return nil }
        return nonCapRates(sentence).filter { $0.value < 1 }.max { $0.value < $1.value }
    }

    /// "支付至合同总价的95%", "累计支付合同总价的90%": the share is what has been paid in all, not this instalment.
    private func isRunningTotal(_ share: RateMention, in sentence: Sentence) -> Bool {
        let before = text.string(max(sentence.range.lowerBound, share.range.lowerBound - 12)..<share.range.lowerBound)
        return before.contains("付至") || before.contains("累计")
    }

    /// The instalments written just before this one: earlier sentences of its line, then the lines above it up to the
    /// clause's heading or the first line that is not a payment of the price.
    private func sharesPaidBefore(_ sentence: Sentence) -> Double {
        let lineIndex = text.line(at: sentence.range.lowerBound) - 1
        var chunks = [text.lineRange(lineIndex).lowerBound..<sentence.range.lowerBound]
        chunks += stride(from: lineIndex - 1, through: max(0, lineIndex - 4), by: -1).map { text.trimmed(text.lineRange($0)) }
        var paid = 0.0
        for range in chunks where !range.isEmpty {
            let line = Sentence(range: range, scalars: text.scalars[range])
            guard Self.articleHeading.firstMatch(in: line.searchable) == nil,
                  let share = priceShare(in: line)
            else { break }
            if isRunningTotal(share, in: line) { return paid + share.value }
            paid += share.value
        }
        return paid
    }
}
