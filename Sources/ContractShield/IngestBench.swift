import ArgumentParser
import Foundation
import Ingest

extension BenchCommand {
    /// Extraction time of a text PDF and OCR seconds per scanned page, with no server in the way.
    struct IngestThroughput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest", abstract: "Text-PDF extraction time (default: 30 pages) and OCR seconds per scanned page")

        @Option(help: "PDF with a text layer; default: the 3-page fixture contract joined 10 times with pdfunite")
        var file: String?
        @Option var iterations = 20
        @Option(help: "Scanned 300-dpi pages to recognize (the fixture scan joined N times); 0 skips OCR")
        var ocrPages = 4
        @Option(help: "Where the fixtures are")
        var fixtures = "Tests/IngestTests/Fixtures"

        func run() async throws {
            let extractor = Extractor()
            let pdf = try file.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
                ?? joined(Array(repeating: "contract.pdf", count: 10))
            let clock = ContinuousClock()
            var samples: [Duration] = []
            var pages = 0
            for _ in 0..<iterations {
                let start = clock.now
                pages = try await extractor.extract(pdf, filename: "bench.pdf").pages.count
                samples.append(clock.now - start)
            }
            let stats = LatencyStats(samples)
            print("ingest: \(pages)-page text PDF (\(pdf.count) bytes): p50 \(stats.p50ms) ms, max \(stats.maxms) ms")
            print("bench=ingest_pdf pages=\(pages) bytes=\(pdf.count) n=\(iterations) p50_ms=\(stats.p50ms) max_ms=\(stats.maxms)")

            guard ocrPages > 0 else { return }
            let scan = try joined(Array(repeating: "scanned.pdf", count: ocrPages))
            let start = clock.now
            let recognized = try await extractor.extract(scan, filename: "scan.pdf")
            let perPage = (clock.now - start).seconds / Double(recognized.pages.count)
            print("ingest: OCR of \(recognized.pages.count) scanned 300-dpi pages: \(String(format: "%.2f", perPage)) s per page")
            print("bench=ingest_ocr pages=\(recognized.pages.count) s_per_page=\(String(format: "%.2f", perPage))")
        }

        /// The named fixtures joined into one PDF by poppler's pdfunite (`pdfunite` needs two or more inputs).
        private func joined(_ names: [String]) throws -> Data {
            let paths = names.map { URL(fileURLWithPath: fixtures).appendingPathComponent($0).path }
            guard paths.count > 1 else { return try Data(contentsOf: URL(fileURLWithPath: paths[0])) }
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("cs-bench-\(UUID().uuidString).pdf")
            defer { try? FileManager.default.removeItem(at: output) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["pdfunite"] + paths + [output.path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ValidationError("pdfunite failed (poppler-utils installed?)") }
            return try Data(contentsOf: output)
        }
    }
}
