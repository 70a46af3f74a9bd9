import Foundation
import Hummingbird
import Realtime
import Storage

/// A REST failure as PROTOCOL.md shapes it: `{"error":true,"message":"中文说明","status_code":400,"code":"MACHINE_CODE"}`.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// Extra fields for the body, e.g. the supported formats or a task's current status.
    var details: [(String, JSONValue)] = []

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [(String, JSONValue)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    var body: JSONValue {
        .object(
            [
                ("error", .bool(true)), ("message", .string(message)), ("status_code", .integer(Int64(status.code))),
                ("code", .string(code)),
            ] + details)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(body, status: status)
    }

    static func taskNotFound(_ id: Int64) -> APIError {
        APIError(.notFound, "TASK_NOT_FOUND", "任务 \(id) 不存在")
    }

    static func invalidTaskID(_ raw: String) -> APIError {
        APIError(.badRequest, "INVALID_TASK_ID", "无效的任务ID: \(raw)")
    }
}

extension Response {
    /// A JSON response from a value written in protocol order.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
    }
}

/// Turns every error that leaves a route into the protocol's JSON error body, in Chinese.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.body.response(status: error.status)
        } catch let error as HTTPError {
            let apiError = Self.translate(error)
            return apiError.body.response(status: apiError.status)
        } catch let error as StoreUnavailable {
            // A PostgreSQL restart or a lost network: the client may simply try again.
            context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
            let apiError = APIError(.serviceUnavailable, "DATABASE_UNAVAILABLE", "数据库暂时不可用，请稍后重试")
            return apiError.body.response(status: apiError.status)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            let apiError = APIError(.internalServerError, "INTERNAL_ERROR", "服务器内部错误")
            return apiError.body.response(status: apiError.status)
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: APIError(.notFound, "NOT_FOUND", "请求的资源不存在")
        case .methodNotAllowed: APIError(.methodNotAllowed, "METHOD_NOT_ALLOWED", "不支持该请求方法")
        case .contentTooLarge: APIError(.contentTooLarge, "PAYLOAD_TOO_LARGE", "请求体过大")
        case .badRequest: APIError(.badRequest, "BAD_REQUEST", "请求格式错误")
        default: APIError(error.status, "HTTP_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        }
    }
}

extension JSONValue {
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response.json(self, status: status)
    }
}

extension TaskStore {
    /// The task, if it exists and the caller's API key may see it (every task, when keys are off);
    /// throws the protocol's 404 otherwise, so another key's task looks exactly like a missing one.
    func ownedTask(id: Int64, by owner: String?) async throws -> TaskRecord {
        guard let task = try await task(id: id), owner == nil || task.owner == owner else { throw APIError.taskNotFound(id) }
        return task
    }
}
