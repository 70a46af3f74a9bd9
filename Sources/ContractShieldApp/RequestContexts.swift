import Hummingbird
import NIOCore

/// Per-request state for the REST API: where the caller connects from and which API key it used.
struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The API key id the caller authenticated with; nil when keys are not configured.
    var apiKeyID: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Per-handshake state for the WebSocket router; the same facts as `AppRequestContext`.
struct AppWebSocketContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Where the route the handshake reaches leaves its endpoint for the upgrade.
    let handoff: UpgradeHandoff
    let remoteAddress: SocketAddress?
    var apiKeyID: String?
    /// This connection's place under the connection caps, taken before the upgrade.
    var connection: ConnectionSlot?

    init(source: ApplicationRequestContextSource) {
        self.init(source: source, handoff: UpgradeHandoff())
    }

    init(source: ApplicationRequestContextSource, handoff: UpgradeHandoff) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        self.handoff = handoff
    }
}

/// What the security middleware needs from either context.
protocol CallerContext: RemoteAddressRequestContext {
    var apiKeyID: String? { get set }
}

extension AppRequestContext: CallerContext {}
extension AppWebSocketContext: CallerContext {}

extension SocketAddress {
    /// The client's IP address without the port, for per-address limits.
    var clientIP: String { ipAddress ?? "unknown" }
}
