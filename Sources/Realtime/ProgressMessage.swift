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

/// A stored event with its wire text rendered once, however many subscribers receive it: every subscriber's
/// frame shares these bytes.
public struct HubEvent: Sendable {
    public let event: StoredEvent
    public let text: ByteBuffer

    public init(_ event: StoredEvent) {
        self.event = event
        self.text = ByteBuffer(string: event.wireMessage.serialized())
    }

    /// True for the event that ends a run; it is never dropped for a slow reader.
    public var isTerminal: Bool { event.kind != .progress }
}
