import Foundation
import Hummingbird
import HummingbirdWSClient
import Logging
import Realtime
import Testing

/// Every message and error case of `/ws/health` and `/ws/test/{client_id}`, on a real socket.
@Suite(.timeLimit(.minutes(2))) struct WebSocketEndpointTests {
    @Test func healthGreetsAndAnswersPingEchoingTheTimestampAsSent() async throws {
        try await withLiveServer { server in
            try await server.webSocket("/ws/health") { ws in
                let hello = try await ws.receive()
                #expect(hello["type"] == "health")
                #expect(hello["status"] == "healthy")
                #expect(hello["message"] == "WebSocket服务正常运行")
                #expect(Int64(hello["server_time"]?.stringValue ?? "").map { $0 > 1_700_000_000_000 } == true)

                try await ws.send(#"{"type": "ping", "timestamp": 1234567890}"#)
                let pong = try await ws.receive()
                #expect(pong["type"] == "pong")
                #expect(pong["timestamp"] == .integer(1_234_567_890), "a number stays a number")
                #expect(pong["server_time"]?.stringValue != nil)

                try await ws.send(#"{"type":"ping","timestamp":"abc"}"#)
                #expect(try await ws.receive()["timestamp"] == "abc", "a string stays a string")

                try await ws.send(#"{"type":"ping"}"#)
                #expect(try await ws.receive()["timestamp"] == nil, "no timestamp sent, none echoed")
            }
        }
    }

    @Test func healthRejectsUnknownTypesAndBadJSONButStaysOpen() async throws {
        try await withLiveServer { server in
            try await server.webSocket("/ws/health") { ws in
                _ = try await ws.receive()
                try await ws.send(#"{"type":"subscribe"}"#)
                #expect(try await ws.receive() == .object(#"{"type":"error","message":"未知的消息类型: subscribe","supported_types":["ping"]}"#))
                try await ws.send("not json {")
                #expect(try await ws.receive() == .object(#"{"type":"error","message":"无效的JSON格式"}"#))
                try await ws.send("[1,2]")
                #expect(try await ws.receive() == .object(#"{"type":"error","message":"无效的JSON格式"}"#))
                try await ws.send(#"{"type":"ping","timestamp":7}"#)
                #expect(try await ws.receive()["type"] == "pong", "the connection survived the bad frames")
            }
        }
    }

    @Test func testEndpointWelcomesAndEchoesFramesVerbatim() async throws {
        try await withLiveServer { server in
            try await server.webSocket("/ws/test/test_client_001") { ws in
                #expect(try await ws.receive() == .object(#"{"type":"welcome","client_id":"test_client_001","message":"欢迎客户端 test_client_001"}"#))
                for frame in ["你发送的消息", #"{"type":"ping"}"#, "  spaced  "] {
                    try await ws.send(frame)
                    let echo = try await ws.receive()
                    #expect(echo["type"] == "echo")
                    #expect(echo["client_id"] == "test_client_001")
                    #expect(echo["original_message"] == .string(frame))
                    #expect(echo["timestamp"]?.stringValue.flatMap { Int64($0) } != nil)
                }
                try await ws.outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
                #expect(try await ws.receive() == .object(#"{"type":"error","message":"仅支持文本消息"}"#))
            }
        }
    }

    @Test func testEndpointRefusesBadClientIDsWithPolicyViolation() async throws {
        try await withLiveServer { server in
            let session = try await server.closingSession("/ws/test/\(String(repeating: "x", count: 65))")
            #expect(session.messages.first?["type"] == "error")
            #expect(session.messages.first?["message"]?.stringValue?.hasPrefix("无效的客户端ID") == true)
            #expect(session.closeCode == 1008)
        }
    }

    @Test func aServerShuttingDownTellsItsConnectedClients1001() async throws {
        let client = Box<Task<WebSocketCloseFrame?, any Error>?>(nil)
        try await withLiveServer { server in
            let (greeted, greeting) = AsyncStream<Void>.makeStream()
            await client.set(Task {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(server.port)/ws/health", logger: Logger(label: "test-ws")) { inbound, _, _ in
                    var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                    _ = try await messages.next()
                    greeting.yield()
                    while try await messages.next() != nil {}
                }
            })
            for await _ in greeted { break }
            // Returning stops the server gracefully, with this client still connected.
        }
        let close = try await #require(await client.value).value
        #expect(close?.closeCode == .goingAway)
        #expect(close?.reason == "server shutting down")
    }

    @Test func oversizedFramesCloseWithMessageTooBig() async throws {
        try await withLiveServer { server in
            let close = try await server.webSocket("/ws/test/big") { ws in
                _ = try await ws.receive()
                try await ws.send(String(repeating: "a", count: 64 * 1024 + 1))
                try await ws.expectClose()
            }
            #expect(close?.closeCode == .messageTooLarge)
        }
    }
}

/// permessage-deflate (RFC 7692) with a client that offers it as browsers do (Python's websockets).
@Suite(.timeLimit(.minutes(2))) struct CompressionTests {
    @Test(arguments: [false, true])
    func anOfferOfPermessageDeflateIsTakenLongMessagesTravelCompressedAndInflatingIsCapped(serverNoContextTakeover: Bool) async throws {
        try await withLiveServer { server in
            let (status, printed) = try await PythonEnvironment.run(
                try PythonEnvironment.interpreter(), script: "Tests/GuideClients/ws_deflate.py",
                arguments: ["ws://127.0.0.1:\(server.port)/ws/test/deflate"] + (serverNoContextTakeover ? ["server_no_context_takeover"] : []))
            #expect(status == 0, "\(printed)")
            let outcome = try #require(JSONValue.parse(printed), "\(printed)")
            #expect(outcome["extension"] == .string(serverNoContextTakeover ? "permessage-deflate; server_no_context_takeover" : "permessage-deflate"))
            #expect(outcome["echoes"] == .array([.bool(true), .bool(true)]), "the client's compressed messages come back whole")
            #expect(outcome["compressed_frames"] == .integer(2), "each long echo goes out compressed")
            #expect(outcome["inflated_close"] == .integer(1009), "a message over 64 KiB once inflated closes with 1009")
        }
    }
}
