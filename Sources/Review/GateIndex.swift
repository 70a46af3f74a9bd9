/// Which clause rules can possibly fire on a clause, from one scan of its text: every rule is indexed under the literals
/// of which at least one must occur for its evidence patterns to run (a pattern's first gate group). The per-clause
/// loop then skips, without touching them, the rules none of whose literals the clause contains; the rules it visits
/// still check their whole gates and regexes.
struct GateIndex: Sendable {
    /// Catalog positions of the rules indexed under each literal.
    private var rulesOfLiteral: [[Int]] = []
    private var literals: [[Unicode.Scalar]] = []
    /// Literal ids by their first scalar (Basic Multilingual Plane): `firstScalarBucket[value]` is 1 + the bucket's
    /// index in `buckets`, 0 when no literal starts with that scalar.
    private var firstScalarBucket: [UInt16] = []
    private var buckets: [[Int]] = []
    /// Rules that have no literal to be indexed under (an ungated pattern, an analyzer without patterns).
    private var ungated: [Int] = []
    private(set) var ruleCount = 0

    init(rules: [Rule]) {
        ruleCount = rules.count
        firstScalarBucket = [UInt16](repeating: 0, count: 0x10000)
        var literalIDs: [[Unicode.Scalar]: Int] = [:]
        for (position, rule) in rules.enumerated() where rule.scope == .clause {
            guard let entry = Self.entryLiterals(of: rule) else {
                ungated.append(position)
                continue
            }
            for literal in Set(entry) {
                let id = literalIDs[literal] ?? {
                    let id = literals.count
                    literals.append(literal)
                    rulesOfLiteral.append([])
                    literalIDs[literal] = id
                    return id
                }()
                rulesOfLiteral[id].append(position)
            }
        }
        for (id, literal) in literals.enumerated() {
            let first = Int(literal[0].value)
            if firstScalarBucket[first] == 0 {
                buckets.append([])
                firstScalarBucket[first] = UInt16(buckets.count)
            }
            buckets[Int(firstScalarBucket[first]) - 1].append(id)
        }
    }

    /// Literals at least one of which a clause must contain for the rule to have evidence; nil when there are none.
    /// An analyzer rule needs every one of its patterns; a regex rule one of them, so it is indexed under each.
    private static func entryLiterals(of rule: Rule) -> [[Unicode.Scalar]]? {
        let patterns = rule.trigger.analyzer == nil ? rule.trigger.any : Array(rule.trigger.any.prefix(1))
        guard !patterns.isEmpty else { return nil }
        var entry: [[Unicode.Scalar]] = []
        for pattern in patterns {
            // A literal outside the Basic Multilingual Plane is not indexed: such a rule is always visited.
            guard let group = pattern.gate.first, group.allSatisfy({ !$0.isEmpty && $0[0].value < 0x10000 }) else { return nil }
            entry += group
        }
        return entry
    }

    /// A set of catalog positions: the rules worth visiting on one clause.
    struct Candidates {
        private var words: [UInt64]

        init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

        mutating func insert(_ position: Int) { words[position >> 6] |= 1 << UInt64(position & 63) }

        func contains(_ position: Int) -> Bool { words[position >> 6] & (1 << UInt64(position & 63)) != 0 }
    }

    /// The rules some of whose entry literals occur in `scalars`, and the ungated ones.
    func candidates(in scalars: ArraySlice<Unicode.Scalar>) -> Candidates {
        var result = Candidates(count: ruleCount)
        for position in ungated { result.insert(position) }
        var found = [Bool](repeating: false, count: literals.count)
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let value = scalars[index].value
            if value < 0x10000, case let bucket = firstScalarBucket[Int(value)], bucket != 0 {
                for id in buckets[Int(bucket) - 1] where !found[id] && Self.occurs(literals[id], in: scalars, at: index) {
                    found[id] = true
                    for position in rulesOfLiteral[id] { result.insert(position) }
                }
            }
            index += 1
        }
        return result
    }

    private static func occurs(_ literal: [Unicode.Scalar], in scalars: ArraySlice<Unicode.Scalar>, at index: Int) -> Bool {
        guard index + literal.count <= scalars.endIndex else { return false }
        var k = 1
        while k < literal.count, scalars[index + k] == literal[k] { k += 1 }
        return k == literal.count
    }
}
