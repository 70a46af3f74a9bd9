import Foundation

/// Article texts of the laws in `Resources/statutes`, looked up by references such as `civil-code:585`.
struct StatuteLibrary: Sendable {
    /// One law of the catalog's `sources`: the JSON file and the short name used in citations.
    struct Source: Sendable, Hashable {
        var file: String
        var name: String
    }

    private struct LawFile: Decodable {
        struct Article: Decodable {
            var number: Int
            var label: String
            var text: String
        }
        var articles: [Article]
    }

    private var laws: [String: (source: Source, articles: [Int: LawFile.Article])] = [:]
    private let directory: URL

    init(directory: URL) {
        self.directory = directory
    }

    enum LookupError: Error, CustomStringConvertible {
        case malformed(String), unknownLaw(String), missingArticle(String), unreadable(String, String)
        var description: String {
            switch self {
            case .malformed(let ref): "法条引用格式应为 law-key:条号，实际为 \(ref)"
            case .unknownLaw(let key): "sources 中没有名为 \(key) 的法律"
            case .missingArticle(let ref): "法条 \(ref) 不存在"
            case .unreadable(let file, let reason): "无法读取法条文件 \(file): \(reason)"
            }
        }
    }

    /// Loads a law's JSON file under `key`; later registrations of the same key replace earlier ones.
    mutating func register(_ key: String, source: Source) throws {
        let url = directory.appendingPathComponent(source.file)
        do {
            let file = try JSONDecoder().decode(LawFile.self, from: Data(contentsOf: url))
            laws[key] = (source, Dictionary(file.articles.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first }))
        } catch {
            throw LookupError.unreadable(source.file, "\(error)")
        }
    }

    /// The citation for `civil-code:585`; throws when the law or the article is unknown.
    func citation(_ reference: String) throws -> StatuteCitation {
        let parts = reference.split(separator: ":")
        guard parts.count == 2, let number = Int(parts[1]) else { throw LookupError.malformed(reference) }
        guard let law = laws[String(parts[0])] else { throw LookupError.unknownLaw(String(parts[0])) }
        guard let article = law.articles[number] else { throw LookupError.missingArticle(reference) }
        return StatuteCitation(statuteRef: "《\(law.source.name)》\(article.label)", statuteText: article.text)
    }
}
