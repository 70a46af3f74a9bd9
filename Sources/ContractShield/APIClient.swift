import AsyncHTTPClient
import Foundation
import NIOCore
import Realtime

/// The REST side of a ContractShield server, for the CLI's client commands and benchmarks.
struct APIClient: Sendable {
    let base: URL
    var token: String?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `ws://` / `wss://` URL of a path on the same server.
    func webSocketURL(_ path: String) -> String {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        components.scheme = components.scheme == "https" ? "wss" : "ws"
        components.path = path
        if let token { components.queryItems = [URLQueryItem(name: "token", value: token)] }
        return components.string!
    }

    func upload(_ data: Data, filename: String, contractType: String?) async throws -> Int64 {
        let boundary = "contractshield-\(UUID().uuidString)"
        var body = Data()
        if let contractType {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"contract_type\"\r\n\r\n\(contractType)\r\n".utf8))
        }
        let quoted = filename.replacingOccurrences(of: "\"", with: "_")
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(quoted)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let answer = try await send("POST", "/api/v1/upload", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        guard let id = answer["task_id"], case .integer(let taskID) = id else { throw Failure(description: "upload: \(answer.serialized())") }
        return taskID
    }

    func confirmRole(taskID: Int64, role: String) async throws {
        _ = try await postJSON("/api/v1/confirm_roles", .object([("task_id", .integer(taskID)), ("role", .string(role))]))
    }

    /// Uploads a purchase contract and confirms the reviewer's role: a task ready to be reviewed, as the benchmarks
    /// start theirs.
    func readyPurchaseTask(_ data: Data, filename: String, role: String = "buyer") async throws -> Int64 {
        let taskID = try await upload(data, filename: filename, contractType: "purchase")
        try await confirmRole(taskID: taskID, role: role)
        return taskID
    }

    func startReview(taskID: Int64) async throws {
        _ = try await postJSON("/api/v1/review", .object([("task_id", .integer(taskID))]))
    }

    func get(_ path: String) async throws -> JSONValue {
        try await send("GET", path, body: nil, contentType: nil)
    }

    /// A GET whose answer is not JSON (`/metrics`).
    func text(_ path: String) async throws -> String {
        try await exchange("GET", path, body: nil, contentType: nil)
    }

    func postJSON(_ path: String, _ value: JSONValue) async throws -> JSONValue {
        try await send("POST", path, body: Data(value.serialized().utf8), contentType: "application/json")
    }

    private func send(_ method: String, _ path: String, body: Data?, contentType: String?) async throws -> JSONValue {
        let text = try await exchange(method, path, body: body, contentType: contentType)
        return JSONValue.parse(text) ?? .null
    }

    private func exchange(_ method: String, _ path: String, body: Data?, contentType: String?) async throws -> String {
        var root = base.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        var request = HTTPClientRequest(url: root + path)
        request.method = .RAW(value: method)
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let text = String(buffer: try await response.body.collect(upTo: 256 << 20))
        guard (200..<300).contains(Int(response.status.code)) else {
            let json = JSONValue.parse(text) ?? .string(text)
            throw Failure(description: "\(method) \(path): \(response.status.code) \(json["message"]?.stringValue ?? json.serialized())")
        }
        return text
    }
}
