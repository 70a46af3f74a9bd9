import Synchronization

/// Counts open WebSocket connections, in all and per client address, to refuse new ones beyond the caps.
final class ConnectionRegistry: Sendable {
    let maxConnections: Int
    let maxPerAddress: Int
    private let state = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Takes a slot for a new connection, or throws the 503 the handshake answers with.
    func admit(_ address: String) throws -> ConnectionSlot {
        let refusal: APIError? = state.withLock { state in
            if state.total >= maxConnections {
                return APIError(.serviceUnavailable, "TOO_MANY_CONNECTIONS", "服务器连接数已达上限，请稍后重试")
            }
            if state.byAddress[address, default: 0] >= maxPerAddress {
                return APIError(.serviceUnavailable, "TOO_MANY_CONNECTIONS", "来自该地址的连接过多，请稍后重试")
            }
            state.total += 1
            state.byAddress[address, default: 0] += 1
            return nil
        }
        if let refusal { throw refusal }
        return ConnectionSlot(registry: self, address: address)
    }

    fileprivate func release(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }
}

/// One admitted connection's place in the registry; freed exactly once, when the connection ends.
final class ConnectionSlot: Sendable {
    private let registry: ConnectionRegistry
    private let address: String
    private let released = Atomic<Bool>(false)

    fileprivate init(registry: ConnectionRegistry, address: String) {
        self.registry = registry
        self.address = address
    }

    func release() {
        if !released.exchange(true, ordering: .relaxed) {
            registry.release(address)
        }
    }

    deinit { release() }
}
