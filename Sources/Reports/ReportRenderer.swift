import Foundation
import Review

/// Renders review reports; a value to create once (it holds the parsed CJK font) and share.
public struct ReportRenderer: Sendable {
    /// The TrueType font the PDF embeds a subset of; nil when the PDF falls back to the
    /// non-embedded Adobe `STSong-Light`.
    public let fontFile: URL?
    /// `fontFile` read once up front, since every PDF needs it; an unreadable file fails PDF rendering
    /// rather than silently giving a PDF that looks different from the configured one.
    private let font: Result<TrueTypeFont, ReportError>?

    /// Uses `fontFile` (a `.ttf`, or a `.ttc` whose first face is taken) for PDF text.
    public init(fontFile: URL? = ReportRenderer.defaultCJKFont()) {
        self.fontFile = fontFile
        font = fontFile.map { url in
            do {
                return .success(try TrueTypeFont(contentsOf: url))
            } catch let error as ReportError {
                return .failure(error)
            } catch {
                return .failure(ReportError("\(error)"))
            }
        }
    }

    /// WenQuanYi Micro Hei as fontconfig finds it, else at Debian's path; nil when it is not installed.
    public static func defaultCJKFont() -> URL? {
        CJKFontLocator.wenQuanYiMicroHei()
    }

    /// The file for `document` in `format`.
    public func render(_ document: ReportDocument, as format: ReportFormat, options: ReportOptions = .init()) throws
        -> Data
    {
        switch format {
        case .txt:
            return TextReportWriter().render(ReportContent(document))
        case .docx:
            return try DOCXReportWriter().render(ReportContent(document), created: document.reviewedAt)
        case .pdf:
            return try PDFReportWriter(font: font?.get()).render(ReportContent(document), document: document)
        case .annotated:
            return try AnnotatedDOCXWriter(redline: options.redline).render(document, content: ReportContent(document))
        }
    }
}
