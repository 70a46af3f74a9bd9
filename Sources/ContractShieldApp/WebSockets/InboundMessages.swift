import NIOCore
import NIOWebSocket

/// A whole message from the client, its frames joined and, when compressed, inflated.
enum InboundMessage {
    case text(String)
    case binary(ByteBuffer)
}

/// What the client sent breaks the protocol: the connection is closed with `code`.
struct ProtocolViolation: Error {
    let code: WebSocketErrorCode
}

/// Joins the frames of each message (RFC 6455 §5.4), inflates compressed ones (RFC 7692) and checks that text is
/// UTF-8 (§8.1); a message over `maxSize`, before or after inflating, is refused with 1009.
struct MessageAssembler {
    let maxSize: Int
    private var partial: Partial?

    /// A fragmented message so far.
    private struct Partial {
        let opcode: WebSocketOpcode
        let compressed: Bool
        var payload: ByteBuffer
    }

    init(maxSize: Int) {
        self.maxSize = maxSize
    }

    /// Takes a text, binary or continuation frame; returns the message it completes.
    mutating func add(_ frame: WebSocketFrame, deflate: PerMessageDeflate?) throws(ProtocolViolation) -> InboundMessage? {
        switch frame.opcode {
        case .text, .binary:
            guard partial == nil else { throw ProtocolViolation(code: .protocolError) }
            guard frame.length <= maxSize else { throw ProtocolViolation(code: .messageTooLarge) }
            if frame.fin {
                return try message(frame.opcode, compressed: frame.rsv1, payload: frame.unmaskedData, deflate: deflate)
            }
            partial = Partial(opcode: frame.opcode, compressed: frame.rsv1, payload: frame.unmaskedData)
            return nil
        default:  // continuation
            guard var joined = partial.take() else { throw ProtocolViolation(code: .protocolError) }
            guard joined.payload.readableBytes + frame.length <= maxSize else { throw ProtocolViolation(code: .messageTooLarge) }
            var data = frame.unmaskedData
            joined.payload.writeBuffer(&data)
            if frame.fin {
                return try message(joined.opcode, compressed: joined.compressed, payload: joined.payload, deflate: deflate)
            }
            partial = joined
            return nil
        }
    }

    private func message(
        _ opcode: WebSocketOpcode, compressed: Bool, payload: ByteBuffer, deflate: PerMessageDeflate?
    ) throws(ProtocolViolation) -> InboundMessage {
        var payload = payload
        if compressed, let deflate {
            payload = try deflate.inflate(payload, maxSize: maxSize)
        }
        guard opcode == .text else { return .binary(payload) }
        guard let text = try? payload.readUTF8ValidatedString(length: payload.readableBytes) else {
            throw ProtocolViolation(code: .dataInconsistentWithMessage)
        }
        return .text(text)
    }
}

/// A client's close frame (RFC 6455 §5.5.1, §7.4).
enum ClientClose {
    /// The code the server answers a close frame with payload `payload`: 1000 when it is well formed, else 1002 (a
    /// one-byte payload, a code no endpoint may send) or 1007 (a reason that is not UTF-8).
    static func reply(to payload: ByteBuffer) -> WebSocketErrorCode {
        var payload = payload
        guard payload.readableBytes > 0 else { return .normalClosure }
        guard let code = payload.readInteger(as: UInt16.self), isSendable(code) else { return .protocolError }
        guard (try? payload.readUTF8ValidatedString(length: payload.readableBytes)) != nil else {
            return .dataInconsistentWithMessage
        }
        return .normalClosure
    }

    /// Codes an endpoint may put in a close frame: the protocol's own, and those for libraries and applications.
    private static func isSendable(_ code: UInt16) -> Bool {
        (1000...1003).contains(code) || (1007...1011).contains(code) || (3000...4999).contains(code)
    }
}
