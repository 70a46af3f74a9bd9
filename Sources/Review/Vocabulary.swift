import Foundation

/// Named classes of words that say the same thing in a pattern: `{无论}` stands for 无论, 不论, 不管, 哪怕…, so a rule
/// states a concept once and the words of everyday drafting ("不管什么原因", "一概不管", "不用给补偿") join the class in
/// `00-sources.yaml` instead of being added to every rule that needs them.
struct Vocabulary: Sendable {
    private var classes: [String: String] = [:]

    /// Defines or replaces a class. Its words are plain text (letters and digits), so that a pattern's literal gate
    /// can use them: a class is a group of literals, never a regex.
    mutating func define(_ name: String, words: [String]) throws(VocabularyError) {
        guard Self.isPlain(name), !Self.placeholders.contains(name) else { throw .badName(name) }
        guard !words.isEmpty else { throw .empty(name) }
        if let word = words.first(where: { !Self.isPlain($0) }) { throw .badWord(name, word) }
        // Longest first: the regex tries alternatives in order, and 不予退还 must win over its prefix 不予.
        let ordered = Set(words).sorted { ($0.count, $0) > ($1.count, $1) }
        classes[name] = "(?:" + ordered.joined(separator: "|") + ")"
    }

    /// The pattern with every `{class}` replaced by its words; `{SELF}`, `{OTHER}`, `{PARTY}` and quantifiers
    /// (`{0,20}`) and escapes (`\\p{Han}`) are left as they are.
    func expand(_ pattern: String) throws(VocabularyError) -> String {
        guard pattern.contains("{") else { return pattern }
        var result = ""
        var rest = pattern[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            // `\p{Han}` and the like are the regex's own.
            let escaped = result.count >= 2 && result.dropLast().last == "\\"
            if let words = classes[name], !escaped {
                result += words
            } else if escaped || Self.placeholders.contains(name) || name.first.map({ $0.isASCII && $0.isNumber }) == true {
                result += rest[open...close]
            } else {
                throw .unknown(name)
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static let placeholders: Set<String> = ["SELF", "OTHER", "PARTY"]

    private static func isPlain(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) }
    }
}

enum VocabularyError: Error, CustomStringConvertible {
    case badName(String), empty(String), badWord(String, String), unknown(String)

    var description: String {
        switch self {
        case .badName(let name): "词类名称只能由文字组成，且不能是 SELF、OTHER、PARTY：\(name)"
        case .empty(let name): "词类 \(name) 没有词"
        case .badWord(let name, let word): "词类 \(name) 的词只能由文字组成（不能是正则表达式）：\(word)"
        case .unknown(let name): "未知的词类 {\(name)}（在 vocabulary 中定义）"
        }
    }
}
