import Foundation
import Hummingbird
import MultipartKit

/// The fields of `POST /api/v1/upload`: a `file` part and an optional `contract_type`.
struct UploadForm {
    var filename: String
    var content: Data
    var contractType: String?

    /// Room for the multipart framing and the small text fields around the file.
    static let framingAllowance = 64 * 1024

    static func parse(_ request: Request, maxFileBytes: Int) async throws -> UploadForm {
        let tooLarge = APIError(.contentTooLarge, "FILE_TOO_LARGE", "文件超过 \(maxFileBytes.formattedSize) 上限")
        guard let contentType = request.headers[.contentType], let boundary = boundary(in: contentType) else {
            throw APIError(.badRequest, "INVALID_UPLOAD", "请使用 multipart/form-data 上传文件（字段名 file）")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxFileBytes + framingAllowance {
            throw tooLarge
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxFileBytes + framingAllowance)
        } catch {
            throw tooLarge
        }
        let parts = try MultipartParts(body: body, boundary: boundary)
        guard let file = parts.first(named: "file") else {
            throw APIError(.badRequest, "MISSING_FILE", "缺少文件字段 file")
        }
        guard file.body.count <= maxFileBytes else { throw tooLarge }
        guard !file.body.isEmpty else {
            throw APIError(.badRequest, "EMPTY_FILE", "上传的文件为空")
        }
        let typeField = parts.first(named: "contract_type").map { String(decoding: $0.body, as: UTF8.self) }
        let name = (file.filename ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return UploadForm(
            filename: name.isEmpty ? "contract" : String(name.prefix(255)),
            content: file.body,
            contractType: typeField?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty)
    }

    private static func boundary(in contentType: String) -> String? {
        let fields = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.first?.lowercased() == "multipart/form-data" else { return nil }
        for field in fields.dropFirst() where field.lowercased().hasPrefix("boundary=") {
            let value = field.dropFirst("boundary=".count)
            return String(value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
        return nil
    }
}

/// The parts of a multipart body, read with MultipartKit's streaming parser.
private struct MultipartParts {
    struct Part {
        var headers: [(String, String)] = []
        var body = Data()

        private var disposition: String? {
            headers.first { $0.0.lowercased() == "content-disposition" }?.1
        }

        var name: String? { disposition.flatMap { Self.parameter("name", in: $0) } }

        /// The file name, preferring the RFC 5987 `filename*` form browsers use for non-ASCII names.
        var filename: String? {
            guard let disposition else { return nil }
            if let extended = Self.parameter("filename*", in: disposition),
                let quote = extended.range(of: "''")
            {
                return String(extended[quote.upperBound...]).removingPercentEncoding
            }
            return Self.parameter("filename", in: disposition)
        }

        private static func parameter(_ key: String, in header: String) -> String? {
            for field in header.split(separator: ";") {
                let pair = field.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == key else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value
            }
            return nil
        }
    }

    private(set) var parts: [Part] = []

    init(body: ByteBuffer, boundary: String) throws {
        let parser = MultipartParser(boundary: boundary)
        var current = Part()
        var finished: [Part] = []
        parser.onHeader = { name, value in current.headers.append((name, value)) }
        parser.onBody = { chunk in current.body.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            finished.append(current)
            current = Part()
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError(.badRequest, "INVALID_UPLOAD", "multipart 请求体格式错误")
        }
        parts = finished
    }

    func first(named name: String) -> Part? {
        parts.first { $0.name == name }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Int {
    /// A byte count as users read it: "50 MB", "512 KB".
    var formattedSize: String {
        self >= 1 << 20 ? "\(self >> 20) MB" : "\(Swift.max(1, self >> 10)) KB"
    }
}
