import Testing
@testable import Review

/// Every rule of the catalog carries its own examples (`examples:` in the YAML): wordings it must flag and close
/// variants it must leave alone, read from one role. This runs them all.
@Suite struct RuleCatalogTests {
    static let ruleIDs = sharedEngine.catalog.rules.map(\.id)

    @Test(arguments: ruleIDs)
    func examplesBehave(_ id: String) async throws {
        let rule = try #require(sharedEngine.catalog.rules.first { $0.id == id })
        let examples = try #require(rule.examples, "\(id) has no examples")
        #expect(!examples.positive.isEmpty && !examples.negative.isEmpty)
        for wording in examples.positive {
            let findings = await flagged(wording, examples, document: rule.scope == .document)
            #expect(findings.contains(id), "should flag: \(wording) → \(findings)")
        }
        for wording in examples.negative {
            let findings = await flagged(wording, examples, document: rule.scope == .document)
            #expect(!findings.contains(id), "should not flag: \(wording) → \(findings)")
        }
        // A rule with a drafter view flags the same wordings for the side that wrote them, in that side's words.
        if let drafter = rule.drafter {
            for wording in examples.positive {
                let text = contract(examples.type, wording, disputeClause: rule.scope != .document)
                // A view for any role is read by the other side of the examples' contract.
                let role = try #require(drafter.role ?? examples.type.roles.first { $0 != examples.role })
                let finding = await review(text, examples.type, role).findings.first { $0.ruleID == id }
                #expect(finding?.title == drafter.title,
                        "drafter should flag: \(wording)")
                #expect(finding?.riskLevel == drafter.level)
            }
        }
    }

    private func flagged(_ wording: String, _ examples: RuleExamples, document: Bool) async -> [String] {
        // A document rule is about what the whole contract lacks, so the wrapper adds no clause of its own.
        let text = contract(examples.type, wording, disputeClause: !document)
        return await review(text, examples.type, examples.role).findings.map(\.ruleID)
    }

    /// A pattern without a literal gate runs its regex on every clause; one such pattern cost more than all the others.
    @Test func everyEvidencePatternHasALiteralGate() {
        for rule in sharedEngine.catalog.rules {
            for pattern in rule.trigger.any {
                #expect(!pattern.gate.isEmpty, "\(rule.id): \(pattern.source)")
            }
        }
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

@Suite struct LiteralGateTests {
    @Test func topLevelAlternativesKeepGroupsAndClassesWhole() {
        #expect(LiteralGate.topLevelAlternatives(of: "含税|(甲|乙)方|[|]x|a\\|b") == ["含税", "(甲|乙)方", "[|]x", "a\\|b"])
        #expect(LiteralGate.topLevelAlternatives(of: "单一") == ["单一"])
    }
}

@Suite struct LineBoundTests {
    @Test func patternsThatCannotMatchALineBreakAreSearchedLineByLine() {
        for pattern in ["违约金[^。；\\n]{0,20}(?:百分之|%)", "{SELF}.{0,8}不得", "\\p{Han}{2,4}费", "第\\d+条", "(?<!被)许可方"] {
            #expect(LineBound.staysWithinLine(pattern), "\(pattern)")
        }
        for pattern in ["(争议|纠纷)[^。]{0,60}仲裁", "甲方\\s*乙方", "^合同", "(?s)a.b", "[\\s，]+", "\\P{Han}", "甲方$"] {
            #expect(!LineBound.staysWithinLine(pattern), "\(pattern)")
        }
    }

    @Test func aDocumentRuleFindsItsWordsOnAnyLineAndAcrossLinesWhenItMay() async {
        // The dispute clause's words on two lines: the line-crossing pattern of the missing rule still sees them.
        let text = "买卖合同\n甲方：某甲公司\n乙方：某乙公司\n第一条 货款100万元，含税。\n第二条 因本合同发生的争议，\n由双方协商解决。\n"
        let report = await sharedEngine.review(text: text, contractType: .sales, role: .buyer, partyNames: []) { _ in }
        #expect(!report.findings.contains { $0.ruleID == "missing-dispute-resolution" })
        let withoutTax = await sharedEngine.review(text: text.replacingOccurrences(of: "，含税", with: ""), contractType: .sales,
                                                   role: .buyer, partyNames: []) { _ in }
        #expect(withoutTax.findings.contains { $0.ruleID == "tax-inclusion-unclear" })
        #expect(!report.findings.contains { $0.ruleID == "tax-inclusion-unclear" })
    }
}
