import Foundation
import LoadGenerator
import NIOCore
import Realtime
import Testing

/// Connections that misbehave or come in numbers, on real sockets: a reader that stops reading next to one that
/// does not, clients that fall silent, and thousands of connections opened and closed.
@Suite(.timeLimit(.minutes(3))) struct RealtimeLoadTests {
    @Test func aReaderThatStopsReadingIsClosedWith1008AndFreedWhileTheOtherGetsEveryEvent() async throws {
        var arguments = TestArguments()
        // Long enough that the whole review reaches the fast reader first even on a slow, busy machine.
        arguments.security.writeTimeout = .seconds(20)
        arguments.security.messagesPerSecond = 1_000_000
        arguments.security.messageBurst = 1_000_000
        try await withLiveServer(arguments) { server in
            let taskID = try await server.readyTask()
            try await server.withPeers { peers in
                // The slow reader has a small receive buffer and stops reading, then sends big pings until the
                // server, whose pongs no longer get through, stops taking its frames too.
                let slow = try await peers.connect("/ws/review/\(taskID)", peer: RecordingPeer(), receiveBufferSize: 4096).get()
                try await slow.onLoop { slow.setReading(false) }
                let ping = ByteBuffer(string: #"{"type":"ping","timestamp":"\#(String(repeating: "慢", count: 20_000))"}"#)
                let blocked = try await eventually {
                    try await slow.onLoop {
                        for _ in 0..<8 where slow.isWritable { slow.send(ping) }
                        return !slow.isWritable
                    }
                }
                try #require(blocked, "the server stopped taking the slow reader's frames")

                try await server.webSocket("/ws/review/\(taskID)") { fast in
                    _ = try await fast.receive()
                    try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
                    try ReviewSocketTests.expectWholeRun(try await fast.receive(until: { $0["stage"] == "complete" }), taskID: taskID)
                    #expect(try await server.metrics().value("contractshield_hub_subscribers") == 2,
                            "the whole review reached the fast reader while the slow one was still waiting out its timeout")
                    let freed = try await eventually(within: .seconds(60)) {
                        let metrics = try await server.metrics()
                        return metrics.value("contractshield_hub_subscribers") == 1
                            && metrics.value(#"contractshield_ws_connections{endpoint="review"}"#) == 1
                    }
                    #expect(freed, "the stalled reader's subscription and connection slot are given back")
                }
                // Reading again, the slow client gets what was queued for it, then the 1008 close.
                try await slow.onLoop { slow.setReading(true) }
                #expect(try await eventually { try await slow.onLoop { !slow.isOpen } })
                let (code, seen) = try await slow.onLoop { (slow.closeCode, slow.texts.count) }
                #expect(code == 1008, "close code \(code.map(String.init) ?? "none") after \(seen) frames")
            }
        }
    }

    @Test func aClientThatSendsNothingIsClosedAfterTheIdleTimeoutOneAnsweringPingsStays() async throws {
        var arguments = TestArguments()
        arguments.security.pingInterval = .milliseconds(200)
        arguments.security.idleTimeout = .seconds(1)
        try await withLiveServer(arguments) { server in
            try await server.withPeers { peers in
                let silent = WebSocketPeer()
                silent.answersPings = false
                _ = try await peers.connect("/ws/test/silent", peer: silent).get()
                let answering = try await peers.connect("/ws/test/answering", peer: RecordingPeer()).get()
                #expect(try await eventually { try await silent.onLoop { !silent.isOpen } })
                #expect(try await silent.onLoop { silent.closeCode } == 1000)

                try await Task.sleep(for: .seconds(2))
                try await answering.onLoop { answering.send(ByteBuffer(string: "还在吗")) }
                let echoed = try await eventually {
                    try await answering.onLoop { answering.texts.contains { $0.contains("还在吗") } }
                }
                #expect(echoed, "a client that answers the pings is served after three idle timeouts")
            }
        }
    }

    @Test func twoThousandConnectionsOpenedAndClosedLeaveNothingBehind() async throws {
        try await withLiveServer { server in
            let taskID = try await server.readyTask()
            try await server.withPeers { peers in
                // Half subscribe to a task, half echo; 50 at a time, each greeted, then closed by the client.
                func churn(_ count: Int) async throws {
                    for batch in stride(from: 0, to: count, by: 50) {
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for index in batch..<min(count, batch + 50) {
                                let path = index.isMultiple(of: 2) ? "/ws/review/\(taskID)" : "/ws/test/churn-\(index)"
                                group.addTask {
                                    let peer = try await peers.connect(path, peer: WebSocketPeer()).get()
                                    try await peer.onLoop { peer.close() }
                                }
                            }
                            try await group.waitForAll()
                        }
                    }
                }
                func nothingOpen() async throws -> Bool {
                    let metrics = try await server.metrics()
                    return metrics.value("contractshield_hub_subscribers") == 0
                        && ["health", "test", "review"].allSatisfy {
                            metrics.value(#"contractshield_ws_connections{endpoint="\#($0)"}"#) == 0
                        }
                }
                try await churn(2_000)
                // What a connection leaves behind is counted by the server itself: open connections per endpoint and
                // hub subscriptions. (The process's RSS is no reliable witness here: other suites allocate in this
                // process at the same time; see docs/PERFORMANCE.md for the memory figures.)
                #expect(try await eventually { try await nothingOpen() }, "every connection and subscription is gone")
            }
        }
    }
}
