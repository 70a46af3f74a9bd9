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

    @Test func anIdleSubscriberCostsTheServerUnder12KiB() async throws {
        // `bench ws --mode hold` runs its own server process and reads its RSS before and after 2,000 subscribers
        // are connected and told `connection`. Served from a Swift task per connection (HummingbirdWebSocket) each
        // took ~29 KiB, the task's stack most of it; as a channel handler ~6 KiB.
        let run = try await CLI.run(["bench", "ws", "--mode", "hold", "--connections", "2000"], timeout: .seconds(120))
        #expect(run.status == 0, "\(run.output)")
        let figures = try #require(BenchLine(run.output, "ws_hold"), "no bench=ws_hold line in:\n\(run.output)")
        #expect(figures["failed"] == "0" && figures["open"] == "2000", "\(run.output)")
        #expect(figures["server_connections_after_close"] == "0", "\(run.output)")
        let perConnection = try #require(figures["rss_per_conn_kib"].flatMap(Double.init), "\(run.output)")
        #expect(perConnection < 12, "\(perConnection) KiB per idle subscriber")
    }

    @Test func connectionsOpenedAndClosedRoundAfterRoundLeaveTheServersMemoryFlat() async throws {
        // `bench ws --mode churn` runs its own server process, so the RSS it reads is the server's alone: 12 rounds of
        // 1,000 connections (half subscribe to a task, half echo a message), each closed by the client; after every
        // round the server must count no connection and no subscription open.
        let run = try await CLI.run(["bench", "ws", "--mode", "churn", "--connections", "1000", "--rounds", "12"], timeout: .seconds(150))
        #expect(run.status == 0, "\(run.output)")
        let figures = try #require(BenchLine(run.output, "ws_churn"), "no bench=ws_churn line in:\n\(run.output)")
        #expect(figures["failed"] == "0" && figures["left_open"] == "0", "\(run.output)")
        // The median round's growth, per connection: memory settles once the first rounds have filled the
        // allocator's caches. Before connections' contexts were freed, each one kept about 6,000 bytes.
        let growth = try #require(figures["growth_bytes_per_conn"].flatMap(Double.init), "\(run.output)")
        #expect(growth < 2048, "the server keeps \(growth) bytes per closed connection: \(figures["rss_kib"] ?? "")")
    }
}

/// The `key=value` figures of a benchmark's machine-readable line (`bench=NAME …`).
struct BenchLine {
    private let values: [String: String]

    init?(_ output: String, _ name: String) {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("bench=\(name) ") }) else { return nil }
        values = Dictionary(line.split(separator: " ").compactMap { pair in
            pair.firstIndex(of: "=").map { (String(pair[..<$0]), String(pair[pair.index(after: $0)...])) }
        }, uniquingKeysWith: { first, _ in first })
    }

    subscript(key: String) -> String? { values[key] }
}
