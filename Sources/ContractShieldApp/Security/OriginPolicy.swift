import Foundation
import Hummingbird

/// Which web pages may call the API and open WebSockets: the server's own host, localhost, and a configured list.
struct OriginPolicy: Sendable {
    let extraOrigins: Set<String>
    let allowsAny: Bool
    /// Pages opened from disk send `Origin: null`; the guide tells users to open its test page that way, so
    /// `null` is allowed until the operator configures an allow-list of their own.
    let allowsNull: Bool

    init(allowed: [String]) {
        let normalized = allowed.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        allowsAny = normalized.contains("*")
        allowsNull = normalized.isEmpty || normalized.contains("null")
        extraOrigins = Set(normalized.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
    }

    /// True when a request may proceed: no Origin (not a browser), or an allowed one.
    func allows(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin]?.lowercased() else { return true }
        if allowsAny || extraOrigins.contains(origin) || (origin == "null" && allowsNull) { return true }
        guard let host = URLComponents(string: origin)?.host else { return false }
        if ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host) { return true }
        // Same host as the one the request was sent to (the Host header, without its port).
        let requestHost = request.head.authority.map { authority in
            authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }.dropFirst()) : String(authority.split(separator: ":").first ?? "")
        }
        return requestHost?.lowercased() == host
    }
}

/// Refuses requests from disallowed origins (403) and answers CORS for allowed ones, preflights included.
/// It is the outermost middleware, so error responses carry CORS headers too and pages can read them.
struct OriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: OriginPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.allows(request) else {
            let refusal = APIError(.forbidden, "ORIGIN_NOT_ALLOWED", "不允许的来源: \(request.headers[.origin] ?? "")")
            return refusal.body.response(status: refusal.status)
        }
        // CORS is for fetches; a WebSocket handshake only needs the Origin check above.
        guard let origin = request.headers[.origin], request.headers[.upgrade] == nil else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            Self.addCORS(to: &response, origin: origin)
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        Self.addCORS(to: &response, origin: origin)
        return response
    }

    private static func addCORS(to response: inout Response, origin: String) {
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = "Content-Disposition"
        response.headers[.vary] = "Origin"
    }
}
