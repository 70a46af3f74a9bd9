/// A text frame a client sent, as far as the protocol cares.
public enum ClientMessage: Sendable, Equatable {
    /// Not JSON, or JSON that is not an object.
    case invalidJSON
    /// A JSON object; `type` is its `type` member as sent (any JSON value, or nil when absent).
    case object(type: JSONValue?, body: JSONValue)
    /// A known message type whose fields break its schema; the reason is shown to the client.
    case malformed(reason: String)

    public init(text: String) {
        guard let value = JSONValue.parse(text), case .object = value else {
            self = .invalidJSON
            return
        }
        if let reason = Self.schemaViolation(value) {
            self = .malformed(reason: reason)
            return
        }
        self = .object(type: value["type"], body: value)
    }

    /// The schema of each message type clients send: `ping` and `heartbeat` carry an optional `timestamp`
    /// that is echoed back, so it must be a number or a string; the status requests carry nothing.
    private static func schemaViolation(_ message: JSONValue) -> String? {
        switch message["type"] {
        case .string("ping")?, .string("heartbeat")?:
            switch message["timestamp"] {
            case nil, .integer?, .double?, .string?: return nil
            default: return "timestamp 须为数字或字符串"
            }
        default:
            return nil
        }
    }
}

/// The server's messages on the three WebSocket endpoints, exactly as the guide and PROTOCOL.md spell them.
public enum ServerMessage {
    public static let invalidJSON = JSONValue.object([("type", "error"), ("message", "无效的JSON格式")])
    public static let binaryNotSupported = JSONValue.object([("type", "error"), ("message", "仅支持文本消息")])

    public static func malformed(_ reason: String) -> JSONValue {
        error("无效的消息格式: \(reason)")
    }

    public static func error(_ message: String) -> JSONValue {
        .object([("type", "error"), ("message", .string(message))])
    }

    /// `未知的消息类型: T` with the types the endpoint understands.
    public static func unknownType(_ type: JSONValue?, supported: [String]) -> JSONValue {
        let name: String =
            switch type {
            case .string(let value): value
            case nil: "None"
            case let other?: other.serialized()
            }
        return .object([
            ("type", "error"), ("message", .string("未知的消息类型: \(name)")),
            ("supported_types", .array(supported.map(JSONValue.string))),
        ])
    }

    /// A reply of `type` that echoes the client's `timestamp` as the same JSON value, or leaves it out.
    public static func reply(_ type: String, echoing request: JSONValue, serverTime: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(type))]
        if let timestamp = request["timestamp"] { members.append(("timestamp", timestamp)) }
        if let serverTime { members.append(("server_time", .string(serverTime))) }
        return .object(members)
    }

    public static func health(serverTime: String) -> JSONValue {
        .object([
            ("type", "health"), ("status", "healthy"), ("message", "WebSocket服务正常运行"),
            ("server_time", .string(serverTime)),
        ])
    }

    public static func welcome(clientID: String) -> JSONValue {
        .object([("type", "welcome"), ("client_id", .string(clientID)), ("message", .string("欢迎客户端 \(clientID)"))])
    }

    public static func echo(clientID: String, original: String, timestamp: String) -> JSONValue {
        .object([
            ("type", "echo"), ("client_id", .string(clientID)), ("original_message", .string(original)),
            ("timestamp", .string(timestamp)),
        ])
    }

    public static func connection(taskID: Int64) -> JSONValue {
        .object([
            ("type", "connection"), ("message", .string("已连接到任务 \(taskID) 的进度推送")), ("task_id", .integer(taskID)),
        ])
    }
}
