import Foundation

/// The kinds of contract the engine reviews; the raw value is the wire key.
public enum ContractType: String, Codable, Sendable, CaseIterable {
    case purchase, sales, supply, service, consulting, lease, employment, nda, loan, other

    /// Chinese name shown to users.
    public var label: String {
        switch self {
        case .purchase: "采购合同"
        case .sales: "销售合同"
        case .supply: "供应合同"
        case .service: "服务合同"
        case .consulting: "咨询合同"
        case .lease: "租赁合同"
        case .employment: "劳动合同"
        case .nda: "保密协议"
        case .loan: "借款合同"
        case .other: "其他"
        }
    }

    /// Accepts the wire key or any Chinese alias from PROTOCOL.md; nil for anything else.
    public init?(alias: String) {
        let key = alias.trimmingCharacters(in: .whitespacesAndNewlines)
        if let type = ContractType(rawValue: key.lowercased()) {
            self = type
            return
        }
        let aliases: [String: ContractType] = [
            "采购合同": .purchase, "采购": .purchase,
            "销售合同": .sales, "买卖合同": .sales, "销售": .sales,
            "供应合同": .supply, "供货合同": .supply, "供应": .supply,
            "服务合同": .service, "技术服务合同": .service, "服务": .service,
            "咨询合同": .consulting, "咨询": .consulting,
            "租赁合同": .lease, "租赁": .lease, "房屋租赁合同": .lease,
            "劳动合同": .employment, "劳动": .employment,
            "保密协议": .nda, "保密合同": .nda,
            "借款合同": .loan, "借款": .loan, "借贷合同": .loan,
            "其他": .other, "其它": .other,
        ]
        guard let type = aliases[key] else { return nil }
        self = type
    }

    /// The roles a reviewer can take in this kind of contract, the most common first.
    public var roles: [Role] {
        switch self {
        case .purchase, .sales, .supply: [.buyer, .seller]
        case .service, .consulting: [.client, .provider]
        case .lease: [.tenant, .landlord]
        case .employment: [.employee, .employer]
        case .nda: [.receivingParty, .disclosingParty]
        case .loan: [.borrower, .lender]
        case .other: [.partyA, .partyB]
        }
    }
}

/// The side of the contract the user is on.
public enum Role: String, Codable, Sendable, CaseIterable {
    case buyer, seller, client, provider
    case partyA = "party_a", partyB = "party_b"
    case landlord, tenant, employer, employee, lender, borrower
    case disclosingParty = "disclosing_party", receivingParty = "receiving_party"

    /// Chinese name shown to users.
    public var label: String {
        switch self {
        case .buyer: "买方"
        case .seller: "卖方"
        case .client: "委托方"
        case .provider: "服务方"
        case .partyA: "甲方"
        case .partyB: "乙方"
        case .landlord: "出租方"
        case .tenant: "承租方"
        case .employer: "用人单位"
        case .employee: "劳动者"
        case .lender: "出借人"
        case .borrower: "借款人"
        case .disclosingParty: "披露方"
        case .receivingParty: "接收方"
        }
    }

    /// Accepts the wire key or the Chinese label; nil for anything else.
    public init?(alias: String) {
        let key = alias.trimmingCharacters(in: .whitespacesAndNewlines)
        if let role = Role(rawValue: key.lowercased()) {
            self = role
            return
        }
        guard let role = Role.allCases.first(where: { $0.label == key }) else { return nil }
        self = role
    }
}

/// How much a finding can hurt the reviewer.
public enum RiskLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case high = "HIGH", medium = "MEDIUM", low = "LOW"

    public var label: String {
        switch self {
        case .high: "高风险"
        case .medium: "中风险"
        case .low: "低风险"
        }
    }

    var rank: Int {
        switch self {
        case .high: 3
        case .medium: 2
        case .low: 1
        }
    }

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rank < rhs.rank }
}

/// Character offsets into the reviewed text, counted in Unicode scalars (what JavaScript and Python index by for CJK).
public struct TextSpan: Codable, Sendable, Hashable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// One statute article a finding rests on, with its exact text.
public struct StatuteCitation: Codable, Sendable, Hashable {
    /// e.g. 《民法典》第五百八十五条
    public var statuteRef: String
    public var statuteText: String

    public init(statuteRef: String, statuteText: String) {
        self.statuteRef = statuteRef
        self.statuteText = statuteText
    }

    enum CodingKeys: String, CodingKey {
        case statuteRef = "statute_ref"
        case statuteText = "statute_text"
    }
}

/// One risk the engine found, seen from the reviewer's side.
public struct Finding: Codable, Sendable, Hashable {
    public var id: String
    public var ruleID: String
    /// The clause the finding quotes, e.g. "clause-12"; "document" for document-level findings.
    public var clauseID: String
    public var title: String
    public var category: String
    public var riskLevel: RiskLevel
    /// Why it hurts the reviewer, in one or two sentences.
    public var summary: String
    /// Longer legal analysis.
    public var analysis: String
    /// A concrete rewritten clause or an instruction what to add.
    public var suggestion: String
    /// Verbatim from the reviewed text: `text[span]` == `clauseText`. Empty for document-level findings.
    public var clauseText: String
    public var span: TextSpan?
    /// 1-based line numbers of the reviewed text the span covers.
    public var lineNumbers: [Int]
    /// 1-based page of the source file where the quoted clause starts (`ReviewReport.locatePages`);
    /// nil for document-level findings.
    public var page: Int?
    public var statutes: [StatuteCitation]

    public init(
        id: String, ruleID: String, clauseID: String, title: String, category: String, riskLevel: RiskLevel,
        summary: String, analysis: String, suggestion: String, clauseText: String, span: TextSpan?,
        lineNumbers: [Int], statutes: [StatuteCitation]
    ) {
        self.id = id
        self.ruleID = ruleID
        self.clauseID = clauseID
        self.title = title
        self.category = category
        self.riskLevel = riskLevel
        self.summary = summary
        self.analysis = analysis
        self.suggestion = suggestion
        self.clauseText = clauseText
        self.span = span
        self.lineNumbers = lineNumbers
        self.statutes = statutes
    }

    enum CodingKeys: String, CodingKey {
        case id
        case ruleID = "rule_id"
        case clauseID = "clause_id"
        case title, category
        case riskLevel = "risk_level"
        case summary, analysis, suggestion
        case clauseText = "clause_text"
        case span
        case lineNumbers = "line_numbers"
        case page, statutes
    }

    /// Writes every key, with `"span": null` for document-level findings, so clients always see the field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(ruleID, forKey: .ruleID)
        try container.encode(clauseID, forKey: .clauseID)
        try container.encode(title, forKey: .title)
        try container.encode(category, forKey: .category)
        try container.encode(riskLevel, forKey: .riskLevel)
        try container.encode(summary, forKey: .summary)
        try container.encode(analysis, forKey: .analysis)
        try container.encode(suggestion, forKey: .suggestion)
        try container.encode(clauseText, forKey: .clauseText)
        try container.encode(span, forKey: .span)
        try container.encode(lineNumbers, forKey: .lineNumbers)
        try container.encode(page, forKey: .page)
        try container.encode(statutes, forKey: .statutes)
    }
}

/// Totals and the overall verdict of a review.
public struct ReviewSummary: Codable, Sendable, Hashable {
    public var totalRisks: Int
    public var highRisks: Int
    public var mediumRisks: Int
    public var lowRisks: Int
    /// 高风险 / 中等风险 / 低风险
    public var overallAssessment: String
    /// 0–100, higher is riskier.
    public var riskScore: Int
    public var keyConcerns: [String]

    public init(
        totalRisks: Int, highRisks: Int, mediumRisks: Int, lowRisks: Int, overallAssessment: String, riskScore: Int,
        keyConcerns: [String]
    ) {
        self.totalRisks = totalRisks
        self.highRisks = highRisks
        self.mediumRisks = mediumRisks
        self.lowRisks = lowRisks
        self.overallAssessment = overallAssessment
        self.riskScore = riskScore
        self.keyConcerns = keyConcerns
    }

    enum CodingKeys: String, CodingKey {
        case totalRisks = "total_risks"
        case highRisks = "high_risks"
        case mediumRisks = "medium_risks"
        case lowRisks = "low_risks"
        case overallAssessment = "overall_assessment"
        case riskScore = "risk_score"
        case keyConcerns = "key_concerns"
    }
}

/// A contracting party found in the text.
public struct Party: Codable, Sendable, Hashable {
    /// The designation in the contract, e.g. 甲方, 乙方, 出租方.
    public var designation: String
    /// The party's name as written, e.g. 上海某某科技有限公司.
    public var name: String
    /// The role this designation most likely plays in the detected contract type.
    public var role: Role?
    /// 统一社会信用代码 when present.
    public var creditCode: String?

    public init(designation: String, name: String, role: Role?, creditCode: String?) {
        self.designation = designation
        self.name = name
        self.role = role
        self.creditCode = creditCode
    }

    enum CodingKeys: String, CodingKey {
        case designation, name, role
        case creditCode = "credit_code"
    }
}

/// The stages a review passes through, in order; the raw value is the wire `stage`.
public enum ReviewStage: String, Codable, Sendable, CaseIterable {
    case queued, extracting, segmenting, entities, analyzing, reporting, complete, failed, cancelled
}

/// What the engine reports while it works: a stage and a fraction of that stage done (0...1).
public struct ReviewProgress: Sendable, Hashable {
    public var stage: ReviewStage
    public var fraction: Double
    public init(stage: ReviewStage, fraction: Double) {
        self.stage = stage
        self.fraction = fraction
    }
}

/// Everything the engine concluded about one contract.
public struct ReviewReport: Codable, Sendable, Hashable {
    public var contractType: ContractType
    public var role: Role
    public var parties: [Party]
    public var clauseCount: Int
    public var findings: [Finding]
    public var summary: ReviewSummary

    public init(
        contractType: ContractType, role: Role, parties: [Party], clauseCount: Int, findings: [Finding],
        summary: ReviewSummary
    ) {
        self.contractType = contractType
        self.role = role
        self.parties = parties
        self.clauseCount = clauseCount
        self.findings = findings
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case contractType = "contract_type"
        case role, parties
        case clauseCount = "clause_count"
        case findings = "risks"
        case summary
    }

    /// Sets each quoting finding's `page` from the offsets (Unicode scalars, ascending) where the source's pages
    /// start in the reviewed text; page 1 starts at the first offset.
    public mutating func locatePages(startingAt pageStarts: [Int]) {
        guard !pageStarts.isEmpty else { return }
        for index in findings.indices {
            guard let start = findings[index].span?.start else { continue }
            findings[index].page = (pageStarts.lastIndex { $0 <= start } ?? 0) + 1
        }
    }
}
