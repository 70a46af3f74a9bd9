import Foundation
import ZIPFoundation

/// zlib-format compression (RFC 1950) for PDF `FlateDecode` streams.
///
/// Foundation on Linux has no deflate, and the package cannot link zlib itself without a system
/// library target; ZIPFoundation's public `Data.compress` gives raw deflate (RFC 1951) through the
/// zlib it already links, so this adds the two-byte header and Adler-32 trailer PDF readers expect.
enum Zlib {
    static func compress(_ data: Data) throws -> Data {
        var output = Data([0x78, 0x9C])  // deflate, 32 KiB window, default level
        do {
            _ = try Data.compress(size: Int64(data.count), bufferSize: max(data.count, 1 << 14)) { position, size in
                let start = data.startIndex + Int(position)
                return data.subdata(in: start..<start + size)
            } consumer: { chunk in
                output.append(chunk)
            }
        } catch {
            throw ReportError("PDF 压缩失败：\(error)")
        }
        let checksum = adler32(data)
        output.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) })
        return output
    }

    static func adler32(_ data: Data) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        data.withUnsafeBytes { buffer in
            // 5552 is the longest run before the sums can overflow 32 bits (zlib's NMAX).
            var index = 0
            while index < buffer.count {
                let end = min(index + 5552, buffer.count)
                for byte in buffer[index..<end] {
                    a &+= UInt32(byte)
                    b &+= a
                }
                a %= 65521
                b %= 65521
                index = end
            }
        }
        return b << 16 | a
    }
}
