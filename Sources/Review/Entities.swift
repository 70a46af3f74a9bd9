import Foundation

/// A regular expression compiled once; matching happens on `SearchableText` so ranges come back as scalar offsets.
struct CompiledRegex: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe.
    let regex: NSRegularExpression

    init(_ pattern: String) throws {
        regex = try NSRegularExpression(pattern: pattern, options: [])
    }

    /// For patterns written in this module, which the tests compile.
    init(fixed pattern: String) {
        do { try self.init(pattern) } catch { preconditionFailure("bad built-in pattern \(pattern): \(error)") }
    }

    func matches(in text: SearchableText) -> [NSTextCheckingResult] {
        regex.matches(in: text.string, options: [], range: text.fullRange)
    }

    /// The first match in `text`, or only in its UTF-16 `range` when given.
    func firstMatch(in text: SearchableText, range: NSRange? = nil) -> NSTextCheckingResult? {
        regex.firstMatch(in: text.string, options: [], range: range ?? text.fullRange)
    }

    /// The first match for which `transform` gives a value; matching stops there instead of finding every match.
    func firstValue<T>(in text: SearchableText, _ transform: (NSTextCheckingResult) -> T?) -> T? {
        var value: T?
        withoutActuallyEscaping(transform) { transform in
            regex.enumerateMatches(in: text.string, options: [], range: text.fullRange) { match, _, stop in
                if let match, let found = transform(match) {
                    value = found
                    stop.pointee = true
                }
            }
        }
        return value
    }
}

/// Regexes built for one set of party designations, shared by all reviews of an engine: most contracts of a type use
/// the same designations, so a pattern is compiled once rather than once per review. Bounded: emptied when full.
final class CompiledRegexCache: @unchecked Sendable {
    // `expansions` is only touched under `lock`; CompiledRegex itself is immutable.
    private let lock = NSLock()
    private var expansions: [Expansion: CompiledRegex] = [:]
    private let limit = 4096

    /// A pattern (a rule's, or an analyzer's named one) built for one pair of sides.
    private struct Expansion: Hashable {
        let pattern: RulePattern.Key
        let sides: PartySides
    }

    /// The regex of `pattern` expanded for `sides`: a review whose parties an earlier review had skips building the
    /// expanded source (string replacements and sorts that cost more than running most regexes).
    func regex(_ pattern: RulePattern.Key, for sides: PartySides, expand: () -> String) -> CompiledRegex {
        let expansion = Expansion(pattern: pattern, sides: sides)
        if let found = lock.withLock({ expansions[expansion] }) { return found }
        let compiled = CompiledRegex(fixed: expand())
        lock.withLock {
            if expansions.count >= limit { expansions.removeAll(keepingCapacity: true) }
            expansions[expansion] = compiled
        }
        return compiled
    }
}

extension SearchableText {
    /// The text of capture group `group`, or nil when it did not take part in the match.
    func group(_ group: Int, of match: NSTextCheckingResult) -> String? {
        let range = match.range(at: group)
        guard range.location != NSNotFound else { return nil }
        return nsString.substring(with: range)
    }
}

/// An amount of money written in the text.
struct MoneyMention: Sendable, Hashable {
    enum Form: Sendable { case figures, capitals }
    var cents: Int
    var range: Range<Int>
    var form: Form
}

/// A rate: "5%", "百分之十", "千分之五", "万分之三", as a fraction (0.05).
struct RateMention: Sendable, Hashable {
    var value: Double
    var range: Range<Int>
}

/// A length of time: "六个月", "3年", "十五个工作日", "150个自然日".
struct PeriodMention: Sendable, Hashable {
    enum Unit: String, Sendable { case year, month, week, day, workday, hour }
    var amount: Int
    var unit: Unit
    var range: Range<Int>

    /// Approximate length in days, for comparisons.
    var days: Double {
        switch unit {
        case .year: Double(amount) * 365
        case .month: Double(amount) * 30.4
        case .week: Double(amount) * 7
        case .day: Double(amount)
        case .workday: Double(amount) * 1.4
        case .hour: Double(amount) / 24
        }
    }
}

/// A calendar date "2025年9月1日", comparable as yyyymmdd.
struct DateMention: Sendable, Hashable {
    var year: Int, month: Int, day: Int
    var range: Range<Int>
    var ordinal: Int { year * 10_000 + month * 100 + day }
}

/// Finds amounts, rates, periods and dates in a piece of text.
enum Quantities {
    private static let figures = CompiledRegex(fixed:
        #"(?:(人民币|RMB|¥|￥)\s*)?((?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*(亿元|万元|元|亿|万)?"#)
    private static let capitals = CompiledRegex(fixed: "[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[元圆](?:[零壹贰叁肆伍陆柒捌玖][角分])*[整正]?")
    private static let lowerWords = CompiledRegex(fixed: "(?<![零壹贰叁肆伍陆柒捌玖拾佰仟万亿])[零〇一二两三四五六七八九十百千万亿]*[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*(?=元)")
    /// Percent, 百/千/万分之, tenths (三成), per mille (5‰) and the customary interest forms 月息二分 (2% a month) and
    /// 年息八厘 (8% a year).
    private static let percent = CompiledRegex(fixed:
        #"([0-9]+(?:\.[0-9]+)?)\s*[%％]|(百|千|万)分之([0-9.]+|[零〇一二两三四五六七八九十百点]+)|(?<![0-9零〇一二两三四五六七八九十])([一二三四五六七八九十]|[1-9])成(?![本员立交果就为功熟品年不新])|([0-9]+(?:\.[0-9]+)?)\s*‰|(月|年)(?:息|利)\s*([0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十点]+)\s*(分|厘)(?![之钟])"#)
    private static let period = CompiledRegex(fixed:
        "(?<![0-9.月年第])([0-9]{1,3}|[零〇一二两三四五六七八九十百壹贰叁肆伍陆柒捌玖拾佰]+)\\s*(?:个)?\\s*(周年|年(?![0-9一二三四五六七八九十]{1,2}月)|个月|月(?![0-9一二三四五六七八九十]{1,2}日)|周|星期|工作日|个工作日|自然日|日历日|日历天|日|天|小时)")
    private static let date = CompiledRegex(fixed: "([0-9]{4}|[〇零一二三四五六七八九]{4})\\s*年\\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\\s*月(?:\\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\\s*日)?")

    static func money(in text: SearchableText) -> [MoneyMention] {
        var result: [MoneyMention] = []
        for match in figures.matches(in: text) {
            let prefix = text.group(1, of: match), unit = text.group(3, of: match)
            guard prefix != nil || unit?.hasSuffix("元") == true,
                  let digits = text.group(2, of: match)?.replacingOccurrences(of: ",", with: "")
                      .replacingOccurrences(of: "，", with: ""),
                  let value = Decimal(string: digits) else { continue }
            let multiplier: Decimal = switch unit {
            case "万元", "万": 10_000
            case "亿元", "亿": 100_000_000
            default: 1
            }
            let cents = NSDecimalNumber(decimal: value * multiplier * 100).int64Value
            result.append(MoneyMention(cents: Int(cents), range: text.documentRange(match.range), form: .figures))
        }
        for match in capitals.matches(in: text) {
            guard let spelled = text.group(0, of: match), let cents = ChineseNumerals.amountInCents(spelled),
                  spelled.unicodeScalars.contains(where: { "壹贰叁肆伍陆柒捌玖拾佰仟".unicodeScalars.contains($0) })
            else { continue }
            result.append(MoneyMention(cents: cents, range: text.documentRange(match.range), form: .capitals))
        }
        for match in lowerWords.matches(in: text) {
            guard let spelled = text.group(0, of: match), let value = ChineseNumerals.integer(spelled.unicodeScalars)
            else { continue }
            result.append(MoneyMention(cents: value * 100, range: text.documentRange(match.range), form: .figures))
        }
        return result.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    static func rates(in text: SearchableText) -> [RateMention] {
        percent.matches(in: text).compactMap { match in
            let value: Double?
            if let number = text.group(1, of: match) {
                value = Double(number).map { $0 / 100 }
            } else if let base = text.group(2, of: match), let number = text.group(3, of: match) {
                let divisor: Double = base == "百" ? 100 : base == "千" ? 1000 : 10_000
                value = decimalNumber(number).map { $0 / divisor }
            } else if let tenths = text.group(4, of: match) {
                value = decimalNumber(tenths).map { $0 / 10 }
            } else if let perMille = text.group(5, of: match) {
                value = Double(perMille).map { $0 / 1000 }
            } else if let period = text.group(6, of: match), let number = text.group(7, of: match),
                      let unit = text.group(8, of: match) {
                // 月息一分 = 1% a month, 一厘 = 0.1%; 年息一分 = 10% a year, 一厘 = 1%. The mention starts at the number,
                // so the period word (月息) stays before it for `Analyzers.periodsPerYear`.
                let scale = (unit == "分" ? 0.01 : 0.001) * (period == "年" ? 10 : 1)
                let start = text.documentRange(match.range(at: 7)).lowerBound
                return decimalNumber(number).map { RateMention(value: $0 * scale, range: start..<text.documentRange(match.range).upperBound) }
            } else {
                value = nil
            }
            return value.map { RateMention(value: $0, range: text.documentRange(match.range)) }
        }
    }

    static func periods(in text: SearchableText) -> [PeriodMention] {
        period.matches(in: text).compactMap { match in
            guard let number = text.group(1, of: match), let unitText = text.group(2, of: match),
                  let amount = ChineseNumerals.integer(number.unicodeScalars) else { return nil }
            let unit: PeriodMention.Unit = switch unitText {
            case "年", "周年": .year
            case "个月", "月": .month
            case "周", "星期": .week
            case "工作日", "个工作日": .workday
            case "小时": .hour
            default: .day
            }
            return PeriodMention(amount: amount, unit: unit, range: text.documentRange(match.range))
        }
    }

    static func dates(in text: SearchableText) -> [DateMention] {
        date.matches(in: text).compactMap { match in
            guard let year = text.group(1, of: match).flatMap({ ChineseNumerals.integer($0.unicodeScalars) }),
                  let month = text.group(2, of: match).flatMap({ ChineseNumerals.integer($0.unicodeScalars) }),
                  (1...12).contains(month) else { return nil }
            let day = text.group(3, of: match).flatMap { ChineseNumerals.integer($0.unicodeScalars) } ?? 1
            return DateMention(year: year, month: month, day: day, range: text.documentRange(match.range))
        }
    }

    /// The date written right at `offset` of the text ("签订日期：" followed by "2025年5月12日"), if one begins there.
    static func date(at offset: Int, in text: ReviewText) -> DateMention? {
        let window = offset..<min(text.scalars.count, offset + 16)
        return dates(in: SearchableText(text.string(window), base: offset)).first { $0.range.lowerBound == offset }
    }

    /// A decimal in figures or Chinese numerals: "五" → 5, "0.5" → 0.5, "二点五" → 2.5, "壹点伍" → 1.5.
    static func decimalNumber(_ text: String) -> Double? {
        if let value = Double(text) { return value }
        let parts = text.split(separator: "点", maxSplits: 1)
        guard let whole = ChineseNumerals.integer(parts[0].unicodeScalars) else { return nil }
        guard parts.count == 2 else { return Double(whole) }
        let fraction = parts[1].unicodeScalars.compactMap { ChineseNumerals.integer([$0]) }.map(String.init).joined()
        return Double("\(whole).\(fraction)")
    }
}

/// Check characters of Chinese registration numbers.
enum RegistrationNumber {
    private static let creditAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    private static let creditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The GB 32100-2015 check character for the first 17 characters of a 统一社会信用代码; nil if they are malformed.
    static func creditCodeCheckCharacter(_ code: String) -> Character? {
        let characters = Array(code.uppercased())
        guard characters.count >= 17 else { return nil }
        var sum = 0
        for (index, character) in characters.prefix(17).enumerated() {
            guard let value = creditAlphabet.firstIndex(of: character) else { return nil }
            sum += value * creditWeights[index]
        }
        return creditAlphabet[(31 - sum % 31) % 31]
    }

    /// Whether an 18-character 统一社会信用代码 carries the right check character.
    static func isValidCreditCode(_ code: String) -> Bool {
        code.count == 18 && creditCodeCheckCharacter(code) == Character(code.suffix(1).uppercased())
    }

    private static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let idChecks = Array("10X98765432")

    /// The GB 11643-1999 check character for the first 17 digits of a 居民身份证号码.
    static func idCheckCharacter(_ number: String) -> Character? {
        let digits = number.prefix(17).compactMap(\.wholeNumberValue)
        guard digits.count == 17 else { return nil }
        let sum = zip(digits, idWeights).reduce(0) { $0 + $1.0 * $1.1 }
        return idChecks[sum % 11]
    }

    /// Whether an 18-character 身份证号 carries the right check character and a birth date that exists.
    static func isValidIDNumber(_ number: String) -> Bool {
        number.count == 18 && idCheckCharacter(number) == Character(number.suffix(1).uppercased()) && hasValidBirthDate(number)
    }

    /// Whether digits 7–14 of a 身份证号 (YYYYMMDD) name a real day: "19870230" does not.
    static func hasValidBirthDate(_ number: String) -> Bool {
        let digits = number.dropFirst(6).prefix(8).compactMap(\.wholeNumberValue)
        guard digits.count == 8 else { return false }
        let year = digits[0..<4].reduce(0) { $0 * 10 + $1 }, month = digits[4] * 10 + digits[5], day = digits[6] * 10 + digits[7]
        guard (1800...2100).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }
}
