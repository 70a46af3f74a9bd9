import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// Logs each request at debug level — method and path — with an API key given as `?token=` shown as `***`: no key
/// reaches the log. (Hummingbird's `LogRequestsMiddleware` logs the URI as sent, key included.) The path is the
/// request line's, still percent-encoded: the HTTP parser refuses control characters there, so a client cannot
/// forge a log line with it.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        context.logger.debug("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(Self.loggable(request.uri)),
        ])
        return try await next(request, context)
    }

    /// The path and query as they may be logged.
    static func loggable(_ uri: URI) -> String {
        var line = uri.path
        if let query = uri.query {
            let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
                let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                // Percent-encoded names too (`tok%65n`): whatever a client meant as its key stays out of the log.
                return String(name).removingPercentEncoding == "token" ? "token=***" : String(pair)
            }
            line += "?" + pairs.joined(separator: "&")
        }
        return line
    }
}
