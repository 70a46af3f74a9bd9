import Testing
@testable import Review

@Suite struct ChineseNumeralTests {
    @Test(arguments: [("二十五", 25), ("一百零五", 105), ("十二", 12), ("三千零一十", 3010), ("两万", 20_000),
                      ("二〇二五", 2025), ("12", 12), ("叁亿零伍万", 300_050_000), ("一万亿", 1_000_000_000_000)])
    func parsesIntegers(text: String, value: Int) {
        #expect(ChineseNumerals.integer(text.unicodeScalars) == value)
    }

    @Test(arguments: [("壹佰壹拾万陆仟元整", 110_600_000), ("伍佰万元", 500_000_000), ("叁佰贰拾肆万陆仟元整", 324_600_000),
                      ("壹拾贰元零伍分", 1205), ("壹亿零伍元整", 10_000_000_500), ("陆角", 60)])
    func parsesCapitalAmounts(text: String, cents: Int) {
        let written = text.hasPrefix("陆角") ? "零元陆角" : text
        #expect(ChineseNumerals.amountInCents(written) == cents)
    }

    @Test func capitalsRoundTripForRandomAmounts() {
        var generator = SystemRandomNumberGenerator()
        let magnitudes = [100, 10_000, 1_000_000, 100_000_000, 10_000_000_000, 1_000_000_000_000]
        for _ in 0..<2000 {
            let cents = Int.random(in: 0..<magnitudes.randomElement(using: &generator)!, using: &generator)
            let spelled = ChineseNumerals.capitalAmount(cents: cents)
            #expect(ChineseNumerals.amountInCents(spelled) == cents, "\(cents) → \(spelled)")
        }
        #expect(ChineseNumerals.capitalAmount(cents: 105_000_000) == "壹佰零伍万元整")
        #expect(ChineseNumerals.capitalAmount(cents: 100_050_000) == "壹佰万零伍佰元整")
    }

    @Test func findsAmountsInFiguresAndWords() {
        let text = SearchableText("价款￥1,250.50元，另付3.5万元和人民币 800 元，定金壹万元整，押金五千元。", base: 0)
        let amounts = Quantities.money(in: text).map(\.cents)
        #expect(amounts == [125_050, 3_500_000, 80_000, 1_000_000, 500_000])
    }

    @Test func findsRatesIncludingPerMilleAndPerTenThousand() {
        let text = SearchableText("按5%计，每日千分之五，万分之三，百分之三十，12.5％", base: 0)
        let rates = Quantities.rates(in: text).map(\.value)
        #expect(rates.count == 5)
        #expect(abs(rates[0] - 0.05) < 1e-9 && abs(rates[1] - 0.005) < 1e-9 && abs(rates[2] - 0.0003) < 1e-9)
        #expect(abs(rates[3] - 0.3) < 1e-9 && abs(rates[4] - 0.125) < 1e-9)
    }

    @Test func ratesPerMilleAndCustomaryInterest() {
        let text = SearchableText("每日按5‰计；借款按月息二分计算，逾期按月息1.5分；年息八厘；三分之一；十分钟", base: 0)
        let rates = Quantities.rates(in: text)
        let values = rates.map(\.value)
        #expect(values.count == 4)
        #expect(abs(values[0] - 0.005) < 1e-9 && abs(values[1] - 0.02) < 1e-9 && abs(values[2] - 0.015) < 1e-9)
        #expect(abs(values[3] - 0.08) < 1e-9)
        // The mention starts at the number, so the period word before it says how often the rate is charged.
        let before = String(text.string.unicodeScalars.prefix(rates[1].range.lowerBound))
        #expect(Analyzers.periodsPerYear(before) == 12)
    }

    @Test func ratesInTenthsButNotInWords() {
        let rates = Quantities.rates(in: SearchableText("按总价的三成支付；七成新设备一成不变，完成交付", base: 0)).map(\.value)
        #expect(rates == [0.3])
    }

    @Test(arguments: [("自逾期之日起按年利率", 1.0), ("月利率2%（即年利率", 1.0), ("按月利率", 12.0), ("借款利息按日万分之", 365.0),
                      ("利率为", 1.0)])
    func ratePeriodIsTheNearestWordBefore(before: String, perYear: Double) {
        #expect(Analyzers.periodsPerYear(before) == perYear)
    }

    @Test func periodsIgnoreCalendarYears() {
        let text = SearchableText("期限为三年，自2025年7月1日起，试用期六个月，十五个工作日内", base: 0)
        let periods = Quantities.periods(in: text).map { "\($0.amount)\($0.unit.rawValue)" }
        #expect(periods == ["3year", "6month", "15workday"])
    }

    @Test func calendarDaysAreDays() {
        let text = SearchableText("开发周期为150个自然日，质保期730个日历日", base: 0)
        let periods = Quantities.periods(in: text).map { "\($0.amount)\($0.unit.rawValue)" }
        #expect(periods == ["150day", "730day"])
    }
}

@Suite struct RegistrationNumberTests {
    @Test func creditCodeCheckCharacter() {
        #expect(RegistrationNumber.isValidCreditCode("91350100M000100Y43"))
        #expect(RegistrationNumber.creditCodeCheckCharacter("91500113MA60D2KE6E") == "D")
        #expect(!RegistrationNumber.isValidCreditCode("91500113MA60D2KE6E"))
        #expect(!RegistrationNumber.isValidCreditCode("9135010IM000100Y43"), "I is not in the GB 32100 alphabet")
    }

    @Test func idNumberCheckCharacter() {
        #expect(RegistrationNumber.isValidIDNumber("11010519491231002X"))
        #expect(RegistrationNumber.isValidIDNumber("440524188001010014"))
        #expect(!RegistrationNumber.isValidIDNumber("440524188001010015"))
        #expect(!RegistrationNumber.isValidIDNumber("420106198702302133"), "the check character is right, but 30 February is no day")
        #expect(RegistrationNumber.isValidIDNumber("110105200002290013"), "2000 was a leap year")
        #expect(!RegistrationNumber.hasValidBirthDate("110105190002290017"), "1900 was not")
    }
}
