import Foundation

/// Reviews Chinese contracts: segments the text into clauses, extracts parties, amounts, dates and rates,
/// applies the rule catalog from the reviewer's side and scores the result.
public struct ReviewEngine: Sendable {
    let catalog: Catalog

    /// Built-in catalog and statutes from the bundle; an optional playbook directory (or single YAML file) adds
    /// or overrides rules by id. Throws `PlaybookError` naming the file and line at fault.
    public init(playbook: URL? = nil) throws {
        guard let resources = Bundle.module.resourceURL else {
            throw PlaybookError(file: "Bundle.module", line: 0, reason: "resources not found")
        }
        catalog = try Catalog(resources: resources, playbook: playbook)
    }

    /// The kind of contract, from its title first and the party designations second; `.other` when unclear.
    public func detectContractType(in text: String) -> ContractType {
        ContractTypeDetector.detect(in: text)
    }

    /// The reviewer's role when only their name is known: the role of the party block bearing that name (the header,
    /// "乙方（采购方）：某某公司", says which side it is). Nil when no block matches or its role is unclear.
    public func detectRole(in text: String, partyNames: [String], contractType: ContractType? = nil) -> Role? {
        let type = contractType ?? detectContractType(in: text)
        return parties(in: text, type: type).first { party in
            partyNames.contains { !$0.isEmpty && (party.name.contains($0) || $0.contains(party.name)) }
        }?.role
    }

    /// The parties named in the contract header, with their designation, name, likely role and credit code.
    public func parties(in text: String) -> [Party] {
        parties(in: text, type: detectContractType(in: text))
    }

    private func parties(in text: String, type: ContractType) -> [Party] {
        let reviewText = ReviewText(text)
        return Self.partyBlocks(reviewText, clauses: Segmenter.clauses(of: reviewText), type: type).map {
            Party(designation: $0.designation, name: $0.name, role: $0.role, creditCode: $0.creditCode)
        }
    }

    /// Reviews `text` for the reviewer in `role`. `partyNames` (the reviewer's own names, when known) decide which
    /// designation is the reviewer's. Reports progress through segmenting, entities, analyzing (several times) and
    /// reporting; otherwise pure and deterministic.
    public func review(
        text: String, contractType: ContractType?, role: Role, partyNames: [String],
        progress: @Sendable (ReviewProgress) async -> Void
    ) async -> ReviewReport {
        await progress(ReviewProgress(stage: .segmenting, fraction: 0))
        let reviewText = ReviewText(text)
        let clauses = Segmenter.clauses(of: reviewText)
        await progress(ReviewProgress(stage: .segmenting, fraction: 1))

        await progress(ReviewProgress(stage: .entities, fraction: 0))
        let type = contractType ?? detectContractType(in: text)
        let blocks = Self.partyBlocks(reviewText, clauses: clauses, type: type)
        let sides = PartySides(blocks: blocks, type: type, role: role, partyNames: partyNames)
        let whole = SearchableText(text, base: 0)
        let clauseRanges = clauses.map(\.range)
        let facts = ContractFacts(
            blocks: blocks, signatures: PartyExtractor.signatures(in: reviewText),
            statedPrice: Self.contractPrice(whole, in: reviewText, type: type), term: Self.contractTerm(reviewText, clauses: clauses),
            signed: Self.signingDate(whole, in: reviewText), patent: LicensedPatent.stated(in: reviewText, whole: whole),
            keepsLatentDefects: Analyzers.keepsLatentDefects(whole, in: reviewText),
            signingPlace: reviewText.contains("签订地") ? SigningPlace.first(in: whole) : nil,
            hasDeposit: reviewText.contains("定金"), hasPenalty: reviewText.contains("违约金"),
            monthlyWage: type == .employment ? Analyzers.statedMonthlyWage(in: reviewText, clauses: clauseRanges) : nil,
            areas: reviewText.contains("平方米") && reviewText.contains("面积") ? Analyzers.statedAreas(in: whole) : [],
            trainingCost: type == .employment ? Analyzers.statedTrainingCost(in: reviewText, clauses: clauseRanges) : nil,
            serviceYears: type == .employment ? Analyzers.statedServiceYears(in: reviewText, clauses: clauseRanges) : nil,
            shareBases: Analyzers.agreedShareBases(in: reviewText, clauses: clauseRanges),
            statedBases: reviewText.contains("即") ? Analyzers.statedShareBases(in: whole, of: reviewText) : [:])
        await progress(ReviewProgress(stage: .entities, fraction: 1))

        func session(_ voice: ReviewSession.Voice, sides: PartySides, applies: (Rule) -> Bool) -> ReviewSession {
            ReviewSession(
                text: reviewText, whole: whole, sides: sides, role: role, voice: voice, type: type,
                positions: catalog.rules.indices.filter { applies(catalog.rules[$0]) }, catalog: catalog.rules,
                regexes: catalog.regexes,
                analyzers: Analyzers(text: reviewText, facts: facts, settings: catalog.settings, sides: sides,
                                     regexes: catalog.regexes))
        }
        // The reviewer's own risks, and the clauses the reviewer's side wrote that are unlawful for the other side
        // (read from that side, told to the reviewer).
        var sessions = [session(.reviewer, sides: sides) { $0.applies(to: type, role: role) }]
        let drafter = session(.drafter, sides: sides.swapped) { $0.appliesToDrafter(of: type, role: role) }
        if !drafter.rules.isEmpty { sessions.append(drafter) }
        var candidates: [Finding] = []
        let step = max(1, clauses.count / 10)
        await progress(ReviewProgress(stage: .analyzing, fraction: 0))
        for (index, entry) in clauses.enumerated() {
            let worthVisiting = catalog.gates.candidates(in: reviewText.scalars[entry.range])
            for view in sessions.indices {
                candidates += sessions[view].findings(in: entry.clause, range: entry.range, visiting: worthVisiting)
            }
            if (index + 1) % step == 0 || index + 1 == clauses.count {
                await progress(ReviewProgress(stage: .analyzing, fraction: Double(index + 1) / Double(max(1, clauses.count))))
            }
        }
        for view in sessions.indices { candidates += sessions[view].documentFindings() }

        await progress(ReviewProgress(stage: .reporting, fraction: 0))
        let concerns = sessions.reduce(into: [String: String]()) { all, session in
            all.merge(session.concernByRule) { kept, _ in kept }
        }
        let findings = FindingMerger.merge(candidates, concerns: concerns, text: reviewText)
        let parties = blocks.map { Party(designation: $0.designation, name: $0.name, role: $0.role, creditCode: $0.creditCode) }
        let report = ReviewReport(
            contractType: type, role: role, parties: parties, clauseCount: clauses.count, findings: findings,
            summary: RiskScore.summary(of: findings))
        await progress(ReviewProgress(stage: .reporting, fraction: 1))
        return report
    }

    /// Party blocks come from the text before the first numbered clause (the whole text when it has none).
    static func partyBlocks(_ text: ReviewText, clauses: [(clause: Clause, range: Range<Int>)], type: ContractType) -> [PartyBlock] {
        let firstArticle = clauses.first { !$0.clause.number.isEmpty }?.range.lowerBound ?? text.scalars.count
        return PartyExtractor.blocks(in: SearchableText(text.string(0..<firstArticle), base: 0), type: type)
    }

    private static let priceWords = CompiledRegex(fixed:
        "(?:合同总价款|合同总价|总价款|合同总金额|合同总额|\\p{Han}{0,3}费(?:用)?总额|合同金额|合同价款|年度\\p{Han}{1,4}?费|加盟费|借款金额|总价)")

    /// The first amount stated next to a word for the total price, else after a fee added up, with the words that state
    /// it. An employment contract has no price: the fees it adds up are training costs.
    static func contractPrice(_ whole: SearchableText, in text: ReviewText, type: ContractType) -> StatedPrice? {
        priceWords.firstValue(in: whole) { match in
            let word = whole.documentRange(match.range)
            return amount(after: word.upperBound, in: text).map {
                StatedPrice(cents: $0.cents, statement: text.phrase(around: word.lowerBound..<$0.range.upperBound))
            }
        } ?? (type == .employment ? nil : feeTotal(in: text))
    }

    private static let feeTotalWords = ["合计", "总计", "共计"].map { Array($0.unicodeScalars) }
    private static let feeWords = ["费", "价款", "货款"].map { Array($0.unicodeScalars) }

    /// "基础服务费：每家项目医院人民币560,000元，三家合计人民币1,680,000元": the first total that a fee named shortly
    /// before it in the same sentence adds up. Found from the total words, not by a regex over the whole text: most of
    /// a long contract has no total at all.
    private static func feeTotal(in text: ReviewText) -> StatedPrice? {
        let end = text.scalars.count
        let totals = feeTotalWords.flatMap { word in
            sequence(first: text.firstOffset(of: word, in: 0..<end)) { at in
                at.flatMap { text.firstOffset(of: word, in: ($0 + word.count)..<end) }
            }.compactMap { $0 }.map { (at: $0, after: $0 + word.count) }
        }.sorted { $0.at < $1.at }
        for total in totals {
            let window = max(0, total.at - 34)..<total.at
            let start = text.scalars[window].lastIndex { "。；\n".unicodeScalars.contains($0) }.map { $0 + 1 } ?? window.lowerBound
            guard let fee = feeWords.compactMap({ text.firstOffset(of: $0, in: start..<total.at) }).min(),
                  let amount = amount(after: total.after, in: text) else { continue }
            return StatedPrice(cents: amount.cents, statement: text.phrase(around: fee..<amount.range.upperBound))
        }
        return nil
    }

    /// The first amount within 40 characters after `offset`, before the sentence ends.
    private static func amount(after offset: Int, in text: ReviewText) -> MoneyMention? {
        let window = offset..<min(text.scalars.count, offset + 40)
        let stop = text.scalars[window].firstIndex { "。；\n".unicodeScalars.contains($0) } ?? window.upperBound
        return Quantities.money(in: SearchableText(text.string(offset..<stop), base: offset)).first
    }

    /// "签订日期：2025年5月12日", "本合同于2025年5月12日在…签订": the date the contract says it was signed.
    private static let signingLabel = CompiledRegex(fixed:
        "(?:(?:签订|签署|签约)(?:日期|时间)[：:为\\s]*|本(?:合同|协议)(?:于|在)\\s*)(?=[0-9零〇一二三四五六七八九]{4}\\s*年)")

    static func signingDate(_ whole: SearchableText, in text: ReviewText) -> DateMention? {
        signingLabel.firstMatch(in: whole).flatMap { Quantities.date(at: whole.documentRange($0.range).upperBound, in: text) }
    }

    /// Words of a sentence that states some other period than the contract's own ("试用期六个月", "付款期限30日").
    private static let otherPeriods = ["试用期", "保密", "竞业", "质量保证", "保修", "质保", "付款", "验收", "异议", "交货", "保证期间"]

    /// The contract term from the first sentence such as "合同期限为二年", "有效期自…起至…止" or
    /// "本合同为固定期限劳动合同，期限二年，自…起至…止".
    static func contractTerm(_ text: ReviewText, clauses: [(clause: Clause, range: Range<Int>)]) -> ContractTerm? {
        for entry in clauses where text.scalars[entry.range].containsScalars(of: "期") || text.scalars[entry.range].containsScalars(of: "签") {
            for sentence in Analyzers.sentences(of: text, in: entry.range)
            where sentence.contains(termWords) || sentence.contains(everydayTermWords) {
                // "期限二年，自…起至…止，其中试用期三个月": the parts about other periods are left out, not the sentence.
                let parts = Analyzers.commaParts(of: sentence, in: text).filter { !$0.contains(otherPeriods) }
                guard parts.contains(where: { $0.contains(termWords) || $0.contains(everydayTermWords) }) else { continue }
                let dates = parts.flatMap { Quantities.dates(in: $0.searchable) }
                if dates.count >= 2 {
                    return ContractTerm(months: Analyzers.months(from: dates[0], to: dates[1]), start: dates[0], end: dates[1],
                                        sentence: sentence.range)
                }
                if let period = parts.lazy.flatMap({ part in Quantities.periods(in: part.searchable).filter { statesTerm($0, in: part) } })
                    .first(where: { $0.unit == .year || $0.unit == .month }) {
                    return ContractTerm(months: period.days / 30.4, start: dates.first, end: nil, sentence: sentence.range)
                }
            }
        }
        return nil
    }

    /// Whether `period` is the term `part` states: any period beside 期限 or 有效期; beside an everyday word only the
    /// length right after it ("合同签一年", "租期三年"), not "合同期满前一个月通知" nor "一个月后合同期满".
    private static func statesTerm(_ period: PeriodMention, in part: Sentence) -> Bool {
        part.contains(termWords) || everydayTermWords.contains { word in
            part.offsets(of: word).contains { (0...1).contains(period.range.lowerBound - $0 - word.unicodeScalars.count) }
        }
    }

    private static let termWords = ["期限", "有效期", "租赁期", "服务期"]
    /// How a contract written without a lawyer states its term: "合同签一年，从…到…", "租期三年".
    private static let everydayTermWords = ["合同签", "合同期", "租期", "聘期", "签约期"]
}

/// The mutable state of one review: regexes compiled for these parties, and document-wide checks done once.
private struct ReviewSession {
    /// Whose texts a finding uses: the rule's own, or its drafter view, where `sides` are the reviewer's swapped.
    enum Voice { case reviewer, drafter }

    let text: ReviewText
    let whole: SearchableText
    let sides: PartySides
    let role: Role
    let voice: Voice
    let type: ContractType
    /// The rules of this review, and their positions in the catalog (the gate index's names for them).
    let rules: [Rule]
    private let positions: [Int]
    let analyzers: Analyzers
    let regexes: CompiledRegexCache
    var regexCache: [RulePattern.Key: CompiledRegex] = [:]
    var documentMatches: [RulePattern.Key: Bool] = [:]
    var literalLines: [[Unicode.Scalar]: [Int]] = [:]

    var concernByRule: [String: String] { Dictionary(rules.map { ($0.id, $0.concern) }, uniquingKeysWith: { a, _ in a }) }

    init(text: ReviewText, whole: SearchableText, sides: PartySides, role: Role, voice: Voice, type: ContractType,
         positions: [Int], catalog: [Rule], regexes: CompiledRegexCache, analyzers: Analyzers) {
        self.text = text
        self.whole = whole
        self.sides = sides
        self.role = role
        self.voice = voice
        self.type = type
        self.positions = positions
        rules = positions.map { catalog[$0] }
        self.regexes = regexes
        self.analyzers = analyzers
    }

    /// The findings of the rules that `visiting` holds (the others cannot fire on this clause).
    mutating func findings(in clause: Clause, range: Range<Int>, visiting: GateIndex.Candidates) -> [Finding] {
        let searchable = SearchableText(clause.text, base: range.lowerBound)
        let bloom = ScalarBloom(text.scalars[range])
        var sentences: [Sentence]?
        // Found only if some analyzer hit names no party.
        lazy var clauseParty = analyzers.firstParty(in: searchable)
        var result: [Finding] = []
        for index in rules.indices where visiting.contains(positions[index]) {
            let rule = rules[index]
            var evidence: (range: Range<Int>, detail: String, level: RiskLevel?)?
            if let analyzer = rule.trigger.analyzer {
                guard rule.trigger.any.allSatisfy({ gatePasses($0, range, bloom) }) else { continue }
                if rule.trigger.any.contains(where: { firstMatch($0, in: searchable) == nil }) { continue }
                if sentences == nil { sentences = Analyzers.sentences(of: text, in: range) }
                let hits = analyzers.hits(analyzer, in: range, sentences: sentences ?? []).filter { hit in
                    guard let burdens = rule.trigger.burdens else { return true }
                    // A sentence that names no party ("有异议的，应在签收后12小时内提出") speaks of the clause's.
                    guard let party = hit.party ?? clauseParty else { return false }
                    let side = sides.side(of: party)
                    // A duty on "either side" burdens the reviewer, never only the counterparty.
                    return side == burdens || (side == .either && burdens == .reviewer)
                }
                // Like a regex rule, an analyzer that finds the problem in two sentences of a clause ("签约后支付70%；
                // 发货前付清至95%") quotes both, as long as they stay within a quote's length; the first one explains.
                evidence = hits.first.map { first in
                    let quoted = hits.dropFirst().reduce(first.range) { quoted, hit in
                        let joined = min(quoted.lowerBound, hit.range.lowerBound)..<max(quoted.upperBound, hit.range.upperBound)
                        return joined.count <= Quote.maximumLength ? joined : quoted
                    }
                    return (quoted, first.detail, first.level)
                }
            } else {
                evidence = regexEvidence(rule, searchable: searchable, range: range, bloom: bloom).map { ($0, "", nil) }
            }
            guard let evidence else { continue }
            guard rule.trigger.all.allSatisfy({ gatePasses($0, range, bloom) && firstMatch($0, in: searchable) != nil }),
                  !rule.trigger.unlessClause.contains(where: { gatePasses($0, range, bloom) && firstMatch($0, in: searchable) != nil }),
                  !matchesDocument(rule.trigger.unlessDocument), rule.trigger.allDocument.allSatisfy({ matchesDocument([$0]) })
            else { continue }
            let quote = Quote.range(around: evidence.range, in: text, clause: range)
            result.append(finding(rule, clauseID: clause.id, quote: quote, detail: evidence.detail, level: evidence.level))
        }
        return result
    }

    mutating func documentFindings() -> [Finding] {
        rules.filter { $0.scope == .document }.compactMap { rule in
            guard !rule.trigger.missing.isEmpty, !matchesDocument(rule.trigger.missing),
                  (rule.trigger.all + rule.trigger.allDocument).allSatisfy({ matchesDocument([$0]) }),
                  !matchesDocument(rule.trigger.unlessDocument) else { return nil }
            return finding(rule, clauseID: "document", quote: nil, detail: "")
        }
    }

    /// Every match the rule accepts in the clause, as one range: a clause with the same problem in two sentences
    /// ("著作权归乙方……乙方有权将成果销售给其他客户") quotes both, as long as their sentences stay within a quote's length.
    private mutating func regexEvidence(_ rule: Rule, searchable: SearchableText, range: Range<Int>, bloom: ScalarBloom)
        -> Range<Int>? {
        var evidence: (matched: Range<Int>, sentences: Range<Int>)?
        for pattern in rule.trigger.any where gatePasses(pattern, range, bloom) {
            let regex = pattern.regex(for: sides, cache: &regexCache, shared: regexes)
            for match in regex.matches(in: searchable) {
                let matched = searchable.documentRange(match.range)
                if let evidence, evidence.sentences.contains(matched.lowerBound) { continue }
                let sentence = Quote.sentence(around: matched, in: text, clause: range)
                let sentenceText = SearchableText(text.string(sentence), base: sentence.lowerBound)
                if rule.trigger.unless.contains(where: { firstMatch($0, in: sentenceText) != nil }) { continue }
                guard let found = evidence else {
                    // A clause of one sentence has no second sentence to add.
                    if sentence.lowerBound <= range.lowerBound && sentence.upperBound >= range.upperBound { return matched }
                    evidence = (matched, sentence)
                    continue
                }
                let sentences = min(found.sentences.lowerBound, sentence.lowerBound)..<max(found.sentences.upperBound, sentence.upperBound)
                if sentences.count <= Quote.maximumLength {
                    evidence = (min(found.matched.lowerBound, matched.lowerBound)..<max(found.matched.upperBound, matched.upperBound),
                                sentences)
                }
            }
        }
        return evidence?.matched
    }

    private func gatePasses(_ pattern: RulePattern, _ range: Range<Int>, _ bloom: ScalarBloom? = nil) -> Bool {
        pattern.gate.allSatisfy { group in
            group.contains { literal in (bloom?.mayContain(literal) ?? true) && text.contains(literal, in: range) }
        }
    }

    private mutating func firstMatch(_ pattern: RulePattern, in searchable: SearchableText) -> NSTextCheckingResult? {
        pattern.regex(for: sides, cache: &regexCache, shared: regexes).firstMatch(in: searchable)
    }

    private mutating func matchesDocument(_ patterns: [RulePattern]) -> Bool {
        patterns.contains { pattern in
            if let known = documentMatches[pattern.key] { return known }
            let found = matchesWholeText(pattern)
            documentMatches[pattern.key] = found
            return found
        }
    }

    /// Searches the whole text; a pattern that stays within a line only on the lines where its gate passes, since
    /// each search copies its range of the text first.
    private mutating func matchesWholeText(_ pattern: RulePattern) -> Bool {
        guard pattern.gate.allSatisfy({ group in group.contains { !lines(containing: $0).isEmpty } }) else { return false }
        guard pattern.staysWithinLine, let literals = pattern.gate.first else { return firstMatch(pattern, in: whole) != nil }
        let regex = pattern.regex(for: sides, cache: &regexCache, shared: regexes)
        return Set(literals.flatMap { lines(containing: $0) }).sorted().contains { line in
            gatePasses(pattern, text.lineRange(line)) && regex.firstMatch(in: whole, range: text.utf16Range(ofLine: line)) != nil
        }
    }

    /// The lines on which a gate literal occurs, found once per review: document patterns share their literals.
    private mutating func lines(containing literal: [Unicode.Scalar]) -> [Int] {
        if let known = literalLines[literal] { return known }
        let found = text.lines(containing: literal)
        literalLines[literal] = found
        return found
    }

    /// `level`: an analyzer's own reading of how serious this instance is, in place of the rule's.
    private func finding(_ rule: Rule, clauseID: String, quote: Range<Int>?, detail: String, level: RiskLevel? = nil) -> Finding {
        let drafter = voice == .drafter ? rule.drafter : nil
        // In the drafter's voice the sides are swapped back: {self} is still the reviewer.
        let (me, them) = drafter == nil ? (sides.reviewerName, sides.counterpartyName) : (sides.counterpartyName, sides.reviewerName)
        let values = ["self": me, "other": them, "role": role.label, "detail": detail]
        func fill(_ template: String) -> String { Template.fill(template, values) }
        return Finding(
            id: "", ruleID: rule.id, clauseID: clauseID, title: fill(drafter?.title ?? rule.title), category: rule.category,
            riskLevel: drafter?.level ?? level ?? rule.level, summary: fill(drafter?.summary ?? rule.summary),
            analysis: fill(drafter?.analysis ?? rule.analysis),
            suggestion: fill(drafter?.suggestion ?? rule.suggestion), clauseText: quote.map { text.string($0) } ?? "",
            span: quote.map { TextSpan(start: $0.lowerBound, end: $0.upperBound) },
            lineNumbers: quote.map { text.lines($0) } ?? [], statutes: rule.statutes)
    }
}

/// Replaces `{name}` placeholders of rule texts; unknown names are left as written.
enum Template {
    static func fill(_ template: String, _ values: [String: String]) -> String {
        guard template.contains("{") else { return template }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"), let value = values[String(rest[rest.index(after: open)..<close])]
            else {
                result.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

/// Chooses what a finding quotes: the sentence(s) around the evidence, without item numbers, at most ~300 scalars.
enum Quote {
    static let maximumLength = 300
    /// Longest sentence quoted whole from full stop to full stop.
    static let fullSentenceLength = 200

    /// The sentence containing `range`, within the clause.
    static func sentence(around range: Range<Int>, in text: ReviewText, clause: Range<Int>) -> Range<Int> {
        var start = range.lowerBound, end = max(range.upperBound, range.lowerBound + 1)
        while start > clause.lowerBound, !text.scalars[start - 1].endsSentence { start -= 1 }
        while end < clause.upperBound, !text.scalars[end - 1].endsSentence { end += 1 }
        return text.trimmed(start..<min(end, clause.upperBound))
    }

    /// The sentence up to its full stop when that stays short: a clause's halves joined by "；" often state one
    /// term ("应在送达当日验收；当日未提出异议的，视为合格").
    static func fullSentence(around range: Range<Int>, in text: ReviewText, clause: Range<Int>) -> Range<Int> {
        let part = sentence(around: range, in: text, clause: clause)
        var start = part.lowerBound, end = part.upperBound
        while start > clause.lowerBound, !text.scalars[start - 1].endsFullSentence { start -= 1 }
        while end < clause.upperBound, !text.scalars[end - 1].endsFullSentence { end += 1 }
        let full = text.trimmed(start..<min(end, clause.upperBound))
        return full.count <= fullSentenceLength ? full : part
    }

    static func range(around evidence: Range<Int>, in text: ReviewText, clause: Range<Int>) -> Range<Int> {
        let quote = dropItemNumber(fullSentence(around: evidence, in: text, clause: clause), in: text, keeping: evidence)
        guard quote.count > maximumLength else { return quote }
        let lower = max(quote.lowerBound, min(evidence.lowerBound, evidence.upperBound - maximumLength) - 40)
        return lower..<min(quote.upperBound, lower + maximumLength)
    }

    /// "5.2 甲方…" → "甲方…"; the number is not part of the risky text.
    private static func dropItemNumber(_ range: Range<Int>, in text: ReviewText, keeping evidence: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        let digitsOrDots: (Unicode.Scalar) -> Bool = { $0.isASCIIDigit || $0 == "." || $0 == "．" }
        if start < range.upperBound, text.scalars[start].isASCIIDigit {
            var k = start
            while k < range.upperBound, digitsOrDots(text.scalars[k]) { k += 1 }
            if k < range.upperBound, text.scalars[k].isBlank || text.scalars[k] == "、" { start = k + 1 }
        } else if start < range.upperBound, text.scalars[start] == "（" || text.scalars[start] == "(" {
            var k = start + 1
            while k < range.upperBound, k - start < 5, text.scalars[k] != "）" && text.scalars[k] != ")" { k += 1 }
            if k < range.upperBound, k - start < 5 { start = k + 1 }
        }
        // Analyzer evidence is a whole sentence, number included; the number is dropped unless it is all the evidence.
        guard start < evidence.upperBound else { return range }
        return text.trimmed(start..<range.upperBound)
    }
}

/// Merges findings of one concern on one clause and numbers the rest in text order.
enum FindingMerger {
    static func merge(_ findings: [Finding], concerns: [String: String], text: ReviewText) -> [Finding] {
        var kept: [Finding] = []
        var index: [String: Int] = [:]
        for finding in findings {
            let key = "\(finding.clauseID)|\(concerns[finding.ruleID] ?? finding.ruleID)"
            if let existing = index[key] {
                let quotes = [kept[existing].span, finding.span]
                if finding.riskLevel > kept[existing].riskLevel { kept[existing] = finding }
                // The merged finding quotes what both found ("即时验收；卸车后再提异议的不予受理"), when that stays short.
                if let first = quotes[0], let second = quotes[1] {
                    let union = min(first.start, second.start)..<max(first.end, second.end)
                    if union.count <= Quote.maximumLength {
                        kept[existing].span = TextSpan(start: union.lowerBound, end: union.upperBound)
                        kept[existing].clauseText = text.string(union)
                        kept[existing].lineNumbers = text.lines(union)
                    }
                }
            } else {
                index[key] = kept.count
                kept.append(finding)
            }
        }
        let ordered = kept.enumerated().sorted { lhs, rhs in
            let l = lhs.element.span?.start ?? Int.max, r = rhs.element.span?.start ?? Int.max
            return l != r ? l < r : lhs.offset < rhs.offset
        }.map(\.element)
        return ordered.enumerated().map { number, finding in
            var numbered = finding
            numbered.id = "R\(number + 1)"
            return numbered
        }
    }
}

/// The documented risk score.
///
/// `risk_score = min(100, 25·HIGH + 10·MEDIUM + 3·LOW)`.
/// `overall_assessment` is 高风险 when there is a HIGH finding or the score reaches 60, 中等风险 when the score
/// reaches 20, else 低风险. `key_concerns` are the titles of up to five findings, most severe first, in text order.
enum RiskScore {
    static func summary(of findings: [Finding]) -> ReviewSummary {
        let high = findings.count { $0.riskLevel == .high }
        let medium = findings.count { $0.riskLevel == .medium }
        let low = findings.count { $0.riskLevel == .low }
        let score = min(100, 25 * high + 10 * medium + 3 * low)
        let assessment = high > 0 || score >= 60 ? "高风险" : score >= 20 ? "中等风险" : "低风险"
        var concerns: [String] = []
        for finding in findings.enumerated().sorted(by: { lhs, rhs in
            lhs.element.riskLevel != rhs.element.riskLevel ? lhs.element.riskLevel > rhs.element.riskLevel : lhs.offset < rhs.offset
        }).map(\.element) where !concerns.contains(finding.title) {
            concerns.append(finding.title)
            if concerns.count == 5 { break }
        }
        return ReviewSummary(
            totalRisks: findings.count, highRisks: high, mediumRisks: medium, lowRisks: low,
            overallAssessment: assessment, riskScore: score, keyConcerns: concerns)
    }
}

/// Guesses the contract type from the title and the party designations.
enum ContractTypeDetector {
    /// Checked in order: the first entry with a word in the title wins ("财税顾问服务协议" is consulting, not service;
    /// "委托加工协议" is a work contract, not a service; "区域销售代理协议" and "软件许可及服务协议" are `other`).
    private static let titleWords: [(words: [String], type: ContractType)] = [
        (["劳动合同", "聘用合同", "雇佣合同", "聘用协议", "劳动协议"], .employment),
        (["保密", "商业秘密", "NDA"], .nda),
        (["借款", "借贷", "贷款合同"], .loan),
        (["租赁", "租用"], .lease),
        (["咨询", "顾问"], .consulting),
        (["加工", "承揽", "仓储", "保管", "运输", "建设工程", "施工", "分包", "特许经营", "加盟", "代理", "许可", "居间"], .other),
        (["采购"], .purchase),
        (["供货", "供应"], .supply),
        (["买卖", "销售", "购销"], .sales),
        (["服务", "运维", "技术开发", "外包", "推广", "委托"], .service),
    ]

    /// The title: the first of the opening lines that names a contract ("合同编号：…" lines come before it at times).
    private static func title(of text: String) -> String? {
        openingLines(of: text, count: 5)
            .first { $0.count <= 40 && ["合同", "协议", "契约", "确认书", "承诺书"].contains(where: $0.contains) && !$0.contains("：") }
    }

    /// The first `count` non-blank lines, trimmed; read scalar by scalar, so a long contract is not split whole.
    private static func openingLines(of text: String, count: Int) -> [String] {
        var lines: [String] = [], line = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard scalar == "\n" || scalar == "\r" else {
                line.append(scalar)
                continue
            }
            let trimmed = String(line).trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { lines.append(trimmed) }
            if lines.count == count { return lines }
            line = String.UnicodeScalarView()
        }
        let trimmed = String(line).trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? lines : lines + [trimmed]
    }

    static func detect(in text: String) -> ContractType {
        if let title = title(of: text), let match = titleWords.first(where: { entry in entry.words.contains { title.contains($0) } }) {
            return match.type
        }
        let head = String(text.prefix(1500))
        var votes: [ContractType: Int] = [:]
        for (word, role) in PartyVocabulary.roleWords {
            let count = head.components(separatedBy: word).count - 1
            guard count > 0, let type = ContractType.allCases.first(where: { $0 != .other && $0.roles.contains(role) }) else { continue }
            votes[type, default: 0] += count
        }
        return votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key.rawValue > $1.key.rawValue }?.key ?? .other
    }
}
