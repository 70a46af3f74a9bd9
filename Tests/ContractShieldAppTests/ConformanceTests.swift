import Foundation
import Testing

/// The Autobahn TestSuite's cases (driven by kosoku, Python 3) against `serve --conformance`'s raw echo route:
/// framing, pings and pongs, reserved bits, opcodes, fragmentation, UTF-8 and closing (1–7, 10), and
/// permessage-deflate echoes (12.1.3–4, 12.2.3, 13.1.3 compressed; 12.1.1 and 12.2.1, text and binary below the
/// server's 256-byte threshold, echoed uncompressed on a deflate connection). The full run of all 517 cases takes minutes and is
/// `scripts/conformance.sh` (figures in docs/PERFORMANCE.md).
@Suite(.timeLimit(.minutes(5))) struct ConformanceTests {
    static let cases = ["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*", "12.1.1", "12.1.3", "12.1.4", "12.2.1", "12.2.3",
                         "13.1.3"]

    @Test func autobahnCasesPassWithAndWithoutCompression() async throws {
        let reports = CLI.temporaryURL("autobahn")
        defer {
            try? FileManager.default.removeItem(at: reports)
            try? FileManager.default.removeItem(atPath: reports.path + ".log")
        }
        let script = PythonEnvironment.packageRoot.appendingPathComponent("scripts/conformance.sh").path
        let run = try await CLI.Running(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["CONTRACTSHIELD_BIN=\(try CLI.binary().path)", "CONFORMANCE_REPORTS=\(reports.path)", "bash", script, "-p", "2"]
                + Self.cases.flatMap { ["-i", $0] }
        ).finish(timeout: .seconds(240))
        #expect(run.status == 0, "scripts/conformance.sh failed:\n\(run.output)")
        #expect(!run.output.contains("FAILED"), "\(run.output)")
        #expect(run.output.contains("plain (1-11): 247 cases;"), "\(run.output)")
        #expect(run.output.contains("permessage-deflate (12-13): 6 cases; behavior OK 6; close OK 6"), "\(run.output)")
    }
}
