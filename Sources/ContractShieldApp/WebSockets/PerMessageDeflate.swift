import Foundation
import CompressNIO
import NIOCore

/// The permessage-deflate parameters (RFC 7692) agreed with one client in its handshake.
struct DeflateAgreement: Sendable, Equatable {
    /// The server starts each message it compresses with an empty window.
    var serverNoContextTakeover = false
    /// The client said it will start each message it compresses with an empty window (nothing to do for us).
    var clientNoContextTakeover = false
    /// The largest window the server may compress with, when the client limited it.
    var serverMaxWindowBits: Int?

    /// The first offer among the handshake's `Sec-WebSocket-Extensions` values that the server can accept; nil when
    /// there is none (the connection then goes on uncompressed).
    init?(offers headerValues: [String]) {
        let offers = headerValues.flatMap { $0.split(separator: ",") }
        for offer in offers {
            if let agreement = Self(offer: offer) {
                self = agreement
                return
            }
        }
        return nil
    }

    private init?(offer: Substring) {
        var parts = offer.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first == "permessage-deflate" else { return nil }
        parts.removeFirst()
        var seen: Set<String> = []
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = pair[0]
            let value = pair.count == 2 ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
            // A parameter given twice, or an unknown one, makes the offer unacceptable (RFC 7692 §5).
            guard seen.insert(name).inserted else { return nil }
            switch (name, value) {
            case ("server_no_context_takeover", nil):
                serverNoContextTakeover = true
            case ("client_no_context_takeover", nil):
                clientNoContextTakeover = true
            case ("server_max_window_bits", let value?):
                guard let bits = Int(value), Self.windowBits.contains(bits) else { return nil }
                serverMaxWindowBits = bits
            case ("client_max_window_bits", nil):
                break  // the client may compress with any window: the server inflates with the largest
            case ("client_max_window_bits", let value?):
                guard let bits = Int(value), Self.windowBits.contains(bits) else { return nil }
            default:
                return nil
            }
        }
    }

    static let windowBits = 8...15

    /// The `Sec-WebSocket-Extensions` value of the handshake's answer.
    var responseHeader: String {
        var header = "permessage-deflate"
        if serverNoContextTakeover { header += "; server_no_context_takeover" }
        if clientNoContextTakeover { header += "; client_no_context_takeover" }
        if let serverMaxWindowBits { header += "; server_max_window_bits=\(serverMaxWindowBits)" }
        return header
    }
}

/// One connection's permessage-deflate streams, made on first use: a connection that only receives the shared,
/// uncompressed progress frames never allocates zlib's state (some 300 KB for a compressor). Event loop only.
final class PerMessageDeflate {
    let agreement: DeflateAgreement
    private var inflater: ZlibDecompressor?
    private var deflater: ZlibCompressor?

    /// Messages shorter than this go out uncompressed (RFC 7692 lets each message choose).
    static let minimumCompressedSize = 256
    /// The trailer of a sync flush, left off every compressed message (RFC 7692 §7.2.1).
    private static let syncFlushTrailer: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    init(agreement: DeflateAgreement) {
        self.agreement = agreement
    }

    /// The message a compressed message's payload stands for: over `maxSize` bytes it is refused with 1009, and
    /// data that does not inflate with 1007.
    func inflate(_ payload: ByteBuffer, maxSize: Int) throws(ProtocolViolation) -> ByteBuffer {
        do {
            // The client may have compressed with any window up to 15 bits; inflating with 15 reads them all.
            let inflater = try inflater ?? ZlibDecompressor(algorithm: .deflate, windowSize: 15)
            self.inflater = inflater
            var payload = payload
            payload.writeBytes(Self.syncFlushTrailer)
            let message = try payload.decompressStream(with: inflater, maxSize: maxSize)
            if agreement.clientNoContextTakeover { try inflater.reset() }
            return message
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw ProtocolViolation(code: .messageTooLarge)
        } catch {
            throw ProtocolViolation(code: .dataInconsistentWithMessage)
        }
    }

    /// The payload of `message` compressed, or nil when it goes out as it is: too short to gain, or the client
    /// allowed only zlib's unsupported 256-byte window.
    func deflate(_ message: ByteBuffer) -> ByteBuffer? {
        guard message.readableBytes >= Self.minimumCompressedSize else { return nil }
        let windowBits = agreement.serverMaxWindowBits ?? 15
        guard windowBits >= 9 else { return nil }
        do {
            let deflater = try deflater
                ?? ZlibCompressor(algorithm: .deflate, configuration: ZlibConfiguration(windowSize: Int32(windowBits)))
            self.deflater = deflater
            var message = message
            var payload = try message.compressStream(with: deflater, flush: .sync)
            if agreement.serverNoContextTakeover { try deflater.reset() }
            guard payload.readableBytes >= 4 else { return nil }
            payload.moveWriterIndex(to: payload.writerIndex - 4)
            return payload
        } catch {
            deflater = nil
            return nil
        }
    }
}
