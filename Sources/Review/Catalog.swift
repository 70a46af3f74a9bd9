import Foundation
import Yams

/// A rule catalog or playbook file that could not be loaded: where, and why.
public struct PlaybookError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The file, as a path or a bundle-relative name.
    public var file: String
    /// 1-based line in that file; 0 when the file as a whole is at fault.
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Numbers the built-in analyzers compare against; set in the catalog's `settings`, overridable by a playbook.
struct ReviewSettings: Sendable, Hashable {
    /// One-year LPR in percent; caps of "4×LPR" are computed from it.
    var lprOneYearPercent = 3.0
    /// 违约金 above this share of the contract price is flagged (合同编通则解释第六十五条: 30% over the loss).
    var penaltyRatioLimit = 0.3
    /// 定金 above this share of the price exceeds 民法典第五百八十六条.
    var depositRatioLimit = 0.2
    /// A daily late-payment penalty above this fraction is above the market (日千分之一 is common); interest on a debt
    /// is held to `interestCap` a day instead.
    var dailyRateLimit = 0.001
    /// A ceiling on damages below this share of the price leaves most of a loss uncompensated.
    var liabilityCapRatio = 0.3
    /// Without a price to compare with, a ceiling on damages below this many yuan is nominal.
    var liabilityCapFloorYuan = 50_000.0
    /// A ceiling on the counterparty's 违约金 (damages left open) below this share of the price is nominal.
    var penaltyCapNominalRatio = 0.03
    /// A buyer who has paid this share of the price by arrival, before any acceptance, has little left to withhold.
    var paidBeforeAcceptanceRatio = 0.8

    /// 4×LPR, as a yearly fraction.
    var interestCap: Double { lprOneYearPercent * 4 / 100 }
}

/// A regular expression of a rule, with `{SELF}`, `{OTHER}` and `{PARTY}` placeholders for party designations.
/// A class: the per-clause loops pass patterns around by the thousand, and a struct copy retained its every field.
final class RulePattern: Sendable {
    let source: String
    /// The key of per-review caches, hashed once here: hashing a long regex source on every lookup cost more than
    /// some of the regexes.
    let key: Key
    /// Literals of which at least one per group must occur in a text before the regex is worth running.
    let gate: [[[Unicode.Scalar]]]
    /// No match can hold a line break, so a whole document is searched only on the lines its gate finds.
    let staysWithinLine: Bool
    private let fixed: CompiledRegex?

    static let partyAlternation = "(?:" + PartyVocabulary.designations.sorted { $0.count > $1.count }
        .joined(separator: "|") + ")"

    /// The source with its hash computed once.
    struct Key: Hashable, Sendable {
        let source: String
        private let hash: Int

        init(_ source: String) {
            self.source = source
            hash = source.hashValue
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (lhs: Key, rhs: Key) -> Bool { lhs.hash == rhs.hash && lhs.source == rhs.source }
    }

    init(_ source: String) throws {
        self.source = source
        key = Key(source)
        gate = LiteralGate.required(by: source)
        staysWithinLine = LineBound.staysWithinLine(source)
        if source.contains("{SELF}") || source.contains("{OTHER}") {
            fixed = nil
            // Compiled now, so that a bad pattern fails at load, not in the middle of a review. Every side expands to a
            // non-capturing group of escaped words, so the sides nobody could be found for stand for all of them.
            _ = try CompiledRegex(Self.expand(source, reviewer: [], counterparty: []))
        } else {
            fixed = try CompiledRegex(Self.expand(source, reviewer: [], counterparty: []))
        }
    }

    /// The regex for this review, compiled now when it names the reviewer or the counterparty.
    /// `cache` holds this review's regexes by pattern; `shared` those of all reviews by pattern and sides.
    func regex(for sides: PartySides, cache: inout [Key: CompiledRegex], shared: CompiledRegexCache) -> CompiledRegex {
        if let fixed { return fixed }
        if let cached = cache[key] { return cached }
        let compiled = shared.regex(key, for: sides) {
            Self.expand(source, reviewer: sides.reviewerTerms, counterparty: sides.counterpartyTerms)
        }
        cache[key] = compiled
        return compiled
    }

    private static func expand(_ source: String, reviewer: [String], counterparty: [String]) -> String {
        func group(_ terms: [String]) -> String {
            // No designation: a group that never matches, and that a quantifier may follow.
            guard !terms.isEmpty else { return "(?:(?!))" }
            // 许可方 must not match inside 被许可方, the other party.
            return "(?:" + terms.map { term in
                (PartyVocabulary.passiveTails.contains(term) ? "(?<!被)" : "") + NSRegularExpression.escapedPattern(for: term)
            }.joined(separator: "|") + ")"
        }
        return source.replacingOccurrences(of: "{PARTY}", with: partyAlternation)
            .replacingOccurrences(of: "{SELF}", with: group(reviewer))
            .replacingOccurrences(of: "{OTHER}", with: group(counterparty))
    }
}

/// Whether a regex can match across a line break, read from its source. Conservative: whatever it cannot vouch for
/// (a negated class without `\n`, a class escape other than `\d`, `\w` and `\p{Han}`, an anchor, an inline flag)
/// counts as crossing lines. `.` never matches a line break without the dot-all flag.
enum LineBound {
    private static let lineFreeEscapes = Set("dwbB".unicodeScalars)

    static func staysWithinLine(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0, inClass = false, classBody: [Unicode.Scalar] = [], negated = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                guard index + 1 < scalars.count else { return false }
                let escaped = scalars[index + 1]
                if escaped == "p" {
                    guard scalars[(index + 2)...].starts(with: "{Han}".unicodeScalars) else { return false }
                    index += 7
                    continue
                }
                if escaped.properties.isAlphabetic && !lineFreeEscapes.contains(escaped) && !(inClass && escaped == "n") {
                    return false
                }
                if inClass { classBody += [scalar, escaped] }
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" {
                    // [^。；] matches a line break; [^。；\n] does not.
                    if negated && !String(String.UnicodeScalarView(classBody)).contains("\\n") { return false }
                    inClass = false
                } else {
                    classBody.append(scalar)
                }
            } else {
                switch scalar {
                case "[":
                    inClass = true
                    classBody = []
                    negated = index + 1 < scalars.count && scalars[index + 1] == "^"
                    if negated { index += 1 }
                case "^", "$":
                    return false
                case "(" where index + 2 < scalars.count && scalars[index + 1] == "?" && scalars[index + 2].properties.isAlphabetic:
                    return false
                default:
                    break
                }
            }
            index += 1
        }
        return !inClass
    }
}

/// Derives from a regex the literals any match must contain, so most clauses are skipped without running it.
enum LiteralGate {
    private static let meta = Set("\\[](){}|?*+.^$".unicodeScalars)

    static func required(by pattern: String) -> [[[Unicode.Scalar]]] {
        let scalars = Array(pattern.unicodeScalars)
        var groups: [[[Unicode.Scalar]]] = []
        var run: [Unicode.Scalar] = []
        func flush() {
            if run.count >= 2 || (run.count == 1 && !run[0].isASCII) { groups.append([run]) }
            run = []
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "|":
                return []
            case "\\":
                flush()
                index += 2
                continue
            case "[":
                flush()
                while index < scalars.count, scalars[index] != "]" { index += scalars[index] == "\\" ? 2 : 1 }
            case "(":
                flush()
                let close = matchingParen(scalars, from: index)
                let body = Array(scalars[(index + 1)..<close])
                let optional = close + 1 < scalars.count && isZeroQuantifier(scalars, at: close + 1)
                if !optional, let alternatives = literalAlternatives(body) { groups.append(alternatives) }
                index = close
            case "{":
                let close = scalars[index...].firstIndex(of: "}") ?? scalars.count - 1
                let body = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                if body.hasPrefix("0") { run.removeLast(min(1, run.count)) }
                flush()
                index = close
            case "?", "*":
                run.removeLast(min(1, run.count))
                flush()
            case ".", "^", "$", ")", "]", "+":
                flush()
            default:
                run.append(scalar)
            }
            index += 1
        }
        flush()
        // The two most selective groups: longest shortest literal first, but a group with a word nearly every clause
        // has (有权, 责任, 视为…) only after those without one.
        func rank(_ group: [[Unicode.Scalar]]) -> (Int, Int) {
            (group.contains(where: commonWords.contains) ? 0 : 1, group.map(\.count).min() ?? 0)
        }
        return groups.sorted { rank($0) > rank($1) }.prefix(2).map { $0 }
    }

    /// Words in most clauses of most contracts: as a gate they reject almost nothing.
    private static let commonWords: Set<[Unicode.Scalar]> = Set([
        "有权", "通知", "责任", "视为", "支付", "应当", "合同", "本合同", "约定", "承担", "费用", "赔偿", "违约", "期限", "不得",
        "可以", "提供", "要求", "损失", "解除", "之日", "书面", "同意", "双方", "一方", "履行", "甲方", "乙方", "应", "的",
    ].map { Array($0.unicodeScalars) })

    /// `a|(b|c)|d` → [a, (b|c), d]: the alternatives at the top level of a pattern.
    static func topLevelAlternatives(of pattern: String) -> [String] {
        var parts: [String] = [], current = String.UnicodeScalarView()
        var depth = 0, inClass = false, escaped = false
        for scalar in pattern.unicodeScalars {
            defer { escaped = !escaped && scalar == "\\" }
            if !escaped {
                switch scalar {
                case "[": inClass = true
                case "]": inClass = false
                case "(" where !inClass: depth += 1
                case ")" where !inClass: depth -= 1
                case "|" where !inClass && depth == 0:
                    parts.append(String(current))
                    current = String.UnicodeScalarView()
                    continue
                default: break
                }
            }
            current.append(scalar)
        }
        return parts + [String(current)]
    }

    private static func matchingParen(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0, index = start
        while index < scalars.count {
            switch scalars[index] {
            case "\\": index += 1
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return scalars.count - 1
    }

    private static func isZeroQuantifier(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        scalars[index] == "?" || scalars[index] == "*"
            || (scalars[index] == "{" && index + 1 < scalars.count && scalars[index + 1] == "0")
    }

    /// `?:甲方|乙方` → [甲方, 乙方] when every alternative is a plain literal.
    private static func literalAlternatives(_ body: [Unicode.Scalar]) -> [[Unicode.Scalar]]? {
        var body = body[...]
        if body.starts(with: ["?", ":"]) { body = body.dropFirst(2) }
        let alternatives = body.split(separator: "|", omittingEmptySubsequences: false).map(Array.init)
        guard !alternatives.isEmpty, alternatives.allSatisfy({ !$0.isEmpty && !$0.contains(where: meta.contains) })
        else { return nil }
        return alternatives
    }
}

/// What makes a rule fire.
struct Trigger: Sendable {
    /// At least one must match; the first match (that passes `who`) is the quoted evidence.
    var any: [RulePattern] = []
    /// Each must match somewhere in the same clause.
    var all: [RulePattern] = []
    /// None may match in the quoted sentence.
    var unless: [RulePattern] = []
    /// None may match anywhere in the clause.
    var unlessClause: [RulePattern] = []
    /// None may match anywhere in the contract.
    var unlessDocument: [RulePattern] = []
    /// Each must match somewhere in the contract ("双方相互提供资料" for a one-sided NDA).
    var allDocument: [RulePattern] = []
    /// Document rules: fire when none of these match anywhere in the contract.
    var missing: [RulePattern] = []
    /// A built-in analyzer whose hits are the evidence.
    var analyzer: AnalyzerName?
    /// Whose analyzer hit counts: the party the hit burdens must be the reviewer (`reviewer`) or not (`counterparty`).
    var burdens: PartySides.Side?
}

/// Wordings a rule must flag and close variants it must leave alone, read from `type`'s contract as `role`. The catalog
/// test runs every rule's examples, and they show the legal team what each rule means.
struct RuleExamples: Sendable {
    var type: ContractType
    var role: Role
    var positive: [String]
    var negative: [String]
}

/// One entry of the rule catalog. A class so that the per-clause loop does not copy its many fields.
final class Rule: Sendable {
    enum Scope: String, Sendable { case clause, document }

    let id: String
    let types: Set<ContractType>?
    let protects: Set<Role>?
    let scope: Scope
    let level: RiskLevel
    let category: String
    let title: String
    let summary: String
    let analysis: String
    let suggestion: String
    let statutes: [StatuteCitation]
    /// Findings of rules with the same concern on one clause are merged.
    let concern: String
    let trigger: Trigger
    let enabled: Bool
    /// Where the rule was defined, for messages.
    let origin: String
    let examples: RuleExamples?
    /// The same clause read for the side that wrote it, when it is unlawful and so a liability of that side's own
    /// (an employer's contract waiving social insurance): the rule matches as for its protected role, the finding
    /// speaks to this role.
    let drafter: DrafterView?

    init(id: String, types: Set<ContractType>?, protects: Set<Role>?, scope: Scope, level: RiskLevel, category: String,
         title: String, summary: String, analysis: String, suggestion: String, statutes: [StatuteCitation],
         concern: String, trigger: Trigger, enabled: Bool, origin: String, examples: RuleExamples?,
         drafter: DrafterView?) {
        self.id = id
        self.types = types
        self.protects = protects
        self.scope = scope
        self.level = level
        self.category = category
        self.title = title
        self.summary = summary
        self.analysis = analysis
        self.suggestion = suggestion
        self.statutes = statutes
        self.concern = concern
        self.trigger = trigger
        self.enabled = enabled
        self.origin = origin
        self.examples = examples
        self.drafter = drafter
    }

    /// The same rule switched on or off, for playbooks that only set `enabled`.
    func with(enabled: Bool) -> Rule {
        Rule(id: id, types: types, protects: protects, scope: scope, level: level, category: category, title: title,
             summary: summary, analysis: analysis, suggestion: suggestion, statutes: statutes, concern: concern,
             trigger: trigger, enabled: enabled, origin: origin, examples: examples, drafter: drafter)
    }

    func applies(to type: ContractType, role: Role) -> Bool {
        enabled && (types?.contains(type) ?? true) && (protects?.contains(role) ?? true)
    }

    /// Whether a review for `role` reads this rule from the drafter's side.
    func appliesToDrafter(of type: ContractType, role: Role) -> Bool {
        guard enabled, types?.contains(type) ?? true, let drafter else { return false }
        return drafter.role.map { $0 == role } ?? true
    }
}

/// A rule's texts for the side that drafted the clause it flags, and that side's level of risk.
struct DrafterView: Sendable {
    /// The side that may have written the clause; nil for a clause void whoever wrote it (`role: any`, for a rule
    /// that protects every role: an exclusion of liability for personal injury).
    let role: Role?
    let level: RiskLevel
    let title: String
    let summary: String
    let analysis: String
    let suggestion: String
}

/// The built-in catalog plus any playbook, with statute references resolved.
struct Catalog: Sendable {
    var settings = ReviewSettings()
    private(set) var rules: [Rule] = []
    /// The word classes patterns name (`{无论}`); a file's classes serve the rules of the files loaded after it.
    private(set) var vocabulary = Vocabulary()
    /// The clause rules by the literals they need, for skipping most of them on each clause.
    private(set) var gates = GateIndex(rules: [])
    var statutes: StatuteLibrary
    /// Regexes that name the parties, compiled for the designations reviews have met.
    let regexes = CompiledRegexCache()

    /// Loads the bundled catalog files, then every `*.yaml` / `*.yml` of `playbook` in name order.
    init(resources: URL, playbook: URL?) throws {
        statutes = StatuteLibrary(directory: resources.appendingPathComponent("statutes"))
        let rulesDirectory = resources.appendingPathComponent("rules")
        for url in try Self.yamlFiles(in: rulesDirectory) {
            try load(url, displayName: "rules/" + url.lastPathComponent, replacing: false)
        }
        if let playbook {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: playbook.path, isDirectory: &isDirectory) else {
                throw PlaybookError(file: playbook.path, line: 0, reason: "审查规则目录不存在 (playbook directory not found)")
            }
            let files = isDirectory.boolValue ? try Self.yamlFiles(in: playbook) : [playbook]
            for url in files { try load(url, displayName: url.path, replacing: true) }
        }
        gates = GateIndex(rules: rules)
    }

    private static func yamlFiles(in directory: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PlaybookError(file: directory.path, line: 0, reason: "无法读取目录: \(error.localizedDescription)")
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    private mutating func load(_ url: URL, displayName: String, replacing: Bool) throws {
        let yaml: String
        do {
            yaml = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PlaybookError(file: displayName, line: 0, reason: "无法读取文件: \(error.localizedDescription)")
        }
        try load(yaml: yaml, file: displayName, replacing: replacing)
    }

    /// Adds the rules, sources and settings of one YAML document. A rule with a known id replaces the old one when
    /// `replacing` (a playbook adjusting the catalog); an id twice in one document, or again in another file of the
    /// built-in catalog, is a mistake and fails the load.
    mutating func load(yaml: String, file: String, replacing: Bool = true) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PlaybookError(file: file, line: Self.line(of: error), reason: "YAML 语法错误: \(error)")
        }
        guard let root else { return }
        var reader = NodeReader(file: file)
        let top = try reader.mapping(root, allowed: ["version", "settings", "sources", "vocabulary", "rules"])
        if let sources = top["sources"] {
            for (key, value) in try reader.mapping(sources) {
                let fields = try reader.mapping(value, allowed: ["file", "name"])
                let source = StatuteLibrary.Source(
                    file: try reader.requiredString(fields, "file", in: value),
                    name: try reader.requiredString(fields, "name", in: value))
                do { try statutes.register(key, source: source) } catch {
                    throw reader.error(value, "\(error)")
                }
            }
        }
        if let node = top["settings"] { try readSettings(node, reader: &reader) }
        if let node = top["vocabulary"] {
            for (name, words) in try reader.mapping(node) {
                let list = try reader.sequence(words).map { item in
                    guard let word = item.scalar?.string else { throw reader.error(item, "词类 \(name) 的每一项必须是字符串") }
                    return word
                }
                do { try vocabulary.define(name, words: list) } catch { throw reader.error(words, "\(error)") }
            }
        }
        if let node = top["rules"] {
            var defined: Set<String> = []
            for ruleNode in try reader.sequence(node) {
                let rule = try readRule(ruleNode, reader: &reader)
                let known = rules.firstIndex(where: { $0.id == rule.id })
                guard defined.insert(rule.id).inserted, replacing || known == nil else {
                    throw reader.error(ruleNode, "规则 id \(rule.id) 重复定义")
                }
                if let index = known {
                    rules[index] = rule
                } else {
                    rules.append(rule)
                }
            }
        }
    }

    /// The `settings:` keys of a catalog or playbook and the number each sets.
    private static var settingKeys: [(key: String, path: WritableKeyPath<ReviewSettings, Double>)] {
        [("lpr_one_year_percent", \.lprOneYearPercent), ("penalty_ratio_limit", \.penaltyRatioLimit),
         ("deposit_ratio_limit", \.depositRatioLimit), ("daily_rate_limit", \.dailyRateLimit),
         ("liability_cap_ratio", \.liabilityCapRatio), ("liability_cap_floor_yuan", \.liabilityCapFloorYuan),
         ("penalty_cap_nominal_ratio", \.penaltyCapNominalRatio),
         ("paid_before_acceptance_ratio", \.paidBeforeAcceptanceRatio)]
    }

    private mutating func readSettings(_ node: Node, reader: inout NodeReader) throws {
        let fields = try reader.mapping(node, allowed: Set(Self.settingKeys.map(\.key)))
        for (key, path) in Self.settingKeys {
            guard let value = fields[key] else { continue }
            guard let number = value.float ?? value.int.map(Double.init), number > 0 else {
                throw reader.error(value, "\(key) 必须是正数")
            }
            settings[keyPath: path] = number
        }
    }

    private static let ruleKeys: Set<String> = [
        "id", "types", "protects", "scope", "level", "category", "title", "summary", "analysis", "suggestion",
        "statutes", "concern", "any", "all", "unless", "unless_clause", "unless_document", "all_document", "missing", "analyzer",
        "burdens", "enabled", "examples", "drafter",
    ]

    private func readRule(_ node: Node, reader: inout NodeReader) throws -> Rule {
        let fields = try reader.mapping(node, allowed: Self.ruleKeys)
        let id = try reader.requiredString(fields, "id", in: node)
        if let existing = rules.first(where: { $0.id == id }), fields.count <= 2, let enabled = fields["enabled"]?.bool {
            return existing.with(enabled: enabled)
        }
        func strings(_ key: String) throws -> [String] {
            guard let value = fields[key] else { return [] }
            if let single = value.scalar { return [single.string] }
            return try reader.sequence(value).map { item in
                guard let text = item.scalar?.string else { throw reader.error(item, "\(key) 的每一项必须是字符串") }
                return text
            }
        }
        /// `splitting`: for keys where any one pattern suffices, a top-level `a|b|c` becomes three patterns, each with a
        /// literal gate of its own; as one regex it has no gate and is run over the whole text.
        func patterns(_ key: String, splitting: Bool = false) throws -> [RulePattern] {
            guard let value = fields[key] else { return [] }
            let items = value.scalar != nil ? [value] : try reader.sequence(value)
            return try items.flatMap { item in
                guard let written = item.scalar?.string else { throw reader.error(item, "\(key) 的每一项必须是正则表达式字符串") }
                let text: String
                do { text = try vocabulary.expand(written) } catch { throw reader.error(item, "\(error)") }
                do {
                    let whole = try RulePattern(text)
                    let parts = LiteralGate.topLevelAlternatives(of: text)
                    return splitting && parts.count > 1 ? try parts.map(RulePattern.init) : [whole]
                } catch {
                    throw reader.error(item, "正则表达式无效 (invalid regex) \(written): \(error.localizedDescription)")
                }
            }
        }
        var types: Set<ContractType>?
        if let value = fields["types"], value.scalar?.string != "all" {
            types = Set(try strings("types").map { name in
                guard let type = ContractType(alias: name) else { throw reader.error(value, "未知的合同类型 \(name)") }
                return type
            })
        }
        var protects: Set<Role>?
        if let value = fields["protects"] {
            protects = Set(try strings("protects").map { name in
                guard let role = Role(alias: name) else { throw reader.error(value, "未知的角色 \(name)") }
                return role
            })
        }
        let scope: Rule.Scope
        if let value = fields["scope"] {
            guard let parsed = value.scalar.flatMap({ Rule.Scope(rawValue: $0.string) }) else {
                throw reader.error(value, "scope 只能是 clause 或 document")
            }
            scope = parsed
        } else {
            scope = .clause
        }
        let levelNode = fields["level"]
        guard let level = levelNode?.scalar.flatMap({ RiskLevel(rawValue: $0.string.uppercased()) }) else {
            throw reader.error(levelNode ?? node, "level 必须是 HIGH、MEDIUM 或 LOW")
        }
        var trigger = Trigger(
            any: try patterns("any"), all: try patterns("all"), unless: try patterns("unless", splitting: true),
            unlessClause: try patterns("unless_clause", splitting: true),
            unlessDocument: try patterns("unless_document", splitting: true), allDocument: try patterns("all_document"),
            missing: try patterns("missing", splitting: true))
        if let value = fields["analyzer"] {
            guard let name = value.scalar.flatMap({ AnalyzerName(rawValue: $0.string) }) else {
                throw reader.error(value, "未知的分析器 \(value.scalar?.string ?? "")；可用: "
                    + AnalyzerName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            trigger.analyzer = name
        }
        if let value = fields["burdens"] {
            switch value.scalar?.string {
            case "reviewer": trigger.burdens = .reviewer
            case "counterparty": trigger.burdens = .counterparty
            default: throw reader.error(value, "burdens 只能是 reviewer 或 counterparty")
            }
        }
        switch scope {
        case .clause where trigger.any.isEmpty && trigger.analyzer == nil:
            throw reader.error(node, "条款规则需要 any 或 analyzer")
        case .document where trigger.missing.isEmpty && trigger.analyzer == nil:
            throw reader.error(node, "文档规则需要 missing 或 analyzer")
        default: break
        }
        var citations: [StatuteCitation] = []
        for reference in try strings("statutes") {
            do { citations.append(try statutes.citation(reference)) } catch {
                throw reader.error(fields["statutes"] ?? node, "\(error)")
            }
        }
        return Rule(
            id: id, types: types, protects: protects, scope: scope, level: level,
            category: try reader.requiredString(fields, "category", in: node),
            title: try reader.requiredString(fields, "title", in: node),
            summary: try reader.requiredString(fields, "summary", in: node),
            analysis: try reader.requiredString(fields, "analysis", in: node),
            suggestion: try reader.requiredString(fields, "suggestion", in: node),
            statutes: citations, concern: fields["concern"]?.scalar?.string ?? id, trigger: trigger,
            enabled: fields["enabled"]?.bool ?? true, origin: "\(reader.file):\(node.mark?.line ?? 0)",
            examples: try fields["examples"].map { try readExamples($0, types: types, protects: protects, reader: reader) },
            drafter: try fields["drafter"].map { try readDrafter($0, level: level, types: types, protects: protects, reader: reader) })
    }

    private func readDrafter(_ node: Node, level: RiskLevel, types: Set<ContractType>?, protects: Set<Role>?,
                             reader: NodeReader) throws -> DrafterView {
        let fields = try reader.mapping(node, allowed: ["role", "level", "title", "summary", "analysis", "suggestion"])
        let name = fields["role"]?.scalar?.string
        let role: Role?
        if name == "any" {
            guard protects == nil else { throw reader.error(fields["role"] ?? node, "drafter 的角色 any 只用于不限 protects 的规则") }
            role = nil
        } else {
            guard let named = name.flatMap(Role.init(alias:)), types?.contains(where: { $0.roles.contains(named) }) ?? true,
                  !(protects?.contains(named) ?? true) else {
                throw reader.error(fields["role"] ?? node, "drafter 的角色必须属于本规则的合同类型，且不在 protects 之内")
            }
            role = named
        }
        var drafterLevel = level
        if let value = fields["level"] {
            guard let parsed = value.scalar.flatMap({ RiskLevel(rawValue: $0.string.uppercased()) }) else {
                throw reader.error(value, "level 必须是 HIGH、MEDIUM 或 LOW")
            }
            drafterLevel = parsed
        }
        return DrafterView(
            role: role, level: drafterLevel, title: try reader.requiredString(fields, "title", in: node),
            summary: try reader.requiredString(fields, "summary", in: node),
            analysis: try reader.requiredString(fields, "analysis", in: node),
            suggestion: try reader.requiredString(fields, "suggestion", in: node))
    }

    private func readExamples(_ node: Node, types: Set<ContractType>?, protects: Set<Role>?, reader: NodeReader) throws
        -> RuleExamples {
        let fields = try reader.mapping(node, allowed: ["type", "role", "positive", "negative"])
        let typeName = try reader.requiredString(fields, "type", in: node)
        let roleName = try reader.requiredString(fields, "role", in: node)
        guard let type = ContractType(alias: typeName) else { throw reader.error(node, "examples 的合同类型未知: \(typeName)") }
        guard let role = Role(alias: roleName) else { throw reader.error(node, "examples 的角色未知: \(roleName)") }
        guard types?.contains(type) ?? true, protects?.contains(role) ?? true else {
            throw reader.error(node, "examples 的合同类型或角色不在本规则的 types/protects 之内")
        }
        func texts(_ key: String) throws -> [String] {
            guard let value = fields[key] else { throw reader.error(node, "examples 缺少 \(key)") }
            let items = try reader.sequence(value).map { item in
                guard let text = item.scalar?.string, !text.isEmpty else { throw reader.error(item, "examples.\(key) 的每一项必须是非空字符串") }
                return text
            }
            guard !items.isEmpty else { throw reader.error(value, "examples.\(key) 至少需要一例") }
            return items
        }
        return RuleExamples(type: type, role: role, positive: try texts("positive"), negative: try texts("negative"))
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: 0
        }
    }
}

/// Reads Yams nodes and reports problems with the line they are on.
private struct NodeReader {
    let file: String

    func error(_ node: Node, _ reason: String) -> PlaybookError {
        PlaybookError(file: file, line: node.mark?.line ?? 0, reason: reason)
    }

    func mapping(_ node: Node, allowed: Set<String>? = nil) throws -> [String: Node] {
        guard let mapping = node.mapping else { throw error(node, "此处应为映射 (expected a mapping)") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error(key, "键必须是字符串") }
            if let allowed, !allowed.contains(name) { throw error(key, "未知字段 \(name) (unknown field)") }
            result[name] = value
        }
        return result
    }

    func sequence(_ node: Node) throws -> [Node] {
        guard let sequence = node.sequence else { throw error(node, "此处应为列表 (expected a list)") }
        return Array(sequence)
    }

    func requiredString(_ fields: [String: Node], _ key: String, in node: Node) throws -> String {
        guard let value = fields[key] else { throw error(node, "缺少字段 \(key) (missing field)") }
        guard let text = value.scalar?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw error(value, "\(key) 必须是非空字符串")
        }
        return text
    }
}
