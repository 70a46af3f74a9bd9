/// Chinese numerals, ordinary (一二三) and financial capitals (壹贰叁), and amounts written in 大写.
enum ChineseNumerals {
    private static let digits: [Unicode.Scalar: Int] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
        "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
    ]
    private static let smallUnits: [Unicode.Scalar: Int] = ["十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000]
    private static let bigUnits: [Unicode.Scalar: Int] = ["万": 10_000, "亿": 100_000_000]

    /// Whether the scalar can appear inside a Chinese integer.
    static func isNumeral(_ scalar: Unicode.Scalar) -> Bool {
        digits[scalar] != nil || smallUnits[scalar] != nil || bigUnits[scalar] != nil
    }

    /// The integer a run of Chinese numerals or ASCII digits spells ("二十五" → 25, "1万2千" → 12000); nil if none.
    static func integer<S: Collection>(_ scalars: S) -> Int? where S.Element == Unicode.Scalar {
        guard !scalars.isEmpty else { return nil }
        let positional = !scalars.contains { smallUnits[$0] != nil || bigUnits[$0] != nil }
        var yi = 0, wan = 0, section = 0, number = 0, sawDigit = false
        for scalar in scalars {
            if scalar.isASCIIDigit, let digit = scalar.properties.numericType.map({ _ in Int(scalar.value - 48) }) {
                number = (sawDigit ? number * 10 : 0) + digit
                sawDigit = true
            } else if let digit = digits[scalar] {
                number = positional ? number * 10 + digit : digit
                sawDigit = true
            } else if let unit = smallUnits[scalar] {
                section += (sawDigit ? number : 1) * unit
                number = 0
                sawDigit = false
            } else if scalar == "万" {
                wan = (section + number) * 10_000
                section = 0
                number = 0
                sawDigit = false
            } else if scalar == "亿" {
                yi = (yi + wan + section + number) * 100_000_000
                wan = 0
                section = 0
                number = 0
                sawDigit = false
            } else {
                return nil
            }
        }
        return yi + wan + section + number
    }

    /// Cents of an amount in 大写 such as "壹佰壹拾万陆仟元整" or "伍佰万元"; nil when it is not one.
    static func amountInCents(_ text: some StringProtocol) -> Int? {
        let scalars = Array(text.unicodeScalars).filter { $0 != "整" && $0 != "正" }
        let yuanMark = scalars.firstIndex { $0 == "元" || $0 == "圆" }
        guard yuanMark != nil || scalars.contains(where: { $0 == "角" || $0 == "分" }) else { return nil }
        let yuan = yuanMark ?? -1
        var integerPart = yuan >= 0 ? Array(scalars[..<yuan]) : []
        if integerPart.first == "人" { return nil }
        if integerPart.isEmpty { integerPart = ["零"] }
        guard let whole = integer(integerPart) else { return nil }
        var cents = whole * 100
        var pending: Int?
        for scalar in scalars[(yuan + 1)...] {
            if let digit = digits[scalar] {
                pending = digit
            } else if scalar == "角" {
                cents += (pending ?? 0) * 10
                pending = nil
            } else if scalar == "分" {
                cents += pending ?? 0
                pending = nil
            } else {
                return nil
            }
        }
        return cents
    }

    private static let capitalDigits = Array("零壹贰叁肆伍陆柒捌玖")
    private static let sectionUnits = ["", "拾", "佰", "仟"]
    private static let groupUnits = ["", "万", "亿", "万亿"]

    /// The 大写 spelling of an amount in cents, as written on Chinese contracts ("壹佰零伍万元整").
    static func capitalAmount(cents: Int) -> String {
        precondition(cents >= 0)
        let yuan = cents / 100, jiao = cents / 10 % 10, fen = cents % 10
        var result = ""
        if yuan > 0 {
            var groups: [Int] = []
            var rest = yuan
            while rest > 0 {
                groups.append(rest % 10_000)
                rest /= 10_000
            }
            var needZero = false
            for (index, group) in groups.enumerated().reversed() {
                if group == 0 {
                    needZero = !result.isEmpty
                    continue
                }
                if needZero || (!result.isEmpty && group < 1000) { result += "零" }
                result += spellGroup(group) + groupUnits[index]
                needZero = false
            }
            result += "元"
        }
        if jiao == 0 && fen == 0 { return (result.isEmpty ? "零元" : result) + "整" }
        if jiao > 0 {
            result += String(capitalDigits[jiao]) + "角"
        } else if yuan > 0 {
            result += "零"
        }
        if fen > 0 { result += String(capitalDigits[fen]) + "分" }
        return result
    }

    private static func spellGroup(_ group: Int) -> String {
        var result = ""
        var zero = false
        for position in stride(from: 3, through: 0, by: -1) {
            let digit = group / Int(pow10(position)) % 10
            if digit == 0 {
                zero = !result.isEmpty
                continue
            }
            if zero { result += "零" }
            result += String(capitalDigits[digit]) + sectionUnits[position]
            zero = false
        }
        return result
    }

    private static func pow10(_ exponent: Int) -> Int { (0..<exponent).reduce(1) { value, _ in value * 10 } }
}
