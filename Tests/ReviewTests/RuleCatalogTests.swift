import Testing
@testable import Review

/// A rule, a clause in our own words that should trigger it for the role, and a close variant that should not.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var rule: String
    var type: ContractType
    var role: Role
    var risky: String
    var safe: String
    var testDescription: String { rule }
}

@Suite struct RuleCatalogTests {
    static let cases: [RuleCase] = [
        RuleCase(rule: "penalty-excessive", type: .purchase, role: .buyer,
                 risky: "合同总价为人民币100万元。甲方擅自退货的，须按合同总价的百分之四十向乙方支付违约金。",
                 safe: "合同总价为人民币100万元。甲方擅自退货的，须按合同总价的百分之十向乙方支付违约金。"),
        RuleCase(rule: "deposit-excessive", type: .service, role: .client,
                 risky: "本合同服务费总额为人民币50万元。甲方于签约后支付定金人民币15万元。",
                 safe: "本合同服务费总额为人民币50万元。甲方于签约后支付定金人民币8万元。"),
        RuleCase(rule: "exclusion-intent-gross-negligence", type: .service, role: .client,
                 risky: "即使因乙方员工的重大过失导致甲方设备损坏，乙方亦不承担赔偿责任。",
                 safe: "因乙方员工的重大过失导致甲方设备损坏的，乙方应全额赔偿。"),
        RuleCase(rule: "arbitration-and-court", type: .sales, role: .seller,
                 risky: "双方发生争议的，可以申请上海仲裁委员会仲裁，或者向有管辖权的人民法院起诉。",
                 safe: "双方发生争议的，提交上海仲裁委员会仲裁，裁决为终局。"),
        RuleCase(rule: "deemed-acceptance", type: .purchase, role: .buyer,
                 risky: "甲方收货后五个工作日内未书面提出质量异议的，即视为甲方认可货物质量合格。",
                 safe: "甲方收货后十五个工作日内完成验收，双方签署验收单后方为验收合格。"),
        RuleCase(rule: "prepayment-full", type: .purchase, role: .buyer,
                 risky: "本合同签署后五日内，甲方须付清全部货款，乙方收款后备货。",
                 safe: "货物验收合格后十日内，甲方支付全部货款。"),
        RuleCase(rule: "unilateral-price-change", type: .lease, role: .tenant,
                 risky: "租赁期内，甲方可以视物价水平上调租金，并书面告知乙方。",
                 safe: "租赁期内租金标准不变，确需调整的由双方协商一致后另行签订补充协议。"),
        RuleCase(rule: "unilateral-termination", type: .consulting, role: .provider,
                 risky: "甲方可以随时通知乙方终止本合同，已付费用不予结算。",
                 safe: "乙方逾期交付报告超过三十日的，甲方可以通知乙方终止本合同。"),
        RuleCase(rule: "loan-interest-over-cap", type: .loan, role: .borrower,
                 risky: "借款年利率为18%，按季付息。",
                 safe: "借款年利率为6%，按季付息。"),
        RuleCase(rule: "probation-excessive", type: .employment, role: .employee,
                 risky: "本合同期限为一年。试用期为三个月。",
                 safe: "本合同期限为三年。试用期为三个月。"),
        RuleCase(rule: "non-compete-too-long", type: .employment, role: .employee,
                 risky: "乙方离职后三十个月内负有竞业限制义务，甲方按月支付补偿。",
                 safe: "乙方离职后十二个月内负有竞业限制义务，甲方按月支付补偿。"),
        RuleCase(rule: "lease-term-over-20-years", type: .lease, role: .tenant,
                 risky: "租赁期限为三十年，自2025年1月1日起。",
                 safe: "租赁期限为五年，自2025年1月1日起。"),
        RuleCase(rule: "amount-words-mismatch", type: .sales, role: .seller,
                 risky: "合同总金额为人民币伍拾万元整（¥505,000.00）。",
                 safe: "合同总金额为人民币伍拾万零伍仟元整（¥505,000.00）。"),
        RuleCase(rule: "date-conflict", type: .service, role: .client,
                 risky: "服务期自2026年3月1日起至2025年12月31日止。",
                 safe: "服务期自2025年3月1日起至2025年12月31日止。"),
        RuleCase(rule: "credit-code-invalid", type: .other, role: .partyA,
                 risky: "乙方统一社会信用代码：91350100M000100Y44",
                 safe: "乙方统一社会信用代码：91350100M000100Y43"),
        RuleCase(rule: "employee-penalty-unlawful", type: .employment, role: .employee,
                 risky: "乙方未提前三个月申请离职的，须向甲方支付违约金三万元。",
                 safe: "乙方违反专项培训服务期约定的，按未履行服务期分摊的培训费用支付违约金。"),
        RuleCase(rule: "jurisdiction-counterparty-seat", type: .nda, role: .receivingParty,
                 risky: "争议由甲方注册地人民法院管辖。",
                 safe: "争议由原告住所地人民法院管辖。"),
        RuleCase(rule: "auto-renewal", type: .service, role: .client,
                 risky: "合同期满双方无异议的，本合同自动续期一年。",
                 safe: "合同期满需续约的，双方另行签订书面协议。"),
    ]

    @Test(arguments: cases)
    func ruleFiresOnRiskyWordingOnly(_ entry: RuleCase) async {
        let risky = await review(contract(entry.type, entry.risky), entry.type, entry.role)
        let safe = await review(contract(entry.type, entry.safe), entry.type, entry.role)
        #expect(risky.findings.contains { $0.ruleID == entry.rule }, "\(risky.findings.map(\.ruleID))")
        #expect(!safe.findings.contains { $0.ruleID == entry.rule }, "\(safe.findings.map(\.ruleID))")
    }

    @Test func everyRuleHasCompleteTextsAndResolvedStatutes() {
        for rule in sharedEngine.catalog.rules {
            #expect(!rule.title.isEmpty && !rule.summary.isEmpty && !rule.suggestion.isEmpty, "\(rule.id)")
            #expect(rule.statutes.allSatisfy { $0.statuteRef.hasPrefix("《") && !$0.statuteText.isEmpty }, "\(rule.id)")
        }
        #expect(sharedEngine.catalog.rules.count >= 40)
        #expect(sharedEngine.catalog.settings.interestCap == 0.12)
    }
}
