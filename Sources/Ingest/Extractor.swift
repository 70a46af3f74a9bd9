import Foundation

/// Turns an uploaded contract file into clean text with a page map; the server's single entry point.
public struct Extractor: Sendable {
    public let limits: IngestLimits
    /// Directories searched for pdftotext, tesseract, antiword…; nil means the process's PATH.
    public let programSearchPath: [String]?

    /// - Parameter programSearchPath: where the external programs are installed when not on PATH
    ///   (an empty list makes every format that needs one answer `.programMissing`).
    public init(limits: IngestLimits = .init(), programSearchPath: [String]? = nil) {
        self.limits = limits
        self.programSearchPath = programSearchPath
    }

    /// What the format is, found from the content (magic bytes), without extracting; cheap
    /// enough for the upload handler to answer 413/415 before queuing work.
    /// Throws `.unsupportedFormat` when the content is unknown or contradicts the file name.
    public func sniff(_ data: Data, filename: String) throws(IngestError) -> SourceFormat {
        try checkSize(data)
        return try FormatSniffer().identify(data, filename: filename).sourceFormat
    }

    /// Extracts and normalizes the text of `data`, detecting the format by content.
    /// `progress(page, pageCount)` is called once per page as it is read, 1-based; OCR makes it slow.
    public func extract(
        _ data: Data,
        filename: String,
        progress: @Sendable (_ page: Int, _ pageCount: Int) async -> Void = { _, _ in }
    ) async throws(IngestError) -> ExtractedDocument {
        switch try await extract(data, filename: filename, recognizing: true, progress: progress) {
        case .document(let document): return document
        case .needsOCR: preconditionFailure("with OCR allowed every readable file yields a document")
        }
    }

    /// What a quick read of an upload gave: its text, or the format of a file whose text needs OCR.
    public enum QuickRead: Sendable, Equatable {
        case document(ExtractedDocument)
        /// A scan (`.scannedPDF`) or a photo (`.image`): seconds per page, to be recognized later with `extract`.
        case needsOCR(SourceFormat)
    }

    /// Extracts what is quick to read — text, Word files, PDFs with a text layer — and stops short of OCR, so a
    /// server can answer the upload at once and recognize a scan later with `extract`, reporting progress page by
    /// page. Throws `.programMissing` already when the OCR programs are not installed.
    public func extractWithoutOCR(_ data: Data, filename: String) async throws(IngestError) -> QuickRead {
        try await extract(data, filename: filename, recognizing: false) { _, _ in }
    }

    private func extract(
        _ data: Data, filename: String, recognizing: Bool, progress: @Sendable (Int, Int) async -> Void
    ) async throws(IngestError) -> QuickRead {
        try checkSize(data)
        let content = try FormatSniffer().identify(data, filename: filename)
        let runner = ProgramRunner(timeout: limits.subprocessTimeout, searchPath: programSearchPath)
        switch content {
        case .text(let text, let format):
            return .document(try await assemble(pages: Self.formFeedPages(text), format: format, progress: progress))
        case .docx:
            let result = try DOCXReader(limits: limits).read(data)
            return .document(try await assemble(pages: Self.formFeedPages(result.body), format: .docx,
                                                headersAndFooters: result.headersAndFooters, progress: progress))
        case .doc:
            let text = try await LegacyDocReader(runner: runner).read(data)
            return .document(try await assemble(pages: Self.formFeedPages(text), format: .doc, progress: progress))
        case .pdf:
            // The PDF reader reports progress itself, page by page, since OCR makes pages slow.
            let reader = PDFReader(limits: limits, runner: runner)
            guard let result = try await reader.read(data, recognizing: recognizing, progress: progress) else {
                try runner.requireInstalled([.pdftoppm, .tesseract])
                return .needsOCR(.scannedPDF)
            }
            return .document(try assemble(pages: result.pages, format: result.recognizedPages > 0 ? .scannedPDF : .pdf))
        case .image:
            if let size = ImageDimensions(data), size.pixels > limits.maxImagePixels {
                throw IngestError(.unreadable, "图片尺寸过大（\(size.width)×\(size.height) 像素），请缩小后重新上传")
            }
            guard recognizing else {
                try runner.requireInstalled([.tesseract])
                return .needsOCR(.image)
            }
            let text = try await withScratchDirectory { directory throws(IngestError) in
                let image = try writeInput(data, named: "input.image", in: directory)
                return try await OCRReader(limits: limits, runner: runner).recognize(imageAt: image)
            }
            return .document(try await assemble(pages: Self.formFeedPages(text), format: .image, progress: progress))
        }
    }

    private func checkSize(_ data: Data) throws(IngestError) {
        guard data.count <= limits.maxFileBytes else {
            throw IngestError(.tooLarge, "文件大小超过 \(limits.maxFileBytes / 1_048_576) MB 上限")
        }
    }

    private static func formFeedPages(_ text: String) -> [String] {
        text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
    }

    /// Assembles, then reports every page done: these formats are read in one step.
    private func assemble(
        pages: [String], format: SourceFormat, headersAndFooters: String = "",
        progress: @Sendable (Int, Int) async -> Void
    ) async throws(IngestError) -> ExtractedDocument {
        let document = try assemble(pages: pages, format: format, headersAndFooters: headersAndFooters)
        for page in document.pages { await progress(page.page, document.pages.count) }
        return document
    }

    private func assemble(pages: [String], format: SourceFormat, headersAndFooters: String = "") throws(IngestError)
        -> ExtractedDocument {
        let laidOut = format.hasFixedPages
        let (text, spans) = TextNormalizer(isLaidOut: laidOut).normalize(pages: pages)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw IngestError(.unreadable, laidOut ? "未能从文件中识别出文字（可能是空白页或图像不清晰）" : "文件内容为空")
        }
        let furniture = TextNormalizer(isLaidOut: false).normalize(pages: [headersAndFooters]).text
        return ExtractedDocument(text: text, pages: spans, sourceFormat: format,
                                 headersAndFooters: furniture.isEmpty ? nil : furniture)
    }
}
