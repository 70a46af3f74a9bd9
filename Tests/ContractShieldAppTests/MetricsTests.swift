import Foundation
import Testing

/// `GET /metrics` after a real review watched over a real socket.
@Suite(.timeLimit(.minutes(2))) struct MetricsTests {
    @Test func metricsCountTheConnectionItsEventsAndTheReviewDuration() async throws {
        try await withLiveServer { server in
            let taskID = try await server.readyTask()
            let clock = ContinuousClock()
            let started = clock.now
            try await server.webSocket("/ws/review/\(taskID)") { ws in
                _ = try await ws.receive()
                try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
                let events = try await ws.receive(until: { $0["stage"] == "complete" })
                let metrics = try await server.metrics()
                #expect(metrics.value(#"contractshield_ws_connections{endpoint="review"}"#) == 1)
                #expect(metrics.value("contractshield_hub_subscribers") == 1)
                #expect(metrics.value(#"contractshield_ws_messages_out_total{endpoint="review"}"#) == Double(events.count + 1),
                        "connection plus every event")
                #expect(metrics.value("contractshield_fanout_delay_seconds_count") == Double(events.count))
            }
            let elapsed = clock.now - started
            let metrics = try await server.metrics()
            #expect(metrics.value(#"contractshield_jobs{state="completed"}"#) == 1)
            #expect(metrics.value("contractshield_review_duration_seconds_count") == 1)
            let seconds = try #require(metrics.value("contractshield_review_duration_seconds_sum"))
            #expect(seconds > 0 && seconds < Double(elapsed.components.seconds) + 1, "the review's own time, \(seconds) s")
            #expect(metrics.value(#"contractshield_ws_connections{endpoint="review"}"#) == 0)
        }
    }
}
