/// Renders a list counter the way Word does for a `w:numFmt` value, e.g. 3 → "三" for `chineseCounting`.
enum ListLabelFormat: Sendable, Hashable {
    case decimal(minimumDigits: Int)
    case chinese
    case chineseLegal
    case ideographDigital
    case heavenlyStem
    case upperLetter, lowerLetter
    case upperRoman, lowerRoman
    case enclosedCircle
    case bullet
    case none

    /// `customFormat` is the `w:format` attribute Word 2010+ writes with `numFmt="custom"`,
    /// e.g. "一, 二, 三, ..." or "001, 002, 003, ...".
    init(numFmt: String, customFormat: String?) {
        switch numFmt {
        case "decimalZero": self = .decimal(minimumDigits: 2)
        case "chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
             "japaneseCounting", "koreanCounting":
            self = .chinese
        case "chineseLegalSimplified", "japaneseLegal": self = .chineseLegal
        case "ideographDigital", "taiwaneseDigital", "koreanDigital", "japaneseDigitalTenThousand":
            self = .ideographDigital
        case "ideographTraditional": self = .heavenlyStem
        case "upperLetter": self = .upperLetter
        case "lowerLetter": self = .lowerLetter
        case "upperRoman": self = .upperRoman
        case "lowerRoman": self = .lowerRoman
        case "decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle": self = .enclosedCircle
        case "bullet": self = .bullet
        case "none": self = .none
        case "custom":
            let first = customFormat?.split(separator: ",").first.map(String.init) ?? "1"
            if first.hasPrefix("一") { self = .chinese }
            else if first.hasPrefix("壹") { self = .chineseLegal }
            else { self = .decimal(minimumDigits: max(1, first.filter(\.isNumber).count)) }
        default: self = .decimal(minimumDigits: 1)
        }
    }

    func render(_ value: Int) -> String {
        switch self {
        case .decimal(let digits):
            let plain = String(value)
            return String(repeating: "0", count: max(0, digits - plain.count)) + plain
        case .chinese: return ChineseNumeral.counting(value, digits: ChineseNumeral.plainDigits, units: ChineseNumeral.plainUnits)
        case .chineseLegal: return ChineseNumeral.counting(value, digits: ChineseNumeral.legalDigits, units: ChineseNumeral.legalUnits)
        case .ideographDigital: return String(String(value).map { ChineseNumeral.plainDigits[Int(String($0))!] })
        case .heavenlyStem:
            let stems = Array("甲乙丙丁戊己庚辛壬癸")
            return value >= 1 ? String(stems[(value - 1) % stems.count]) : String(value)
        case .upperLetter: return Self.letters(value)
        case .lowerLetter: return Self.letters(value).lowercased()
        case .upperRoman: return Self.roman(value)
        case .lowerRoman: return Self.roman(value).lowercased()
        case .enclosedCircle:
            return (1...20).contains(value) ? String(Character(Unicode.Scalar(0x2460 + UInt32(value - 1))!)) : "(\(value))"
        case .bullet: return "•"
        case .none: return ""
        }
    }

    /// Word repeats the letter past Z: 27 → "AA", 28 → "BB".
    private static func letters(_ value: Int) -> String {
        guard value >= 1 else { return String(value) }
        let letter = Character(Unicode.Scalar(UInt8(65 + (value - 1) % 26)))
        return String(repeating: letter, count: (value - 1) / 26 + 1)
    }

    private static func roman(_ value: Int) -> String {
        guard (1..<4000).contains(value) else { return String(value) }
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                      (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var rest = value
        var result = ""
        for (amount, symbol) in table {
            while rest >= amount {
                result += symbol
                rest -= amount
            }
        }
        return result
    }
}

/// Chinese numerals as used in contract headings (第十二条) and 大写 amounts (壹拾贰).
enum ChineseNumeral {
    static let plainDigits = Array("〇一二三四五六七八九")
    static let plainUnits = ["", "十", "百", "千"]
    static let legalDigits = Array("零壹贰叁肆伍陆柒捌玖")
    static let legalUnits = ["", "拾", "佰", "仟"]

    /// 1–9999 in counting form: 10 → 十, 12 → 十二, 105 → 一百零五; other values stay Arabic.
    static func counting(_ value: Int, digits: [Character], units: [String]) -> String {
        guard (1...9999).contains(value) else { return String(value) }
        let decimal = String(value).map { Int(String($0))! }
        var result = ""
        var pendingZero = false
        for (index, digit) in decimal.enumerated() {
            let unit = units[decimal.count - 1 - index]
            if digit == 0 {
                pendingZero = !result.isEmpty
                continue
            }
            if pendingZero { result.append(digits[0]) }
            pendingZero = false
            // "十二", not "一十二", when ten is the leading unit (plain counting only; 大写 keeps 壹拾).
            if !(digit == 1 && unit == "十" && result.isEmpty) { result.append(digits[digit]) }
            result += unit
        }
        return result
    }
}
