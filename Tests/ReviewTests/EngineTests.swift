import Foundation
import Testing
@testable import Review

@Suite struct SegmentationTests {
    @Test func splitsArticlesItemsAndParagraphs() {
        let text = "样例协议\n甲方：某甲公司\n第一条 标的\n1.1 第一项内容。\n续行文字。\n1.2 第二项。\n第二条 其他\n（一）子项一；\n（二）子项二。\n三、补充事项\n甲方（盖章）：某甲公司\n"
        let clauses = Segmenter.clauses(of: ReviewText(text)).map(\.clause)
        // "第二条 其他" carries no text of its own: its items are the clauses, with it as their heading.
        #expect(clauses.map(\.number) == ["", "", "1.1", "1.2", "（一）", "（二）", "三、", ""])
        #expect(clauses[4].heading == "第二条 其他")
        #expect(clauses[2].text == "1.1 第一项内容。\n续行文字。")
        #expect(clauses[2].heading == "第一条 标的")
        #expect(clauses[2].lineNumbers == [4, 5])
        #expect(clauses.map(\.id) == (1...8).map { "clause-\($0)" })
    }

    @Test func aContractNumberedOnlyByDecimalsKeepsTheLinesUnderAnItemWithIt() async {
        // No 第N条 anywhere: "7." and "7.1" open the body, and the annex table under 7.1 is one clause with it, so its
        // rows are checked against each other (2.10 × 500,000 is 1,050,000, not 1,000,000).
        let text = "供货合同\n甲方：某甲公司\n乙方：某乙公司\n7. 其他\n7.1 本合同经双方盖章后生效。\n附件：价格表\n"
            + "| 型号 | 单价（元/个） | 数量（个） | 金额（元） |\n| 一号箱 | 6.80 | 200,000 | 1,360,000.00 |\n"
            + "| 二号箱 | 2.10 | 500,000 | 1,000,000.00 |\n合计：人民币2,360,000.00元\n"
        let clauses = Segmenter.clauses(of: ReviewText(text)).map(\.clause)
        #expect(clauses.last?.number == "7.1")
        #expect(clauses.last?.text.hasSuffix("合计：人民币2,360,000.00元") == true)
        let report = await review(text, .supply, .seller)
        let finding = report.findings.first { $0.ruleID == "line-items-total-mismatch" }
        #expect(finding?.clauseText == "| 二号箱 | 2.10 | 500,000 | 1,000,000.00 |")
    }

    @Test func aScheduleThatMissesTheTotalQuotesItselfAndNamesWhereTheTotalIsWritten() async {
        let schedule = "1.1 乙方分两个阶段提供服务：\n第一阶段：现场调研，服务费人民币120,000元。\n第二阶段：出具报告，服务费人民币200,000元。"
        let total = "3.1本合同服务费总额为人民币350,000元（大写：叁拾伍万元整）"
        let report = await review(contract(.consulting, schedule + "\n1.2 乙方应按期提交成果。\n" + total + "，含税。"), .consulting, .client)
        let finding = report.findings.first { $0.ruleID == "line-items-total-mismatch" }
        #expect(finding?.clauseText.contains("乙方分两个阶段提供服务：\n第一阶段") == true, "the schedule is quoted")
        #expect(finding?.summary.contains("各期金额之和为320,000元，而合同约定的总额为350,000元（“\(total)”），相差30,000元") == true,
                "\(finding?.summary ?? "no finding")")
    }

    @Test func anArticleWhoseHeadingIsASentenceKeepsItAsAClause() async {
        // The penalty is stated once, in the line that introduces the list of breaches.
        let text = "劳动合同\n用人单位：某甲航空有限公司\n劳动者：王某\n"
            + "第二十三条 劳动者有下列情形之一的，每次应当向公司支付违约金人民币2万元：\n（一）擅自调换航班任务的；\n（二）因个人原因导致航班延误的。\n"
            + "第二十四条 附则\n（一）本合同一式两份；\n（二）自双方签字之日起生效。\n"
        let clauses = Segmenter.clauses(of: ReviewText(text)).map(\.clause)
        #expect(clauses.map(\.number).suffix(5) == ["第二十三条", "（一）", "（二）", "（一）", "（二）"])
        let report = await review(text, .employment, .employee)
        let finding = report.findings.first { $0.ruleID == "employee-penalty-unlawful" }
        #expect(finding?.clauseText == "第二十三条 劳动者有下列情形之一的，每次应当向公司支付违约金人民币2万元：")
        #expect(finding?.riskLevel == .high)
    }

    @Test func aQuoteTakesTheWholeSentenceAcrossItsSemicolon() async {
        // The short period is stated before "；", the deemed acceptance after it: the quote holds both.
        let sentence = "各门店应在货物送达当日完成验收；当日未提出书面异议的，视为货物数量及质量均符合约定，甲方不得再提出质量异议。"
        let report = await review(contract(.purchase, "乙方将货物送至甲方各门店。" + sentence), .purchase, .buyer)
        let finding = report.findings.first { $0.ruleID == "inspection-period-short" }
        #expect(finding?.clauseText == sentence)
    }

    @Test func spansCountUnicodeScalarsAndQuoteVerbatim() async {
        // 𠀀 is outside the BMP: one scalar, two UTF-16 units, so a UTF-16 offset would be off by one.
        let body = "𠀀说明。乙方有权随时单方调整服务费标准，甲方应当接受。"
        let text = contract(.service, body)
        let report = await review(text, .service, .client)
        let finding = try? #require(report.findings.first { $0.ruleID == "unilateral-price-change" })
        let span = try? #require(finding?.span)
        let scalars = Array(text.unicodeScalars)
        if let span, let finding {
            #expect(String(String.UnicodeScalarView(scalars[span.start..<span.end])) == finding.clauseText)
            #expect(finding.clauseText == "乙方有权随时单方调整服务费标准，甲方应当接受。")
        }
        for finding in report.findings {
            guard let span = finding.span else { continue }
            #expect(String(String.UnicodeScalarView(scalars[span.start..<span.end])) == finding.clauseText)
            #expect(finding.clauseText.unicodeScalars.count <= Quote.maximumLength)
        }
    }
}

@Suite struct RoleAwarenessTests {
    let clause = "买方应在到货后三日内完成验收，逾期未提出书面异议的，视为货物验收合格。"

    @Test func deemedAcceptanceHurtsTheBuyerOnly() async {
        let text = contract(.purchase, clause)
        let forBuyer = await review(text, .purchase, .buyer)
        let forSeller = await review(text, .purchase, .seller)
        #expect(forBuyer.findings.contains { $0.ruleID == "deemed-acceptance" || $0.ruleID == "inspection-period-short" })
        #expect(!forSeller.findings.contains { $0.category == "交付验收" && $0.clauseID != "document" })
    }

    @Test func aCapOnTheLandlordsLiabilityForInjuryWarnsTheTenantOfTheCapAndTheLandlordOfTheVoidExclusion() async {
        // 承租方 is named first but is the injured party; the ceiling caps 出租方, whose own draft it may be.
        let text = contract(.lease, "因房屋设施原因造成承租方人身损害的，出租方承担的赔偿责任总额以当月租金的百分之十为限。")
        let tenant = await review(text, .lease, .tenant)
        let landlord = await review(text, .lease, .landlord)
        #expect(tenant.findings.first { $0.clauseID != "document" }?.title == "免除对方造成人身损害的责任，该免责条款无效")
        let own = landlord.findings.filter { $0.clauseID != "document" }
        #expect(own.map(\.title) == ["己方免除人身损害责任的条款无效，仍须依法赔偿"], "\(own.map(\.title))")
        #expect(own.first?.riskLevel == .high)
    }

    @Test func aNominalCeilingOnPenaltiesIsMediumAndOneOnAllLiabilityIsHigh() async {
        let price = "合同总价为人民币1,000,000元。"
        let penalty = await review(contract(.purchase, price + "乙方逾期交货的，每逾期一日支付违约金人民币100元，违约金累计不超过人民币2,000元。"),
                                   .purchase, .buyer)
        let whole = await review(contract(.purchase, price + "乙方在本合同项下的全部赔偿责任以人民币20,000元为限。"), .purchase, .buyer)
        #expect(penalty.findings.first { $0.ruleID == "liability-cap-low" }?.riskLevel == .medium)
        #expect(whole.findings.first { $0.ruleID == "liability-cap-low" }?.riskLevel == .high)
    }

    @Test func partyNamesDecideWhoIsTheReviewer() async {
        // No role words in brackets: the name the user confirmed makes 乙方 the reviewer.
        let text = "协议\n甲方：北京甲木科技有限公司\n乙方：上海乙禾贸易有限公司\n第一条 解除\n甲方有权随时解除本合同且不承担任何责任。\n第二条 争议\n由原告住所地人民法院管辖。"
        let asB = await review(text, .other, .partyA, names: ["上海乙禾贸易有限公司"])
        let asA = await review(text, .other, .partyA, names: ["北京甲木科技有限公司"])
        #expect(asB.findings.contains { $0.ruleID == "unilateral-termination" })
        #expect(!asA.findings.contains { $0.ruleID == "unilateral-termination" })
    }

    @Test func anUnrecognisedPartyLineStillLeavesTheOtherDesignationToTheReviewer() async {
        // 订货人 is no designation the engine knows; 供货单位 is, and its short form 乙方 leaves 甲方 to the buyer.
        let text = "订货合同\n订货人：某甲商贸有限公司（下称甲方）\n供货单位：某乙食品厂（下称乙方）\n第一条 验收\n甲方收货后十日内未提出异议的，视为验收合格。"
        let report = await review(text, .purchase, .buyer, names: ["某甲商贸有限公司"])
        #expect(report.findings.contains { $0.ruleID == "deemed-acceptance" })
    }

    @Test func everydayLabelsBeforeTheBracketTellTheSidesAndTheNamesStandForThem() async {
        // A private sale: the seller is 甲方, against the convention of a sale, and says so only as "卖车的".
        let text = """
        二手车买卖协议
        卖车的（甲方）：马建平
        身份证号：610103198709231530
        买车的（乙方）：赵小军
        身份证号：610113199204182715
        一、车交了以后，马建平有权随时解除本协议且不承担任何责任。
        二、有争议的，向车辆所在地人民法院起诉。
        """
        let report = await review(text, .sales, .buyer)
        #expect(report.parties.map(\.role) == [.seller, .buyer])
        #expect(report.findings.first { $0.ruleID == "unilateral-termination" }?.clauseText == "一、车交了以后，马建平有权随时解除本协议且不承担任何责任。")
        let asSeller = await review(text, .sales, .seller)
        #expect(!asSeller.findings.contains { $0.ruleID == "unilateral-termination" })
    }

    @Test func aVillageClinicIsCalledByItsKindAndADayLateIsADailyRate() async {
        let text = """
        口罩手套进货协议
        买货的（甲方）：南宁市武鸣区双桥镇伏唐村卫生室
        统一社会信用代码：52450122MA5N7X2C4U
        卖货的（乙方）：南宁市武鸣区惠康医疗用品经营部
        统一社会信用代码：92450122MA5L3K8P2K
        一、货款共计12000元。
        二、卫生室晚给一天钱，就按总货款的百分之五算违约金给乙方。
        三、有争议的，向被告住所地人民法院起诉。
        """
        let report = await review(text, .purchase, .buyer)
        #expect(report.findings.first { $0.ruleID == "daily-rate-excessive" }?.clauseText == "二、卫生室晚给一天钱，就按总货款的百分之五算违约金给乙方。")
        let asSeller = await review(text, .purchase, .seller)
        #expect(!asSeller.findings.contains { $0.ruleID == "daily-rate-excessive" })
    }

    @Test func theOperatorNamedInTheBlockSignsForTheShopButNoOneElseDoes() async {
        func signed(by name: String) -> String {
            """
            鲜面供货协议
            甲方（买方）：重庆市渝中区李二妹小面馆
            经营者：李春燕
            乙方（供货方）：重庆市九龙坡区杨记鲜面加工坊
            经营者：杨光明
            第一条 乙方每天早上六点前送面到甲方店里。
            第二条 有争议的，向被告住所地人民法院起诉。
            甲方（签字盖章）：\(name)
            乙方（签字盖章）：杨光明
            """
        }
        let byOperator = await review(signed(by: "李春燕"), .supply, .buyer)
        #expect(!byOperator.findings.contains { $0.ruleID == "party-name-mismatch" })
        let stranger = await review(signed(by: "王大伟"), .supply, .buyer)
        #expect(stranger.findings.contains { $0.ruleID == "party-name-mismatch" })
    }

    @Test func aNationalArbitrationCommissionIsNoCitysEvenBesideAFreeTradeZoneAddress() async {
        let text = """
        咨询服务协议
        委托方（甲方）：杭州深湾科技有限公司
        地址：浙江省杭州市西湖区文三路90号
        财务顾问（乙方）：上海启明咨询有限公司
        地址：中国（上海）自由贸易试验区张杨路620号
        第一条 争议
        争议提交中国国际经济贸易仲裁委员会仲裁。
        """
        let report = await review(text, .consulting, .client)
        #expect(report.parties.map(\.designation) == ["委托方", "乙方"])
        #expect(!report.findings.contains { $0.ruleID == "arbitration-at-counterparty-seat" })
    }

    @Test func aCourtNamedByTheOtherSidesCityIsTheirSeatEvenWhenTheRecitalsNameIt() async {
        // The overview after the blocks names 景洪 too; it is no line of the reviewer's block.
        let text = """
        设计委托合同

        委托方：云南澜沧湾旅游开发有限公司
        地址：云南省景洪市嘎洒镇曼景保路9号

        受托方：上海境筑建筑设计事务所有限公司
        地址：上海市徐汇区龙腾大道2555号
        项目概况：本项目位于景洪市嘎洒镇澜沧江东岸，规划用地约86亩，拟建客房约180间及餐饮、水疗、会议等配套设施，委托方委托受托方承担概念方案设计。

        第一条 争议解决
        因本合同产生的争议，协商不成的，提交景洪市人民法院诉讼解决。
        """
        let provider = await review(text, .consulting, .provider, names: ["上海境筑建筑设计事务所有限公司"])
        let client = await review(text, .consulting, .client, names: ["云南澜沧湾旅游开发有限公司"])
        let finding = provider.findings.first { $0.ruleID == "jurisdiction-place-at-counterparty" }
        #expect(finding?.summary.contains("约定由景洪市人民法院管辖，该地为对方所在地") == true)
        #expect(!client.findings.contains { $0.ruleID == "jurisdiction-place-at-counterparty" })
    }

    @Test func anEmployeesConfidentialityPenaltyIsUnlawfulButACompanysIsNot() async {
        let clause = "乙方违反本协议的，应向甲方支付违约金人民币五万元。"
        let employee = await review(contract(.nda, "乙方在甲方任职期间及离职后均应保守甲方的商业秘密。" + clause), .nda, .receivingParty)
        #expect(employee.findings.contains { $0.ruleID == "employee-penalty-unlawful" })
        let company = await review(contract(.nda, "乙方应对甲方提供的样品资料保密。" + clause), .nda, .receivingParty)
        #expect(!company.findings.contains { $0.ruleID == "employee-penalty-unlawful" })
    }

    @Test func summaryTextNamesTheReviewersSide() async {
        let text = contract(.lease, "乙方逾期支付租金的，每逾期一日按月租金的百分之三支付滞纳金。")
        let tenant = await review(text, .lease, .tenant)
        let finding = try? #require(tenant.findings.first { $0.ruleID == "daily-rate-excessive" })
        #expect(finding?.summary.contains("乙方") == true)
        let landlord = await review(text, .lease, .landlord)
        #expect(!landlord.findings.contains { $0.ruleID == "daily-rate-excessive" })
    }
}

@Suite struct ReportTests {
    @Test func findingsAreNumberedInTextOrderAndDeterministic() async {
        let text = contract(.purchase, "甲方应于合同签订后三日内支付全部价款。\n乙方对因其故意或重大过失造成的损失不承担任何责任。")
        let first = await review(text, .purchase, .buyer)
        let second = await review(text, .purchase, .buyer)
        #expect(first == second)
        #expect(first.findings.map(\.id) == (0..<first.findings.count).map { "R\($0 + 1)" })
        let starts = first.findings.compactMap(\.span?.start)
        #expect(starts == starts.sorted())
        #expect(first.summary.overallAssessment == "高风险")
        #expect(first.summary.keyConcerns.first == first.findings.first { $0.riskLevel == .high }?.title)
    }

    @Test func oneRuleMatchingTwoSentencesOfAClauseQuotesBoth() async {
        let text = contract(.service, "甲方可以随时解除本合同。乙方应按期交付成果。甲方提前三日通知乙方即可终止合作。")
        let report = await review(text, .service, .provider)
        let finding = report.findings.first { $0.ruleID == "unilateral-termination" }
        #expect(finding?.clauseText.contains("随时解除") == true)
        #expect(finding?.clauseText.contains("即可终止") == true)
        #expect(report.findings.filter { $0.ruleID == "unilateral-termination" }.count == 1)
    }

    @Test func aPrepaymentBurdensThePayerNotTheFirstPartyNamed() async {
        let text = contract(.purchase, "合同签订并收到乙方开具的发票后五日内，甲方支付合同总价的70%。")
        #expect(await review(text, .purchase, .buyer).findings.contains { $0.ruleID == "prepayment-full" })
        #expect(await !review(text, .purchase, .seller).findings.contains { $0.ruleID == "prepayment-full" })
    }

    @Test func anAnalyzerFindingTheProblemInTwoSentencesOfAClauseQuotesBoth() async {
        let text = contract(.purchase, "本合同生效后五日内，甲方支付合同总价的70%作为预付款；乙方发货前，甲方应付清至合同总价的95%。")
        let findings = await review(text, .purchase, .buyer).findings.filter { $0.ruleID == "prepayment-full" }
        #expect(findings.count == 1)
        #expect(findings.first?.clauseText == "本合同生效后五日内，甲方支付合同总价的70%作为预付款；乙方发货前，甲方应付清至合同总价的95%。")
        let beforeShipment = contract(.purchase, "乙方发货前，甲方应付清全部货款。")
        #expect(await review(beforeShipment, .purchase, .buyer).findings.contains {
            $0.ruleID == "prepayment-full" && $0.summary.contains("发货前即须付清全部价款")
        })
    }

    @Test func anUnlawfulTermIsTheDraftersRiskToo() async {
        let text = contract(.employment, "经乙方本人申请，甲方不为乙方缴纳社会保险，每月另行向乙方发放社保补贴六百元。")
        let employee = await review(text, .employment, .employee).findings.first { $0.ruleID == "social-insurance-waived" }
        let employer = await review(text, .employment, .employer).findings.first { $0.ruleID == "social-insurance-waived" }
        #expect(employee?.riskLevel == .high)
        #expect(employee?.summary.contains("乙方失去养老、医疗、工伤保障") == true)
        #expect(employer?.riskLevel == .high)
        #expect(employer?.summary.contains("甲方仍负有缴纳义务") == true)
        #expect(employer?.clauseText == employee?.clauseText)
        // A lawful term is nobody's risk.
        let lawful = contract(.employment, "甲方依法为乙方缴纳社会保险。")
        #expect(await !review(lawful, .employment, .employer).findings.contains { $0.ruleID == "social-insurance-waived" })
    }

    @Test func aTrailingNoteInAHeaderNameIsNoMismatch() async {
        let text = "借款协议\n出借人（甲方）：张三\n借款人（乙方）：李四（张三之表弟）\n第一条 借款\n甲方出借一万元。\n甲方（签字）：张三\n乙方（签字）：李四"
        #expect(await !review(text, .loan, .borrower).findings.contains { $0.ruleID == "party-name-mismatch" })
    }

    @Test func documentLevelFindingsHaveNoSpan() async {
        let text = "采购单\n甲方（买方）：某甲\n乙方（卖方）：某乙\n第一条 甲方向乙方购买办公桌十张，单价含税500元，签订后十日内付款。"
        let report = await review(text, .purchase, .buyer)
        let missing = report.findings.filter { $0.clauseID == "document" }
        #expect(missing.contains { $0.title.contains("争议解决") })
        #expect(missing.contains { $0.title.contains("交货地点") })
        #expect(missing.allSatisfy { $0.span == nil && $0.clauseText.isEmpty && $0.lineNumbers.isEmpty })
        let json = try? String(decoding: JSONEncoder().encode(missing[0]), as: UTF8.self)
        #expect(json?.contains("\"span\":null") == true)
    }

    @Test func progressStagesInOrderWithRisingFractions() async {
        let events = EventLog()
        let body = (1...40).map { "\($0).1 第\($0)项约定内容。" }.joined(separator: "\n")
        _ = await sharedEngine.review(text: contract(.service, body), contractType: nil, role: .client, partyNames: []) {
            await events.append($0)
        }
        let seen = await events.items
        let stages = seen.map(\.stage)
        #expect(stages.first == .segmenting && stages.last == .reporting)
        #expect(stages.firstIndex(of: .entities)! < stages.firstIndex(of: .analyzing)!)
        let analyzing = seen.filter { $0.stage == .analyzing }.map(\.fraction)
        #expect(analyzing.count >= 5)
        #expect(analyzing == analyzing.sorted() && analyzing.allSatisfy { (0...1).contains($0) })
    }

    @Test func detectsTypesFromTitlesAndDesignations() {
        #expect(sharedEngine.detectContractType(in: "房屋租赁合同\n出租方：甲") == .lease)
        #expect(sharedEngine.detectContractType(in: "劳动合同书\n") == .employment)
        #expect(sharedEngine.detectContractType(in: "协议\n出借人：张三\n借款人：李四") == .loan)
        #expect(sharedEngine.detectContractType(in: "合作备忘录\n甲方：某甲") == .other)
        #expect(sharedEngine.detectContractType(in: "合同编号：GW-01\n企业常年顾问服务协议\n") == .consulting)
        #expect(sharedEngine.detectContractType(in: "零件委托加工协议\n定作人：某甲") == .other)
        #expect(sharedEngine.detectContractType(in: "员工商业秘密保护协议\n") == .nda)
        #expect(sharedEngine.detectContractType(in: "区域销售代理协议\n委托方（甲方）：某甲") == .other)
        #expect(sharedEngine.detectContractType(in: "软件许可及服务协议\n") == .other)
        #expect(sharedEngine.detectContractType(in: "餐饮品牌特许经营合同\n") == .other)
    }

    @Test func partiesNamedByWhatTheyDoTakeTheirRoleFromTheBracket() {
        let text = "专业分包合同\n总承包方（甲方）：某建工集团有限公司\n分包方（乙方）：某机电安装有限公司\n第一条 工程"
        #expect(sharedEngine.parties(in: text).map(\.role) == [.partyA, .partyB])
        #expect(sharedEngine.detectRole(in: text, partyNames: ["某机电安装有限公司"]) == .partyB)
        let supply = "工作服采购合同\n采购人（甲方）：某物流集团\n供货人（乙方）：某服饰有限公司\n一、内容"
        #expect(sharedEngine.detectRole(in: supply, partyNames: ["某服饰有限公司"]) == .seller)
    }

    @Test func aReviewerNobodyInTheTextDesignatesStillGetsAReview() async {
        // No party line and a role the contract type does not have: {SELF} and {OTHER} stand for nobody, and patterns
        // that make them optional ("{SELF}?") must still compile (an invalid regex here used to stop the process).
        let text = "确认书\n收到对账单后两日内未提出异议的，视为对账单所列费用予以确认，且乙方交货时间可顺延，顺延不超过十日的不视为违约。"
        let report = await review(text, .employment, .buyer, names: [])
        #expect(report.clauseCount > 0)
    }

    @Test func aDesignationInSquareBracketsOpensAPartyLine() {
        let text = "保密协议\n【披露方】某生物科技有限公司\n统一社会信用代码：91120116379140306B\n【接收方】：某医药研发有限公司\n第一条 保密信息"
        let parties = sharedEngine.parties(in: text)
        #expect(parties.map(\.name) == ["某生物科技有限公司", "某医药研发有限公司"])
        #expect(parties.map(\.role) == [.disclosingParty, .receivingParty])
        #expect(parties.first?.creditCode == "91120116379140306B")
    }

    @Test func withoutABracketTheSideThatOrdersTheWorkIsTheClient() async {
        // 发包人/设计人 with no 甲方/乙方 bracket: the ordering side is the client, the working side the provider, so the
        // client's deemed approval of the designer's drawings is the client's risk.
        let text = "建设工程设计合同\n发包人：某置业有限公司\n设计人：某建筑设计有限公司\n第一条 发包人应在收到设计文件后三日内提出书面意见，逾期未提出的，视为发包人对设计文件予以确认。"
        #expect(sharedEngine.parties(in: text).map(\.role) == [.partyA, .partyB])
        #expect(sharedEngine.detectRole(in: text, partyNames: ["某置业有限公司"], contractType: .service) == .client)
        let client = await review(text, .service, .client, names: [])
        #expect(client.findings.contains { $0.ruleID == "deemed-acceptance" })
        let designer = await review(text, .service, .provider, names: [])
        #expect(!designer.findings.contains { $0.ruleID == "deemed-acceptance" })
    }

    @Test func aPartyWhoseDesignationNamesNoRoleIsTheCounterpartyOnceTheReviewerIsKnown() async {
        // 代理方 has no role of its own; with 委托方 the reviewer, the agent is the other side — but a guarantor is not.
        let text = "商品房销售代理合同\n委托方：某置业有限公司\n代理方：某营销策划有限公司\n保证人：张三\n第一条 代理方有权以其自有账户代委托方收取购房人交纳的定金，每月对账后转付委托方。"
        let client = await review(text, .service, .client, names: ["某置业有限公司"])
        #expect(client.findings.contains { $0.ruleID == "funds-collected-into-counterparty-account" })
        let guarantorNamed = "商品房销售代理合同\n委托方：某置业有限公司\n保证人：张三\n第一条 保证人有权以其自有账户代委托方收取购房人交纳的定金。"
        let withGuarantor = await review(guarantorNamed, .service, .client, names: ["某置业有限公司"])
        #expect(!withGuarantor.findings.contains { $0.ruleID == "funds-collected-into-counterparty-account" })
    }

    @Test func aDesignationInsideItsPassiveFormIsTheOtherParty() async {
        // 许可方 inside 被许可方 is not the licensor: the licensee's own right to terminate is no risk to the licensee.
        let text = "软件许可协议\n许可方（甲方）：某软件公司\n被许可方（乙方）：某物流公司\n第一条 被许可方有权随时解除本协议，且不承担任何责任。"
        let licensee = await review(text, .other, .partyB, names: ["某物流公司"])
        #expect(!licensee.findings.contains { $0.ruleID == "unilateral-termination" })
        let licensor = await review(text, .other, .partyA, names: ["某软件公司"])
        #expect(licensor.findings.contains { $0.ruleID == "unilateral-termination" })
    }

    @Test func roleComesFromTheNamedPartysBlock() {
        let text = "设备购销合同\n甲方（供货方）：深圳鼎新设备有限公司\n乙方（采购方）：广州云舟网络有限公司\n第一条 标的\n乙方购买设备。"
        #expect(sharedEngine.detectRole(in: text, partyNames: ["广州云舟网络有限公司"]) == .buyer)
        #expect(sharedEngine.detectRole(in: text, partyNames: ["深圳鼎新设备有限公司"]) == .seller)
        #expect(sharedEngine.detectRole(in: text, partyNames: ["无关公司"]) == nil)
    }

    @Test func partiesDefineShortFormsAndDropTrailingDetails() {
        let text = """
            聘用协议
            聘用单位：南昌赣江机电有限公司（以下简称“公司”）
            受聘人：刘洋，身份证号码：11010519491231002X
            出租人（以下简称甲方）：王五
            一、公司可以根据生产需要调整刘洋的岗位。
            """
        let parties = sharedEngine.parties(in: text)
        #expect(parties.map(\.name) == ["南昌赣江机电有限公司", "刘洋", "王五"])
        #expect(parties.map(\.role).prefix(2) == [.employer, .employee])
        let blocks = ReviewEngine.partyBlocks(ReviewText(text), clauses: Segmenter.clauses(of: ReviewText(text)), type: .employment)
        #expect(blocks.map(\.alias) == ["公司", nil, "甲方"])
    }

    @Test func partiesCarryRolesAndCreditCodes() {
        let text = "钢材购销合同\n甲方（需方）：重庆某某有限公司\n统一社会信用代码：91350100M000100Y43\n乙方（供方）：江苏某某有限公司\n第一条 标的"
        let parties = sharedEngine.parties(in: text)
        #expect(parties.map(\.designation) == ["甲方", "乙方"])
        #expect(parties.map(\.role) == [.buyer, .seller])
        #expect(parties[0].creditCode == "91350100M000100Y43")
    }
}

actor EventLog {
    var items: [ReviewProgress] = []
    func append(_ event: ReviewProgress) { items.append(event) }
}

@Suite struct PlaybookTests {
    func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("playbook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, content) in files { try content.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func playbookOverridesAndAddsRules() async throws {
        let url = try directory(["team.yaml": """
            rules:
              - id: auto-renewal
                category: 合同期限
                level: HIGH
                any: ['自动(续展|续期|续约|延续)']
                title: 自动续约（本所标准：高风险）
                summary: 自动续约须经法务审批。
                analysis: 本所政策。
                suggestion: 删除自动续约条款。
              - id: team-exclusivity
                category: 合作
                level: MEDIUM
                any: ['{SELF}[^。]{0,10}不得与任何第三方合作']
                title: 排他合作限制
                summary: '{self}被限制与第三方合作。'
                analysis: 排他条款限制经营自由。
                suggestion: 删除排他约定。
                statutes: [civil-code:509]
            """])
        defer { try? FileManager.default.removeItem(at: url) }
        let engine = try ReviewEngine(playbook: url)
        let text = contract(.service, "本合同期满自动续约一年。\n乙方在合作期间不得与任何第三方合作。")
        let report = await engine.review(text: text, contractType: .service, role: .provider, partyNames: []) { _ in }
        #expect(report.findings.first { $0.ruleID == "auto-renewal" }?.riskLevel == .high)
        let added = report.findings.first { $0.ruleID == "team-exclusivity" }
        #expect(added?.summary == "乙方被限制与第三方合作。")
        #expect(added?.statutes.first?.statuteRef == "《民法典》第五百零九条")
    }

    @Test func aPlaybookRuleSpeaksThroughWordClassesItsOwnAndTheCatalogs() async throws {
        let url = try directory(["team.yaml": """
            vocabulary:
              转售: [转售, 转卖, 倒卖]
            rules:
              - id: team-resale-ban
                category: 合作
                level: MEDIUM
                any: ['{SELF}[^。]{0,10}{不得}[^。]{0,6}{转售}']
                title: 禁止转售
                summary: '{self}不能转售所购产品。'
                analysis: 限制处分所购之物。
                suggestion: 删除转售限制。
            """])
        defer { try? FileManager.default.removeItem(at: url) }
        let engine = try ReviewEngine(playbook: url)
        // 不准 is the catalog's word for 不得, 倒卖 the playbook's for 转售.
        let text = contract(.purchase, "甲方买到的机器不准倒卖给别人。")
        let report = await engine.review(text: text, contractType: .purchase, role: .buyer, partyNames: []) { _ in }
        #expect(report.findings.first { $0.ruleID == "team-resale-ban" }?.clauseText == "甲方买到的机器不准倒卖给别人。")
    }

    @Test(arguments: [
        ("rules:\n  - id: x\n    level: SEVERE\n", 3, "level"),
        ("rules:\n  - id: x\n    category: c\n    level: LOW\n    title: t\n    summary: s\n    analysis: a\n    suggestion: g\n    any: ['(unclosed']\n", 9, "正则"),
        ("rules:\n  - id: x\n    category: c\n    level: LOW\n    title: t\n    summary: s\n    analysis: a\n    suggestion: g\n    any: ['违约金']\n    statutes: [civil-code:9999]\n", 10, "9999"),
        ("rules:\n  - id: x\n    colour: red\n", 3, "colour"),
        ("rules:\n  - id: penalty-excessive\n    enabled: false\n  - id: penalty-excessive\n    enabled: true\n", 4, "重复"),
        ("rules:\n  - id: x\n   bad: [\n", 3, "YAML"),
        ("rules:\n  - id: x\n    category: c\n    level: LOW\n    title: t\n    summary: s\n    analysis: a\n    suggestion: g\n    any: ['违约金']\n    protects: [buyer]\n    examples: {type: lease, role: tenant, positive: [a], negative: [b]}\n", 11, "examples"),
        ("rules:\n  - id: x\n    category: c\n    level: LOW\n    title: t\n    summary: s\n    analysis: a\n    suggestion: g\n    any: ['{不吃亏}违约金']\n", 9, "未知的词类 {不吃亏}"),
        ("vocabulary:\n  转售: [转售, '转.{0,2}卖']\n", 2, "不能是正则"),
        ("vocabulary:\n  SELF: [我方]\n", 2, "SELF"),
    ])
    func badPlaybookNamesFileAndLine(yaml: String, line: Int, reasonContains: String) throws {
        let url = try directory(["bad.yaml": yaml])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: PlaybookError.self) { try ReviewEngine(playbook: url) }
        #expect(error?.file.hasSuffix("bad.yaml") == true)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.reason.contains(reasonContains) == true, "\(String(describing: error))")
    }
}
