import Foundation

/// The formats an upload can be read from; the raw value is the wire `source_format`.
public enum SourceFormat: String, Codable, Sendable, CaseIterable {
    case text, markdown, docx, doc, pdf
    /// A PDF without a usable text layer, read by OCR.
    case scannedPDF = "pdf_ocr"
    case image

    /// Whether the source has fixed pages a finding can cite (PDFs, scans, photos); where a Word or
    /// text file breaks its pages depends on the program showing it.
    public var hasFixedPages: Bool { [.pdf, .scannedPDF, .image].contains(self) }
}

/// Where one page of the source lies in the extracted text (Unicode-scalar offsets, end exclusive).
public struct PageSpan: Codable, Sendable, Hashable {
    public var page: Int
    public var start: Int
    public var end: Int
    public init(page: Int, start: Int, end: Int) {
        self.page = page
        self.start = start
        self.end = end
    }
}

/// The clean text of an uploaded contract, and where its pages lie in it.
public struct ExtractedDocument: Codable, Sendable, Hashable {
    public var text: String
    public var pages: [PageSpan]
    public var sourceFormat: SourceFormat
    /// A DOCX's header and footer lines, kept out of `text` (they repeat on every page and are
    /// not clauses); nil for other formats, whose running headers are removed instead.
    public var headersAndFooters: String?

    public init(text: String, pages: [PageSpan], sourceFormat: SourceFormat, headersAndFooters: String? = nil) {
        self.text = text
        self.pages = pages
        self.sourceFormat = sourceFormat
        self.headersAndFooters = headersAndFooters
    }

    enum CodingKeys: String, CodingKey {
        case text, pages
        case sourceFormat = "source_format"
        case headersAndFooters = "headers_and_footers"
    }
}

/// Why a file could not be read; `message` is shown to users as is.
public struct IngestError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Not a format we read, or the content does not match the name (HTTP 415).
        case unsupportedFormat
        /// The file is damaged, empty or exceeds a safety cap (HTTP 422).
        case unreadable
        /// Larger than the upload limit (HTTP 413).
        case tooLarge
        /// An external program is not installed (HTTP 503).
        case programMissing
    }

    public var kind: Kind
    /// Chinese, for the user.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
