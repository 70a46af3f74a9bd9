import Foundation

/// The one patent a licence names, and the day its term runs out. An invention patent lasts twenty years from its
/// filing date, a utility model ten, a design fifteen (ten when filed before 1 June 2021); 民法典第865条 makes a
/// patent licence valid only while the patent lasts.
struct LicensedPatent: Sendable {
    /// 发明专利, 实用新型 or 外观设计.
    var kind: String
    var filed: DateMention
    var years: Int

    /// The anniversary of the filing date that ends the term, as a date ordinal.
    var lapses: Int { (filed.year + years) * 10_000 + filed.month * 100 + filed.day }

    private static let filingLabel = CompiledRegex(fixed: "申请日(?:期)?[：:为\\s]*(?=[0-9]{4}\\s*年)")
    private static let kinds = ["发明专利", "实用新型", "外观设计"]

    /// "专利类型：发明专利 … 申请日：2013年4月16日": the patent when the contract names one kind and one filing date.
    static func stated(in text: ReviewText, whole: SearchableText) -> LicensedPatent? {
        guard text.contains("申请日"), text.contains("许可") else { return nil }
        let named = kinds.filter(text.contains)
        guard named.count == 1, let kind = named.first else { return nil }
        let filingDates = filingLabel.matches(in: whole).compactMap { label in
            Quantities.date(at: whole.documentRange(label.range).upperBound, in: text)
        }
        guard let filed = filingDates.first, filingDates.allSatisfy({ $0.ordinal == filed.ordinal }) else { return nil }
        let years = switch kind {
        case "发明专利": 20
        case "实用新型": 10
        default: filed.ordinal >= 2021_06_01 ? 15 : 10
        }
        return LicensedPatent(kind: kind, filed: filed, years: years)
    }
}

extension Analyzers {
    private static let licenceTermWords = ["许可期限", "许可期间", "许可使用期限", "实施期限", "授权期限"]

    /// "许可期限自2025年9月1日起至2035年8月31日止" for an invention patent filed on 16 April 2013: the licence runs on
    /// after the patent has lapsed.
    func licenceOutlivesPatent(_ sentence: Sentence) -> [AnalyzerHit] {
        guard let patent = facts.patent, sentence.contains(Self.licenceTermWords), sentence.contains(["至", "到"]) else { return [] }
        let dates = Quantities.dates(in: sentence.searchable)
        guard dates.count >= 2, let end = dates.last, end.ordinal >= patent.lapses else { return [] }
        let lapse = DateMention(year: patent.filed.year + patent.years, month: patent.filed.month, day: patent.filed.day,
                                range: end.range)
        return [AnalyzerHit(range: sentence.range, party: nil,
                            detail: "许可期限至\(Self.day(end))，而该\(patent.kind)自申请日\(Self.day(patent.filed))起保护\(patent.years)年，"
                                + "在\(Self.day(lapse))前即已届满")]
    }
}
