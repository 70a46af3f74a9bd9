import Foundation

/// Recognizes text in images and in rendered PDF pages with Tesseract.
struct OCRReader: Sendable {
    let limits: IngestLimits
    let runner: ProgramRunner

    /// The text of an image file; a multi-page TIFF yields its pages separated by form feeds.
    func recognize(imageAt image: URL) async throws(IngestError) -> String {
        // --psm 6 (one uniform block) keeps a contract page's lines in reading order; the
        // automatic layout analysis tends to split numbered clauses into columns.
        let output = try await runner.run(.tesseract, [image.path, "stdout", "-l", limits.ocrLanguages, "--psm", "6"],
                                          environment: Self.environment)
        guard output.succeeded else {
            if output.standardError.contains("Failed loading language") {
                throw IngestError(.programMissing, "缺少 OCR 语言包（\(limits.ocrLanguages)），请安装 tesseract-ocr-chi-sim")
            }
            throw IngestError(.unreadable, "图片无法识别，文件可能已损坏")
        }
        return String(decoding: output.standardOutput, as: UTF8.self)
    }

    /// Renders one page of `pdf` to a grayscale PNG in `directory` and recognizes it.
    func recognize(page: Int, of pdf: URL, in directory: URL) async throws(IngestError) -> String {
        let prefix = directory.appendingPathComponent("page-\(page)")
        let rendered = try await runner.run(.pdftoppm, [
            "-r", String(limits.ocrDPI), "-gray", "-png", "-f", String(page), "-l", String(page), "-singlefile",
            pdf.path, prefix.path,
        ])
        let image = prefix.appendingPathExtension("png")
        defer { try? FileManager.default.removeItem(at: image) }
        guard rendered.succeeded else {
            throw IngestError(.unreadable, "PDF 第 \(page) 页无法渲染，文件可能已损坏")
        }
        return try await recognize(imageAt: image)
    }

    /// One OpenMP thread per Tesseract: on two cores its threads spin more than they work
    /// (a 300-dpi A4 page took 4.1 s with the default, 0.9 s with one thread).
    private static let environment = ["OMP_THREAD_LIMIT": "1"]
}
