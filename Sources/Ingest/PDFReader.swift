import Foundation

/// Reads a PDF page by page: the text layer through poppler's `pdftotext`, and pages whose
/// text layer is missing or nearly empty (scans) through OCR.
struct PDFReader: Sendable {
    let limits: IngestLimits
    let runner: ProgramRunner

    struct Result: Sendable {
        var pages: [String]
        /// How many pages were read by OCR.
        var recognizedPages: Int
    }

    /// The pages' text; nil when some page needs OCR and `recognizing` is false.
    func read(_ data: Data, recognizing: Bool, progress: @Sendable (Int, Int) async -> Void) async throws(IngestError) -> Result? {
        try await withScratchDirectory { directory throws(IngestError) in
            let pdf = try writeInput(data, named: "input.pdf", in: directory)
            let pageCount = try await countPages(pdf)
            guard pageCount <= limits.maxPages else {
                throw IngestError(.unreadable, "PDF 共 \(pageCount) 页，超过 \(limits.maxPages) 页上限")
            }
            // No -layout: it pads columns with spaces that break Chinese words apart; reading
            // order is better without it. Each page ends with a form feed.
            let extracted = try await runner.run(.pdftotext, ["-enc", "UTF-8", "-eol", "unix", pdf.path, "-"])
            guard extracted.succeeded else { throw Self.damaged }
            var pages = String(decoding: extracted.standardOutput, as: UTF8.self)
                .split(separator: "\u{0C}", omittingEmptySubsequences: false).prefix(pageCount).map(String.init)
            pages += Array(repeating: "", count: pageCount - pages.count)

            var scanned = pages.indices.filter { Self.meaningfulCharacters(in: pages[$0]) < limits.minTextCharactersPerPage }
            if !scanned.isEmpty, let pictured = await pagesWithImages(pdf) {
                // A page with neither text nor an image is blank ("此页无正文"): rendering and
                // recognizing it would cost seconds, and Tesseract would be needed for nothing.
                scanned = scanned.filter { pictured.contains($0 + 1) }
            }
            guard recognizing || scanned.isEmpty else { return nil }
            try await recognize(scanned, into: &pages, pdf: pdf, directory: directory, progress: progress)
            return Result(pages: pages, recognizedPages: scanned.count)
        }
    }

    /// OCRs the `scanned` page indices, `limits.ocrConcurrency` at a time, and reports every
    /// page in order as soon as it and all pages before it have their text.
    private func recognize(
        _ scanned: [Int], into pages: inout [String], pdf: URL, directory: URL,
        progress: @Sendable (Int, Int) async -> Void
    ) async throws(IngestError) {
        let ocr = OCRReader(limits: limits, runner: runner)
        var waiting = Set(scanned)
        var queue = scanned[...]
        var reported = 0
        func start(_ index: Int, in group: inout ThrowingTaskGroup<(Int, String), any Error>) {
            group.addTask { (index, try await ocr.recognize(page: index + 1, of: pdf, in: directory)) }
        }
        do {
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                while waiting.count - queue.count < limits.ocrConcurrency, let index = queue.popFirst() {
                    start(index, in: &group)
                }
                while true {
                    while reported < pages.count, !waiting.contains(reported) {
                        reported += 1
                        await progress(reported, pages.count)
                    }
                    guard let (index, text) = try await group.next() else { break }
                    pages[index] = text
                    waiting.remove(index)
                    if let next = queue.popFirst() { start(next, in: &group) }
                }
            }
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(.unreadable, "处理已取消")
        }
    }

    private func countPages(_ pdf: URL) async throws(IngestError) -> Int {
        let info = try await runner.run(.pdfinfo, [pdf.path])
        guard info.succeeded else {
            if info.standardError.contains("Incorrect password") {
                throw IngestError(.unreadable, "PDF 文件已加密，请解除密码保护后重新上传")
            }
            throw Self.damaged
        }
        let text = String(decoding: info.standardOutput, as: UTF8.self)
        let count = text.split(separator: "\n").lazy
            .compactMap { line in line.hasPrefix("Pages:") ? Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) : nil }
            .first
        guard let count, count > 0 else { throw Self.damaged }
        return count
    }

    /// The 1-based pages that draw at least one image, from `pdfimages -list` (which reads
    /// no pixel data); nil when that fails, and then every low-text page is treated as a scan.
    private func pagesWithImages(_ pdf: URL) async -> Set<Int>? {
        guard let listing = try? await runner.run(.pdfimages, ["-list", pdf.path]), listing.succeeded else { return nil }
        let rows = String(decoding: listing.standardOutput, as: UTF8.self).split(separator: "\n").dropFirst(2)
        return Set(rows.compactMap { row in row.split(separator: " ").first.flatMap { Int($0) } })
    }

    /// Letters and digits, the only signs of a real text layer (a scan often carries a few stray marks).
    private static func meaningfulCharacters(in page: String) -> Int {
        page.unicodeScalars.reduce(0) { $0 + (($1.properties.isAlphabetic || $1.properties.numericType != nil) ? 1 : 0) }
    }

    private static let damaged = IngestError(.unreadable, "PDF 文件已损坏，无法读取")
}
