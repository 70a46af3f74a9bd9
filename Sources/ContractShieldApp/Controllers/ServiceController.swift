import Hummingbird
import Realtime
import Storage

/// Service info, the endpoint index and health.
struct ServiceController<Context: RequestContext> {
    let store: any TaskStore
    /// On a cluster, the name this node holds its review leases under: which node of several answered.
    let node: String?
    static var version: String { "0.1.0" }

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: info)
        router.get("/api/v1", use: info)
        router.get("/health", use: health)
    }

    @Sendable func info(_ request: Request, context: Context) async throws -> Response {
        JSONValue.object([
            ("name", "ContractShield"),
            ("description", "合同审查服务：上传合同、确认立场、实时查看审查进度并获取风险审查结果"),
            ("version", .string(Self.version)),
            ("endpoints", .object([
                ("health", "GET /health"),
                ("upload", "POST /api/v1/upload"),
                ("upload_status", "GET /api/v1/upload/status/{task_id}"),
                ("task_text", "GET /api/v1/tasks/{task_id}/text"),
                ("tasks", "GET /api/v1/tasks?status=&limit=&offset="),
                ("draft_roles", "POST /api/v1/draft_roles"),
                ("confirm_roles", "POST /api/v1/confirm_roles"),
                ("manual_party_names", "POST /api/v1/manual_party_names"),
                ("review", "POST /api/v1/review"),
                ("result", "GET /api/v1/review/{task_id}"),
                ("summary", "GET /api/v1/review/{task_id}/summary"),
                ("ws_health", "WS /ws/health"),
                ("ws_review", "WS /ws/review/{task_id}?since=SEQ"),
                ("ws_test", "WS /ws/test/{client_id}"),
            ])),
        ]).response()
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        do {
            try await store.ping()
            var fields: [(String, JSONValue)] = [
                ("status", "healthy"), ("database", "connected"), ("version", .string(Self.version)),
                ("server_time", .string(WireTime.unixMillis())),
            ]
            if let node { fields.append(("node", .string(node))) }
            return JSONValue.object(fields).response()
        } catch {
            return JSONValue.object([
                ("status", "unhealthy"), ("database", "disconnected"), ("version", .string(Self.version)),
                ("message", "数据库不可用"),
            ]).response(status: .serviceUnavailable)
        }
    }
}
