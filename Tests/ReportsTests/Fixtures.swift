import Foundation
import Reports
import Review

/// A short purchase contract and findings on it whose spans are real offsets of their clauses.
enum Fixtures {
    static let contract = """
        设备采购合同

        甲方（买方）：上海明远精密机械有限公司
        乙方（卖方）：苏州恒通自动化设备有限公司

        第一条 合同标的
        乙方向甲方提供数控加工中心三台，型号为HT-850 Pro (5-axis)，合同总价为人民币1,200,000元（大写：壹佰贰拾万元整）。

        第二条 付款方式
        甲方应于合同签订后三日内一次性支付合同总价款的100%。

        第三条 交付与验收
        乙方应于2025年10月31日前交付设备。甲方未在设备到货后2日内提出书面异议的，视为设备验收合格。

        第四条 违约责任
        乙方逾期交货的，每逾期一日按合同总价的0.01%向甲方支付违约金，违约金总额不超过合同总价的1%。
        甲方解除合同的，应向乙方支付合同总价款50%的违约金。

        第五条 免责
        乙方对因设备质量问题造成的甲方任何损失均不承担责任，包括因乙方安装调试人员的故意或者重大过失所致的财产损失。

        第六条 争议解决
        因本合同引起的争议，可以提交苏州仲裁委员会仲裁，也可以向乙方所在地人民法院提起诉讼。
        """

    /// A finding to be placed on `clause`, which must occur in the contract; `rewrite` is the
    /// concrete replacement the suggestion proposes, if any.
    struct Spec {
        var title: String
        var level: RiskLevel
        var category: String
        var clause: String
        var rewrite: String?
        var instruction: String
        var statutes: [StatuteCitation] = []
    }

    static let exemption = StatuteCitation(
        statuteRef: "《民法典》第五百零六条",
        statuteText: "合同中的下列免责条款无效：（一）造成对方人身损害的；（二）因故意或者重大过失造成对方财产损失的。")
    static let arbitration = StatuteCitation(
        statuteRef: "《最高人民法院关于适用〈中华人民共和国仲裁法〉若干问题的解释》第七条",
        statuteText: "当事人约定争议可以向仲裁机构申请仲裁也可以向人民法院起诉的，仲裁协议无效。但一方向仲裁机构申请仲裁，另一方未在仲裁法第二十条第二款规定期间内提出异议的除外。")

    static let specs: [Spec] = [
        Spec(
            title: "付款条件：签约即付全款", level: .high, category: "付款",
            clause: "甲方应于合同签订后三日内一次性支付合同总价款的100%。",
            rewrite: "甲方应于合同签订后三日内支付合同总价款的30%作为预付款，设备验收合格后十日内支付60%，余款10%作为质量保证金于质保期满后支付。",
            instruction: "按交付和验收节点分期付款，并保留质量保证金。"),
        Spec(
            title: "视为验收期限过短", level: .medium, category: "验收",
            clause: "甲方未在设备到货后2日内提出书面异议的，视为设备验收合格。",
            rewrite: "甲方应于设备安装调试完成后15日内组织验收，验收合格后双方签署书面验收报告。",
            instruction: "验收应以安装调试完成为起点，并以书面验收报告为准。"),
        Spec(
            title: "解约违约金过高且不对等", level: .medium, category: "违约责任",
            clause: "甲方解除合同的，应向乙方支付合同总价款50%的违约金。",
            rewrite: "任何一方违约解除合同的，应赔偿守约方因此遭受的实际损失，违约金以合同总价款的10%为上限。",
            instruction: "违约金应与实际损失相当，并对双方适用同一标准。"),
        Spec(
            title: "免除故意或重大过失造成财产损失的责任", level: .high, category: "免责条款",
            clause: "乙方对因设备质量问题造成的甲方任何损失均不承担责任，包括因乙方安装调试人员的故意或者重大过失所致的财产损失。",
            rewrite: "乙方应对因设备质量问题造成的甲方损失承担赔偿责任；因乙方安装调试人员的故意或者重大过失造成甲方财产损失的，乙方应全额赔偿。",
            instruction: "该免责条款依法无效，应删除并明确乙方的赔偿责任。", statutes: [exemption]),
        Spec(
            title: "或裁或诉，仲裁协议无效", level: .medium, category: "争议解决",
            clause: "可以提交苏州仲裁委员会仲裁，也可以向乙方所在地人民法院提起诉讼",
            rewrite: nil,
            instruction: "建议只选择仲裁或诉讼中的一种，并约定由甲方所在地的仲裁机构或人民法院管辖。",
            statutes: [arbitration]),
    ]

    static func finding(_ spec: Spec, number: Int, in text: String, searchFrom: String.Index? = nil) -> Finding {
        let range = text.range(of: spec.clause, range: (searchFrom ?? text.startIndex)..<text.endIndex)!
        let start = text.unicodeScalars.distance(from: text.startIndex, to: range.lowerBound)
        let end = start + spec.clause.unicodeScalars.count
        let firstLine = text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        let lastLine = firstLine + spec.clause.filter { $0 == "\n" }.count
        let suggestion = spec.rewrite.map { "\(spec.instruction)建议修改为：“\($0)”" } ?? spec.instruction
        return Finding(
            id: "F\(number)", ruleID: "rule-\(number)", clauseID: "clause-\(firstLine)", title: spec.title,
            category: spec.category, riskLevel: spec.level,
            summary: "该条款对买方不利：\(spec.title)。",
            analysis: "从买方立场看，\(spec.title)将使买方承担不必要的风险，建议在签约前与对方协商修改。",
            suggestion: suggestion, clauseText: spec.clause, span: TextSpan(start: start, end: end),
            lineNumbers: Array(firstLine...lastLine), statutes: spec.statutes)
    }

    static let documentLevel = Finding(
        id: "F-doc", ruleID: "missing-delivery-place", clauseID: "document", title: "未约定交货地点",
        category: "交付", riskLevel: .low, summary: "合同没有约定交货地点。",
        analysis: "依照《民法典》第六百零三条，未约定交付地点且需要运输的，出卖人将标的物交付给第一承运人即完成交付，运输途中的风险由买方承担。",
        suggestion: "补充约定交货地点为甲方指定的厂区，并由乙方负责运输和卸货。", clauseText: "", span: nil,
        lineNumbers: [], statutes: [])

    static func report(findings: [Finding], clauseCount: Int) -> ReviewReport {
        let high = findings.filter { $0.riskLevel == .high }.count
        let medium = findings.filter { $0.riskLevel == .medium }.count
        return ReviewReport(
            contractType: .purchase, role: .buyer,
            parties: [
                Party(designation: "甲方", name: "上海明远精密机械有限公司", role: .buyer, creditCode: "91310115MA1K4B2X3Q"),
                Party(designation: "乙方", name: "苏州恒通自动化设备有限公司", role: .seller, creditCode: nil),
            ],
            clauseCount: clauseCount, findings: findings,
            summary: ReviewSummary(
                totalRisks: findings.count, highRisks: high, mediumRisks: medium,
                lowRisks: findings.count - high - medium, overallAssessment: "高风险", riskScore: 78,
                keyConcerns: ["签约即付全款，买方资金风险大", "免责条款排除了卖方的重大过失责任"]))
    }

    static let reviewedAt = Date(timeIntervalSince1970: 1_764_230_400)  // 2025-11-27 16:00 +08:00

    /// The five-finding review of `contract`, plus one document-level finding.
    static let document: ReportDocument = {
        let findings = specs.enumerated().map { finding($1, number: $0 + 1, in: contract) } + [documentLevel]
        return ReportDocument(
            taskID: 42, filename: "设备采购合同.docx", contractText: contract,
            report: report(findings: findings, clauseCount: 6), reviewedAt: reviewedAt)
    }()

    /// Eight copies of the contract, numbered, with the five findings on each: 40 findings.
    static let largeDocument: ReportDocument = {
        let text = (1...8).map { "（第\($0)部分）\n\(contract)" }.joined(separator: "\n\n")
        var findings: [Finding] = []
        var cursor = text.startIndex
        for copy in 0..<8 {
            cursor = text.range(of: "（第\(copy + 1)部分）", range: cursor..<text.endIndex)!.upperBound
            for spec in specs {
                findings.append(finding(spec, number: findings.count + 1, in: text, searchFrom: cursor))
            }
        }
        return ReportDocument(
            taskID: 43, filename: "设备采购合同（汇编）.txt", contractText: text,
            report: report(findings: findings, clauseCount: 48), reviewedAt: reviewedAt)
    }()
}
