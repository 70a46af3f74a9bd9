import Foundation
import NIOCore
@testable import Realtime
@testable import Storage
import Testing

/// An event's frame is encoded once for all its subscribers, so it must be exactly what RFC 6455 §5.2 says a server
/// sends: FIN and the text opcode, no mask, the payload length in the shortest of its three forms, the JSON message.
struct HubEventTests {
    @Test(arguments: [10, 200, 40_000])
    func theFrameIsOneUnmaskedTextFrameHoldingTheWireMessage(messageLength: Int) throws {
        let stored = StoredEvent(
            taskID: 7, seq: 3, run: 1, kind: .progress, stage: "analyzing", progress: 40,
            message: String(repeating: "审", count: messageLength), payloadJSON: nil, createdAt: Date())
        var frame = HubEvent(stored).frame
        let json = stored.wireMessage.serialized()

        let first = frame.readInteger(as: UInt8.self)
        #expect(first == 0x81, "FIN set, opcode 1 (text)")
        let read = frame.readInteger(as: UInt8.self)
        let lengthByte = try #require(read)
        #expect(lengthByte & 0x80 == 0, "a server's frames are not masked")
        let extended: Int? =
            switch lengthByte {
            case 126: frame.readInteger(as: UInt16.self).map(Int.init)
            case 127: frame.readInteger(as: UInt64.self).map(Int.init)
            default: Int(lengthByte)
            }
        let length = try #require(extended)
        let expectedForm: UInt8 = json.utf8.count < 126 ? UInt8(json.utf8.count) : json.utf8.count <= 0xFFFF ? 126 : 127
        #expect(lengthByte == expectedForm, "the shortest length form for \(json.utf8.count) bytes")
        #expect(length == json.utf8.count && frame.readableBytes == length)
        #expect(frame.readString(length: length) == json)
    }
}
