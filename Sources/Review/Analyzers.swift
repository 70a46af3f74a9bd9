import Foundation

/// Built-in analyzers a rule can name in `analyzer:`; each computes facts regexes cannot (sums, ratios, dates, checksums).
enum AnalyzerName: String, Sendable, CaseIterable {
    case penaltyRatio = "penalty_ratio"
    case dailyRate = "daily_rate"
    case depositRatio = "deposit_ratio"
    case penaltyWithDeposit = "penalty_with_deposit"
    case loanInterest = "loan_interest"
    case probationPeriod = "probation_period"
    case nonCompeteTerm = "non_compete_term"
    case leaseTerm = "lease_term"
    case amountWordsMismatch = "amount_words_mismatch"
    case lineItemsTotal = "line_items_total"
    case shareAmount = "share_amount"
    case dateOrder = "date_order"
    case creditCode = "credit_code"
    case idNumber = "id_number"
    case partyNameMismatch = "party_name_mismatch"
    case shortInspection = "short_inspection"
    case prepayment = "prepayment"
    case courtConnection = "court_connection"
    case liabilityCap = "liability_cap"
    case trainingPenalty = "training_penalty"
    case courtAtOtherSeat = "court_at_other_seat"
    case arbitrationAtOtherSeat = "arbitration_at_other_seat"
    case probationWage = "probation_wage"
    case amountArithmetic = "amount_arithmetic"
    case paidBeforeAcceptance = "paid_before_acceptance"
    case licenceOutlivesPatent = "licence_outlives_patent"
}

/// Evidence an analyzer found: the scalar range to quote, the party the term burdens, and a sentence for the finding.
struct AnalyzerHit: Sendable {
    var range: Range<Int>
    var party: String?
    var detail: String
    /// Set when the analyzer can tell this instance is milder than its rule's level (a nominal 违约金 ceiling that
    /// leaves damages open is not a ceiling on all of the other side's liability).
    var level: RiskLevel? = nil
}

/// The contract's total price and the phrase stating it.
struct StatedPrice: Sendable {
    var cents: Int
    var statement: Range<Int>
}

/// Facts about the whole contract the analyzers share.
struct ContractFacts: Sendable {
    var blocks: [PartyBlock]
    var signatures: [SignatureName]
    /// The total price or fee when the contract states one.
    var statedPrice: StatedPrice?
    /// The total price or fee in cents.
    var price: Int? { statedPrice?.cents }
    /// The contract term, when stated (for probation limits and deadlines that fall after the contract ends).
    var term: ContractTerm?
    /// The date the contract says it was signed, for deadlines that fall before it.
    var signed: DateMention?
    /// The patent a licence names, for a licence term that outlives it.
    var patent: LicensedPatent?
    /// Whether defects an inspection at delivery cannot reveal may be claimed from their discovery.
    var keepsLatentDefects: Bool
    /// The place of signing the contract states ("签订地点：深圳市南山区"), for courts chosen by it.
    var signingPlace: SigningPlace?
    var hasDeposit: Bool
    var hasPenalty: Bool
    /// The monthly wage stated outside the probation clause, for employment contracts.
    var monthlyWage: Int?
    /// Every area a contract with a 月租金 states ("计租面积为6,850平方米"), in square metres, for rents per square metre.
    var areas: [Double]
    /// The training cost an employment contract totals up outside the penalty clause ("培训费用合计约186,000元"), in cents.
    var trainingCost: Int?
    /// The service period an employment contract binds the employee to after training ("服务期为……十年"), in years.
    var serviceYears: Double?
    /// The base that most written shares of one name agree on, by name ("务费" → 1,800,000 yuan, in cents).
    var shareBases: [String: Double]
    /// The sums stated once by name, keyed the same way ("门费" → 8,000,000 yuan, in cents).
    var statedBases: [String: Double]
}

/// "合同签订地宁波市江北区人民法院", "签订地点：深圳市南山区": the place of signing and its districts.
struct SigningPlace: Sendable {
    /// "深圳市南山区".
    var place: String
    var range: Range<Int>

    private static let pattern = CompiledRegex(fixed:
        "签订地(?:点)?(?:为|是|：|:)?\\s*((?:\\p{Han}{1,8}?(?:省|市|区|县|州|旗))+)")
    static let suffixes = CharacterSet(charactersIn: "省市区县州旗")

    static func first(in text: SearchableText) -> SigningPlace? {
        pattern.firstMatch(in: text).flatMap { match in
            text.group(1, of: match).map { SigningPlace(place: $0, range: text.documentRange(match.range)) }
        }
    }

    /// The most specific district: 南山 of 深圳市南山区.
    var district: String? { place.components(separatedBy: Self.suffixes).last { $0.count >= 2 } }
}

/// The term of the contract as its term sentence states it.
struct ContractTerm: Sendable {
    var months: Double
    var start: DateMention?
    var end: DateMention?
    /// The sentence that states it, which other date checks skip.
    var sentence: Range<Int>
}

/// One sentence of a clause, ready to search.
struct Sentence {
    let range: Range<Int>
    let scalars: ArraySlice<Unicode.Scalar>
    private let built = SearchableBox()

    init(range: Range<Int>, scalars: ArraySlice<Unicode.Scalar>) {
        self.range = range
        self.scalars = scalars
    }

    /// Built on demand, once: most sentences are rejected by `contains` before any regex runs, and the others are
    /// searched by several analyzers.
    var searchable: SearchableText {
        if let searchable = built.value { return searchable }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let searchable = SearchableText(String(view), base: range.lowerBound)
        built.value = searchable
        return searchable
    }

    /// Holds the searchable text of one sentence; a sentence lives within one review on one thread.
    private final class SearchableBox {
        var value: SearchableText?
    }

    /// Document offsets at which `word` starts.
    func offsets(of word: String) -> [Int] {
        let needle = Array(word.unicodeScalars)
        guard scalars.count >= needle.count else { return [] }
        return (scalars.startIndex...(scalars.endIndex - needle.count)).filter { scalars[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Whether any of `words` occurs; a plain scalar scan, far cheaper than Foundation's string search.
    func contains(_ words: [String]) -> Bool { words.contains { scalars.containsScalars(of: $0) } }
}

extension ArraySlice<Unicode.Scalar> {
    /// Where the last occurrence of `word` ends; a scalar comparison, far cheaper than Foundation's `range(of:)`.
    func endOfLastOccurrence(of word: String) -> Int? {
        let needle = Array(word.unicodeScalars)
        guard !needle.isEmpty, needle.count <= count else { return nil }
        var start = endIndex - needle.count
        while start >= startIndex {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return start + needle.count }
            start -= 1
        }
        return nil
    }

    func containsScalars(of word: String) -> Bool {
        let needle = word.unicodeScalars
        guard let first = needle.first else { return true }
        var index = startIndex
        while index < endIndex {
            if self[index] == first {
                var k = index
                var matched = true
                for scalar in needle {
                    guard k < endIndex, self[k] == scalar else { matched = false; break }
                    k += 1
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }
}

/// Runs the built-in analyzers on the sentences of one clause.
struct Analyzers {
    let text: ReviewText
    let facts: ContractFacts
    let settings: ReviewSettings
    /// Every designation of this contract, including short forms it defines (以下简称“公司”), longest first.
    let partyWord: CompiledRegex
    /// Whose header block is whose, for places that only an address ties to one side.
    let sides: PartySides
    /// A designation followed by a duty ("甲方应", "违约方须"): the party a clause obliges.
    let obligedParty: CompiledRegex

    init(text: ReviewText, facts: ContractFacts, settings: ReviewSettings, sides: PartySides, regexes: CompiledRegexCache) {
        self.text = text
        self.facts = facts
        self.settings = settings
        self.sides = sides
        func alternation() -> String {
            let terms = Set(PartyVocabulary.designations + sides.reviewerTerms + sides.counterpartyTerms + PartySides.eitherSideTerms)
            return "(?:" + terms.sorted { ($0.count, $0) > ($1.count, $1) }
                .map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|") + ")"
        }
        partyWord = regexes.regex(Self.partyWordKey, for: sides, expand: alternation)
        obligedParty = regexes.regex(Self.obligedPartyKey, for: sides) { "(\(alternation()))[^，,。；]{0,4}(?:应当|应|须|需|必须)" }
    }

    /// Names of the two regexes above in the shared cache, which builds them once per pair of sides.
    private static let partyWordKey = RulePattern.Key("analyzers: any designation")
    private static let obligedPartyKey = RulePattern.Key("analyzers: a designation before a duty")

    /// Compared by value: nine comparisons per scalar cost less than hashing it into a Set.
    private static let capitalDigits = "壹贰叁肆伍陆柒捌玖".unicodeScalars.map(\.value)
    /// Words before a rate that make it a ceiling ("违约金总额不超过10%"), not the rate charged.
    private static let capWords = ["不超过", "不得超过", "不高于", "上限", "最高", "为限", "封顶", "最多"]

    /// Sentences of `range`, split after 。；！？ and line breaks.
    static func sentences(of text: ReviewText, in range: Range<Int>) -> [Sentence] {
        var result: [Sentence] = []
        var start = range.lowerBound
        for index in range where text.scalars[index].endsSentence || index == range.upperBound - 1 {
            let sentence = text.trimmed(start..<(index + 1))
            if !sentence.isEmpty {
                result.append(Sentence(range: sentence, scalars: text.scalars[sentence]))
            }
            start = index + 1
        }
        return result
    }

    /// The parts of a sentence between commas.
    static func commaParts(of sentence: Sentence, in text: ReviewText) -> [Sentence] {
        var parts: [Sentence] = []
        var start = sentence.range.lowerBound
        for index in sentence.range where text.scalars[index] == "，" || text.scalars[index] == "," || index == sentence.range.upperBound - 1 {
            let part = text.trimmed(start..<(index + 1))
            if !part.isEmpty { parts.append(Sentence(range: part, scalars: text.scalars[part])) }
            start = index + 1
        }
        return parts
    }

    /// The first party designation in a sentence: usually the one the sentence obliges.
    func firstParty(in sentence: Sentence) -> String? {
        firstParty(in: sentence.searchable)
    }

    func firstParty(in searchable: SearchableText) -> String? {
        partyWord.firstMatch(in: searchable).flatMap { searchable.group(0, of: $0) }
    }

    /// Characters before a designation that make it an object, a place or a measure, not the one acting: 向甲方, 送至甲方,
    /// 在乙方交货后, 以甲方已付服务费为限, 按甲方要求.
    private static let objectMarkers = Set("对向给与和及至到在从以按".unicodeScalars)
    /// Verbs whose object a designation right after them is: 赔偿甲方的损失, 每拖一天赔甲方50元, 造成承租方人身损害.
    private static let objectVerbs = ["赔偿", "赔", "补偿", "造成", "致使"].map { Array($0.unicodeScalars) }

    private func isObject(at designation: Range<Int>, in sentence: Sentence) -> Bool {
        guard designation.lowerBound > sentence.range.lowerBound else { return false }
        if Self.objectMarkers.contains(text.scalars[designation.lowerBound - 1]) { return true }
        return Self.objectVerbs.contains { verb in
            designation.lowerBound - verb.count >= sentence.range.lowerBound
                && text.scalars[(designation.lowerBound - verb.count)..<designation.lowerBound].elementsEqual(verb)
        }
    }

    /// The first designation of the sentence that is not an object ("向乙方支付" names the payee), nil if there is none.
    func firstActingParty(in sentence: Sentence) -> String? {
        let searchable = sentence.searchable
        return partyWord.firstValue(in: searchable) { match in
            isObject(at: searchable.documentRange(match.range), in: sentence) ? nil : searchable.group(0, of: match)
        }
    }

    /// The party acting at `offset`: the last designation before it that is not an object ("乙方送至甲方食堂，由甲方当场
    /// 验收" → 甲方; "乙方违约的，赔偿甲方的损失，但赔偿总额不超过……" → 乙方), else the first party of the sentence.
    func party(actingAt offset: Int, in sentence: Sentence) -> String? {
        let searchable = sentence.searchable
        let acting = partyWord.matches(in: searchable).last { match in
            let range = searchable.documentRange(match.range)
            return range.upperBound <= offset && !isObject(at: range, in: sentence)
        }
        return acting.flatMap { searchable.group(0, of: $0) } ?? firstParty(in: sentence)
    }

    /// The party whose duty a figure states: the last "甲方应…" before it ("乙方有权解除合同，甲方应双倍返还…"), else the
    /// first party of the sentence ("乙方逾期的，应按…支付").
    func party(obligedBy figure: Int, in sentence: Sentence) -> String? {
        let searchable = sentence.searchable
        let duty = obligedParty.matches(in: searchable).last { searchable.documentRange($0.range).upperBound <= figure }
        return duty.flatMap { searchable.group(1, of: $0) } ?? firstParty(in: sentence)
    }

    /// Hits in one clause. Line items, the training penalty, the probation wage and the amount arithmetic compare figures
    /// across its sentences; the others read one sentence at a time.
    func hits(_ name: AnalyzerName, in range: Range<Int>, sentences: [Sentence]) -> [AnalyzerHit] {
        switch name {
        case .lineItemsTotal: return lineItemsTotal(in: range)
        case .trainingPenalty: return trainingPenalty(in: sentences)
        case .probationWage: return probationWage(in: sentences)
        case .amountArithmetic: return amountArithmetic(in: sentences)
        case .dateOrder: return sentenceHits(name, in: sentences) + scheduleSpan(in: sentences)
        default: return sentenceHits(name, in: sentences)
        }
    }

    /// A sentence that names no party speaks of the last one named before it in the clause: "乙方对运输全过程中的货损
    /// 承担赔偿责任。赔偿金额……每车次最高不超过二万元" caps 乙方's liability.
    private func sentenceHits(_ name: AnalyzerName, in sentences: [Sentence]) -> [AnalyzerHit] {
        sentences.indices.flatMap { index -> [AnalyzerHit] in
            sentenceHits(name, in: sentences[index]).map { hit in
                guard hit.party == nil else { return hit }
                var hit = hit
                hit.party = sentences[..<index].reversed().lazy.compactMap { firstParty(in: $0) }.first
                return hit
            }
        }
    }

    private func sentenceHits(_ name: AnalyzerName, in sentence: Sentence) -> [AnalyzerHit] {
        switch name {
        case .penaltyRatio: penaltyRatio(sentence)
        case .dailyRate: dailyRate(sentence)
        case .depositRatio: depositRatio(sentence)
        case .penaltyWithDeposit: penaltyWithDeposit(sentence)
        case .loanInterest: loanInterest(sentence)
        case .probationPeriod: probation(sentence)
        case .nonCompeteTerm: longPeriod(sentence, keywords: ["竞业", "竞争关系", "相竞争", "同类业务", "同类产品"], limitYears: 2,
                                         label: "竞业限制期限")
        case .leaseTerm: longPeriod(sentence, keywords: ["租赁期", "租期", "租赁期限"], limitYears: 20, label: "租赁期限")
        case .amountWordsMismatch: amountMismatch(sentence)
        case .shareAmount: shareAmount(sentence)
        case .dateOrder: dateOrder(sentence)
        case .creditCode: creditCodes(sentence)
        case .idNumber: idNumbers(sentence)
        case .partyNameMismatch: partyNameMismatch(sentence)
        case .shortInspection: shortInspection(sentence)
        case .prepayment: prepayment(sentence)
        case .courtConnection: courtConnection(sentence)
        case .liabilityCap: liabilityCap(sentence)
        case .courtAtOtherSeat: courtAtOtherSeat(sentence)
        case .arbitrationAtOtherSeat: arbitrationAtOtherSeat(sentence)
        case .paidBeforeAcceptance: paidBeforeAcceptance(sentence)
        case .licenceOutlivesPatent: licenceOutlivesPatent(sentence)
        case .lineItemsTotal, .trainingPenalty, .probationWage, .amountArithmetic: []
        }
    }

    /// Line items are table rows, which span several sentences, so this one reads the whole clause.
    private func lineItemsTotal(in range: Range<Int>) -> [AnalyzerHit] {
        var sum = 0, rows = 0
        var total: (cents: Int, range: Range<Int>)?
        guard text.scalars[range].contains(where: { $0 == "｜" || $0 == "|" || $0 == "\t" })
            || text.contains(Self.cellGap, in: range) else {
            return listedItemsTotal(in: range) + instalmentsTotal(in: range) + stagesOnOneLine(in: range)
        }
        var columns: PricedColumns?
        var addsUp: Bool?
        for line in Self.sentences(of: text, in: range) {
            let cells = Self.cells(of: line.searchable.string)
            let totalRow = cells.first.map { cell in Self.totalRowWords.contains(where: cell.contains) } ?? false
            // A three-column table ("期次｜还款日｜应还本金（元）") is added up when its header names money.
            if addsUp == nil, cells.count >= 3 {
                addsUp = cells.count >= 4 || Self.moneyColumnWords.contains(where: cells.last!.contains)
            }
            if cells.count >= 3, addsUp == true, !totalRow {
                if columns == nil { columns = PricedColumns(header: cells) }
                if let columns, let row = columns.mispriced(cells) {
                    return [AnalyzerHit(range: line.range, party: nil,
                                        detail: "该行单价\(Self.number(row.price))元乘以数量\(Self.number(row.quantity))为\(Self.yuan(row.expected))，而金额栏为\(Self.yuan(row.written))")]
                }
                if let value = Self.cellNumber(cells.last!) {
                    sum += Int(NSDecimalNumber(decimal: value * 100).int64Value)
                    rows += 1
                }
            } else if rows >= 2, total == nil, line.contains(Self.totalRowWords) {
                let amounts = Quantities.money(in: line.searchable)
                if let amount = amounts.first(where: { $0.form == .figures }) ?? amounts.first {
                    total = (amount.cents, line.range)
                } else if totalRow, let value = Self.cellNumber(cells.last!) {
                    // "合计｜—｜3,000吨｜—｜6,580,000": the total row of the table, in its amount column.
                    total = (Int(NSDecimalNumber(decimal: value * 100).int64Value), line.range)
                }
            }
        }
        guard let total, rows >= 2, total.cents != sum else { return [] }
        return [AnalyzerHit(range: total.range, party: nil,
                            detail: "明细各项金额之和为\(Self.yuan(sum))，而合计金额为\(Self.yuan(total.cents))，相差\(Self.yuan(abs(total.cents - sum)))")]
    }

    private static let totalRowWords = ["合计", "总计", "总价", "总额"]
    private static let moneyColumnWords = ["元", "金额", "本金", "价", "费", "款"]

    /// "6,800.00" → 6800; nil for a cell that is not a number.
    private static func cellNumber(_ cell: Substring) -> Decimal? {
        let written = cell.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        guard written.first?.isNumber == true else { return nil }
        return Decimal(string: written)
    }

    /// The 单价, 数量 and 金额 columns of a table, from its header row: a row whose amount is not its unit price times
    /// its quantity is an arithmetic error even when the total adds the rows up.
    private struct PricedColumns {
        let price: Int, quantity: Int, amount: Int

        init?(header: [Substring]) {
            func column(_ words: [String]) -> Int? { header.firstIndex { cell in words.contains(where: cell.contains) } }
            guard let price = column(["单价"]), var quantity = column(["数量"]), let amount = column(["金额", "合价", "小计", "总价"])
            else { return nil }
            // "单价（元/W）" is priced per watt: the quantity it multiplies is the column counted in W ("总功率（W）").
            if let slash = header[price].firstIndex(where: { $0 == "/" || $0 == "／" }) {
                let unit = header[price][header[price].index(after: slash)...].prefix { !")）".contains($0) }
                if !unit.isEmpty, !header[quantity].contains(unit),
                   let measured = header.indices.first(where: { $0 != price && header[$0].contains(unit) }) {
                    quantity = measured
                }
            }
            // "单价（万元）" beside "金额（元）", "数量（万个）" beside "单价（元/个）": the columns count in different units.
            guard Set([price, quantity, amount].map { header[$0].contains("万") }).count == 1 else { return nil }
            (self.price, self.quantity, self.amount) = (price, quantity, amount)
        }

        func mispriced(_ cells: [Substring]) -> (price: Double, quantity: Double, expected: Int, written: Int)? {
            guard cells.count > max(price, quantity, amount), let unit = Analyzers.cellNumber(cells[price]),
                  let count = Analyzers.cellNumber(cells[quantity]), let written = Analyzers.cellNumber(cells[amount]) else { return nil }
            let expected = NSDecimalNumber(decimal: unit * count * 100).int64Value
            let stated = NSDecimalNumber(decimal: written * 100).int64Value
            guard abs(expected - stated) > 100 else { return nil }
            return (NSDecimalNumber(decimal: unit).doubleValue, NSDecimalNumber(decimal: count).doubleValue, Int(expected), Int(stated))
        }
    }

    /// Items written as numbered lines, each ending in its amount ("（1）通风柜，12台，单价38,500元，小计462,000元；"),
    /// directly above the line of this clause that states the total ("合同总价：人民币陆拾伍万捌仟元整（¥658,000.00）").
    /// A payment stage ("支付总价的30%，即……元") states no total; a list with a row whose amount cannot be told is left alone.
    private func listedItemsTotal(in range: Range<Int>) -> [AnalyzerHit] {
        guard Self.totalWords.contains(where: { text.contains($0, in: range) }) else { return [] }
        for lineNumber in text.lines(range) {
            let totalLine = text.trimmed(text.lineRange(lineNumber - 1))
            // The total word must come before any amount ("单价……元，合计……元" is a row), checked before any regex runs.
            guard let word = Self.totalWords.compactMap({ text.firstOffset(of: $0, in: totalLine) }).min(),
                  !text.scalars[totalLine.lowerBound..<word].contains(where: { $0 == "元" || $0 == "¥" || $0 == "￥" })
            else { continue }
            let line = Sentence(range: totalLine, scalars: text.scalars[totalLine])
            // "3. 用人单位另向劳动者支付安家补助合计……" is the list's next item; "4. 合同总价：……" is its total.
            if let number = Self.itemNumber.firstMatch(in: line.searchable),
               word - line.searchable.documentRange(number.range).upperBound > 6 { continue }
            guard let total = Quantities.money(in: line.searchable).first(where: { $0.form == .figures }) else { continue }
            // The line states the total ("合同总价：……"), not a share of it ("支付总价的30%，即……元").
            let lead = text.string(totalLine.lowerBound..<total.range.lowerBound)
            guard word + 2 <= total.range.lowerBound, !["%", "％", "百分之"].contains(where: lead.contains) else { continue }
            // The items directly above the total line; or, for "本合同总价为……元，价款构成如下：", directly below it,
            // numbered alike ("（1）" … "（5）", not the "3.2" after them).
            guard let above = listedItems(on: stride(from: lineNumber - 2, through: 0, by: -1), alikeOnly: false),
                  let listed = above.rows == 0 && text.string(totalLine).hasSuffix("如下：")
                      ? listedItems(on: lineNumber..<text.lineCount, alikeOnly: true) : above
            else { return [] }
            let (sum, rows, priced) = listed
            // One item adds nothing up, unless it is a unit price times a quantity ("单价……元/台" below "数量：10台").
            guard rows >= 2 || (rows == 1 && priced), sum != total.cents else { return [] }
            let items = rows == 1 ? "单价乘以数量为" : "明细各项金额之和为"
            return [AnalyzerHit(range: totalLine, party: nil,
                                detail: "\(items)\(Self.yuan(sum))，而合计金额为\(Self.yuan(total.cents))，相差\(Self.yuan(abs(total.cents - sum)))")]
        }
        return []
    }

    /// "借款本金按以下计划分三期归还：" above numbered lines of one amount each: the instalments of the whole principal or
    /// price must add up to the total the contract states. Read from the first instalment's clause, which is quoted; a
    /// schedule of the rest ("余款分两期支付：") is left alone. Under a heading that does not say the schedule is the
    /// whole ("付款安排："), the instalments are compared only when the contract keeps nothing back elsewhere (质保金,
    /// 尾款).
    /// "第一阶段人民币180,000元；第二阶段人民币240,000元；……", "诊断阶段人民币150,000元，试点阶段……": stage amounts
    /// listed on one line.
    private static let stageLabel = CompiledRegex(fixed:
        "(?:第[一二三四五六七八九十0-9]{1,3}(?:阶段|期|批|部分)|\\p{Han}{2,4}阶段)[^。；\\n0-9]{0,8}$")

    /// Stages priced one after another on one line that do not add up to the total the line states after them
    /// ("……，固定服务费总额为人民币伍拾捌万元整（¥580,000.00）"), or else to the contract price stated elsewhere.
    private func stagesOnOneLine(in range: Range<Int>) -> [AnalyzerHit] {
        // Stages are compared with the contract price, or with a total the clause itself states; without either there
        // is nothing to add them up against.
        let priced = (facts.price ?? 0) > 0
        guard priced || Self.totalWords.contains(where: { text.contains($0, in: range) }),
              text.contains(Array("第".unicodeScalars), in: range) || text.contains(Array("阶段".unicodeScalars), in: range)
        else { return [] }
        for lineNumber in text.lines(range) {
            let lineRange = text.trimmed(text.lineRange(lineNumber - 1)).clamped(to: range)
            let line = Sentence(range: lineRange, scalars: text.scalars[lineRange])
            // Two amounts at least, each after a stage label, and something to add them up against: the price for stages
            // numbered with 第, the line's own total for stages named without it ("诊断阶段……试点阶段……"). Checked on
            // scalars before any regex runs.
            let ownTotal = Self.totalWords.contains(where: { text.contains($0, in: lineRange) })
            guard line.contains(["阶段", "期", "批", "部分"]), line.scalars.lazy.filter({ $0 == "元" }).count >= 2,
                  (priced && line.contains(["第"])) || ownTotal, !statesShare(line) else { continue }
            let amounts = Quantities.money(in: line.searchable).filter { $0.form == .figures }
            let staged = amounts.prefix { amount in
                let before = text.string(max(lineRange.lowerBound, amount.range.lowerBound - 12)..<amount.range.lowerBound)
                return Self.stageLabel.firstMatch(in: SearchableText(before, base: 0)) != nil
            }
            guard staged.count >= 2, let last = staged.last else { continue }
            let sum = staged.map(\.cents).reduce(0, +)
            if staged.count == amounts.count {
                guard let price = facts.price, price > 0 else { return [] }
                let keptBack = Self.amountsKeptBack.contains(where: text.contains)
                guard sum != price, !keptBack || sum > price, abs(Double(sum) / Double(price) - 1) <= 0.5 else { return [] }
                return [AnalyzerHit(range: lineRange, party: nil,
                                    detail: "各阶段金额之和为\(Self.yuan(sum))，而合同约定的总额为\(Self.yuan(price))\(priceStatement(outside: lineRange))，相差\(Self.yuan(abs(sum - price)))")]
            }
            // The one amount after the stages is their total only when a total word leads to it.
            guard amounts.count == staged.count + 1, let total = amounts.last,
                  Self.totalWords.contains(where: { text.firstOffset(of: $0, in: last.range.upperBound..<total.range.lowerBound) != nil }),
                  total.cents != sum else { return [] }
            return [AnalyzerHit(range: lineRange, party: nil,
                                detail: "各阶段金额之和为\(Self.yuan(sum))，而合计金额为\(Self.yuan(total.cents))，相差\(Self.yuan(abs(total.cents - sum)))")]
        }
        return []
    }

    private func instalmentsTotal(in range: Range<Int>) -> [AnalyzerHit] {
        // Without a price only shares can be added up, and the first of them is in this clause.
        let lines = text.lines(range)
        guard (facts.price ?? 0) > 0 || Self.shareMarks.contains(where: { text.contains($0, in: range) }),
              let clauseLine = lines.first.map({ $0 - 1 }) else { return [] }
        // The heading is the line above the clause, or the clause's own first line when the instalments are its body
        // ("2.1 买受人按以下三期支付价款：" over "第一期：……"); a clause that is only the heading is left to its items.
        let ownHeading = lines.count > 1 && scheduleHeading(onLine: clauseLine) != nil
        guard let heading = ownHeading ? clauseLine : (clauseLine >= 1 ? clauseLine - 1 : nil),
              let kind = scheduleHeading(onLine: heading)
        else { return [] }
        // A sum kept back (质保金, 尾款) may be paid under another clause, so a schedule short of the price proves nothing
        // then; one over the price always does.
        let keptBack = Self.amountsKeptBack.contains(where: text.contains)
        let items = heading + 1
        if let (sum, rows, _) = listedItems(on: items..<text.lineCount, alikeOnly: true), rows >= 2 {
            guard let price = facts.price, price > 0, sum != price, kind == .whole || !keptBack || sum > price,
                  abs(Double(sum) / Double(price) - 1) <= 0.5 else { return [] }
            return [AnalyzerHit(range: range, party: nil,
                                detail: "各期金额之和为\(Self.yuan(sum))，而合同约定的总额为\(Self.yuan(price))\(priceStatement(outside: range))，相差\(Self.yuan(abs(sum - price)))")]
        }
        // Instalments given as shares of the price ("支付服务费总额的30%，即人民币204,000元") are added up by share.
        guard let shares = scheduledShares(from: items), shares.rows >= 2, shares.total >= 0.5,
              abs(shares.total - 1) > 0.001, !keptBack || shares.total > 1
        else { return [] }
        // Without a stated price the shares still have to make up the whole of it.
        let outcome: String
        if let price = facts.price, price > 0 {
            let gap = Int((Double(price) * abs(1 - shares.total)).rounded())
            let agreed = "合同价款\(Self.yuan(price))\(priceStatement(outside: range))"
            outcome = shares.total < 1 ? "\(agreed)中\(Self.yuan(gap))没有约定何时支付" : "超出\(agreed)\(Self.yuan(gap))"
        } else {
            let gap = Self.percent(abs(1 - shares.total))
            outcome = shares.total < 1 ? "价款中有\(gap)没有约定何时支付" : "比全部价款多出\(gap)"
        }
        return [AnalyzerHit(range: range, party: nil, detail: "各期付款比例之和为\(Self.percent(shares.total))，\(outcome)")]
    }

    private static let shareMarks = ["%", "％", "百分之"].map { Array($0.unicodeScalars) }

    /// The contract's own words for its total, "（“本项目服务费总额为人民币陆拾捌万元整（¥680,000.00）”）", for a finding
    /// that quotes another clause; empty when the quote holds them.
    private func priceStatement(outside quote: Range<Int>) -> String {
        guard let statement = facts.statedPrice?.statement, !statement.overlaps(quote) else { return "" }
        return "（“\(text.string(statement))”）"
    }

    /// "第四条 付款方式": an article's title line.
    static let articleHeading = CompiledRegex(fixed: "^第[0-9一二三四五六七八九十百]+条")

    /// Sums a contract keeps back from the payment schedule and pays under another clause.
    private static let amountsKeptBack = ["质保金", "保证金", "尾款", "余款", "剩余", "其余"]

    private enum ScheduleHeading { case whole, payments }

    /// "分三期支付：", "还款计划：", "服务分三个阶段进行：" (each phase priced), "按以下比例（节点）支付：" head the whole schedule; "付款安排："
    /// heads payments that may leave some sum to another clause. Nil for any other line, or a heading of the rest
    /// ("余款分两期支付：") or with an amount or share of its own.
    private func scheduleHeading(onLine index: Int) -> ScheduleHeading? {
        let range = text.trimmed(text.lineRange(index))
        let line = Sentence(range: range, scalars: text.scalars[range])
        // A heading ends in a colon, or is an article's own title line ("第四条 付款方式").
        guard let last = line.scalars.last,
              last == "：" || last == ":" || Self.articleHeading.firstMatch(in: line.searchable) != nil && line.scalars.count <= 16,
              !line.contains(["余", "剩", "尾", "部分", "%", "％"]), Quantities.money(in: line.searchable).isEmpty
        else { return nil }
        if line.contains(["期归还", "期偿还", "期支付", "期还款", "期付款", "期付清", "期拨付", "期缴纳", "还款计划", "付款计划", "个阶段",
                         "以下比例", "下列比例", "以下节点", "下列节点"]) { return .whole }
        return line.contains(["付款安排", "付款方式", "支付方式", "支付安排", "付款进度", "以下方式支付", "如下方式支付"]) ? .payments : nil
    }

    /// The shares of the lines from `start` numbered alike ("（1）", "（2）"; the next "6.3" ends them), one each: nil
    /// when a line gives none.
    private func scheduledShares(from start: Int) -> (total: Double, rows: Int)? {
        var total = 0.0, rows = 0, digitNumbered: Bool?
        for index in start..<text.lineCount {
            let range = text.trimmed(text.lineRange(index))
            guard !range.isEmpty else { break }
            let line = Sentence(range: range, scalars: text.scalars[range])
            guard Self.itemNumber.firstMatch(in: line.searchable) != nil else { break }
            let digits = text.scalars[range.lowerBound].isASCIIDigit
            if digitNumbered == nil { digitNumbered = digits }
            guard digits == digitNumbered else { break }
            guard let share = nonCapRates(line).first else { return nil }
            total += share.value
            rows += 1
        }
        return (total, rows)
    }

    /// The consecutive item lines among `lines`, in order, up to the first line that is not one (or, `alikeOnly`, not
    /// numbered like the first: digits against brackets). Nil when an item's amount cannot be told.
    private func listedItems(on lines: some Sequence<Int>, alikeOnly: Bool) -> (sum: Int, rows: Int, priced: Bool)? {
        var sum = 0, rows = 0, priced = false, digitNumbered: Bool?
        for index in lines {
            guard case .item(let amount, let byQuantity) = listedItem(onLine: index) else { break }
            let digits = text.scalars[text.trimmed(text.lineRange(index)).lowerBound].isASCIIDigit
            if digitNumbered == nil { digitNumbered = digits }
            if alikeOnly, digits != digitNumbered { break }
            guard let amount else { return nil }
            sum += amount
            rows += 1
            priced = byQuantity
        }
        return (sum, rows, priced)
    }

    /// The words that name a total ("合同总价：……", "本影片总预算为……").
    private static let totalWords = ["合计", "总价", "总额", "总计", "总预算", "总金额"].map { Array($0.unicodeScalars) }

    /// An item's amount (nil when it cannot be told), and whether it is a unit price times a quantity.
    private enum ListedLine { case item(Int?, byQuantity: Bool), other }

    /// A numbered line with an amount is an item: its amount is the one named 小计/合计/金额 (a year's rent beside the
    /// month's), else a unit price times the quantity stated on it or on a numbered line next to it ("1.2 数量：10台"),
    /// else its only amount; nil when none of these tells it (rates per unit, shares, several prices).
    private func listedItem(onLine index: Int) -> ListedLine {
        let range = text.trimmed(text.lineRange(index))
        guard !range.isEmpty else { return .other }
        let line = Sentence(range: range, scalars: text.scalars[range])
        guard Self.itemNumber.firstMatch(in: line.searchable) != nil else { return .other }
        let amounts = Quantities.money(in: line.searchable).filter { $0.form == .figures }
        guard !amounts.isEmpty else { return .other }
        if let named = amounts.last(where: { amount in
            let before = text.string(max(range.lowerBound, amount.range.lowerBound - 6)..<amount.range.lowerBound)
            return ["小计", "合计", "金额", "合价", "总价", "价款", "年租金"].contains(where: before.contains)
        }) {
            return .item(named.cents, byQuantity: false)
        }
        // A rate per unit beside the item's amount ("900,000元（每服务年度180,000元）", "8,600平方米×38元/平方米=326,800元")
        // is not a second amount; alone ("单价：398,000元/台") it is the unit price.
        let notPerPeriod = amounts.filter { amount in
            !text.string(max(range.lowerBound, amount.range.lowerBound - 8)..<amount.range.lowerBound).contains("每")
        }
        let whole = notPerPeriod.count < 2 ? notPerPeriod : notPerPeriod.filter { amount in
            !(amount.range.upperBound < range.upperBound && ["/", "／"].contains(text.scalars[amount.range.upperBound]))
        }
        guard whole.count == 1, let amount = whole.first, !statesShare(line) else {
            return .item(nil, byQuantity: false)
        }
        guard line.contains(["单价"]) else { return .item(amount.cents, byQuantity: false) }
        let count = quantity(in: line) ?? [index - 1, index + 1].lazy.compactMap { self.quantityLine($0) }.first
        return .item(count.map { amount.cents * $0 }, byQuantity: true)
    }

    /// A share of something ("合同总价的30%") makes a line no item; a tax rate ("含13%增值税", "税率6%") does not.
    private func statesShare(_ line: Sentence) -> Bool {
        guard line.contains(["%", "％", "百分之"]) else { return false }
        return Quantities.rates(in: line.searchable).contains { rate in
            let before = text.string(max(line.range.lowerBound, rate.range.lowerBound - 3)..<rate.range.lowerBound)
            let after = text.string(rate.range.upperBound..<min(line.range.upperBound, rate.range.upperBound + 3))
            return !before.contains("税率") && !after.contains("税")
        }
    }

    private func quantity(in line: Sentence) -> Int? {
        let searchable = line.searchable
        return Self.itemQuantity.firstMatch(in: searchable).flatMap { searchable.group(1, of: $0) }.flatMap { Int($0) }
    }

    /// The quantity of a numbered line that states only a quantity: "1.2 数量：10台。"
    private func quantityLine(_ index: Int) -> Int? {
        guard index >= 0, index < text.lineCount else { return nil }
        let range = text.trimmed(text.lineRange(index))
        let line = Sentence(range: range, scalars: text.scalars[range])
        guard line.contains(["数量"]), Self.itemNumber.firstMatch(in: line.searchable) != nil,
              Quantities.money(in: line.searchable).isEmpty else { return nil }
        return quantity(in: line)
    }

    /// "（1）", "(1)", "1.", "1、", "①", and the sub-clause numbers "1.3", "2.1.4".
    static let itemNumber = CompiledRegex(fixed: "^(第[0-9一二三四五六七八九十]+(?:期|阶段|年度|年)|（[0-9一二三四五六七八九十]+）|\\([0-9]+\\)|[0-9]+[.、．](?![0-9])|[0-9]+(?:\\.[0-9]+)+(?![0-9.])|[①-⑳])")
    private static let itemQuantity = CompiledRegex(fixed: "([0-9]+)\\s*(台|套|件|个|批|项|辆|吨|箱|组|只|把|张|樘|部|间)")

    private static let cellGap: [Unicode.Scalar] = [" ", " "]
    private static let cellSeparator = CompiledRegex(fixed: "[｜|\\t]|[ \\u3000]{2,}")

    /// Table cells of one line: split at bars and tabs, or at runs of spaces where a PDF or plain-text table aligned
    /// its columns.
    private static func cells(of line: String) -> [Substring] {
        let searchable = SearchableText(line, base: 0)
        var cells: [Substring] = []
        var start = line.startIndex
        for match in cellSeparator.matches(in: searchable) {
            guard let range = Range(match.range, in: line) else { continue }
            if start < range.lowerBound { cells.append(line[start..<range.lowerBound]) }
            start = range.upperBound
        }
        if start < line.endIndex { cells.append(line[start...]) }
        return cells.filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// 劳动合同法第二十二条: the 违约金 for leaving before a service period ends may not exceed the training cost the
    /// employer paid. The cost and the penalty are usually stated in different sentences of one clause; an amount counts
    /// as the penalty when 违约金 is the nearer of the two words before it, as the cost when its sentence is about 培训.
    /// A clause that states no cost is compared with the total the contract gives elsewhere (`facts.trainingCost`).
    /// A penalty per year left ("违约金按每未履行满一年人民币二十万元计算") may not exceed the cost shared over the years of
    /// the service period.
    private func trainingPenalty(in sentences: [Sentence]) -> [AnalyzerHit] {
        guard sentences.contains(where: { $0.contains(["服务期"]) }) else { return [] }
        var cost: Int?
        var penalty: (cents: Int, sentence: Sentence)?
        for sentence in sentences where sentence.contains(["培训", "违约金"]) {
            for amount in Quantities.money(in: sentence.searchable) {
                let before = sentence.scalars[sentence.range.lowerBound..<amount.range.lowerBound]
                let penaltyAt = Self.lastOffset(of: "违约金", in: before), trainingAt = Self.lastOffset(of: "培训", in: before)
                if let penaltyAt, penaltyAt > (trainingAt ?? -1) {
                    if amount.cents > (penalty?.cents ?? 0) { penalty = (amount.cents, sentence) }
                } else if sentence.contains(["培训"]) {
                    cost = max(cost ?? 0, amount.cents)
                }
            }
        }
        guard let cost = cost ?? facts.trainingCost, let penalty else { return [] }
        if penalty.cents > cost {
            return [AnalyzerHit(range: penalty.sentence.range, party: nil,
                                detail: "服务期违约金\(Self.yuan(penalty.cents))超过用人单位提供的培训费用\(Self.yuan(cost))")]
        }
        guard let years = facts.serviceYears, years >= 1, Self.perYearLeft.firstMatch(in: penalty.sentence.searchable) != nil
        else { return [] }
        let share = Int((Double(cost) / years).rounded())
        guard penalty.cents > share + 100 else { return [] }
        return [AnalyzerHit(range: penalty.sentence.range, party: nil,
                            detail: "每未履行一年的违约金\(Self.yuan(penalty.cents))，超过培训费用\(Self.yuan(cost))按\(Self.number(years))年服务期分摊的每年\(Self.yuan(share))")]
    }

    /// "每未履行满一年", "每剩余一年", "按未履行年限每年": a penalty charged per year of the service period left.
    private static let perYearLeft = CompiledRegex(fixed: "每(?:未履行|未满|不满|剩余|尚余|提前)[^，,。；]{0,4}(?:一|1)?年|未履行[^，,。；]{0,4}每年")

    /// "乙方的服务期为自取得A320型别等级之日起十年": the years of the service period, from the first sentence that sets it.
    static func statedServiceYears(in text: ReviewText, clauses: [Range<Int>]) -> Double? {
        clauses.filter { text.scalars[$0].containsScalars(of: "服务期") }
            .lazy.flatMap { sentences(of: text, in: $0) }
            .filter { $0.contains(["服务期为", "服务期限为", "服务期："]) && !$0.contains(["违约金"]) }
            .compactMap { sentence in
                Quantities.periods(in: sentence.searchable).first { $0.unit == .year || $0.unit == .month }.map { $0.days / 365 }
            }
            .first
    }

    private static func lastOffset(of word: String, in scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        let needle = Array(word.unicodeScalars)
        guard scalars.count >= needle.count else { return nil }
        return stride(from: scalars.endIndex - needle.count, through: scalars.startIndex, by: -1)
            .first { scalars[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    // MARK: - Money and rates

    func nonCapRates(_ sentence: Sentence) -> [RateMention] {
        Quantities.rates(in: sentence.searchable).filter { rate in
            let before = text.string(max(sentence.range.lowerBound, rate.range.lowerBound - 14)..<rate.range.lowerBound)
            let after = text.string(rate.range.upperBound..<min(sentence.range.upperBound, rate.range.upperBound + 4))
            return !Self.capWords.contains { before.contains($0) } && !after.contains("为限")
        }
    }

    /// "每日", "每逾期一天", "每晚一天", "按日", "日万分之五", "0.5%/天": a rate charged per day.
    private static let perDay = CompiledRegex(fixed:
        "(?:每|按)(?:逾期|延迟|迟延|延误|延期|超期|拖延|迟|晚|拖)?(?:一|1)?(?:个)?(?:自然|日历)?(?:日|天)(?![前内])|(?:日|天)(?:利率|息|万分之|千分之|百分之)|[/／](?:日|天)"
            + "|(?:晚|迟|拖)(?:交|给|付|还|结|结账|交租|还钱|给钱)?(?:一|1)(?:日|天)(?![前内])")

    private func isDaily(_ sentence: Sentence) -> Bool {
        sentence.contains(["日", "天"]) && Self.perDay.firstMatch(in: sentence.searchable) != nil
    }

    /// "每中断一小时", "按小时", "1%/小时": a rate charged per hour of downtime or delay.
    private static let perHour = CompiledRegex(fixed:
        "(?:每|按)(?:中断|停机|宕机|故障|逾期|延迟|迟延|延误|超时)?(?:一|1)?(?:个)?小时|[/／]小时")

    private func isHourly(_ sentence: Sentence) -> Bool {
        sentence.contains(["小时"]) && Self.perHour.firstMatch(in: sentence.searchable) != nil
    }

    /// "双倍返还", "三倍", "1.5倍": a penalty as a multiple of some sum.
    private static let multiple = CompiledRegex(fixed: "([0-9]+(?:\\.[0-9]+)?|[一二两三四五六七八九十]|双)倍")
    /// Multiples the law itself sets or that are no penalty (双倍返还定金, 双倍工资, 经济补偿的二倍, interest at 1.5倍 of
    /// LPR), and the 竞业限制 penalty, customarily a multiple of the compensation the employee received.
    private static let exemptMultiples = ["定金", "工资", "加班", "经济补偿", "利率", "利息", "LPR", "报价利率", "竞业限制"]

    /// Charges for one night, one day, one month, one consignment or one visit: "首晚房费的两倍", "日租金的两倍", "月租金的
    /// 二倍" (an early exit from a lease) are a small sum even twice over, so a multiple of such a base is excessive only
    /// from `unitMultipleLimit` up.
    private static let unitBases = ["首晚", "单晚", "每晚", "日租金", "日房费", "单日", "单票", "每票", "该票", "单次", "当次",
                                    "该次", "单件", "每件", "日服务费", "月租金", "月租", "月服务费"]
    private static let unitMultipleLimit = 5.0

    /// A sum the penalty is a multiple of: above 1 + limit when the base is the loss itself ("损失的1.2倍" is close to
    /// the loss), above `unitMultipleLimit` when it is one unit's charge, above the limit for any other base.
    private func penaltyMultiple(_ sentence: Sentence) -> (value: Double, range: Range<Int>)? {
        guard sentence.contains(["倍"]), sentence.contains(["违约金", "返还", "退还", "赔偿", "支付", "罚金", "扣除", "扣减"]),
              !sentence.contains(Self.exemptMultiples) else { return nil }
        let searchable = sentence.searchable
        for match in Self.multiple.matches(in: searchable) {
            guard let written = searchable.group(1, of: match) else { continue }
            let value = written == "双" ? 2 : Double(written) ?? ChineseNumerals.integer(written.unicodeScalars).map(Double.init) ?? 0
            let range = searchable.documentRange(match.range)
            // "赔偿总额不超过……结算金额的一倍", "以十万元或该任务费用的十倍（以较高者为准）为限": a ceiling on liability,
            // not a penalty.
            let clauseBefore = text.string(max(sentence.range.lowerBound, range.lowerBound - 30)..<range.lowerBound)
            let after = text.string(range.upperBound..<min(sentence.range.upperBound, range.upperBound + 20))
            if Self.ceilingWords.contains(where: clauseBefore.contains)
                || after.prefix(while: { !"，,；;。".contains($0) }).contains("为限") { continue }
            let before = text.string(max(sentence.range.lowerBound, range.lowerBound - 10)..<range.lowerBound)
            let limit = before.contains("损失") ? 1 + settings.penaltyRatioLimit
                : Self.unitBases.contains { before.contains($0) } ? Self.unitMultipleLimit : settings.penaltyRatioLimit
            if value > limit {
                return (value, range)
            }
        }
        return nil
    }

    private static let ceilingWords = ["不超过", "不得超过", "不高于", "最高", "上限"]

    private func penaltyRatio(_ sentence: Sentence) -> [AnalyzerHit] {
        if let multiple = penaltyMultiple(sentence) {
            return [AnalyzerHit(range: sentence.range, party: party(obligedBy: multiple.range.lowerBound, in: sentence),
                                detail: "约定按计算基数的\(Self.number(multiple.value))倍承担违约责任，远超30%的司法调整参照线")]
        }
        // A deduction is a penalty, unless the sentence shares out revenue ("扣除平台服务费后按3:7分配"), names a tax
        // deduction ("研发费用加计扣除") or takes off what was paid ahead ("付至结算总价的95%（已付预付款相应扣除）").
        let deduction = sentence.contains(["扣减", "扣除"]) && !sentence.contains(Self.revenueSharing)
            && !sentence.contains(["加计扣除", "税前扣除", "已付", "预付款", "相应扣除"])
        let penalty = sentence.contains(["违约金", "罚款", "罚金", "赔偿金", "取消费", "解约费", "违约费"])
        guard penalty || deduction, !isDaily(sentence), !sentence.contains(["定金"]) else { return [] }
        // "每违反一人，应向乙方支付违约金人民币80万元": the payee is no payer; with no one else named, the sentence speaks of
        // the party the clause named before it.
        let party = firstActingParty(in: sentence)
        // A penalty reaching 30% is at the line; a deduction from the fee of the part done badly must pass it.
        let limit = settings.penaltyRatioLimit
        // "按该部分服务费的30%" charges the fee of the part left undone, on top of refunding it: up to half of that part is
        // the ordinary price of a no-show, not a penalty out of all proportion.
        if let rate = nonCapRates(sentence).first(where: { rate in
            let excessive = isShareOfUndonePart(rate, in: sentence) ? rate.value > max(limit, 0.5)
                : penalty ? rate.value >= limit : rate.value > limit
            return excessive && !isThreshold(rate, in: sentence)
        }) {
            let percent = Self.percent(rate.value)
            return [AnalyzerHit(range: sentence.range, party: self.party(obligedBy: rate.range.lowerBound, in: sentence),
                                detail: "约定的违约金或扣款达到计算基数的\(percent)，已到30%的司法调整参照线")]
        }
        let amounts = Quantities.money(in: sentence.searchable).filter { _ in sentence.contains(["违约金", "罚金", "赔偿金"]) }
        guard let largest = amounts.map(\.cents).max() else { return [] }
        if let price = facts.price, price > 0, Double(largest) / Double(price) > settings.penaltyRatioLimit {
            return [AnalyzerHit(range: sentence.range, party: party,
                                detail: "违约金\(Self.yuan(largest))约为合同价款\(Self.yuan(price))的\(Self.percent(Double(largest) / Double(price)))")]
        }
        if facts.price == nil, largest >= 100_000_000 {
            return [AnalyzerHit(range: sentence.range, party: party,
                                detail: "固定违约金\(Self.yuan(largest))与可能的实际损失缺乏对应关系")]
        }
        return []
    }

    private static let revenueSharing = ["分配", "分成", "分账", "分润"]

    /// "按该部分服务费的30%", "按未提供部分服务费的50%": a rate of the fee for the part not performed (not "该部分采购金额"
    /// of goods bought elsewhere).
    private func isShareOfUndonePart(_ rate: RateMention, in sentence: Sentence) -> Bool {
        let before = text.string(max(sentence.range.lowerBound, rate.range.lowerBound - 12)..<rate.range.lowerBound)
        return ["部分服务费", "部分服务的费用", "未提供部分", "未履行部分"].contains(where: before.contains)
    }

    /// "供应量低于确认日计划量90%的", "超过合同工期10%的": a share that says when a penalty applies, not how large it is.
    private func isThreshold(_ rate: RateMention, in sentence: Sentence) -> Bool {
        let before = text.string(max(sentence.range.lowerBound, rate.range.lowerBound - 8)..<rate.range.lowerBound)
        let after = text.string(rate.range.upperBound..<min(sentence.range.upperBound, rate.range.upperBound + 1))
        return after == "的" && Self.thresholdWords.contains(where: before.contains)
    }

    private static let thresholdWords = ["低于", "不足", "少于", "未达", "超过", "高于", "超出", "达到"]

    private static let longerRateNames = ["年利率", "年化", "年息", "年率", "年费率", "月利率", "月息", "月率", "月费率"]

    private func dailyRate(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["违约金", "滞纳金", "利息", "罚息", "违约", "罚", "扣", "赔", "加钱"]) else { return [] }
        // Charged by the hour, a rate adds up 24 times a day: "每中断一小时按当月服务费的20%".
        let hourly = !isDaily(sentence)
        // "借款年利率为10.8%，按日计息": a rate named yearly or monthly is not a daily one, only charged day by day.
        let rates = nonCapRates(sentence).filter { rate in
            let before = text.string(max(sentence.range.lowerBound, rate.range.lowerBound - 8)..<rate.range.lowerBound)
            return !Self.longerRateNames.contains(where: before.contains)
        }
        // Interest on a debt (罚息, 逾期利息) is held to the lending cap a day; a late-payment penalty to the market's rate.
        let limit = sentence.contains(["罚息", "利息"]) ? settings.interestCap / 365 : settings.dailyRateLimit
        guard !hourly || isHourly(sentence), let rate = rates.first, rate.value * (hourly ? 24 : 1) > limit else { return [] }
        // "每逾期一日按货款的0.5%……累计不超过货款的10%": a low cap on the total keeps the daily rate from adding up.
        let caps = Set(Quantities.rates(in: sentence.searchable)).subtracting(nonCapRates(sentence))
        if let cap = caps.map(\.value).max(), cap <= 0.2 { return [] }
        let detail = hourly
            ? "按小时\(Self.percent(rate.value))计算，持续一日即达\(Self.percent(rate.value * 24))"
            : "按日\(Self.percent(rate.value))计算，折合年化约\(Self.percent(rate.value * 365))，远高于市场水平（一年期LPR \(Self.number(settings.lprOneYearPercent))%的四倍为\(Self.percent(settings.interestCap))）"
        return [AnalyzerHit(range: sentence.range, party: firstParty(in: sentence), detail: detail)]
    }

    private func depositRatio(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["定金"]), !sentence.contains(["订金"]) else { return [] }
        let party = firstParty(in: sentence)
        // A rate that goes with another sum ("按房费的50%支付取消损失费") is not the deposit's.
        let depositRates = nonCapRates(sentence).filter { rate in
            let after = text.string(rate.range.upperBound..<min(sentence.range.upperBound, rate.range.upperBound + 16))
            let clause = after.prefix { !"，,。；".contains($0) }
            return !Self.otherSums.contains { clause.contains($0) }
        }
        if let rate = depositRates.first, rate.value > settings.depositRatioLimit, rate.value <= 1 {
            return [AnalyzerHit(range: sentence.range, party: party, detail: "定金为合同价款的\(Self.percent(rate.value))")]
        }
        // The amount the 定金 is, not other sums in the sentence ("余款28万元，定金抵作货款").
        let depositAt = sentence.offsets(of: "定金")
        let amounts = Quantities.money(in: sentence.searchable).filter { amount in
            depositAt.contains { (0...12).contains(amount.range.lowerBound - $0) }
        }
        if let price = facts.price, price > 0, let amount = amounts.map(\.cents).max(),
           Double(amount) / Double(price) > settings.depositRatioLimit, amount < price {
            return [AnalyzerHit(range: sentence.range, party: party,
                                detail: "定金\(Self.yuan(amount))占合同价款\(Self.yuan(price))的\(Self.percent(Double(amount) / Double(price)))")]
        }
        return []
    }

    /// Sums a rate may measure other than the deposit.
    private static let otherSums = ["违约金", "损失费", "赔偿", "滞纳金", "利息", "罚金", "补偿"]

    private func penaltyWithDeposit(_ sentence: Sentence) -> [AnalyzerHit] {
        // Only where the 定金 is agreed (an amount or a share is paid as 定金), not every later mention of it.
        guard facts.hasDeposit, facts.hasPenalty, sentence.contains(["定金"]), !sentence.contains(["订金"]),
              sentence.contains(["支付", "交付", "给付", "缴纳"]),
              !Quantities.rates(in: sentence.searchable).isEmpty || !Quantities.money(in: sentence.searchable).isEmpty
        else { return [] }
        return [AnalyzerHit(range: sentence.range, party: firstParty(in: sentence), detail: "合同同时约定了定金和违约金")]
    }

    private func loanInterest(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["利率", "利息", "年息", "月息", "年化"]) else { return [] }
        var yearly = 0.0
        for rate in nonCapRates(sentence) {
            let before = text.string(max(sentence.range.lowerBound, rate.range.lowerBound - 10)..<rate.range.lowerBound)
            // "水稻减产三成以上": a share in tenths is interest only where interest is named just before it.
            if text.string(rate.range).hasSuffix("成"), !["利", "息"].contains(where: before.contains) { continue }
            // "按借款年利率上浮50%（即年利率7.8%）": a markup on the rate is not itself a rate.
            if Self.markupWords.contains(where: before.hasSuffix) { continue }
            yearly = max(yearly, rate.value * Self.periodsPerYear(before))
        }
        guard yearly > settings.interestCap + 1e-9 else { return [] }
        return [AnalyzerHit(range: sentence.range, party: firstParty(in: sentence),
                            detail: "约定年利率约\(Self.percent(yearly))，超过合同成立时一年期LPR（按\(Self.number(settings.lprOneYearPercent))%计）四倍即\(Self.percent(settings.interestCap))")]
    }

    private static let markupWords = ["上浮", "上调", "下浮", "提高", "加收", "增加"]

    private static let ratePeriods: [(words: [String], perYear: Double)] = [
        (["年利率", "年化", "年息", "年率", "每年", "按年"], 1),
        (["月利率", "月息", "月率", "每月", "按月"], 12),
        (["日利率", "日息", "日率", "每日", "按日", "每天", "按天", "日万分之", "日千分之"], 365),
    ]

    /// How often a rate is charged per year, from the period word nearest before it: "自逾期之日起按年利率9%" is
    /// yearly although a 日 occurs earlier.
    static func periodsPerYear(_ before: String) -> Double {
        let scalars = Array(before.unicodeScalars)[...]
        var best: (end: Int, perYear: Double)?
        for (words, perYear) in ratePeriods {
            for word in words {
                guard let end = scalars.endOfLastOccurrence(of: word) else { continue }
                if best == nil || end > best!.end { best = (end, perYear) }
            }
        }
        return best?.perYear ?? 1
    }

    /// Words for the whole of a party's liability ("全部责任以一万元为上限"), besides 赔偿.
    private static let wholeLiability = ["赔偿", "全部责任", "责任总额", "累计责任", "责任上限", "总责任", "一切责任"]

    /// "破损率不超过百分之五的，乙方不予赔偿" is an allowance of loss (the rule loss-allowance-excessive), not a cap.
    private static let lossAllowance = ["损耗", "短少率", "短缺率", "破损率", "货损率"]

    /// "违约金及赔偿责任总额以五万元为上限": one ceiling over penalties and damages together is a cap on liability.
    private static let penaltyAndDamages = ["违约金及赔偿", "违约金和赔偿", "违约金与赔偿", "违约金、赔偿", "违约金或赔偿",
                                            "违约金及损害赔偿", "违约金及损失赔偿", "违约金和损失赔偿", "违约金、损失赔偿"]

    /// "乙方累计赔偿责任不超过人民币一万元", "赔偿以合同总价的5%为限": a ceiling on damages far below the price. A cap
    /// stated as a share ("年度许可费的10%") needs no price; a cap stated as an amount is compared with the price, or with
    /// `liabilityCapFloorYuan` when there is none or it is per consignment. A cap on 违约金 alone limits a penalty, not the
    /// compensation of a loss, and counts only when the sum is nominal.
    private func liabilityCap(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(Self.capWords), !sentence.contains(Self.lossAllowance) else { return [] }
        // A ceiling on 违约金 alone leaves damages open, unless the sum is nominal: "逾期违约金累计不超过五万元" on a
        // 2,860万 contract (a ceiling written as a small share is the rule counterparty-penalty-nominal's).
        // A sum a day of delay is a penalty whatever it is called: "每拖一天赔甲方50元，最多不超过500元".
        let penaltyOnly = (sentence.contains(["违约金", "滞纳金"]) || (sentence.contains(["赔", "罚"]) && isDaily(sentence)))
            && !sentence.contains(Self.penaltyAndDamages)
        guard penaltyOnly ? !sentence.contains(["另行赔偿", "不足以", "实际损失"]) : sentence.contains(Self.wholeLiability)
        else { return [] }
        // Whose liability is capped: the party acting at the ceiling ("造成承租方人身损害的，出租方承担的赔偿责任……为限"
        // caps 出租方; "乙方对甲方的赔偿总额……为限" caps 乙方, 甲方 being its object).
        let ceiling = Self.capWords.flatMap { sentence.offsets(of: $0) }.min() ?? sentence.range.lowerBound
        let capped = party(actingAt: ceiling, in: sentence)
        if !penaltyOnly, let rate = Quantities.rates(in: sentence.searchable).first {
            guard rate.value < settings.liabilityCapRatio else { return [] }
            return [AnalyzerHit(range: sentence.range, party: capped,
                                detail: "赔偿责任上限仅为计算基数的\(Self.percent(rate.value))")]
        }
        // The ceiling is the sum after the cap word ("每逾期一天50元，总额不超过500元" is capped at 500), else the least one.
        let sums = Quantities.money(in: sentence.searchable)
        guard let cap = sums.first(where: { $0.range.lowerBound >= ceiling })?.cents ?? sums.map(\.cents).min() else {
            return penaltyOnly ? [] : paymentCeiling(sentence, capped: capped)
        }
        let perUnit = sentence.contains(Self.perUnit)
        guard let price = facts.price, price > 0, !perUnit || penaltyOnly else {
            guard !penaltyOnly, Double(cap) <= settings.liabilityCapFloorYuan * 100 else { return [] }
            let context = perUnit ? "按单票或单车计算" : "合同没有可与之比较的价款"
            return [AnalyzerHit(range: sentence.range, party: capped,
                                detail: "赔偿责任以\(Self.yuan(cap))为限，\(context)，这一数额远不足以覆盖可能的损失")]
        }
        let share = Double(cap) / Double(price)
        guard share < (penaltyOnly ? settings.penaltyCapNominalRatio : settings.liabilityCapRatio) else { return [] }
        let what = penaltyOnly ? "违约金累计上限" : "赔偿责任上限"
        return [AnalyzerHit(range: sentence.range, party: capped,
                            detail: "\(what)仅为合同价款\(Self.yuan(price))的\(Self.percent(share))", level: penaltyOnly ? .medium : nil)]
    }

    /// "以该批次油品货款金额为限", "以当月服务费为上限": damages capped at what one delivery or one month costs.
    private static let partPayment = CompiledRegex(fixed:
        "以(?:该|当|单|本)(?:批次?|月|期|笔|次|张订单|订单)[^。；，,\\n]{0,12}(?:货款|价款|服务费|费用|运费|金额)(?:金额)?为(?:上)?限")

    /// Damages for harm the goods or service cause (a damaged engine, food poisoning) capped at the price of one
    /// delivery or one month: the loss it leaves with the reviewer has nothing to do with what that delivery cost.
    private func paymentCeiling(_ sentence: Sentence, capped: String?) -> [AnalyzerHit] {
        guard let match = Self.partPayment.firstMatch(in: sentence.searchable),
              let base = sentence.searchable.group(0, of: match) else { return [] }
        let harm = sentence.contains(["人身", "伤亡", "中毒", "健康"]) ? "人身损害" : "设备、财产损失"
        return [AnalyzerHit(range: sentence.range, party: capped,
                            detail: "赔偿责任\(base)，而可能造成的\(harm)与一批货款或一期费用毫无关系",
                            level: harm == "人身损害" ? nil : .medium)]
    }

    /// "单票赔偿以运费三倍为限，每车次最高两万元": a ceiling per consignment, not on the contract.
    private static let perUnit = ["单票", "每票", "每车", "单车", "每件", "每批", "每单", "每次", "单次"]

    /// "1.2%（大写：百分之壹点伍）": a rate in figures followed by the same rate in words.
    private static let rateInWords = CompiledRegex(fixed:
        "([0-9]+(?:\\.[0-9]+)?)\\s*[%％]\\s*[（(]\\s*(?:大写)?[：:]?\\s*百分之([零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾点]+)\\s*[）)]")

    /// A sum or a rate written twice, in figures and in words, that the two disagree on.
    private func amountMismatch(_ sentence: Sentence) -> [AnalyzerHit] {
        rateMismatch(sentence) + moneyMismatch(sentence)
    }

    private func rateMismatch(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["百分之"]) else { return [] }
        return Self.rateInWords.matches(in: sentence.searchable).compactMap { match in
            guard let figures = sentence.searchable.group(1, of: match).flatMap(Double.init),
                  let words = sentence.searchable.group(2, of: match).flatMap(Quantities.decimalNumber),
                  abs(figures - words) > 0.000_001 else { return nil }
            return AnalyzerHit(range: sentence.range, party: nil,
                               detail: "大写比例为\(Self.number(words))%，小写比例为\(Self.number(figures))%，二者不一致")
        }
    }

    private func moneyMismatch(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["元", "圆"]), sentence.scalars.contains(where: { Self.capitalDigits.contains($0.value) })
        else { return [] }
        let amounts = Quantities.money(in: sentence.searchable)
        var hits: [AnalyzerHit] = []
        for capital in amounts where capital.form == .capitals {
            let partner = amounts.filter { $0.form == .figures }.min { lhs, rhs in
                distance(lhs.range, capital.range) < distance(rhs.range, capital.range)
            }
            guard let partner, distance(partner.range, capital.range) <= 12, partner.cents != capital.cents else { continue }
            hits.append(AnalyzerHit(range: sentence.range, party: nil,
                                    detail: "大写金额为\(Self.yuan(capital.cents))，小写金额为\(Self.yuan(partner.cents))，二者不一致"))
        }
        return hits
    }

    /// Words before a share that make the contract price its base: "支付30%", "支付合同总价的30%".
    private static let shareOfPrice = ["付", "总价的", "总额的", "价款的", "合同金额的", "合同价的", "总费用的"]

    /// "支付30%，即214,000元": a share of a base written with the amount it comes to.
    struct WrittenShare {
        var rate: Double
        var cents: Int
        /// The two characters naming the base before 的 ("服务费的20%" → "务费"); nil when no 的 precedes the rate.
        var base: String?
        var ofPrice: Bool
        var impliedBase: Double { Double(cents) / rate }
    }

    static func writtenShares(in sentence: Sentence, of text: ReviewText) -> [WrittenShare] {
        guard sentence.contains(["即"]), sentence.contains(["%", "％", "百分之"]) else { return [] }
        let amounts = Quantities.money(in: sentence.searchable)
        return Quantities.rates(in: sentence.searchable).compactMap { rate in
            guard rate.value > 0, rate.value < 1,
                  let amount = amounts.first(where: { $0.range.lowerBound >= rate.range.upperBound }),
                  case let gap = text.string(rate.range.upperBound..<amount.range.lowerBound), gap.count <= 3, gap.contains("即")
            else { return nil }
            let before = text.string(max(sentence.range.lowerBound, rate.range.lowerBound - 6)..<rate.range.lowerBound)
            let base = before.hasSuffix("的") ? String(before.dropLast().suffix(2)) : nil
            return WrittenShare(rate: rate.value, cents: amount.cents, base: base,
                                ofPrice: shareOfPrice.contains(where: before.hasSuffix))
        }
    }

    /// For each name of a base written with three or more shares ("基础服务费的30%，即540,000元" and its siblings),
    /// the base that more than half of them imply.
    static func agreedShareBases(in text: ReviewText, clauses: [Range<Int>]) -> [String: Double] {
        let shares = clauses.filter { clause in
            text.contains(Array("即".unicodeScalars), in: clause)
                && ["%", "％", "百分之"].contains { text.contains(Array($0.unicodeScalars), in: clause) }
        }
            .flatMap { sentences(of: text, in: $0) }
            .flatMap { writtenShares(in: $0, of: text) }
        var bases: [String: Double] = [:]
        for (name, group) in Dictionary(grouping: shares, by: \.base) {
            guard let name, group.count >= 3 else { continue }
            bases[name] = group.lazy.map(\.impliedBase).first { base in
                group.filter { abs($0.impliedBase / base - 1) < 0.005 }.count * 2 > group.count
            }
        }
        return bases
    }

    /// "入门费为人民币捌佰万元整": a sum stated by name, ending right before it.
    private static let namedSum = CompiledRegex(fixed: "(\\p{Han}{2})(?:总额|总计|合计|共计|金额)?(?:为|：|:)\\s*(?:人民币)?\\s*$")

    /// Sums the contract states once by name ("入门费为人民币捌佰万元整（¥8,000,000.00）"), keyed like a written share's
    /// base by the name's last two characters ("门费"), in cents. A name stated with two different sums, or with a sum per
    /// month, year or unit, is no base.
    static func statedShareBases(in whole: SearchableText, of text: ReviewText) -> [String: Double] {
        var sums: [String: Set<Int>] = [:]
        for amount in Quantities.money(in: whole) {
            let before = text.string(max(0, amount.range.lowerBound - 12)..<amount.range.lowerBound)
            let lead = SearchableText(before, base: 0)
            guard let match = namedSum.firstMatch(in: lead), let name = lead.group(1, of: match) else { continue }
            let line = before.split(separator: "\n").last.map(String.init) ?? before
            guard !["每", "月", "年", "/", "单价"].contains(where: line.contains) else { continue }
            sums[name, default: []].insert(amount.cents)
        }
        return sums.compactMapValues { $0.count == 1 ? $0.first.map(Double.init) : nil }
    }

    /// A written share whose amount is off: against the base its siblings agree on ("基础服务费的30%，即540,000元 …
    /// 基础服务费的20%，即460,000元"), against the sum the contract states for the base's name ("入门费为800万元 …
    /// 入门费的40%，即360万元"), or against the contract price when it names the price — a written amount whose base
    /// differs from the stated sum or the price by more than a fifth is taken to be a share of something else.
    private func shareAmount(_ sentence: Sentence) -> [AnalyzerHit] {
        for share in Self.writtenShares(in: sentence, of: text) {
            let (base, label): (Double, String)
            if let agreed = share.base.flatMap({ facts.shareBases[$0] }) {
                (base, label) = (agreed, "按其他各期共同的基数\(Self.yuan(Int(agreed.rounded())))")
            } else if let stated = share.base.flatMap({ facts.statedBases[$0] }), abs(share.impliedBase / stated - 1) <= 0.2 {
                (base, label) = (stated, "按合同写明的基数\(Self.yuan(Int(stated.rounded())))")
            } else if share.ofPrice, let price = facts.price, price > 0, abs(share.impliedBase / Double(price) - 1) <= 0.2 {
                (base, label) = (Double(price), "按合同价款\(Self.yuan(price))")
            } else {
                continue
            }
            let expected = Int((base * share.rate).rounded())
            guard abs(share.cents - expected) > max(100, expected / 200) else { continue }
            return [AnalyzerHit(range: sentence.range, party: nil,
                                detail: "\(label)的\(Self.percent(share.rate))计算应为\(Self.yuan(expected))，合同却写为\(Self.yuan(share.cents))")]
        }
        return []
    }

    func distance(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Int {
        lhs.upperBound <= rhs.lowerBound ? rhs.lowerBound - lhs.upperBound : max(0, lhs.lowerBound - rhs.upperBound)
    }

    /// "全部价款", "全部服务费", "全部合同款项": all of the price, whatever the fee is called.
    private static let wholePrice = CompiledRegex(fixed: "全部\\p{Han}{0,3}(?:款|费|价|租金|报酬)")

    /// Words that tie a payment to performance ("到货后", "验收合格后"): such a payment is no prepayment.
    private static let afterPerformance = ["验收", "终验", "初验", "交付后", "交货后", "发货后", "收到货物", "安装完", "上线", "保函", "担保",
                                            "完成后", "结束", "结业", "竣工", "完工"]

    private func prepayment(_ sentence: Sentence) -> [AnalyzerHit] {
        // "退还乙方已支付的全部款项" is money paid back, not money paid ahead.
        // "甲方付工程总价的60%": 付 alone pays too, but not in 交付 (delivery) nor in 已付, 已支付.
        let payments = ["付", "汇入", "转入", "汇至", "打款"].flatMap { word in
            sentence.offsets(of: word).filter { offset in
                let before = sentence.scalars[max(sentence.range.lowerBound, offset - 2)..<offset]
                return !before.contains("已") && before.last != "交"
            }
        }
        guard !payments.isEmpty else { return [] }
        let onSigning = sentence.contains(["签订", "签署", "签约", "生效", "预付", "下单", "订单", "签合同", "签协议"])
        // "乙方收到该笔款项后安排发货": the goods leave only once this payment is in.
        let beforeDelivery = Self.beforeDelivery.first { sentence.contains([$0]) }
            ?? (sentence.contains(["收到"]) && sentence.contains(Self.shippedOnPayment) ? "发货前" : nil)
        // "自签字盖章后生效，至……付清全部设计费后终止" is the contract's term, not a payment.
        // "逾期……经催告后仍未支付的，乙方有权暂停接受新订单，直至甲方付清" is a remedy for late payment.
        guard onSigning || beforeDelivery != nil, !sentence.contains(Self.afterPerformance), !Self.mentionsArrival(sentence),
              !sentence.contains(["后终止", "时终止", "之日终止", "逾期", "催告", "直至"])
        else { return [] }
        let full = sentence.contains(["全额", "全款", "一次性支付合同总价", "付清"])
            || (sentence.contains(["全部"]) && Self.wholePrice.firstMatch(in: sentence.searchable) != nil)
        let share = nonCapRates(sentence).max { $0.value < $1.value }
        guard full || (share?.value ?? 0) >= 0.5 else { return [] }
        // The payer is the party acting at the share ("收到乙方开具的发票后，甲方支付60%") or at the payment ("乙方发货前，
        // 甲方应付清全部货款"), not the first one named.
        let payer = share.map { party(actingAt: $0.range.lowerBound, in: sentence) }
            ?? payments.min().map { party(actingAt: $0, in: sentence) } ?? firstParty(in: sentence)
        let when = onSigning ? "签约后" : beforeDelivery ?? "交付前"
        return [AnalyzerHit(range: sentence.range, party: payer,
                            detail: full ? "\(when)即须付清全部价款" : "\(when)即须预付\(Self.percent(share?.value ?? 0))的价款")]
    }

    /// "发货前付清至95%": paid before the goods leave, as good as on signing.
    /// Before the goods leave or the work on site begins ("乙方进场前三日内支付服务费的70%").
    private static let beforeDelivery = ["发货前", "交货前", "发运前", "出厂前", "装运前", "提货前", "交付前", "进场前", "开工前", "施工前"]

    private static let shippedOnPayment = ["后发货", "后安排发货", "后方可发货", "后再发货", "后交货", "后安排交货", "后发运"]

    /// "到货后付款" ties payment to arrival; "收到货款后发货" does not (到货 there is part of 收到 + 货款).
    private static func mentionsArrival(_ sentence: Sentence) -> Bool {
        sentence.offsets(of: "到货").contains { offset in
            let next = offset + 2
            return !(next < sentence.range.upperBound && sentence.scalars[next] == "款")
        }
    }

    // MARK: - Periods and dates

    private func probation(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["试用期"]) else { return [] }
        let searchable = sentence.searchable
        let periods = Quantities.periods(in: searchable).filter { $0.unit == .month || $0.unit == .day || $0.unit == .week }
        let dates = Quantities.dates(in: searchable)
        var months = periods.first.map { $0.days / 30.4 }
        if months == nil, dates.count >= 2 { months = Self.months(from: dates[0], to: dates[1]) }
        guard let months else { return [] }
        let allowed: Double
        // Dates "2025年7月1日至2028年6月30日" span 35.99 months by day count: a three-year term.
        let term = facts.term.map { ($0.months * 10).rounded() / 10 }
        switch term {
        case .none: allowed = 6
        case .some(let t) where t < 3: allowed = 0
        case .some(let t) where t < 12: allowed = 1
        case .some(let t) where t < 36: allowed = 2
        default: allowed = 6
        }
        guard months > allowed + 0.2 else { return [] }
        let termText = term.map { "劳动合同期限约\(Self.number(($0 * 10).rounded() / 10))个月，" } ?? ""
        return [AnalyzerHit(range: sentence.range, party: nil,
                            detail: "\(termText)试用期约\(Self.number(months.rounded()))个月，法定上限为\(Self.number(allowed))个月")]
    }

    /// Words after which an amount is the wage once probation ends, not the probation wage.
    private static let regularWageMarks = ["转正", "试用期满", "试用期结束", "期满后"]

    /// "转正后月工资的", "试用期满工资标准的", "转正后标准的": a wage named as what a following share is taken of.
    private static func namesShareBase(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        let text = String(String.UnicodeScalarView(scalars))
        return text.count <= 12 && !text.contains("，") && text.hasSuffix("的")
            && ["工资", "薪资", "薪酬", "标准", "月薪"].contains { text.dropLast().hasSuffix($0) }
    }

    /// The monthly wage a contract states in a sentence of its own outside probation ("转正后的月工资……合计人民币6,000元",
    /// "转正以后每个月6500元"), for a probation wage stated in another clause.
    static func statedMonthlyWage(in text: ReviewText, clauses: [Range<Int>]) -> Int? {
        clauses.filter { clause in ["工资", "月薪", "转正"].contains { text.scalars[clause].containsScalars(of: $0) } }
            .flatMap { sentences(of: text, in: $0) }
            .compactMap { monthlyWage(in: $0, named: ["月工资", "月薪", "基本工资"] + regularWageMarks) }
            .max()
    }

    /// "培训机构学费、考试费及差旅食宿费合计约人民币186,000元" or "甲方承担学费人民币598,000元": the largest amount of a
    /// sentence that totals up a training cost or states the fees borne; a threshold ("培训费用超过5万元的") or a penalty
    /// is no statement of what was spent.
    static func statedTrainingCost(in text: ReviewText, clauses: [Range<Int>]) -> Int? {
        clauses.filter { text.scalars[$0].containsScalars(of: "培训") || text.scalars[$0].containsScalars(of: "学费") }
            .flatMap { sentences(of: text, in: $0) }
            .filter { sentence in
                // "……合计约186,000元", or the fees the employer bears: "甲方承担学费人民币598,000元".
                let totalled = sentence.contains(["培训"]) && sentence.contains(["合计", "共计", "总计", "测算", "预计"])
                let borne = sentence.contains(["学费", "培训费"]) && sentence.contains(["承担", "出资", "支付"])
                return (totalled || borne) && !sentence.contains(["违约金", "超过"])
            }
            .compactMap { Quantities.money(in: $0.searchable).map(\.cents).max() }
            .max()
    }

    /// The largest amount of a sentence that names a monthly wage by one of `words` and is not about probation.
    private static func monthlyWage(in sentence: Sentence, named words: [String]) -> Int? {
        guard sentence.contains(words), !sentence.contains(["试用期", "年薪"]) else { return nil }
        return Quantities.money(in: sentence.searchable).map(\.cents).max()
    }

    /// 劳动合同法第二十条: the probation wage may not be below 80% of the agreed wage. The probation wage is the amount or
    /// share whose nearest preceding mark is 试用期 ("月工资5000元，试用期月工资3500元"; "试用期工资按月工资的70%").
    /// "月工资为人民币8,000元。试用期月工资为5,600元。": the agreed wage may be stated in an earlier sentence of the
    /// clause, as a monthly figure, or in another clause (`facts.monthlyWage`).
    private func probationWage(in sentences: [Sentence]) -> [AnalyzerHit] {
        var agreed = facts.monthlyWage
        var hits: [AnalyzerHit] = []
        for sentence in sentences {
            hits += probationWage(sentence, agreedElsewhere: agreed)
            if let monthly = Self.monthlyWage(in: sentence, named: ["月工资", "月薪", "每月"]) {
                agreed = max(agreed ?? 0, monthly)
            }
        }
        return hits
    }

    private func probationWage(_ sentence: Sentence, agreedElsewhere: Int?) -> [AnalyzerHit] {
        guard sentence.contains(["试用期"]), sentence.contains(["工资", "薪", "每月", "每个月"]) else { return [] }
        func duringProbation(_ offset: Int, share: Bool = false) -> Bool {
            let before = sentence.scalars[sentence.range.lowerBound..<offset]
            guard let probationAt = Self.lastOffset(of: "试用期", in: before) else { return false }
            return !Self.regularWageMarks.contains { mark in
                guard let markAt = Self.lastOffset(of: mark, in: before), markAt >= probationAt else { return false }
                // "试用期工资按转正工资的70%": the mark only names the share's base.
                return !(share && Self.namesShareBase(before[markAt...]))
            }
        }
        if let share = nonCapRates(sentence).first(where: { duringProbation($0.range.lowerBound, share: true) }),
           share.value < 0.8 {
            return [AnalyzerHit(range: sentence.range, party: nil,
                                detail: "试用期工资仅为约定工资的\(Self.percent(share.value))")]
        }
        let amounts = Quantities.money(in: sentence.searchable)
        let probation = amounts.filter { duringProbation($0.range.lowerBound) }.map(\.cents).min()
        let regular = amounts.filter { !duringProbation($0.range.lowerBound) }.map(\.cents).max() ?? agreedElsewhere
        guard let probation, let regular, Double(probation) < 0.8 * Double(regular) else { return [] }
        return [AnalyzerHit(range: sentence.range, party: nil,
                            detail: "试用期工资\(Self.yuan(probation))低于约定工资\(Self.yuan(regular))的80%")]
    }

    private func longPeriod(_ sentence: Sentence, keywords: [String], limitYears: Double, label: String) -> [AnalyzerHit] {
        guard sentence.contains(keywords) else { return [] }
        let searchable = sentence.searchable
        var years = Quantities.periods(in: searchable)
            .filter { $0.unit == .year || $0.unit == .month }.map { $0.days / 365 }.max() ?? 0
        let dates = Quantities.dates(in: searchable)
        if dates.count >= 2 { years = max(years, Self.months(from: dates[0], to: dates[1]) / 12) }
        guard years > limitYears + 0.01 else { return [] }
        return [AnalyzerHit(range: sentence.range, party: firstParty(in: sentence),
                            detail: "\(label)约为\(Self.number((years * 10).rounded() / 10))年，超过法定的\(Self.number(limitYears))年")]
    }

    private static let performanceWords = ["交货", "交付", "完成", "送达", "运抵", "提交", "上线", "竣工", "供货", "安装"]
    private static let endWords = ["终止", "届满", "到期", "截止"]
    private static let afterTermWords = ["结束后", "届满后", "终止后", "期满后", "完毕后"]

    /// A day the month does not have; an end before its start in one sentence ("自2025年9月1日起至2025年6月30日止"), or
    /// against the contract term stated in another clause: a deadline after the term ends, or an end date before the
    /// term starts.
    private func dateOrder(_ sentence: Sentence) -> [AnalyzerHit] {
        if let hit = nonexistentDate(sentence) { return [hit] }
        let againstTerm = (facts.term != nil || facts.signed != nil) && sentence.contains(Self.performanceWords + Self.endWords)
        guard sentence.contains(["年"]), againstTerm || sentence.contains(["至", "到", "—", "-", "~"]) else { return [] }
        let dates = Quantities.dates(in: sentence.searchable)
        let periods = Quantities.periods(in: sentence.searchable).filter { [.year, .month, .day].contains($0.unit) }
        for (start, end) in zip(dates, dates.dropFirst()) {
            let between = text.string(start.range.upperBound..<end.range.lowerBound)
            guard between.count <= 6, ["至", "到", "—", "-", "~"].contains(where: between.contains) else { continue }
            if end.ordinal < start.ordinal {
                return [AnalyzerHit(range: sentence.range, party: nil,
                                    detail: "终止日\(Self.day(end))早于起始日\(Self.day(start))")]
            }
            // "租期贰年，自2025年8月1日起至2026年7月31日止", "免租期自2025年6月1日起至2025年8月31日止，共计两个月": the
            // length stated just before the dates, or totalled just after them, disagrees with them.
            if let stated = statedLength(before: start, after: end, among: periods),
               let disagreement = lengthDisagreement(stated, from: start, to: end) {
                return [AnalyzerHit(range: sentence.range, party: nil, detail: disagreement)]
            }
        }
        if let signed = facts.signed, sentence.contains(Self.performanceWords),
           let early = dates.first(where: { $0.ordinal < signed.ordinal && isDeadline($0) && !isPast($0) }) {
            return [AnalyzerHit(range: sentence.range, party: nil,
                                detail: "履行期限\(Self.day(early))早于合同签订日\(Self.day(signed))")]
        }
        guard let term = facts.term, !term.sentence.overlaps(sentence.range) else { return [] }
        // "展会结束后，乙方应于2025年9月16日前提交服务确认单": paperwork the contract itself puts after the term.
        if let end = term.end, sentence.contains(Self.performanceWords), !sentence.contains(Self.afterTermWords),
           let late = dates.first(where: { $0.ordinal > end.ordinal && isDeadline($0) }) {
            return [AnalyzerHit(range: sentence.range, party: nil,
                                detail: "履行期限\(Self.day(late))晚于合同期限届满日\(Self.day(end))")]
        }
        if let end = term.end, let named = dates.first(where: isTermEnd), named.ordinal != end.ordinal {
            return [AnalyzerHit(range: sentence.range, party: nil,
                                detail: "到期日\(Self.day(named))与期限条款约定的届满日\(Self.day(end))不一致")]
        }
        if let start = term.start, dates.count == 1, sentence.contains(Self.endWords), dates[0].ordinal < start.ordinal {
            return [AnalyzerHit(range: sentence.range, party: nil,
                                detail: "终止日\(Self.day(dates[0]))早于合同期限起始日\(Self.day(start))")]
        }
        return []
    }

    /// "借款到期日即2026年8月19日", "租赁期限届满日为2027年6月30日": the date named as the end of the term itself.
    private static let termEndLabel = CompiledRegex(fixed:
        "(?<![续延展])(?:借款|贷款|合同|租赁|租期|服务期|期限)(?:的)?(?:到期日|届满日|届满之日|终止日)(?:即|为|是|：|:)?\\s*$")

    private func isTermEnd(_ date: DateMention) -> Bool {
        let before = text.string(max(0, date.range.lowerBound - 12)..<date.range.lowerBound)
        return Self.termEndLabel.firstMatch(in: SearchableText(before, base: 0)) != nil
    }

    /// "甲方已于2025年3月1日前支付": a recital of what was done, not a deadline.
    private func isPast(_ date: DateMention) -> Bool {
        text.string(max(0, date.range.lowerBound - 6)..<date.range.lowerBound).contains("已")
    }

    /// "共计二十五个日历日" against 9 to 28 October (20 days), "租期贰年" against twelve months: the stated length and
    /// the dates disagree by more than rounding.
    private func lengthDisagreement(_ stated: PeriodMention, from start: DateMention, to end: DateMention) -> String? {
        if stated.unit == .day {
            let days = Self.daysInclusive(from: start, to: end)
            guard abs(stated.amount - days) > max(2, stated.amount * 3 / 100) else { return nil }
            return "约定期限为\(stated.amount)日，而起止日期\(Self.day(start))至\(Self.day(end))共\(days)日"
        }
        let statedMonths = Double(stated.amount * (stated.unit == .year ? 12 : 1))
        let spanned = Self.months(from: start, to: end)
        guard abs(statedMonths - spanned) >= 0.9 else { return nil }
        let unit = stated.unit == .year ? "年" : "个月"
        return "约定期限为\(stated.amount)\(unit)，而起止日期\(Self.day(start))至\(Self.day(end))约为\(Int(spanned.rounded()))个月"
    }

    private func statedLength(before start: DateMention, after end: DateMention, among periods: [PeriodMention]) -> PeriodMention? {
        if let before = periods.last(where: { $0.range.upperBound <= start.range.lowerBound }),
           text.string(before.range.upperBound..<start.range.lowerBound).count <= 6 {
            return before
        }
        return periods.first { period in
            guard period.range.lowerBound >= end.range.upperBound else { return false }
            let between = text.string(end.range.upperBound..<period.range.lowerBound)
            return between.count <= 8 && Self.lengthTotals.contains(where: between.contains)
        }
    }

    /// "止，共计两个月", "止，为期三年", "竣工，总工期为四十五日历天": words that total up the dates just before them.
    private static let lengthTotals = ["共", "计", "为期", "合", "工期", "历时"]

    private static let startWords = ["开工", "开始", "起始", "进场", "起租", "开业"]
    private static let finishWords = ["竣工", "完工", "完成", "结束", "截止", "届满", "到期", "终止"]
    private static let spanWords = ["工期", "为期", "共计", "合计", "总计", "历时"]

    /// "计划开工日期：2025年3月1日；计划竣工日期：2025年6月30日；总工期90日历天": a start date, an end date and the
    /// length between them, in one sentence or each in its own of one clause, that disagree (121 days against 90).
    private func scheduleSpan(in sentences: [Sentence]) -> [AnalyzerHit] {
        guard sentences.contains(where: { $0.contains(Self.spanWords) }), sentences.contains(where: { $0.contains(Self.startWords) }),
              sentences.contains(where: { $0.contains(Self.finishWords) }) else { return [] }
        // "开工日期：2025年3月1日", "应于2025年3月1日进场施工": the word is just before the date or just after it.
        func labelled(_ date: DateMention, in sentence: Sentence, by words: [String]) -> Bool {
            let before = text.string(max(sentence.range.lowerBound, date.range.lowerBound - 8)..<date.range.lowerBound)
            let after = text.string(date.range.upperBound..<min(sentence.range.upperBound, date.range.upperBound + 4))
            return words.contains { before.contains($0) || after.contains($0) }
        }
        var start: DateMention?, end: DateMention?
        for sentence in sentences where sentence.contains(["年"]) {
            for date in Quantities.dates(in: sentence.searchable) {
                if start == nil, labelled(date, in: sentence, by: Self.startWords) {
                    start = date
                } else if start != nil, end == nil, labelled(date, in: sentence, by: Self.finishWords) {
                    end = date
                }
            }
        }
        guard let start, let end, end.ordinal > start.ordinal else { return [] }
        for sentence in sentences where sentence.contains(Self.spanWords) {
            for stated in Quantities.periods(in: sentence.searchable) where [.day, .month, .year].contains(stated.unit) {
                let before = text.string(max(sentence.range.lowerBound, stated.range.lowerBound - 6)..<stated.range.lowerBound)
                guard Self.spanWords.contains(where: before.contains) else { continue }
                guard let disagreement = lengthDisagreement(stated, from: start, to: end) else { return [] }
                let range = min(start.range.lowerBound, stated.range.lowerBound)..<max(end.range.upperBound, stated.range.upperBound)
                let quoted = sentences.filter { $0.range.overlaps(range) }
                return [AnalyzerHit(range: quoted[0].range.lowerBound..<quoted[quoted.count - 1].range.upperBound, party: nil,
                                    detail: disagreement)]
            }
        }
        return []
    }

    /// "2026年2月28日前": the date is a deadline, not a start.
    private func isDeadline(_ date: DateMention) -> Bool {
        let after = text.string(date.range.upperBound..<min(text.scalars.count, date.range.upperBound + 3))
        return ["前", "以前", "之前"].contains { after.hasPrefix($0) }
    }

    // MARK: - Courts

    /// "由北京市海淀区人民法院管辖": the place words of a court named by place, before 人民法院.
    private static let namedCourt = CompiledRegex(fixed:
        "(\\p{Han}{2,16}?(?:省|市|区|县|州|旗))(?:第[一二三四五六七八九十]+)?(?:中级|基层|高级)?人民法院")
    private static let courtLead = CompiledRegex(fixed: "^.*(?:由|向|提交|交|至|在|于|或|的|及|和)")
    private static let placeSuffixCharacters = CharacterSet(charactersIn: "省市区县州旗")
    /// Words that name a court by its link to the dispute, not by place.
    private static let relativeCourt = ["所在地", "住所地", "原告", "被告", "管辖权", "履行地", "签订地", "当地", "本地", "注册地",
                                        "一方", "双方", "甲方", "乙方"]

    /// 民事诉讼法第三十五条: a chosen court must be at a place with an actual connection to the dispute. A court named
    /// by a place that the contract mentions nowhere else (no party's address, no place of signing or performance)
    /// has none.
    private func courtConnection(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["人民法院"]), sentence.contains(["管辖", "诉讼", "起诉", "解决"]) else { return [] }
        let searchable = sentence.searchable
        for match in Self.namedCourt.matches(in: searchable) {
            guard var place = searchable.group(1, of: match), !Self.relativeCourt.contains(where: place.contains)
            else { continue }
            if let lead = Self.courtLead.firstMatch(in: SearchableText(place, base: 0)) {
                place = String(place.dropFirst(lead.range.length))
            }
            let words = place.components(separatedBy: Self.placeSuffixCharacters).filter { $0.count >= 2 }
            guard !words.isEmpty else { continue }
            let elsewhere = words.contains { word in
                let scalars = Array(word.unicodeScalars)
                return text.contains(scalars, in: 0..<sentence.range.lowerBound)
                    || text.contains(scalars, in: sentence.range.upperBound..<text.scalars.count)
            }
            if !elsewhere {
                return [AnalyzerHit(range: sentence.range, party: nil,
                                    detail: "约定的\(place)人民法院所在地在合同其他部分均未出现，与当事人住所地、合同履行地、签订地均无联系")]
            }
        }
        return []
    }


    /// 民事诉讼法第三十五条 allows the place of signing or performance as a forum; a contract that sets that place in
    /// the counterparty's own district makes the forum its home court in all but name. The hit quotes the court
    /// sentence and, when the place is defined right after it in the same clause, that sentence too.
    private func courtAtOtherSeat(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["人民法院", "法院"]), sentence.contains(["管辖", "诉讼", "起诉"]) else { return [] }
        if let named = courtNamedAtOtherSeat(sentence) { return [named] }
        // The place of performance is where the work is really done, the forum the law itself offers (民事诉讼法第二十四
        // 条); a signing place written down as the other side's city is a forum chosen for them.
        guard sentence.contains(["签订地"]) else { return [] }
        guard let signing = SigningPlace.first(in: sentence.searchable) ?? facts.signingPlace,
              let district = signing.district, isCounterpartysSeat(Array(district.unicodeScalars)) else { return [] }
        let placeRange = signing.range
        let quoted = placeRange.lowerBound >= sentence.range.upperBound && placeRange.lowerBound - sentence.range.upperBound < 40
            ? sentence.range.lowerBound..<placeRange.upperBound : sentence.range
        return [AnalyzerHit(range: quoted, party: nil,
                            detail: "约定由合同签订地法院管辖，而该地点\(signing.place)位于对方住所地")]
    }

    private static let courtSeatSuffixes = Set("市区县".unicodeScalars)

    /// "提交景洪市人民法院诉讼解决", "上海市徐汇区人民法院" when the counterparty's header block names 景洪 (上海) and the
    /// reviewer's does not: the court named by its city, district or county is the other side's.
    private func courtNamedAtOtherSeat(_ sentence: Sentence) -> AnalyzerHit? {
        for start in sentence.offsets(of: "人民法院") where !isCourtAtPropertysPlace(start, in: sentence)
            && !text.string(max(sentence.range.lowerBound, start - 16)..<start).contains("履行地") {
            let name = max(sentence.range.lowerBound, start - 10)..<start
            for suffix in name where Self.courtSeatSuffixes.contains(text.scalars[suffix]) {
                for length in [3, 2] where suffix - length >= name.lowerBound {
                    let place = Array(text.scalars[(suffix - length)..<suffix])
                    guard place.allSatisfy({ $0.properties.isIdeographic }), isCounterpartysSeat(place) else { continue }
                    let court = String(String.UnicodeScalarView(text.scalars[(suffix - length)..<(start + 4)]))
                    return AnalyzerHit(range: sentence.range, party: nil, detail: "约定由\(court)管辖，该地为对方所在地")
                }
            }
        }
        return nil
    }

    /// "向该商铺所在地的成都市锦江区人民法院起诉": a court chosen for where the premises, site or project is, not for
    /// whose seat it is (for leases of buildings and construction it is the statutory forum), however the seats fall.
    private func isCourtAtPropertysPlace(_ court: Int, in sentence: Sentence) -> Bool {
        let lead = text.string(max(sentence.range.lowerBound, court - 24)..<court)
        guard let located = lead.range(of: "所在地", options: .backwards) else { return false }
        let owner = lead[..<located.lowerBound].suffix(6)
        let seats = PartyVocabulary.designations + sides.reviewerTerms + sides.counterpartyTerms + ["住所", "住址", "公司", "方", "原告", "被告"]
        return !seats.contains(where: owner.contains)
    }

    /// Whether `place` is written in the counterparty's header block (name, address) and not in the reviewer's.
    private func isCounterpartysSeat(_ place: [Unicode.Scalar]) -> Bool {
        func named(by terms: [String]) -> Bool {
            facts.blocks.contains { block in block.terms.contains(where: terms.contains) && text.contains(place, in: block.span) }
        }
        return named(by: sides.counterpartyTerms) && !named(by: sides.reviewerTerms)
    }

    /// "提交上海仲裁委员会仲裁" when the counterparty's header block names 上海 and the reviewer's does not: arbitration
    /// at the other side's seat, as `courtAtOtherSeat` is for a court. The city is the two or three characters before
    /// 仲裁委员会 ("石家庄仲裁委员会"), looked up in the blocks' lines (name, address).
    private func arbitrationAtOtherSeat(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["仲裁委员会"]) else { return [] }
        for start in sentence.offsets(of: "仲裁委员会") {
            // 中国国际经济贸易仲裁委员会 and 中国海事仲裁委员会 are national: their "贸易" is no city, even when a party's
            // address is in a 自由贸易试验区.
            let name = text.scalars[max(sentence.range.lowerBound, start - 10)..<start]
            if name.containsScalars(of: "中国") { continue }
            for length in [3, 2] where start - length >= sentence.range.lowerBound {
                let city = Array(text.scalars[(start - length)..<start])
                guard city.allSatisfy({ $0.properties.isIdeographic }), isCounterpartysSeat(city) else { continue }
                return [AnalyzerHit(range: sentence.range, party: nil,
                                    detail: "约定由\(String(String.UnicodeScalarView(city)))仲裁委员会仲裁，该地为对方所在地")]
            }
        }
        return []
    }

    /// "到货当日完成检验", "即时组织卸车验收": inspection with no time at all ("验收合格当日起" is not one).
    private static let onTheSpot = CompiledRegex(fixed: "(?:当场|当日|当天|即时|当面)[^。；，,\\n]{0,8}(?:验收|检验|验货|清点|提出)")

    /// The party is the one inspecting: "乙方送货至甲方食堂，由甲方当场验收" burdens 甲方, not the seller. Checking a
    /// statement counts too: "收到对账单后一个工作日内核对反馈，逾期视为确认".
    private func shortInspection(_ sentence: Sentence) -> [AnalyzerHit] {
        // "收到订单后1个工作日内确认或提出异议" is about accepting an order, not about goods received.
        // Nor is an objection to a performance score ("对考核结果有异议的，可在三个工作日内申请复核"), nor a look at model,
        // count, appearance and labels that leaves quality to later ("三个工作日内……进行初步验收", "对品名、数量、外观……进行
        // 验收", "对数量、包装、标签、批号、有效期进行验收").
        guard sentence.contains(["验收", "检验", "异议", "验货", "核对", "索赔", "短少"]),
              !(sentence.contains(["订单"]) && !sentence.contains(["验收", "检验", "验货"])),
              !sentence.contains(["考核", "评分", "初步验收", "初验"]),
              !(sentence.contains(["外观", "包装", "标签", "批号", "有效期"]) && !sentence.contains(["质量", "性能", "功能", "品质", "全面"])),
              // A statement of account ("结算单……三个工作日内核对确认") is checked, not goods.
              !(sentence.contains(["结算单", "对账单", "账单"]) && !sentence.contains(["验收", "检验", "验货"])),
              // "发现后二十四小时内通知" runs from discovery, however late that is.
              !sentence.contains(["发现后", "发现之日"]) else { return [] }
        // Where defects an inspection at delivery cannot reveal stay claimable from their discovery, a short look at
        // delivery costs the buyer nothing it needs (民法典第622条 reads a too-short period the same way).
        guard !facts.keepsLatentDefects else { return [] }
        // "甲方可以在签收后三个工作日内抽样检验" with nothing lost when it does not is an option, not a cut-off.
        guard !(sentence.contains(["可以在", "可在", "有权在"]) && !sentence.contains(Self.lapseWords)) else { return [] }
        let searchable = sentence.searchable
        // "乙方应在收到质量异议之日起三个工作日内派员核查" is the time to answer an objection, not to raise one.
        guard !(sentence.contains(["收到", "接到"]) && Self.answeringObjection.firstMatch(in: searchable) != nil) else { return [] }
        if sentence.contains(["当场", "当日", "当天", "即时", "当面"]), let spot = Self.onTheSpot.firstMatch(in: searchable) {
            return [AnalyzerHit(range: sentence.range, party: party(actingAt: searchable.documentRange(spot.range).lowerBound, in: sentence),
                                detail: "验收或提出异议须在交付当时完成")]
        }
        // "隐蔽前四十八小时书面通知甲方验收" is notice given ahead, not time to inspect.
        guard let period = Quantities.periods(in: searchable).first(where: {
            ($0.unit == .workday ? $0.amount <= 3 : ($0.unit == .day || $0.unit == .hour) && $0.days <= 3.5)
                && !isAdvanceNotice($0.range)
                && !isOtherDeadline($0.range)
        }) else { return [] }
        let unit = period.unit == .workday ? "个工作日" : period.unit == .hour ? "小时" : "日"
        return [AnalyzerHit(range: sentence.range, party: party(actingAt: period.range.lowerBound, in: sentence),
                            detail: "验收或提出异议的期限仅\(period.amount)\(unit)")]
    }

    private static let answeringObjection = CompiledRegex(fixed:
        "(?:收到|接到)[^。；，\\n]{0,8}(?:异议|索赔|投诉)(?:通知|书面通知|函)?(?:之日起|后)")

    /// "通过当场验收难以发现的质量问题……甲方应在发现后二十四小时内通知乙方": hidden defects are claimed from discovery.
    private static let latentDefects = CompiledRegex(fixed:
        "(?:难以发现|不能发现|无法发现|隐蔽瑕疵|隐蔽缺陷|内在质量|潜在缺陷|内在缺陷)[^。\\n]{0,80}发现(?:后|之日)")

    static func keepsLatentDefects(_ whole: SearchableText, in text: ReviewText) -> Bool {
        (text.contains("发现后") || text.contains("发现之日")) && latentDefects.firstMatch(in: whole) != nil
    }

    /// Words that make a missed inspection period cost the buyer something.
    private static let lapseWords = ["视为", "逾期", "否则", "不予", "不再", "丧失", "放弃", "未提出", "未在"]

    /// "验收合格后三日内支付35%" is time to pay, "24小时内提供检验记录" time to hand over papers, "七十二小时内将商品送至"
    /// time to deliver, "三个工作日内补足或更换" time to put a defect right, "留样48小时" how long a sample is kept, "不少于两日的
    /// 培训" a minimum: none is time to inspect.
    private func isOtherDeadline(_ period: Range<Int>) -> Bool {
        let after = text.scalars[period.upperBound..<min(text.scalars.count, period.upperBound + 8)]
        let before = text.scalars[max(0, period.lowerBound - 3)..<period.lowerBound]
        // "检验完成后两个工作日内书面通知" is time to report a result already found, not to inspect.
        let earlier = text.scalars[max(0, period.lowerBound - 8)..<period.lowerBound]
        if ["完成后", "结束后", "报告后", "结果后"].contains(where: { earlier.containsScalars(of: $0) }) { return true }
        // "三日内书面提出并提供第三方检测报告" is still time to object.
        if ["提出", "异议"].contains(where: { after.containsScalars(of: $0) }) { return false }
        return ["支付", "付款", "付清", "结算", "提供", "提交", "出具", "送至", "送达", "运至", "发货", "交货",
                "核实", "补足", "补发", "更换", "调换", "答复", "回复", "整改", "修复", "维修", "搬离", "腾退", "交还", "返还",
                "撤场", "撤离"].contains { after.containsScalars(of: $0) }
            || ["留样", "保存", "保留", "存放", "不少于", "至少", "不低于"].contains { before.containsScalars(of: $0) }
    }

    private func isAdvanceNotice(_ period: Range<Int>) -> Bool {
        let before = text.string(max(0, period.lowerBound - 1)..<period.lowerBound)
        let after = text.string(period.upperBound..<min(text.scalars.count, period.upperBound + 4))
        return before == "前" || after.hasPrefix("通知") || after.hasPrefix("书面通知") || after.hasPrefix("提前通知")
    }

    // MARK: - Parties

    /// The code after its label, 16 to 19 characters: a 15-digit old registration number under the new label is left alone.
    private static let creditCodePattern = CompiledRegex(fixed: "统一社会信用代码[^：:\\n]{0,6}[：:]\\s*([0-9A-Za-z]{16,19})(?![0-9A-Za-z])")
    private static let idPattern = CompiledRegex(fixed: "(?:身份证|公民身份号码)[^：:\\n]{0,6}[：:]\\s*([0-9]{17}[0-9Xx])")

    private func creditCodes(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["统一社会信用代码"]) else { return [] }
        let searchable = sentence.searchable
        return Self.creditCodePattern.matches(in: searchable).compactMap { match in
            guard let code = searchable.group(1, of: match)?.uppercased(), !RegistrationNumber.isValidCreditCode(code)
            else { return nil }
            guard code.count == 18 else {
                return AnalyzerHit(range: sentence.range, party: nil, detail: "统一社会信用代码\(code)共\(code.count)位，应为18位")
            }
            let expected = RegistrationNumber.creditCodeCheckCharacter(code).map { "校验位应为\($0)" } ?? "含有非法字符"
            return AnalyzerHit(range: sentence.range, party: nil, detail: "统一社会信用代码\(code)未通过GB 32100校验（\(expected)）")
        }
    }

    private func idNumbers(_ sentence: Sentence) -> [AnalyzerHit] {
        guard sentence.contains(["身份证", "公民身份号码"]) else { return [] }
        let searchable = sentence.searchable
        return Self.idPattern.matches(in: searchable).compactMap { match in
            guard let number = searchable.group(1, of: match)?.uppercased(), !RegistrationNumber.isValidIDNumber(number)
            else { return nil }
            guard RegistrationNumber.hasValidBirthDate(number) else {
                return AnalyzerHit(range: sentence.range, party: nil,
                                   detail: "身份证号\(number)第7至14位的出生日期\(number.dropFirst(6).prefix(8))不是真实存在的日期")
            }
            let expected = RegistrationNumber.idCheckCharacter(number).map { "校验码应为\($0)" } ?? ""
            return AnalyzerHit(range: sentence.range, party: nil, detail: "身份证号\(number)未通过GB 11643校验（\(expected)）")
        }
    }

    private func partyNameMismatch(_ sentence: Sentence) -> [AnalyzerHit] {
        // Signature names sit on lines that say 盖章/签字…; other sentences need not look at every signature.
        guard sentence.contains(PartyExtractor.signatureMarks) else { return [] }
        return facts.signatures.filter { sentence.range.contains($0.range.lowerBound) }.compactMap { signature in
            // The operator of a sole proprietorship or the legal representative named in the party's own block may sign
            // for it: "经营者：李春燕" … "甲方（签字盖章）：李春燕".
            guard let block = facts.blocks.first(where: { $0.terms.contains(signature.designation) }),
                  Self.normalized(block.name) != Self.normalized(signature.name),
                  !text.string(block.span).contains(Self.normalized(signature.name)) else { return nil }
            return AnalyzerHit(range: sentence.range, party: signature.designation,
                               detail: "首部记载的\(signature.designation)为“\(block.name)”，签署处为“\(signature.name)”")
        }
    }

    /// Blanks and bracket widths do not count, nor a trailing note such as “（乙方之父）”; a bracket inside the name,
    /// 某某（上海）有限公司, stays.
    private static func normalized(_ name: String) -> String {
        var written = String(name.unicodeScalars.filter { !$0.isBlank }.map { $0 == "(" ? "（" : $0 == ")" ? "）" : Character($0) })
        if written.hasSuffix("）"), let open = written.lastIndex(of: "（"), open > written.startIndex {
            written = String(written[..<open])
        }
        return written
    }

    // MARK: - Formatting

    static func months(from start: DateMention, to end: DateMention) -> Double {
        Double((end.year - start.year) * 12 + (end.month - start.month)) + Double(end.day - start.day + 1) / 30.4
    }

    /// Calendar days from `start` to `end`, both counted.
    static func daysInclusive(from start: DateMention, to end: DateMention) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func date(_ mention: DateMention) -> Date? {
            calendar.date(from: DateComponents(year: mention.year, month: mention.month, day: mention.day))
        }
        guard let from = date(start), let to = date(end) else { return 0 }
        return (calendar.dateComponents([.day], from: from, to: to).day ?? 0) + 1
    }

    /// "本协议自2025年11月31日起生效": a day the month does not have. Only the last days of a month can be wrong, so a
    /// sentence without one is passed over before any regex runs.
    private func nonexistentDate(_ sentence: Sentence) -> AnalyzerHit? {
        let scalars = sentence.scalars
        guard scalars.indices.dropFirst().contains(where: { scalars[$0] == "日" && Self.lastDayDigits.contains(scalars[$0 - 1]) }),
              let date = Quantities.dates(in: sentence.searchable).first(where: { $0.day > Self.daysIn(month: $0.month, of: $0.year) })
        else { return nil }
        return AnalyzerHit(range: sentence.range, party: nil,
                           detail: "合同写的\(Self.day(date))并不存在（该月只有\(Self.daysIn(month: date.month, of: date.year))日）")
    }

    /// The last figure of a day that only some months have: 29, 30, 31, 二十九, 三十, 三十一.
    private static let lastDayDigits: Set<Unicode.Scalar> = ["9", "0", "1", "九", "十", "一"]

    static func daysIn(month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func day(_ date: DateMention) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    /// "1,106,000元", "1,250.50元". Written by hand: a NumberFormatter per call cost more than the analyzers.
    static func yuan(_ cents: Int) -> String {
        var digits = String(abs(cents) / 100)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        let fraction = abs(cents) % 100 == 0 ? "" : "." + String(format: "%02d", abs(cents) % 100)
        return (cents < 0 ? "-" : "") + digits + grouped + fraction + "元"
    }

    static func percent(_ fraction: Double) -> String { number((fraction * 10_000).rounded() / 100) + "%" }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
