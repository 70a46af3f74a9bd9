import LoadGenerator
import NIOCore
import Synchronization

/// An `/ws/test` client of `bench ws --mode echo`: once started it keeps `window` messages in flight until it has
/// sent `messages`, and times each echo (the server echoes in order, so the oldest message in flight is answered).
final class EchoPeer: WebSocketPeer, @unchecked Sendable {
    private let messages: Int
    private let window: Int
    private let finished: Countdown
    private let payload = ByteBuffer(string: #"{"type":"bench","text":"合同审查回显测试"}"#)
    private var sentAt: [UInt64]
    private var sent = 0
    private var reported = false
    /// Round-trip times in nanoseconds, in the order the echoes came.
    private(set) var roundTrips: [UInt64] = []
    /// Frames that were not echoes (a rate-limit warning when the server's `--ws-rate` is too low for the load).
    private(set) var unexpected = 0

    init(messages: Int, window: Int, finished: Countdown) {
        self.messages = messages
        self.window = max(1, window)
        self.finished = finished
        sentAt = Array(repeating: 0, count: max(1, window))
        roundTrips.reserveCapacity(messages)
    }

    func start() {
        for _ in 0..<min(window, messages) { sendNext(flush: false) }
        flush()
        if messages == 0 { report() }
    }

    private func sendNext(flush: Bool) {
        sentAt[sent % window] = NIODeadline.now().uptimeNanoseconds
        sent += 1
        send(payload, flush: flush)
    }

    override func received(text: ByteBuffer, at nanoseconds: UInt64) {
        guard text.readableBytesView.starts(with: Self.echoPrefix), roundTrips.count < sent else {
            unexpected += 1
            return
        }
        roundTrips.append(nanoseconds - sentAt[roundTrips.count % window])
        if sent < messages { sendNext(flush: true) }
        if roundTrips.count == messages { report() }
    }

    override func closed() {
        report()
    }

    private func report() {
        guard !reported else { return }
        reported = true
        finished.arrive()
    }

    private static let echoPrefix = Array(#"{"type":"echo""#.utf8)
}

/// A `/ws/review/{id}` subscriber of `bench ws --mode fanout`: notes when each event (by `seq`) arrived.
final class FanoutPeer: WebSocketPeer, @unchecked Sendable {
    private let completes: Countdown
    private(set) var arrivals: [(seq: Int64, at: UInt64)] = []

    init(completes: Countdown) {
        self.completes = completes
    }

    override func received(text: ByteBuffer, at nanoseconds: UInt64) {
        text.withUnsafeReadableBytes { bytes in
            guard let seq = Self.integer(after: Self.seqKey, in: bytes) else { return }
            arrivals.append((seq, nanoseconds))
            if Self.offset(of: Self.completeType, in: bytes) != nil { completes.arrive() }
        }
    }

    /// The non-negative integer that follows `key` in a JSON text, without parsing the whole message.
    static func integer(after key: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let start = offset(of: key, in: bytes) else { return nil }
        var value: Int64 = 0
        var digits = 0
        for byte in bytes[(start + key.count)...] {
            guard byte >= 0x30 && byte <= 0x39 else { break }
            value = value * 10 + Int64(byte - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Where `pattern` first occurs in `bytes`. A plain loop over raw bytes: the generic `firstRange(of:)` on a
    /// `ByteBufferView` was a fifth of the load generator's CPU at 10,000 subscribers.
    static func offset(of pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = 0
        while index <= bytes.count - pattern.count {
            if bytes[index] == first, pattern.indices.allSatisfy({ bytes[index + $0] == pattern[$0] }) { return index }
            index += 1
        }
        return nil
    }

    private static let seqKey = Array(#""seq":"#.utf8)
    private static let completeType = Array(#""type":"complete""#.utf8)
}

/// Counts arrivals from many connections' event loops; the benchmark waits until enough have arrived.
final class Countdown: Sendable {
    private let count = Mutex(0)

    func arrive() {
        count.withLock { $0 += 1 }
    }

    var arrived: Int { count.withLock { $0 } }

    /// Waits until `target` have arrived, or none has for `patience`; returns how many arrived.
    func wait(for target: Int, patience: Duration) async throws -> Int {
        var seen = arrived
        var lastProgress = ContinuousClock.now
        while seen < target, ContinuousClock.now - lastProgress < patience {
            try await Task.sleep(for: .milliseconds(10))
            let now = arrived
            if now > seen { (seen, lastProgress) = (now, .now) }
        }
        return seen
    }
}
