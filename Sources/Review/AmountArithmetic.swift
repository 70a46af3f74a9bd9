import Foundation

/// Sums a contract works out in its own words and gets wrong: twelve months against the yearly figure beside them, a
/// rent or price per square metre (monthly or daily) against the leased area and the rent or total, equal instalments
/// against their total, parts against their whole (before or after it), a rate per unit times the count, an item's
/// quantity times its unit price, a worked example or a rate on a stated base against its result, a monthly rate
/// restated yearly, a product written out with × against the total after it, worked items against their total,
/// numbered areas against their total, and a yearly schedule against the escalation it states. Each is a figure the
/// other side can hold the reviewer to.
extension Analyzers {
    /// Hits in one clause: each sentence on its own for the figures it works out by itself, the whole clause for a rate
    /// and the example after it, a schedule, or a list and its total.
    func amountArithmetic(in sentences: [Sentence]) -> [AnalyzerHit] {
        for sentence in sentences {
            if let hit = sentenceArithmetic(sentence) { return [hit] }
        }
        if let hit = unitRateAgainstTotal(in: sentences) ?? workedExample(in: sentences) ?? resultsAgainstTotal(in: sentences) {
            return [hit]
        }
        return (escalation(in: sentences) ?? listedMeasures(in: sentences)).map { [$0] } ?? []
    }

    /// The figures one sentence works out by itself. Called directly, not through a list of closures: this runs on every
    /// sentence of every contract, and a closure would copy the analyzers each time.
    private func sentenceArithmetic(_ sentence: Sentence) -> AnalyzerHit? {
        // Every check compares figures: a sentence without a digit is passed over in one scan.
        guard sentence.scalars.contains(where: { $0.isASCIIDigit }) else { return nil }
        if let hit = monthlyAgainstYearly(sentence) ?? monthlyAgainstTerm(sentence) ?? rentAgainstArea(sentence) { return hit }
        if let hit = priceAgainstArea(sentence) ?? instalmentsAgainstTotal(sentence) ?? sharesAgainstWhole(sentence) { return hit }
        if let hit = partsAgainstWhole(sentence) ?? wholeAgainstParts(sentence) ?? headcountAgainstWhole(sentence) { return hit }
        return productAgainstTotal(sentence) ?? rateOnStatedBase(sentence) ?? convertedRate(sentence) ?? quantityTimesPrice(sentence)
    }

    // MARK: - Twelve months

    /// Words right before an amount that make it a month's or a year's figure.
    private static let monthlyLabels = ["每月", "月度", "月租金", "月服务费", "月费用", "月合计", "月费", "月管理费", "月工资", "月薪",
                                        "月基本工资"]
    private static let yearlyLabels = ["全年", "每年", "年度", "年租金", "年服务费", "年费"]
    /// A yearly figure that is not twelve months of the monthly one on purpose: a first year with rent-free months, a
    /// step-up, a ceiling or a floor written as one ("年度最低不少于"); "月度保底……年度保底" are two figures of one kind.
    private static let yearlyExceptions = ["免租", "首年", "第一年", "递增", "上浮", "不超过", "以内", "上限", "最高", "最低", "不少于",
                                           "不低于"]
    /// A price per unit or per head is no monthly total.
    private static let unitMarks = ["平方米", "㎡", "每人", "每台", "每间", "每车", "每吨", "每套", "/"]

    /// "月服务费合计人民币400,300.00元，全年服务费合计人民币4,083,600.00元": the yearly figure should be twelve times the
    /// monthly one nearest to it.
    private func monthlyAgainstYearly(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(Self.monthlyLabels), sentence.contains(Self.yearlyLabels) else { return nil }
        let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        var monthly: [MoneyMention] = [], yearly: [MoneyMention] = []
        for (index, amount) in amounts.enumerated() {
            let from = max(sentence.range.lowerBound, amount.range.lowerBound - 24, index > 0 ? amounts[index - 1].range.upperBound : 0)
            let label = text.string(from..<amount.range.lowerBound)
            guard !Self.unitMarks.contains(where: label.contains) else { continue }
            // The label word nearest the amount names it: "第一、二租赁年度月租金为……" is a month's rent.
            func nearest(_ words: [String]) -> String.Index? {
                words.compactMap { label.range(of: $0, options: .backwards)?.upperBound }.max()
            }
            switch (nearest(Self.yearlyLabels), nearest(Self.monthlyLabels)) {
            case let (year?, month?): if year > month { yearly.append(amount) } else { monthly.append(amount) }
            case (_?, nil): yearly.append(amount)
            case (nil, _?): monthly.append(amount)
            case (nil, nil): break
            }
        }
        for year in yearly {
            guard let month = monthly.min(by: { distance($0.range, year.range) < distance($1.range, year.range) }) else { continue }
            // The exception must stand with the two figures, not in a later step-up ("……年租金206,000元。自第三年起递增5%").
            let pair = max(sentence.range.lowerBound, min(month.range.lowerBound, year.range.lowerBound) - 12)..<max(month.range.upperBound, year.range.upperBound)
            guard !Self.yearlyExceptions.contains(where: text.string(pair).contains) else { continue }
            let expected = month.cents * 12
            guard abs(year.cents - expected) > max(100, expected / 1000) else { continue }
            return AnalyzerHit(range: sentence.range, party: nil,
                               detail: "每月\(Self.yuan(month.cents))按十二个月计为\(Self.yuan(expected))，合同写的全年金额却是\(Self.yuan(year.cents))")
        }
        return nil
    }

    /// Words before the total a rate, a count or instalments should make up.
    private static let totalWords = ["合计", "总计", "共计", "总额"]

    // MARK: - Parts of one whole

    private static let partsWords = ["构成", "组成", "包括"]

    /// "月工资由以下部分构成：基本工资16,000元、岗位津贴5,500元、科室绩效基数6,000元，月工资合计28,500元" (or the parts
    /// joined by ，): the parts listed before the total should add up to it.
    private func partsAgainstWhole(_ sentence: Sentence) -> AnalyzerHit? {
        // 总额 is left out: "月工资总额由以下部分构成" names the whole before its parts.
        guard sentence.contains(Self.partsWords), sentence.contains(["合计", "总计", "共计"]), sentence.contains(["、", "，"]),
              let totalAt = ["合计", "总计", "共计"].flatMap({ sentence.offsets(of: $0) }).min() else { return nil }
        let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        let parts = amounts.filter { $0.range.upperBound <= totalAt }
        guard parts.count >= 2, let total = amounts.first(where: { $0.range.lowerBound > totalAt }) else { return nil }
        // The parts are one list: a 、 or ， and their own labels between them.
        for (left, right) in zip(parts, parts.dropFirst()) {
            let between = text.string(left.range.upperBound..<right.range.lowerBound)
            guard between.contains("、") || between.contains("，") else { return nil }
        }
        let sum = parts.map(\.cents).reduce(0, +)
        guard abs(sum - total.cents) > 100 else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "所列各项之和为\(Self.yuan(sum))，合同写的合计却是\(Self.yuan(total.cents))")
    }

    /// "新增管理客户资产不低于人民币3亿元，其中一季度不低于5,000万元、二季度不低于7,000万元、三季度……", "月工资总额为人民币
    /// 8,500元，由基本工资3,000元、岗位津贴2,500元……组成": the whole comes first and its parts follow 其中 (or 由, when
    /// the sentence says they make it up), one list joined by 、, 及 or 和; they should add up to it. A list that leaves a
    /// remainder ("其余……", "余款……") is not the whole.
    private func wholeAgainstParts(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["其中"]) || sentence.contains(["由"]) && sentence.contains(Self.partsWords), sentence.contains(["、"]),
              !sentence.contains(["其余", "剩余", "余款", "余额", "余下"]) else { return nil }
        let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        // The parts start right after the whole: "……3亿元，其中", "……8,500元，由".
        let starts = (sentence.offsets(of: "其中") + sentence.offsets(of: "由")).sorted()
        guard let (whole, whereAt) = starts.lazy.compactMap({ at -> (MoneyMention, Int)? in
            amounts.last(where: { $0.range.upperBound <= at }).flatMap { at - $0.range.upperBound <= 2 ? ($0, at) : nil }
        }).first else { return nil }
        var parts: [MoneyMention] = []
        for amount in amounts where amount.range.lowerBound > whereAt {
            if let last = parts.last, !["、", "及", "和"].contains(where: text.string(last.range.upperBound..<amount.range.lowerBound).contains) {
                break
            }
            parts.append(amount)
        }
        guard parts.count >= 2 else { return nil }
        let sum = parts.map(\.cents).reduce(0, +)
        guard abs(sum - whole.cents) > 100 else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "其中所列各项之和为\(Self.yuan(sum))，与前面写的总数\(Self.yuan(whole.cents))不符")
    }

    /// "保安人员共计42名，其中：项目主管2名、白班岗18名、夜班岗14名、值机人员6名": the headcount by post should make the total.
    private static let headcount = CompiledRegex(fixed: "共计?\\s*([0-9]{1,5})\\s*(名|人|台|辆|套)[^。；\\n]{0,4}其中")

    private static let countOfUnit = CompiledRegex(fixed: "([0-9]{1,5})\\s*(名|人|台|辆|套)")

    private func headcountAgainstWhole(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["其中"]), let match = Self.headcount.firstMatch(in: sentence.searchable),
              let total = sentence.searchable.group(1, of: match).flatMap({ Int($0) }),
              let unit = sentence.searchable.group(2, of: match) else { return nil }
        let after = sentence.searchable.documentRange(match.range).upperBound
        let rest = SearchableText(text.string(after..<sentence.range.upperBound), base: after)
        let counts = Self.countOfUnit.matches(in: rest).compactMap { part -> Int? in
            guard rest.group(2, of: part) == unit else { return nil }
            return rest.group(1, of: part).flatMap { Int($0) }
        }
        guard counts.count >= 2, counts.reduce(0, +) != total else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "分项人数（数量）合计\(counts.reduce(0, +))\(unit)，与约定的共计\(total)\(unit)不符")
    }

    // MARK: - Areas and weights listed item by item

    /// "面积128.6亩", "3,200平方米", "45.5吨": a measure with its unit.
    private static let measureUnits = ["亩", "平方米", "㎡", "公顷", "吨"]
    private static let measure = CompiledRegex(fixed: "([0-9][0-9,]*(?:\\.[0-9]+)?)\\s*(\(measureUnits.joined(separator: "|")))")

    private static func measures(in sentence: Sentence) -> [(value: Double, unit: String, end: Int)] {
        measure.matches(in: sentence.searchable).compactMap { match in
            guard let value = sentence.searchable.group(1, of: match).flatMap({ Double($0.replacingOccurrences(of: ",", with: "")) }),
                  let unit = sentence.searchable.group(2, of: match) else { return nil }
            return (value, unit, sentence.searchable.documentRange(match.range).upperBound)
        }
    }

    /// "（1）地块一：……面积128.6亩……；（2）地块二：……面积112.4亩……；（3）……面积95.5亩……。" over "以上三宗地块合计面积
    /// 326.5亩": the numbered lines directly above a total, one area (or weight) each, should make it up. The items may
    /// be clauses of their own, so the lines are read from the whole text.
    private func listedMeasures(in sentences: [Sentence]) -> AnalyzerHit? {
        for sentence in sentences where sentence.contains(["合计", "共计", "总计"]) && sentence.contains(Self.measureUnits) {
            let stated = Self.measures(in: sentence)
            guard stated.count == 1, let total = stated.first,
                  let word = ["合计", "共计", "总计"].flatMap({ sentence.offsets(of: $0) }).min(), word < total.end,
                  let totalLine = text.lines(sentence.range).first else { continue }
            var parts: [Double] = []
            for index in stride(from: totalLine - 2, through: 0, by: -1) {
                let range = text.trimmed(text.lineRange(index))
                let line = Sentence(range: range, scalars: text.scalars[range])
                let found = Self.measures(in: line)
                guard Analyzers.itemNumber.firstMatch(in: line.searchable) != nil else {
                    // A list is read whole: an unnumbered line of the same measure above it may be one of its items.
                    if found.contains(where: { $0.unit == total.unit }) { return nil }
                    break
                }
                // "1.1 本合同流转的土地……具体如下：" heads the list; an item of two measures or another unit is not one of it.
                if found.isEmpty { break }
                guard found.count == 1, found[0].unit == total.unit else { return nil }
                parts.append(found[0].value)
            }
            let sum = parts.reduce(0, +)
            guard parts.count >= 2, abs(sum - total.value) > 0.005 else { continue }
            return AnalyzerHit(range: sentence.range, party: nil,
                               detail: "所列各项合计\(Self.number(sum))\(total.unit)，合同写的合计却是\(Self.number(total.value))\(total.unit)")
        }
        return nil
    }

    // MARK: - One item: quantity, unit price, amount

    private static let itemUnits = "吨|台|套|件|个|辆|箱|千克|公斤|米|只|块|张|桶|瓶|袋|组|支|把|樘"
    private static let itemQuantity = CompiledRegex(fixed:
        "数量[^0-9，,。；]{0,6}([0-9][0-9,]*(?:\\.[0-9]+)?)\\s*(\(itemUnits))")
    private static let itemPrice = CompiledRegex(fixed:
        "单价[^0-9，,。；]{0,8}([0-9][0-9,]*(?:\\.[0-9]+)?)\\s*元\\s*/\\s*(\(itemUnits))")
    private static let itemAmount = CompiledRegex(fixed:
        "(?:金额|小计|合价|总价)[^0-9，,。；]{0,8}([0-9][0-9,]*(?:\\.[0-9]+)?)\\s*元")

    /// "预计年度数量360吨，单价8,200.00元/吨，金额2,925,000.00元": an item's amount should be its quantity times its unit
    /// price, in the same unit.
    private func quantityTimesPrice(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["数量"]), sentence.contains(["单价"]) else { return nil }
        let searchable = sentence.searchable
        func number(_ regex: CompiledRegex, unit: Bool) -> (value: Double, unit: String?)? {
            guard let match = regex.firstMatch(in: searchable),
                  let value = searchable.group(1, of: match).flatMap({ Double($0.replacingOccurrences(of: ",", with: "")) })
            else { return nil }
            return (value, unit ? searchable.group(2, of: match) : nil)
        }
        guard let quantity = number(Self.itemQuantity, unit: true), let price = number(Self.itemPrice, unit: true),
              quantity.unit == price.unit, let amount = number(Self.itemAmount, unit: false) else { return nil }
        let expected = Int((quantity.value * price.value * 100).rounded()), written = Int((amount.value * 100).rounded())
        guard abs(expected - written) > max(100, expected / 1000) else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "数量\(Self.number(quantity.value))\(quantity.unit ?? "")乘以单价\(Self.number(price.value))元为\(Self.yuan(expected))，合同写的金额却是\(Self.yuan(written))")
    }

    // MARK: - A product written out

    /// "32台×650元/台·月×12个月": two to five figures joined by ×, each with its unit.
    private static let product = CompiledRegex(fixed:
        "[0-9][0-9,]*(?:\\.[0-9]+)?[^0-9×*＊%％。；，,\\n]{0,8}(?:[×*＊]\\s*[0-9][0-9,]*(?:\\.[0-9]+)?[^0-9×*＊%％。；，,\\n]{0,8}){1,4}")

    /// "年度维保费按32台×650元/台·月×12个月计算，年度维保费合计人民币235,200.00元": the product the contract writes out
    /// should be the total it states after it.
    private func productAgainstTotal(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["×", "*", "＊"]), let match = Self.product.firstMatch(in: sentence.searchable),
              let chain = sentence.searchable.group(0, of: match) else { return nil }
        let factors = chain.split(whereSeparator: { "×*＊".contains($0) }).compactMap { piece in
            Double(String(piece.drop { $0 == " " }.prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") })
                .replacingOccurrences(of: ",", with: ""))
        }
        let end = sentence.searchable.documentRange(match.range).upperBound
        guard factors.count >= 2,
              let total = Quantities.money(in: sentence.searchable).first(where: { $0.range.lowerBound >= end && $0.form == .figures }),
              Self.totalWords.contains(where: text.string(end..<total.range.lowerBound).contains) else { return nil }
        let expected = Int((factors.reduce(1, *) * 100).rounded())
        guard abs(total.cents - expected) > max(100, expected / 200) else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "按\(factors.map(Self.number).joined(separator: "×"))计算应为\(Self.yuan(expected))，合同写的合计却是\(Self.yuan(total.cents))")
    }

    /// "低温库2,400平方米×98元/平方米/月=235,200元；冷藏库800平方米×72元/平方米/月=57,600元；月租金合计人民币302,800元":
    /// the results of the worked items just before a total should add up to it.
    private func resultsAgainstTotal(in sentences: [Sentence]) -> AnalyzerHit? {
        guard sentences.count >= 3, sentences.contains(where: { $0.contains(["=", "＝"]) }),
              let totalIndex = sentences.firstIndex(where: { $0.contains(Self.totalWords) }), totalIndex >= 2 else { return nil }
        func result(of sentence: Sentence) -> MoneyMention? {
            guard let equals = (sentence.offsets(of: "=") + sentence.offsets(of: "＝")).max() else { return nil }
            return Quantities.money(in: sentence.searchable).first { $0.form == .figures && $0.range.lowerBound > equals }
        }
        var results: [MoneyMention] = []
        for sentence in sentences[..<totalIndex].reversed() {
            guard let result = result(of: sentence) else { break }
            results.append(result)
        }
        let totalSentence = sentences[totalIndex]
        guard results.count >= 2, let totalAt = Self.totalWords.flatMap({ totalSentence.offsets(of: $0) }).min(),
              let total = Quantities.money(in: totalSentence.searchable).first(where: { $0.form == .figures && $0.range.lowerBound > totalAt })
        else { return nil }
        let sum = results.map(\.cents).reduce(0, +)
        guard abs(sum - total.cents) > 100 else { return nil }
        return AnalyzerHit(range: sentences[totalIndex - results.count].range.lowerBound..<totalSentence.range.upperBound, party: nil,
                           detail: "各项计算结果之和为\(Self.yuan(sum))，合同写的合计却是\(Self.yuan(total.cents))")
    }

    // MARK: - A rate restated for another period

    /// "月利率0.75%（折合年利率7.5%）", "年化利率18%（即日利率0.05%）": a monthly or daily rate beside the yearly rate
    /// it is said to equal.
    private static let convertedRates = CompiledRegex(fixed:
        "(月|日)(?:利率|息|费率)\\s*(?:为)?\\s*([0-9]+(?:\\.[0-9]+)?)\\s*[%％][^%％。；\\n]{0,12}年(?:化)?(?:利率|息|费率|化利率)\\s*(?:为)?\\s*([0-9]+(?:\\.[0-9]+)?)\\s*[%％]"
        + "|年(?:化)?(?:利率|息|费率|化利率)\\s*(?:为)?\\s*([0-9]+(?:\\.[0-9]+)?)\\s*[%％][^%％。；\\n]{0,12}(月|日)(?:利率|息|费率)\\s*(?:为)?\\s*([0-9]+(?:\\.[0-9]+)?)\\s*[%％]")

    private func convertedRate(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["年"]), sentence.contains(["%", "％"]), sentence.contains(["折合", "即", "相当于", "年化"]),
              let match = Self.convertedRates.firstMatch(in: sentence.searchable) else { return nil }
        let searchable = sentence.searchable
        let monthFirst = searchable.group(1, of: match) != nil
        guard let period = searchable.group(monthFirst ? 1 : 5, of: match),
              let short = searchable.group(monthFirst ? 2 : 6, of: match).flatMap(Double.init),
              let yearly = searchable.group(monthFirst ? 3 : 4, of: match).flatMap(Double.init) else { return nil }
        // A daily rate is converted over 360 or 365 days; either is accepted.
        let candidates = period == "月" ? [short * 12] : [short * 360, short * 365]
        guard !candidates.contains(where: { abs($0 - yearly) < 0.01 }), let expected = candidates.first else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "\(period)利率\(Self.number(short))%折合年利率应为\(Self.number(expected))%，合同写的却是\(Self.number(yearly))%")
    }

    // MARK: - A rate worked out on a base the sentence states

    /// "版税率为图书定价的8%，以定价58元计，即每册版税为人民币3.64元": the result after 即 should be the one rate of the
    /// sentence applied to the base it names with 以……计.
    private func rateOnStatedBase(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["计"]), sentence.contains(["即"]), sentence.contains(["%", "％", "百分之"]) else { return nil }
        let rates = nonCapRates(sentence)
        guard rates.count == 1, let rate = rates.first, rate.value > 0, rate.value < 1 else { return nil }
        let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures && $0.range.lowerBound > rate.range.upperBound }
        guard let base = amounts.first(where: { text.string($0.range.upperBound..<min(sentence.range.upperBound, $0.range.upperBound + 1)) == "计" }),
              let result = amounts.first(where: { $0.range.lowerBound > base.range.upperBound }),
              text.string(base.range.upperBound..<result.range.lowerBound).contains("即") else { return nil }
        let expected = Int((Double(base.cents) * rate.value).rounded())
        guard abs(result.cents - expected) > max(1, expected / 200) else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "按\(Self.percent(rate.value))乘以\(Self.yuan(base.cents))应为\(Self.yuan(expected))，合同写的却是\(Self.yuan(result.cents))")
    }

    // MARK: - Shares of one whole

    private static let sharingWords = ["分配", "分成", "分账", "分润"]

    /// "甲方分账比例为净票房的57%，乙方分账比例为净票房的47%": the parties' shares of one sum should make up the whole.
    private func sharesAgainstWhole(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(Self.sharingWords), sentence.contains(["%", "％"]) else { return nil }
        let shares = nonCapRates(sentence).filter { $0.value > 0 && $0.value < 1 }
        guard shares.count == 2 else { return nil }
        let holders = shares.map { party(actingAt: $0.range.lowerBound, in: sentence) }
        guard let first = holders[0], let second = holders[1], first != second,
              sides.side(of: first) != sides.side(of: second) else { return nil }
        let total = shares[0].value + shares[1].value
        guard abs(total - 1) > 0.001 else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "\(first)\(Self.percent(shares[0].value))与\(second)\(Self.percent(shares[1].value))合计\(Self.percent(total))，而不是100%")
    }

    // MARK: - A rate per head times the heads

    /// "每人每月人民币35元", "每台86,500元": a price per unit.
    private static let unitRate = CompiledRegex(fixed: "每(人|名|台|件|套|辆|间|只|户|床|座|席|栋|幢)")
    /// "按620人计", "共计20台", "伍台车辆": how many units the total is for.
    private static let unitCount = CompiledRegex(fixed:
        "(?:按|共计?|合计)?\\s*([0-9][0-9,]{0,8}|[一二两三四五六七八九十百壹贰叁肆伍陆柒捌玖拾佰]{1,6})\\s*(?:个|名)?(人|台|件|套|辆|间|只|户|床|座|席|栋|幢)")
    /// "标准为每人每月人民币35元。按620人计，每月服务费合计人民币23,700元": the total should be the rate times the count.
    private func unitRateAgainstTotal(in sentences: [Sentence]) -> AnalyzerHit? {
        for (index, sentence) in sentences.enumerated() where sentence.contains(["每"]) {
            guard let rateMatch = Self.unitRate.firstMatch(in: sentence.searchable),
                  let unit = sentence.searchable.group(1, of: rateMatch) else { continue }
            let rateEnd = sentence.searchable.documentRange(rateMatch.range).upperBound
            guard let rate = Quantities.money(in: sentence.searchable).first(where: {
                $0.form == .figures && $0.range.lowerBound >= rateEnd && $0.range.lowerBound - rateEnd <= 12
            }) else { continue }
            // The count and the total follow in this sentence or the next.
            let rateStart = sentence.searchable.documentRange(rateMatch.range).lowerBound
            let following = sentences[index..<min(sentences.count, index + 2)]
            for later in following {
                let counts = Self.unitCount.matches(in: later.searchable)
                // "座席数量为120席，每席每月服务费为……": in the rate's own sentence the count may come first.
                let ahead = later.range == sentence.range
                    ? counts.last(where: { later.searchable.documentRange($0.range).upperBound <= rateStart }) : nil
                guard let countMatch = counts.first(where: {
                          later.searchable.documentRange($0.range).lowerBound > rate.range.upperBound
                      }) ?? ahead,
                      let countUnit = later.searchable.group(2, of: countMatch), countUnit == unit || (unit == "名" && countUnit == "人"),
                      let count = later.searchable.group(1, of: countMatch).flatMap({ written in
                          Int(written.replacingOccurrences(of: ",", with: "")) ?? ChineseNumerals.integer(written.unicodeScalars)
                      }),
                      count >= 2 else { continue }
                let countEnd = max(later.searchable.documentRange(countMatch.range).upperBound, rate.range.upperBound)
                guard let total = Quantities.money(in: later.searchable).first(where: { amount in
                    guard amount.range.lowerBound > countEnd else { return false }
                    let label = text.string(max(countEnd, amount.range.lowerBound - 12)..<amount.range.lowerBound)
                    return Self.totalWords.contains(where: label.contains)
                }) else { return nil }
                // A monthly rate against a yearly or quarterly total ("每台每月650元……年度维保费合计") spans that many
                // months; a total over an instalment (期) is left alone.
                let rateLabel = text.string(max(sentence.range.lowerBound, rateStart - 8)..<rate.range.lowerBound)
                let span = text.string(countEnd..<total.range.lowerBound)
                guard !span.contains("期"), let months = Self.monthsCovered(rate: rateLabel, total: span) else { return nil }
                let expected = rate.cents * count * months
                guard abs(total.cents - expected) > 100 else { return nil }
                let over = months == 1 ? "" : "×\(months)个月"
                return AnalyzerHit(range: sentence.range.lowerBound..<later.range.upperBound, party: nil,
                                   detail: "每\(unit)\(Self.yuan(rate.cents))按\(count)\(countUnit)\(over)计应为\(Self.yuan(expected))，合同写的合计却是\(Self.yuan(total.cents))")
            }
        }
        return nil
    }

    /// How many of the rate's periods the total covers: 1 when both name the same period or neither names one, 12 or 3
    /// for a monthly rate against a yearly or quarterly total; nil when the two cannot be compared.
    private static func monthsCovered(rate: String, total: String) -> Int? {
        let yearly = total.contains("年"), quarterly = total.contains("季")
        guard yearly || quarterly else { return 1 }
        if rate.contains(yearly ? "年" : "季") { return 1 }
        guard rate.contains("月") else { return nil }
        return yearly ? 12 : 3
    }

    // MARK: - Equal instalments

    /// "共36期", "分24期", "36期合计": the number of equal instalments.
    private static let instalmentCount = CompiledRegex(fixed:
        "(?:共|分|计)([0-9]{1,3}|[一二三四五六七八九十两]{1,3})期|([0-9]{1,3}|[一二三四五六七八九十两]{1,3})期(?:合计|共计|总计)")

    /// "每期还款额为人民币5,905.83元……共36期，还款总额为人民币206,609.88元", "其余价款人民币840,000元分十二期支付……每期
    /// 支付人民币75,000元": the total should be the instalment times their number.
    private func instalmentsAgainstTotal(_ sentence: Sentence) -> AnalyzerHit? {
        guard sentence.contains(["每期"]),
              let countMatch = Self.instalmentCount.firstMatch(in: sentence.searchable),
              let count = (sentence.searchable.group(1, of: countMatch) ?? sentence.searchable.group(2, of: countMatch))
                .flatMap({ Int($0) ?? ChineseNumerals.integer($0.unicodeScalars) }),
              count >= 2
        else { return nil }
        let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        // The instalment is the first amount after 每期; the total the first after a total word, or the amount the
        // instalments divide ("840,000元分十二期").
        func amount(after words: [String]) -> MoneyMention? {
            let start = words.flatMap { sentence.offsets(of: $0) }.min() ?? Int.max
            return amounts.first { $0.range.lowerBound > start }
        }
        let divided = sentence.searchable.documentRange(countMatch.range).lowerBound
        guard let each = amount(after: ["每期"]),
              let total = amount(after: Self.totalWords).flatMap({ $0.range.lowerBound > each.range.lowerBound ? $0 : nil })
                ?? amounts.last(where: { $0.range.upperBound <= divided && isDivided($0, before: divided, in: sentence) })
        else { return nil }
        let expected = each.cents * count
        guard abs(total.cents - expected) > max(100, count * 2), abs(Double(total.cents) / Double(expected) - 1) <= 0.5
        else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "每期\(Self.yuan(each.cents))共\(count)期应为\(Self.yuan(expected))，合同写的总额却是\(Self.yuan(total.cents))")
    }

    /// "840,000元分十二期", or a balance named as such a little before the count: "剩余合同总价的50%，即人民币4,300,000元，自
    /// 设备签收之日起分八期".
    private func isDivided(_ amount: MoneyMention, before count: Int, in sentence: Sentence) -> Bool {
        let gap = count - amount.range.upperBound
        guard gap > 2 else { return true }
        let label = text.string(max(sentence.range.lowerBound, amount.range.lowerBound - 10)..<amount.range.lowerBound)
        return gap <= 12 && Self.balanceWords.contains(where: label.contains)
    }

    private static let balanceWords = ["剩余", "其余", "余款", "尾款", "分期款", "即"]

    /// "月服务费为人民币96,000元，服务费总额为人民币1,056,000元" in a contract of twelve months: the total should be the
    /// monthly figure times the months of the term.
    private func monthlyAgainstTerm(_ sentence: Sentence) -> AnalyzerHit? {
        guard let months = facts.term.map({ $0.months.rounded() }), months >= 2, months <= 120,
              abs((facts.term?.months ?? 0) - months) < 0.1,
              sentence.contains(Self.monthlyLabels), sentence.contains(["总额", "总价", "合计总额"]),
              !sentence.contains(Self.yearlyExceptions)
        else { return nil }
        let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        guard amounts.count == 2, amounts[1].cents > amounts[0].cents else { return nil }
        // The first amount is the monthly one ("月服务费为人民币玖万陆仟元整（¥96,000.00）": the label may stand before the
        // amount in words).
        let label = text.string(max(sentence.range.lowerBound, amounts[0].range.lowerBound - 20)..<amounts[0].range.lowerBound)
        guard Self.monthlyLabels.contains(where: label.contains) else { return nil }
        let expected = amounts[0].cents * Int(months)
        guard abs(amounts[1].cents - expected) > max(100, expected / 1000),
              abs(Double(amounts[1].cents) / Double(expected) - 1) <= 0.5
        else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "每月\(Self.yuan(amounts[0].cents))按合同期限\(Int(months))个月计为\(Self.yuan(expected))，合同写的总额却是\(Self.yuan(amounts[1].cents))")
    }

    // MARK: - Rent per square metre

    /// "每平方米每月68元", "68元/平方米/月", "68元/㎡·月": a monthly rent per square metre, in yuan.
    private static let rentPerArea = CompiledRegex(fixed:
        #"(?:每平方米每月|每月每平方米)(?:建筑面积|使用面积|计租面积|套内面积)?(?:租金)?(?:为|：|:)?(?:人民币)?\s*([0-9]+(?:\.[0-9]+)?)\s*元|([0-9]+(?:\.[0-9]+)?)\s*元\s*/\s*(?:平方米|㎡|m²)\s*[/·.]\s*月"#)
    /// "计租面积为6,850平方米", "建筑面积：1,200.50㎡": every area the contract states, in square metres.
    private static let area = CompiledRegex(fixed:
        #"((?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*(?:平方米|㎡|m²|平米)"#)

    /// The areas of a contract that speaks of 面积, in square metres.
    static func statedAreas(in whole: SearchableText) -> [Double] {
        area.matches(in: whole).compactMap { match in
            whole.group(1, of: match).flatMap { Double($0.filter { $0 != "," && $0 != "，" }) }
        }
        .filter { $0 > 0 }
    }

    /// "日租金单价为每平方米人民币1.10元", "0.8元/平方米/日": a daily rent per square metre, a month being 30 days or a
    /// twelfth of 365.
    private static let dailyRentPerArea = CompiledRegex(fixed:
        #"(?:每平方米每日|每日每平方米|每平方米每天|日租金(?:单价)?(?:为|：|:)?每平方米)(?:建筑面积|使用面积|计租面积)?(?:租金)?(?:为|：|:)?(?:人民币)?\s*([0-9]+(?:\.[0-9]+)?)\s*元|([0-9]+(?:\.[0-9]+)?)\s*元\s*/\s*(?:平方米|㎡|m²)\s*[/·.]\s*(?:日|天)"#)

    /// The monthly rents per square metre a sentence states: a monthly rate, or a daily one over a month of 30 or 365/12
    /// days, with how the sentence put it.
    private func monthlyRentPerArea(_ sentence: Sentence) -> (units: [Double], stated: String)? {
        func value(of regex: CompiledRegex) -> Double? {
            regex.firstValue(in: sentence.searchable) { match in
                (sentence.searchable.group(1, of: match) ?? sentence.searchable.group(2, of: match)).flatMap(Double.init)
            }.flatMap { $0 > 0 ? $0 : nil }
        }
        if let unit = value(of: Self.rentPerArea) { return ([unit], "单价每平方米每月\(Self.number(unit))元") }
        if let daily = value(of: Self.dailyRentPerArea) {
            return ([daily * 30, daily * 365 / 12], "日租金每平方米\(Self.number(daily))元按每月30日")
        }
        return nil
    }

    /// "租金单价为每平方米每月68元，月租金为人民币468,500.00元" with "计租面积为6,850平方米" elsewhere: the monthly rent
    /// (or the yearly rent, twelve months of it) should be the unit rent times one of the areas the contract states.
    private func rentAgainstArea(_ sentence: Sentence) -> AnalyzerHit? {
        guard !facts.areas.isEmpty, sentence.contains(["月租金", "年租金"]), sentence.contains(["平方米", "㎡", "m²"]),
              let (units, stated) = monthlyRentPerArea(sentence)
        else { return nil }
        // The label reaches back past an amount in words ("月租金为人民币伍万陆仟壹佰元整（¥56,100.00）") but not past the
        // figure before it.
        let figures = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        let rents = figures.enumerated().compactMap { index, amount -> (rent: MoneyMention, months: Int)? in
            let from = max(sentence.range.lowerBound, amount.range.lowerBound - 24, index > 0 ? figures[index - 1].range.upperBound : 0)
            let label = text.string(from..<amount.range.lowerBound)
            return label.contains("月租金") ? (amount, 1) : label.contains("年租金") ? (amount, 12) : nil
        }
        guard let (rent, months) = rents.first else { return nil }
        let products = facts.areas.flatMap { area in
            units.map { (area: area, cents: Int((area * $0 * Double(months) * 100).rounded())) }
        }
        guard !products.contains(where: { abs($0.cents - rent.cents) <= max(100, rent.cents / 500) }),
              let nearest = products.min(by: { abs($0.cents - rent.cents) < abs($1.cents - rent.cents) }),
              abs(Double(nearest.cents) / Double(rent.cents) - 1) <= 0.1
        else { return nil }
        let (over, named) = months == 12 ? ("再乘以12个月", "年租金") : ("", "月租金")
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "\(stated)乘以面积\(Self.number(nearest.area))平方米\(over)为\(Self.yuan(nearest.cents))，合同写的\(named)却是\(Self.yuan(rent.cents))")
    }

    // MARK: - A price per square metre

    /// "每平方米人民币180元", "180元/平方米": a one-off price per square metre, not a monthly rent.
    private static let pricePerArea = CompiledRegex(fixed:
        #"每平方米(?:建筑面积)?(?:单价)?(?:为|：|:)?(?:人民币)?\s*([0-9]+(?:\.[0-9]+)?)\s*元|([0-9]+(?:\.[0-9]+)?)\s*元\s*/\s*(?:平方米|㎡|m²)(?!\s*[/·.]\s*月)"#)

    /// "设计费按建筑面积计取，单价为每平方米人民币180元，设计费总额为……（¥1,422,000.00）" with "总建筑面积约6,800平方米"
    /// elsewhere: the total should be the unit price times one of the areas the contract states. A figure a fifth off
    /// the nearest product is read as the same sum miscopied; further off, the price is for some other area.
    private func priceAgainstArea(_ sentence: Sentence) -> AnalyzerHit? {
        guard !facts.areas.isEmpty, !sentence.contains(["每月", "月租金", "年租金"]), sentence.contains(Self.totalWords),
              let unit = Self.pricePerArea.firstValue(in: sentence.searchable, { match in
                  (sentence.searchable.group(1, of: match) ?? sentence.searchable.group(2, of: match)).flatMap(Double.init)
              }), unit > 0
        else { return nil }
        let figures = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
        guard let total = figures.enumerated().first(where: { index, amount in
            let from = max(sentence.range.lowerBound, amount.range.lowerBound - 24, index > 0 ? figures[index - 1].range.upperBound : 0)
            return Self.totalWords.contains(where: text.string(from..<amount.range.lowerBound).contains)
        })?.element else { return nil }
        let products = facts.areas.map { (area: $0, cents: Int(($0 * unit * 100).rounded())) }
        guard !products.contains(where: { abs($0.cents - total.cents) <= max(100, total.cents / 500) }),
              let nearest = products.min(by: { abs($0.cents - total.cents) < abs($1.cents - total.cents) }),
              abs(Double(nearest.cents) / Double(total.cents) - 1) <= 0.2
        else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "单价每平方米\(Self.number(unit))元乘以面积\(Self.number(nearest.area))平方米为\(Self.yuan(nearest.cents))，合同写的总额却是\(Self.yuan(total.cents))")
    }

    // MARK: - Worked examples

    private static let exampleWords = ["例如", "比如", "举例", "示例"]

    /// "代理费按成交总价的1.6%计取。例如：成交总价为2,150,000元，则应付代理费为36,400元。", or in the same sentence,
    /// "按融资总额的3%支付成功费（示例：如融资总额为8,000万元，则成功费为320万元）": the example's result should be its
    /// base times the one rate stated before it.
    private func workedExample(in sentences: [Sentence]) -> AnalyzerHit? {
        guard let exampleIndex = sentences.firstIndex(where: { $0.contains(Self.exampleWords) }) else { return nil }
        let sentence = sentences[exampleIndex]
        let start = Self.exampleWords.flatMap { sentence.offsets(of: $0) }.min() ?? sentence.range.lowerBound
        let lead = Sentence(range: sentence.range.lowerBound..<start, scalars: text.scalars[sentence.range.lowerBound..<start])
        let example = Sentence(range: start..<sentence.range.upperBound, scalars: text.scalars[start..<sentence.range.upperBound])
        let rates = (sentences[..<exampleIndex] + [lead]).flatMap { Quantities.rates(in: $0.searchable) }
        let amounts = Quantities.money(in: example.searchable).filter { $0.form == .figures }
        guard rates.count == 1, let rate = rates.first?.value, rate > 0, rate < 1, amounts.count == 2,
              Quantities.rates(in: example.searchable).isEmpty
        else { return nil }
        let base = max(amounts[0].cents, amounts[1].cents), result = min(amounts[0].cents, amounts[1].cents)
        let expected = Int((Double(base) * rate).rounded())
        guard abs(result - expected) > max(100, expected / 200) else { return nil }
        return AnalyzerHit(range: example.range, party: nil,
                           detail: "按\(Self.percent(rate))计算，\(Self.yuan(base))的示例结果应为\(Self.yuan(expected))，合同却写为\(Self.yuan(result))")
    }

    // MARK: - Escalation

    /// "每一租赁年度的月租金在上一年度基础上递增5%，各年度月租金如下：" above one line per year, or the same statement
    /// below the list: each year's figure should be the one before it grown by the rate. Years before the escalation
    /// starts ("自第三年起") repeat the figure and are passed over. Only an escalation on the previous year is checked;
    /// one on the first year's base grows by the same sum every year.
    private func escalation(in sentences: [Sentence]) -> AnalyzerHit? {
        guard let index = sentences.firstIndex(where: { $0.contains(["递增", "上浮", "增长"]) && $0.contains(["上一", "上年", "前一"]) }),
              let rate = nonCapRates(sentences[index]).first?.value, rate > 0, rate < 0.5
        else { return nil }
        func yearly(_ run: some Sequence<Sentence>) -> [(sentence: Sentence, cents: Int)] {
            var rows: [(sentence: Sentence, cents: Int)] = []
            for sentence in run {
                let amounts = Quantities.money(in: sentence.searchable).filter { $0.form == .figures }
                guard amounts.count == 1, let amount = amounts.first?.cents else { break }
                rows.append((sentence, amount))
            }
            return rows
        }
        let below = yearly(sentences[(index + 1)...])
        let rows = below.count >= 2 ? below : Array(yearly(sentences[..<index].reversed()).reversed())
        for (previous, row) in zip(rows, rows.dropFirst()) where row.cents != previous.cents {
            let expected = Int((Double(previous.cents) * (1 + rate)).rounded())
            if abs(row.cents - expected) > max(100, expected / 1000) {
                return AnalyzerHit(range: row.sentence.range, party: nil,
                                   detail: "按上一年度\(Self.yuan(previous.cents))递增\(Self.percent(rate))应为\(Self.yuan(expected))，合同写为\(Self.yuan(row.cents))")
            }
        }
        return nil
    }
}
