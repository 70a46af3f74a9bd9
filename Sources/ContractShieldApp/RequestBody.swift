import Foundation
import Hummingbird

/// JSON request bodies, with a Chinese message that names the field when one is wrong.
enum RequestBody {
    /// JSON bodies are small; anything larger is not one of ours.
    static let limit = 1 << 20

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "PAYLOAD_TOO_LARGE", "请求体超过 1 MB 上限")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, "INVALID_JSON", "请求体为空，应为 JSON 对象")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.badRequest, "MISSING_FIELD", "缺少必填字段: \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw APIError(.badRequest, "INVALID_FIELD", "字段类型错误: \(fieldName(context))")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError(.badRequest, "INVALID_FIELD", "字段取值无效: \(fieldName(context))")
        } catch {
            throw APIError(.badRequest, "INVALID_JSON", "请求体不是有效的 JSON 对象")
        }
    }

    private static func fieldName(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// A task id from a request: a positive 64-bit integer.
struct TaskID: Decodable {
    let value: Int64

    init(_ value: Int64) { self.value = value }

    init(from decoder: any Decoder) throws {
        // Strings, fractions and numbers beyond Int64 all fail here; report them as a bad value of this field.
        guard let number = try? decoder.singleValueContainer().decode(Int64.self), number > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "task_id must be a positive 64-bit integer"))
        }
        value = number
    }

    /// Parses a path segment; throws the protocol's 400 for anything but a positive integer.
    static func path(_ raw: String?) throws -> Int64 {
        guard let raw, let id = Int64(raw), id > 0 else { throw APIError.invalidTaskID(raw ?? "") }
        return id
    }
}
