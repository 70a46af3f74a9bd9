import Foundation

/// One party block of the contract header: "甲方（买方）：某某有限公司" and the lines that follow it.
struct PartyBlock: Sendable, Hashable {
    /// The designation that opens the line, e.g. 甲方 or 出租方.
    var designation: String
    /// The designation in brackets after it, e.g. 买方 in 甲方（买方）.
    var alias: String?
    /// The everyday words before the bracket of a contract written without a lawyer: 卖车的 in 卖车的（甲方）.
    var label: String? = nil
    var name: String
    var nameRange: Range<Int>
    /// The block's lines, name, address and codes: up to the next block or the end of the header.
    var span: Range<Int>
    var creditCode: String?
    var creditCodeRange: Range<Int>?
    var idNumber: String?
    var idNumberRange: Range<Int>?
    var role: Role?

    /// Every word the contract uses for this party: its designations, and the names a contract between people calls
    /// it by ("过户要花的钱都是赵小军出").
    var terms: [String] { [designation] + [alias, label].compactMap { $0 } + names }

    /// The name, or each of several (张宇航、陈涛), without a bracket after it (胡文斌（新郎）); for a person, also the given
    /// name a friend's contract uses (彭建华 → 建华); for a body of a kind few contracts have two of, the kind
    /// (伏唐村卫生室 → 卫生室, 绿源果蔬专业合作社 → 合作社).
    var names: [String] {
        let proper = name.prefix { $0 != "（" && $0 != "(" }
        let names = proper.split(separator: "、").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count >= 2 }
        let person = idNumber != nil && creditCode == nil
        if person { return names + names.filter { $0.count == 3 }.map { String($0.dropFirst()) } }
        return names + names.compactMap { name in PartyVocabulary.bodyKinds.first { name.hasSuffix($0) && name != $0 } }
    }
}

/// A name written in a signature line: "甲方（盖章）：某某有限公司".
struct SignatureName: Sendable, Hashable {
    var designation: String
    var name: String
    var range: Range<Int>
}

/// Which words of a contract designate which role.
enum PartyVocabulary {
    /// Role words that identify a side regardless of whether it is called 甲方 or 乙方.
    static let roleWords: [(word: String, role: Role)] = [
        ("买方", .buyer), ("买受人", .buyer), ("采购方", .buyer), ("采购人", .buyer), ("需方", .buyer), ("购买方", .buyer),
        ("购货方", .buyer), ("订购方", .buyer), ("采购单位", .buyer), ("购货单位", .buyer),
        ("卖方", .seller), ("出卖人", .seller), ("供货方", .seller), ("供货人", .seller), ("供方", .seller), ("供应方", .seller), ("销售方", .seller),
        ("供应商", .seller), ("出售方", .seller), ("供货单位", .seller), ("销售单位", .seller),
        ("委托方", .client), ("委托人", .client), ("委托单位", .client), ("客户", .client),
        ("服务方", .provider), ("受托方", .provider), ("受托人", .provider), ("咨询方", .provider), ("咨询人", .provider), ("顾问方", .provider),
        ("服务商", .provider), ("承接方", .provider), ("服务单位", .provider), ("受托单位", .provider), ("开发方", .provider),
        ("卖家", .seller), ("买家", .buyer),
        ("出租方", .landlord), ("出租人", .landlord), ("房东", .landlord),
        ("承租方", .tenant), ("承租人", .tenant), ("租客", .tenant), ("租户", .tenant), ("房客", .tenant),
        ("用人单位", .employer), ("聘用单位", .employer), ("雇主", .employer), ("劳动者", .employee), ("员工", .employee),
        ("受聘人", .employee), ("保姆", .employee), ("阿姨", .employee), ("店员", .employee), ("老板", .employer),
        ("出借人", .lender), ("出借方", .lender), ("贷款人", .lender), ("贷款方", .lender),
        ("借款人", .borrower), ("借款方", .borrower),
        ("披露方", .disclosingParty), ("信息披露方", .disclosingParty),
        ("接收方", .receivingParty), ("信息接收方", .receivingParty), ("接受方", .receivingParty),
    ]

    /// Words that open a party line; role words plus the neutral designations. Not 客户, 员工 or 老板: "老板：唐勇" under a
    /// party is its representative.
    /// Work, transport, warehousing, construction, franchise and agency contracts name their parties by what they do;
    /// such a word has no fixed role, the 甲方/乙方 in its bracket decides.
    static let designations: [String] = ["甲方", "乙方", "丙方", "丁方", "保证人", "担保人", "存货人", "存货方", "保管人", "保管方",
                                         "承揽人", "承揽方", "定作人", "定作方", "发包人", "承包人", "托运人", "托运方", "承运人", "承运方",
                                         "发包方", "承包方", "总承包方", "总承包人", "总包方", "分包方", "分包人", "转让方", "受让方",
                                         "许可方", "被许可方", "特许人", "被特许人", "特许方", "被特许方", "代理方", "代理商", "合作方",
                                         "设计人", "设计方", "勘察人", "勘察方", "监理人", "施工方"]
        + roleWords.map(\.word).filter { !["客户", "员工", "老板"].contains($0) }

    /// Kinds of body a contract between a small business and its counterpart calls it by: "合作社给借款人的通知".
    /// Not 公司: "保险公司", "物流公司" would read as the party.
    static let bodyKinds = ["卫生室", "合作社", "工作室", "车行", "门诊部", "幼儿园", "经营部", "养殖场", "家庭农场", "民宿", "卫生院"]

    /// Designations that are the tail of another one (许可方 of 被许可方): written after 被 they name the other party.
    static let passiveTails: Set<String> = Set(designations.filter { designations.contains("被" + $0) })

    /// Designations of the side that orders and pays for work, transport or storage, and of the side that does it:
    /// without a 甲方/乙方 bracket they are the client (buyer) and the provider (seller) of such a contract.
    private static let orderingSide: Set<String> = ["发包人", "发包方", "定作人", "定作方", "托运人", "托运方", "存货人", "存货方"]
    private static let workingSide: Set<String> = ["承包人", "承包方", "总承包方", "总承包人", "总包方", "分包方", "分包人", "承揽人",
                                                   "承揽方", "承运人", "承运方", "保管人", "保管方", "设计人", "设计方", "勘察人",
                                                   "勘察方", "监理人", "施工方"]

    /// The role a work, transport or storage designation has in a contract of `type`, when the text does not say.
    static func conventionalRole(ofWorkDesignation designation: String, in type: ContractType) -> Role? {
        let index: Int
        if orderingSide.contains(designation) { index = 0 } else if workingSide.contains(designation) { index = 1 } else { return nil }
        switch type {
        case .purchase, .sales, .supply: return [Role.buyer, .seller][index]
        case .service, .consulting: return [Role.client, .provider][index]
        case .other: return [Role.partyA, .partyB][index]
        case .lease, .employment, .nda, .loan: return nil
        }
    }

    /// What 甲方 / 乙方 usually are in each kind of contract when the text does not say.
    static func conventionalRole(of designation: String, in type: ContractType) -> Role? {
        let index: Int
        switch designation {
        case "甲方": index = 0
        case "乙方": index = 1
        default: return nil
        }
        let firstSide: [Role] = switch type {
        case .purchase, .sales, .supply: [.buyer, .seller]
        case .service, .consulting: [.client, .provider]
        case .lease: [.landlord, .tenant]
        case .employment: [.employer, .employee]
        case .nda: [.disclosingParty, .receivingParty]
        case .loan: [.lender, .borrower]
        case .other: [.partyA, .partyB]
        }
        return firstSide[index]
    }

    /// Marks of a role in the everyday words people label themselves with (卖车的, 借钱给人的, 订酒席的), in the order
    /// they are tried: 借给 before 借, 出租 before 租. Only roles of the contract's type count.
    private static let everydayRoleMarks: [(mark: String, role: Role)] = [
        ("借给", .lender), ("借钱给", .lender), ("放款", .lender), ("借", .borrower),
        ("出租", .landlord), ("租给", .landlord), ("房东", .landlord), ("租", .tenant),
        ("卖", .seller), ("售", .seller), ("供", .seller), ("买", .buyer), ("购", .buyer), ("进货", .buyer), ("订", .buyer),
        ("雇", .employer), ("东家", .employer), ("用工", .employer), ("阿姨", .employee), ("保姆", .employee), ("工人", .employee),
        ("业主", .client), ("房主", .client), ("家长", .client), ("订", .client), ("委托", .client),
        ("施工", .provider), ("承办", .provider), ("办", .provider), ("老师", .provider), ("设计", .provider), ("运营", .provider),
        ("给配方", .disclosingParty), ("披露", .disclosingParty), ("接收", .receivingParty),
    ]

    /// The role a label of everyday words (卖车的, 借钱的, 订酒席的) gives its party in a contract of `type`.
    static func everydayRole(of label: String, in type: ContractType) -> Role? {
        everydayRoleMarks.first { type.roles.contains($0.role) && label.contains($0.mark) }?.role
    }

    static func role(of word: String, in type: ContractType) -> Role? {
        guard let role = roleWords.first(where: { $0.word == word })?.role, type.roles.contains(role) else { return nil }
        return role
    }

    /// The role of a party block: its bracketed or leading role word, else the convention for 甲方/乙方.
    static func role(of block: PartyBlock, in type: ContractType) -> Role? {
        for term in block.terms.reversed() {
            if let role = role(of: term, in: type) { return role }
        }
        for term in [block.label, block.alias].compactMap({ $0 }) {
            if let role = everydayRole(of: term, in: type) { return role }
        }
        if type == .other, block.designation == "甲方" || block.designation == "乙方" {
            return conventionalRole(of: block.designation, in: type)
        }
        if let alias = block.alias, let role = conventionalRole(of: alias, in: type) { return role }
        return conventionalRole(of: block.designation, in: type) ?? conventionalRole(ofWorkDesignation: block.designation, in: type)
    }
}

/// Finds party blocks and signature names.
enum PartyExtractor {
    private static let alternation = PartyVocabulary.designations.sorted { $0.count > $1.count }.joined(separator: "|")
    /// "甲方（买方）：名称", "出租人（以下简称甲方）：名称", "用人单位：名称（以下简称“公司”）".
    private static let partyLine = CompiledRegex(fixed:
        "(?m)^[ \\t\\u3000]*(\(alternation))[ \\t\\u3000]*(?:[（(]([^）)\\n]{1,24})[）)])?[ \\t\\u3000]*[：:][ \\t\\u3000]*([^\\n]*?)[ \\t\\u3000]*$")
    /// "卖车的（甲方）：马建平", "借钱给人的（出借人，甲方）：刘志勇": everyday words before a bracket that says 甲方 or 乙方.
    private static let labelledLine = CompiledRegex(fixed:
        "(?m)^[ \\t\\u3000]*(\\p{Han}{1,10})[ \\t\\u3000]*[（(]([^）)\\n]{0,12}?)[，,、]?(甲方|乙方)[^）)\\n]{0,12}[）)][ \\t\\u3000]*[：:][ \\t\\u3000]*([^\\n]*?)[ \\t\\u3000]*$")
    private static let signatureLine = CompiledRegex(fixed:
        "(?m)^[ \\t\\u3000]*(\(alternation))[ \\t\\u3000]*[（(](?:盖章|签字|签章|签名|公章)[^）)\\n]*[）)][ \\t\\u3000]*[：:][ \\t\\u3000]*([^\\n]*?)[ \\t\\u3000]*$")
    private static let signatureHeading = CompiledRegex(fixed:
        "(?:\(alternation))[ \\t\\u3000]*[（(](?:盖章|签字|签章|签名|公章)")
    private static let creditCode = CompiledRegex(fixed: "统一社会信用代码[^：:\\n]{0,6}[：:][ \\t\\u3000]*([0-9A-Za-z]{18})")
    private static let idNumber = CompiledRegex(fixed: "(?:身份证|公民身份号码|身份证件号码)[^：:\\n]{0,6}[：:][ \\t\\u3000]*([0-9]{17}[0-9Xx])")

    /// Party blocks found in `header` (the text before the first article), in order.
    static func blocks(in written: SearchableText, type: ContractType) -> [PartyBlock] {
        let header = labelled(written)
        var blocks: [PartyBlock] = []
        var anchors: [Int] = []
        for line in partyLines(in: header) {
            let match = line.match
            guard let designation = header.group(line.designation, of: match), let written = header.group(line.name, of: match),
                  !written.isEmpty, !written.hasPrefix("（") else { continue }
            let (name, shortName) = splitShortName(properName(written))
            let bracket = header.group(line.bracket, of: match)
            // "甲方（盖章）：…" in a header without numbered clauses is the signature block, not a party.
            if let bracket, signatureMarks.contains(where: bracket.contains) { continue }
            if blocks.contains(where: { $0.designation == designation }) { continue }
            let alias = bracket.flatMap { PartyVocabulary.designations.contains($0) ? $0 : shortForm(in: $0) ?? descriptiveWord(in: $0) }
                ?? shortName
            let nameStart = header.documentRange(match.range(at: line.name)).lowerBound
            let lineStart = header.documentRange(match.range).lowerBound
            var block = PartyBlock(
                designation: designation, alias: alias, name: name,
                nameRange: nameStart..<(nameStart + name.unicodeScalars.count), span: lineStart..<lineStart)
            block.label = line.label.flatMap { header.group($0, of: match) }
            block.role = PartyVocabulary.role(of: block, in: type)
            blocks.append(block)
            anchors.append(match.range.location)
        }
        // A block is its party line and the field lines under it (address, representative, telephone), up to a blank
        // line, a paragraph (the recitals, a project overview naming the other side's city) or the next block.
        for index in blocks.indices {
            let limit = index + 1 < anchors.count ? anchors[index + 1] : header.nsString.length
            let end = fieldLinesEnd(from: anchors[index], before: limit, in: header)
            blocks[index].span = blocks[index].span.lowerBound..<header.documentRange(NSRange(location: end, length: 0)).lowerBound
        }
        func owner(of location: Int) -> Int? { anchors.lastIndex { $0 < location } }
        for match in creditCode.matches(in: header) {
            guard let index = owner(of: match.range.location), blocks[index].creditCode == nil else { continue }
            blocks[index].creditCode = header.group(1, of: match)?.uppercased()
            blocks[index].creditCodeRange = header.documentRange(match.range(at: 1))
        }
        for match in idNumber.matches(in: header) {
            guard let index = owner(of: match.range.location), blocks[index].idNumber == nil else { continue }
            blocks[index].idNumber = header.group(1, of: match)?.uppercased()
            blocks[index].idNumberRange = header.documentRange(match.range(at: 1))
        }
        return blocks
    }

    /// A party line and the capture groups that hold its parts.
    private struct PartyLine {
        let match: NSTextCheckingResult
        let designation: Int, bracket: Int, name: Int
        let label: Int?
    }

    /// The party lines of a header in order: lines opened by a designation, and lines of everyday words before a
    /// bracket that says 甲方 or 乙方 (the bracket's other words, 出借人 in "借钱给人的（出借人，甲方）", its alias).
    private static func partyLines(in header: SearchableText) -> [PartyLine] {
        let designated = partyLine.matches(in: header).map { PartyLine(match: $0, designation: 1, bracket: 2, name: 3, label: nil) }
        let starts = Set(designated.map(\.match.range.location))
        let labelled = labelledLine.matches(in: header).filter { match in
            !starts.contains(match.range.location) && header.group(1, of: match).map(PartyVocabulary.designations.contains) == false
        }.map { PartyLine(match: $0, designation: 3, bracket: 2, name: 4, label: 1) }
        return (designated + labelled).sorted { $0.match.range.location < $1.match.range.location }
    }

    /// "【披露方】某公司" read as " 披露方：某公司", "【接收方】：某公司" as " 接收方 ：某公司": the same length, so every
    /// offset still points into the text.
    private static let bracketedBeforeColon = CompiledRegex(fixed: "【(\(alternation))】(?=[：:])")
    private static let bracketedDesignation = CompiledRegex(fixed: "【(\(alternation))】")

    /// The end (UTF-16 offset in `header`) of the field lines that follow the party line at `start`.
    private static func fieldLinesEnd(from start: Int, before limit: Int, in header: SearchableText) -> Int {
        let lines = header.nsString
        var line = lines.lineRange(for: NSRange(location: start, length: 0))
        while NSMaxRange(line) < limit {
            let following = lines.lineRange(for: NSRange(location: NSMaxRange(line), length: 0))
            let field = lines.substring(with: following).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !field.isEmpty, field.unicodeScalars.count <= 50 else { break }
            line = following
        }
        return min(NSMaxRange(line), limit)
    }

    private static func labelled(_ header: SearchableText) -> SearchableText {
        guard header.string.contains("【") else { return header }
        let spaced = bracketedBeforeColon.regex.stringByReplacingMatches(
            in: header.string, range: header.fullRange, withTemplate: " $1 ")
        let relabelled = bracketedDesignation.regex.stringByReplacingMatches(
            in: spaced, range: NSRange(location: 0, length: (spaced as NSString).length), withTemplate: " $1：")
        return SearchableText(relabelled, base: header.base)
    }

    static let signatureMarks = ["盖章", "签字", "签章", "签名", "公章", "授权代表"]
    private static let shortFormMarks = ["以下简称", "以下称", "下称", "简称", "称为"]

    /// The short form a bracket defines: "以下简称“公司”" → 公司, "以下简称甲方" → 甲方; nil when it defines none.
    /// A bare quoted word defines one too: "（“服务商”）".
    static func shortForm(in bracket: String) -> String? {
        let quotes = CharacterSet(charactersIn: "“”\"'‘’「」『』:： ")
        let word: String
        if let mark = shortFormMarks.first(where: bracket.contains), let markRange = bracket.range(of: mark) {
            word = bracket[markRange.upperBound...].trimmingCharacters(in: quotes)
        } else if let first = bracket.first, "“\"「『".contains(first) {
            word = bracket.trimmingCharacters(in: quotes)
        } else {
            return nil
        }
        return (1...8).contains(word.count) ? word : nil
    }

    /// "甲方（房主）", "甲方（店里）": a short word in the bracket that the body calls the party by; not one that names
    /// no one in particular (个人, 单位).
    static func descriptiveWord(in bracket: String) -> String? {
        guard (2...4).contains(bracket.count), bracket.unicodeScalars.allSatisfy(\.properties.isIdeographic),
              !Self.genericWords.contains(bracket) else { return nil }
        return bracket
    }

    private static let genericWords: Set<String> = ["个人", "自然人", "法人", "单位", "企业", "本人", "公民"]

    /// "赵志强，身份证号码：…" → "赵志强": a name line sometimes goes on with the ID or the address after a comma.
    static func properName(_ written: String) -> String {
        let cut = written.firstIndex { "，,；;".contains($0) } ?? written.endIndex
        return written[..<cut].trimmingCharacters(in: .whitespaces)
    }

    /// "某某有限公司（以下简称“公司”）" → ("某某有限公司", "公司"): the name proper, and the short form it defines.
    /// "某某公司（甲方）" → ("某某公司", "甲方") as well.
    static func splitShortName(_ written: String) -> (name: String, shortName: String?) {
        guard let open = written.lastIndex(where: { $0 == "（" || $0 == "(" }), written.last == "）" || written.last == ")"
        else { return (written, nil) }
        let bracket = String(written[written.index(after: open)..<written.index(before: written.endIndex)])
        guard let short = PartyVocabulary.designations.contains(bracket) ? bracket : shortForm(in: bracket) else {
            return (written, nil)
        }
        return (written[..<open].trimmingCharacters(in: .whitespaces), short)
    }

    /// Names written in signature lines anywhere in the text.
    /// Only lines that say 盖章/签字/… are searched: the regex with every designation is slow over a whole contract.
    static func signatures(in text: ReviewText) -> [SignatureName] {
        text.lineStarts.indices.flatMap { index -> [SignatureName] in
            let start = text.lineStarts[index]
            let end = index + 1 < text.lineStarts.count ? text.lineStarts[index + 1] : text.scalars.count
            guard signatureMarks.contains(where: { text.scalars[start..<end].containsScalars(of: $0) }) else { return [] }
            return signatureColumns(of: text, in: start..<end).flatMap { column -> [SignatureName] in
                let cell = SearchableText(text.string(column), base: column.lowerBound)
                return signatureLine.matches(in: cell).compactMap { match in
                    guard let designation = cell.group(1, of: match), let name = cell.group(2, of: match), !name.isEmpty
                    else { return nil }
                    return SignatureName(designation: designation, name: name, range: cell.documentRange(match.range(at: 2)))
                }
            }
        }
    }

    /// A signature line often holds both sides: "甲方（盖章）：某某公司        乙方（盖章）：", the blanks between
    /// them gone once the text is normalised. The line is cut before every signature heading, each column read on its own.
    private static func signatureColumns(of text: ReviewText, in line: Range<Int>) -> [Range<Int>] {
        let searchable = SearchableText(text.string(line), base: line.lowerBound)
        let cuts = signatureHeading.matches(in: searchable).map { searchable.documentRange($0.range).lowerBound }
        let bounds = [line.lowerBound] + cuts.filter { $0 > line.lowerBound } + [line.upperBound]
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }
}

/// Who is who in one review: the reviewer's own designations and the counterparty's.
struct PartySides: Sendable, Hashable {
    enum Side: Sendable { case reviewer, counterparty, either, other }

    /// Words that put a duty on whichever side breaches ("任何一方违约的…"): such a clause binds the reviewer too.
    static let eitherSideTerms = ["任何一方", "任一方", "违约方", "违约一方", "双方中任何一方"]

    /// Words designating the reviewer, longest first.
    let reviewerTerms: [String]
    /// Words designating the counterparty, longest first.
    let counterpartyTerms: [String]

    init(blocks: [PartyBlock], type: ContractType, role: Role, partyNames: [String]) {
        var mine: Set<String> = [], theirs: Set<String> = []
        let named = blocks.filter { block in
            partyNames.contains { !$0.isEmpty && (block.name.contains($0) || $0.contains(block.name)) }
        }
        let reviewerBlocks = named.isEmpty ? blocks.filter { $0.role == role } : named
        for block in blocks {
            if reviewerBlocks.contains(block) {
                mine.formUnion(block.terms)
            } else if Self.isCounterparty(block, reviewerFound: !reviewerBlocks.isEmpty, type: type) {
                theirs.formUnion(block.terms)
            }
        }
        // "客户" names the client only where no party line does ("客户：……银行" is not read as one); beside a
        // "委托方（甲方）" block, "客户信息" is the client's own customers'.
        let clientNamed = blocks.contains { $0.role == .client }
        for (word, wordRole) in PartyVocabulary.roleWords where type.roles.contains(wordRole) && (word != "客户" || !clientNamed) {
            if wordRole == role { mine.insert(word) } else { theirs.insert(word) }
        }
        // A header whose other party line was not recognised ("开发方（乙方）：…", "购货单位：…（下称甲方）") still
        // names both sides: the other of the pair belongs to the other side.
        for (one, other) in [("甲方", "乙方"), ("乙方", "甲方")] {
            if mine.contains(one) && !mine.contains(other) { theirs.insert(other) }
            if theirs.contains(one) && !theirs.contains(other) && !mine.contains(other) { mine.insert(other) }
        }
        if mine.isDisjoint(with: ["甲方", "乙方"]) && theirs.isDisjoint(with: ["甲方", "乙方"]) {
            for designation in ["甲方", "乙方"] {
                let conventional = PartyVocabulary.conventionalRole(of: designation, in: type)
                if conventional == role || (role == .partyA && designation == "甲方") || (role == .partyB && designation == "乙方") {
                    mine.insert(designation)
                } else {
                    theirs.insert(designation)
                }
            }
        }
        // Two 合作社 are no one in particular.
        for kind in PartyVocabulary.bodyKinds where mine.contains(kind) && theirs.contains(kind) {
            mine.remove(kind)
            theirs.remove(kind)
        }
        theirs.subtract(mine)
        func shortName(_ block: PartyBlock?) -> String? {
            block.map { block in block.terms.first { $0 == "甲方" || $0 == "乙方" } ?? block.designation }
        }
        reviewerName = shortName(reviewerBlocks.first) ?? role.label
        counterpartyName = shortName(blocks.first {
            !reviewerBlocks.contains($0) && $0.role != role && Self.isCounterparty($0, reviewerFound: !reviewerBlocks.isEmpty, type: type)
        })
            ?? type.roles.first { $0 != role }?.label ?? "对方"
        reviewerTerms = mine.sorted { ($0.count, $0) > ($1.count, $1) }
        counterpartyTerms = theirs.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// Designations of parties besides the two sides: a guarantor, a third or fourth party.
    private static let otherParties: Set<String> = ["保证人", "担保人", "丙方", "丁方"]

    /// A block not the reviewer's is the counterparty when its role is a side of the contract, or, once the reviewer is
    /// known, when its role is unknown ("委托方……代理方：" — the agent's designation names no role) and it is not a
    /// guarantor or a third party.
    private static func isCounterparty(_ block: PartyBlock, reviewerFound: Bool, type: ContractType) -> Bool {
        guard let role = block.role else { return reviewerFound && !Self.otherParties.contains(block.designation) }
        return type.roles.contains(role) || [.partyA, .partyB].contains(role)
    }

    func side(of term: String) -> Side {
        if reviewerTerms.contains(term) { return .reviewer }
        if Self.eitherSideTerms.contains(term) { return .either }
        if counterpartyTerms.contains(term) { return .counterparty }
        return .other
    }

    /// The reviewer's designation for texts, e.g. 乙方: from the party block when there is one, else the role name.
    let reviewerName: String
    /// The counterparty's designation for texts.
    let counterpartyName: String

    /// The same parties seen from the other side: the clause read as the counterparty would read it.
    var swapped: PartySides {
        PartySides(reviewerTerms: counterpartyTerms, counterpartyTerms: reviewerTerms,
                   reviewerName: counterpartyName, counterpartyName: reviewerName)
    }

    private init(reviewerTerms: [String], counterpartyTerms: [String], reviewerName: String, counterpartyName: String) {
        self.reviewerTerms = reviewerTerms
        self.counterpartyTerms = counterpartyTerms
        self.reviewerName = reviewerName
        self.counterpartyName = counterpartyName
    }
}
