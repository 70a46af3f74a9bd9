import Foundation
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Realtime

/// One client's WebSocket connection under the protocol's limits: binary frames are answered with
/// `仅支持文本消息`, a client over its message rate gets `消息过于频繁` — and 1008 if it keeps going —
/// and every message in and out is counted for `/metrics`. Its `ConnectionWatchdog` pings, closes idle and
/// stalled connections, and runs `cleanup` (free the slot, the gauge, the subscription) once, however it ends.
struct ClientConnection {
    let inbound: WebSocketInboundStream
    let outbound: WebSocketOutboundWriter
    let rate: MessageRate
    let meter: AppMetrics.Endpoint
    let cleanup = ConnectionCleanup()
    let watchdog: ConnectionWatchdog

    /// Inbound messages larger than this close the connection with 1009.
    static let maxMessageSize = 64 * 1024
    /// Messages refused in a row before the connection is closed for flooding.
    static let floodStrikes = 10

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, rate: MessageRate,
         timing: ConnectionWatchdog.Timing, meter: AppMetrics.Endpoint, slot: ConnectionSlot?) {
        self.inbound = inbound
        self.outbound = outbound
        self.rate = rate
        self.meter = meter
        watchdog = ConnectionWatchdog.install(on: channel, timing: timing, cleanup: cleanup)
        meter.connections.increment()
        cleanup.add {
            meter.connections.decrement()
            slot?.release()
        }
        slot?.onShutdown { [outbound] in try? await outbound.close(.goingAway, reason: "server shutting down") }
    }

    /// Frees the connection's slot, gauge and subscription unless the watchdog did already; call when the handler ends.
    func finish() {
        cleanup.run()
    }

    func send(_ message: JSONValue) async throws {
        try await send(text: message.serialized())
    }

    func send(text: String) async throws {
        try await outbound.write(.text(text))
        meter.messagesOut.increment()
    }

    /// Calls `handle` with each accepted text frame until the client leaves or is closed for flooding.
    func forEachText(_ handle: (String) async throws -> Void) async throws {
        var bucket = TokenBucket(rate: rate)
        var strikes = 0
        for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
            meter.messagesIn.increment()
            guard bucket.take(now: .now) else {
                strikes += 1
                if strikes == 1 { try await send(ServerMessage.error("消息过于频繁")) }
                if strikes > Self.floodStrikes {
                    try await outbound.close(.policyViolation, reason: "message rate exceeded")
                    return
                }
                continue
            }
            strikes = 0
            switch message {
            case .text(let text): try await handle(text)
            case .binary: try await send(ServerMessage.binaryNotSupported)
            }
        }
    }
}

/// How many messages per second a connection may send, and how many it may save up.
struct MessageRate: Sendable {
    var perSecond: Double
    var burst: Int
}

/// The classic token bucket: `burst` tokens, refilled at `perSecond`.
struct TokenBucket {
    let rate: MessageRate
    private var tokens: Double
    private var refilled: ContinuousClock.Instant?

    init(rate: MessageRate) {
        self.rate = rate
        tokens = Double(rate.burst)
    }

    mutating func take(now: ContinuousClock.Instant) -> Bool {
        if let refilled {
            let elapsed = now - refilled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(Double(rate.burst), tokens + seconds * rate.perSecond)
        }
        refilled = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
