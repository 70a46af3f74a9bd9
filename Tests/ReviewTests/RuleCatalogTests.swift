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
                let finding = await review(text, examples.type, drafter.role).findings.first { $0.ruleID == id }
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
