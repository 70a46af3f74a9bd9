import Foundation
import HummingbirdWSClient
import Realtime
import Testing

/// `/ws/review/{task_id}`: errors, control messages, live progress, late joiners and replay.
@Suite(.timeLimit(.minutes(2))) struct ReviewSocketTests {
    @Test(arguments: ["abc", "0", "-3", "99999999999999999999999"])
    func malformedTaskIDsGetAnErrorAndClose4400(raw: String) async throws {
        try await withLiveServer { server in
            let session = try await server.closingSession("/ws/review/\(raw)")
            #expect(session.messages == [.object(#"{"type":"error","message":"无效的任务ID: \#(raw)"}"#)])
            #expect(session.closeCode == 4400)
        }
    }

    @Test func unknownTasksGetAnErrorAndClose4404() async throws {
        try await withLiveServer { server in
            let session = try await server.closingSession("/ws/review/4242")
            #expect(session.messages == [.object(#"{"type":"error","message":"任务 4242 不存在"}"#)])
            #expect(session.closeCode == 4404)
        }
    }

    @Test func connectionStatusHeartbeatsAndUnknownTypes() async throws {
        try await withLiveServer { server in
            let (_, upload) = try await server.upload(Data(Samples.purchase.utf8), filename: "c.txt")
            let taskID = try #require(upload["task_id"]?.int)
            try await server.webSocket("/ws/review/\(taskID)") { ws in
                #expect(try await ws.receive() == .object(#"{"type":"connection","message":"已连接到任务 \#(taskID) 的进度推送","task_id":\#(taskID)}"#))
                try await ws.send(#"{"type":"get_status"}"#)
                let status = try await ws.receive()
                #expect(status["type"] == "status")
                #expect(status["task_id"] == .integer(taskID))
                #expect(status["status"] == "PENDING")
                #expect(status["role"] == .null, "unknown values are null, never missing")
                #expect(status["stage"] == .null)
                #expect(status["progress"] == .null)
                #expect(status["contract_type"] == "purchase")
                #expect(status["created_at"]?.stringValue?.hasSuffix("Z") == true)
                try await ws.send(#"{"type":"status_request"}"#)
                #expect(try await ws.receive()["type"] == "status")
                try await ws.send(#"{"type":"ping","timestamp":1234567890}"#)
                #expect(try await ws.receive() == .object(#"{"type":"pong","timestamp":1234567890}"#))
                try await ws.send(#"{"type":"heartbeat","timestamp":"t-1"}"#)
                #expect(try await ws.receive() == .object(#"{"type":"heartbeat_ack","timestamp":"t-1"}"#))
                try await ws.send(#"{"type":"cancel"}"#)
                #expect(try await ws.receive() == .object(
                    #"{"type":"error","message":"未知的消息类型: cancel","supported_types":["ping","heartbeat","get_status","status_request"]}"#))
                try await ws.send("{oops")
                #expect(try await ws.receive() == .object(#"{"type":"error","message":"无效的JSON格式"}"#))
            }
        }
    }

    @Test func answersComeInTheOrderOfTheQuestionsWhenSomeNeedTheStore() async throws {
        try await withLiveServer { server in
            let (_, upload) = try await server.upload(Data(Samples.purchase.utf8), filename: "c.txt")
            let taskID = try #require(upload["task_id"]?.int)
            try await server.webSocket("/ws/review/\(taskID)") { ws in
                // Sent before the connection is even confirmed: they wait for the join, then for each status read.
                for question in [#"{"type":"ping","n":1}"#, #"{"type":"get_status"}"#, #"{"type":"ping","n":2}"#,
                                 #"{"type":"status_request"}"#, #"{"type":"heartbeat","n":3}"#] {
                    try await ws.send(question)
                }
                #expect(try await ws.receive()["type"] == "connection")
                var answers: [String] = []
                for _ in 0..<5 { answers.append(try await ws.receive()["type"]?.stringValue ?? "?") }
                #expect(answers == ["pong", "status", "pong", "status", "heartbeat_ack"])
            }
        }
    }

    @Test func twoSubscribersEachSeeTheWholeReviewInOrder() async throws {
        try await withLiveServer { server in
            let taskID = try await server.readyTask()
            let gate = Gate(count: 2)
            try await withThrowingTaskGroup(of: [JSONValue].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let events = Box<[JSONValue]>([])
                        try await server.webSocket("/ws/review/\(taskID)") { ws in
                            _ = try await ws.receive()
                            await gate.arrive()
                            await events.set(try await ws.receive(until: { $0["stage"] == "complete" || $0["type"] == "error" }))
                        }
                        return await events.value
                    }
                }
                await gate.wait()
                let (status, body) = try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
                #expect(status == .ok)
                #expect(body["status"] == "PROCESSING")
                #expect(body["message"] == "审查已开始，请通过WebSocket监听进度")
                for try await events in group {
                    try Self.expectWholeRun(events, taskID: taskID)
                }
            }
        }
    }

    /// A whole run: seq 1, 2, 3… without gaps, progress never decreasing, every stage in order, ending in complete.
    static func expectWholeRun(_ events: [JSONValue], taskID: Int64, firstSeq: Int64 = 1) throws {
        let seqs = events.compactMap { $0["seq"]?.int }
        #expect(seqs == Array(firstSeq..<(firstSeq + Int64(events.count))), "gapless, in order, never twice")
        let progress = events.compactMap { $0["progress"]?.int }
        #expect(progress == progress.sorted(), "progress never goes backwards")
        let stages = events.compactMap { $0["stage"]?.stringValue }
        var order = ["queued", "extracting", "segmenting", "entities", "analyzing", "reporting", "complete"]
        order.removeAll { !stages.contains($0) }
        #expect(order == ["queued", "extracting", "segmenting", "entities", "analyzing", "reporting", "complete"])
        let complete = try #require(events.last)
        #expect(complete["type"] == "complete")
        #expect(complete["progress"] == 100)
        #expect(complete["message"] == "审查完成")
        #expect(complete["task_id"] == .integer(taskID))
        let result = try #require(complete["result"])
        #expect(result["result_url"] == .string("/api/v1/review/\(taskID)"))
        #expect((result["risk_count"]?.int ?? 0) > 0)
        #expect(result["summary"]?["total_risks"] == result["risk_count"])
        for event in events.dropLast() {
            #expect(event["type"] == "progress")
            #expect(event["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func lateJoinersGetTheLatestEventAndSinceReplaysTheRest() async throws {
        try await withLiveServer { server in
            let taskID = try await server.readyTask()
            try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
            let result = try await server.finishedResult(taskID)
            #expect(result["status"] == "COMPLETED")

            try await server.webSocket("/ws/review/\(taskID)") { ws in
                _ = try await ws.receive()
                let latest = try await ws.receive()
                #expect(latest["type"] == "complete", "a finished task sends its complete event at once")
                #expect(latest["result"]?["risk_count"] != nil)
            }
            try await server.webSocket("/ws/review/\(taskID)?since=0") { ws in
                _ = try await ws.receive()
                let all = try await ws.receive(until: { $0["stage"] == "complete" })
                try Self.expectWholeRun(all, taskID: taskID)
            }
            try await server.webSocket("/ws/review/\(taskID)?since=3") { ws in
                _ = try await ws.receive()
                let rest = try await ws.receive(until: { $0["stage"] == "complete" })
                #expect(rest.first?["seq"] == 4)
            }
            let badSince = try await server.closingSession("/ws/review/\(taskID)?since=x")
            #expect(badSince.messages == [.object(#"{"type":"error","message":"无效的since参数: x"}"#)])
            #expect(badSince.closeCode == 4400)
        }
    }

    @Test func aSubscriberLeavingMidReviewDoesNotDisturbTheOther() async throws {
        try await withLiveServer { server in
            let taskID = try await server.readyTask(Samples.purchase + String(repeating: "\n第九条 其他\n双方应友好协商。", count: 400))
            let gate = Gate(count: 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await server.webSocket("/ws/review/\(taskID)") { ws in
                        _ = try await ws.receive()
                        await gate.arrive()
                        _ = try await ws.receive()  // the first event, then leave mid-review
                    }
                }
                group.addTask {
                    try await server.webSocket("/ws/review/\(taskID)") { ws in
                        _ = try await ws.receive()
                        await gate.arrive()
                        let events = try await ws.receive(until: { $0["stage"] == "complete" })
                        try Self.expectWholeRun(events, taskID: taskID)
                    }
                }
                await gate.wait()
                try await server.request(.post, "/api/v1/review", json: #"{"task_id":\#(taskID)}"#)
                try await group.waitForAll()
            }
        }
    }
}

/// Lets a test wait until `count` participants have arrived.
actor Gate {
    private var remaining: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { remaining = count }

    func arrive() {
        remaining -= 1
        if remaining <= 0 {
            for waiter in waiters { waiter.resume() }
            waiters.removeAll()
        }
    }

    func wait() async {
        if remaining <= 0 { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
