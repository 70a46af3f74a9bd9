import NIOCore
import Storage

extension StoredEvent {
    /// The wire message of this event on `/ws/review/{id}` (PROTOCOL.md): `progress`, `complete` or `error`.
    /// `run` is our extension: which review run of the task the event belongs to.
    public var wireMessage: JSONValue {
        let type: String =
            switch kind {
            case .progress: "progress"
            case .complete: "complete"
            case .failed: "error"
            }
        var members: [(String, JSONValue)] = [
            ("type", .string(type)),
            ("task_id", .integer(taskID)),
            ("seq", .integer(seq)),
            ("run", .integer(Int64(run))),
            ("stage", .string(stage)),
            ("progress", .integer(Int64(progress))),
            ("message", .string(message)),
        ]
        if kind == .complete {
            members.append(("result", payloadJSON.map(JSONValue.trusted) ?? .null))
        }
        return .object(members)
    }
}

/// A stored event with its WebSocket frame encoded once, however many subscribers receive it: every subscriber's
/// socket is handed the same bytes. A class: on its way to 10,000 subscribers it is passed around by the ten
/// thousand, and a reference costs one retain where the struct's strings and buffer cost five.
public final class HubEvent: Sendable {
    public let event: StoredEvent
    /// The whole text frame as a server sends it (FIN, opcode 1, unmasked length, the JSON message).
    public let frame: ByteBuffer

    public init(_ event: StoredEvent) {
        self.event = event
        self.frame = Self.textFrame(event.wireMessage.serialized())
    }

    /// True for the event that ends a run; it is never dropped for a slow reader.
    public var isTerminal: Bool { event.kind != .progress }

    /// RFC 6455 §5.2: one final, unmasked text frame.
    static func textFrame(_ text: String) -> ByteBuffer {
        let length = text.utf8.count
        var frame = ByteBuffer()
        frame.reserveCapacity(length + 10)
        frame.writeInteger(UInt8(0x81))
        switch length {
        case ..<126:
            frame.writeInteger(UInt8(length))
        case ...0xFFFF:
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(length))
        default:
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(length))
        }
        frame.writeString(text)
        return frame
    }
}
