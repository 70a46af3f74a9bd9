/// The concrete replacement wording a finding's suggestion proposes, if it proposes one.
///
/// The engine writes a rewrite as an instruction followed by the new clause: `…建议修改为：“新条款”`
/// (also 改为 / 调整为 / 替换为 / 修订为 / 表述为, with the wording in “”, 「」, 『』 or "", or
/// unquoted after the colon to the end). Anything else is advice, not wording to put in the contract.
enum SuggestedRewrite {
    private static let markers = ["修改为", "修订为", "调整为", "替换为", "表述为", "改为"]
    private static let quotes: [(open: Character, close: Character)] = [
        ("“", "”"), ("「", "」"), ("『", "』"), ("\"", "\""),
    ]

    static func wording(in suggestion: String) -> String? {
        guard
            let marker = markers.compactMap({ suggestion.range(of: $0, options: .backwards) }).max(by: {
                $0.lowerBound < $1.lowerBound
            })
        else { return nil }
        var rest = suggestion[marker.upperBound...].drop { $0 == " " || $0 == "　" }
        let hasColon = rest.first == "：" || rest.first == ":"
        if hasColon { rest = rest.dropFirst().drop { $0 == " " || $0 == "　" } }
        if let first = rest.first, let pair = quotes.first(where: { $0.open == first }) {
            let inner = rest.dropFirst()
            guard let close = inner.lastIndex(of: pair.close) else { return nil }
            let wording = String(inner[..<close])
            return wording.isEmpty ? nil : wording
        }
        let wording = String(rest).trimmingWhitespace()
        return hasColon && !wording.isEmpty ? wording : nil
    }
}
