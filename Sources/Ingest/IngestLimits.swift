import Foundation

/// Safety caps applied to every upload; each one turns an expensive or hostile file into an `IngestError`.
public struct IngestLimits: Sendable, Hashable {
    /// Largest upload accepted (`.tooLarge` beyond).
    public var maxFileBytes: Int
    /// Most pages read from a PDF (`.unreadable` beyond), checked before any page is processed.
    public var maxPages: Int
    /// Most bytes inflated from a DOCX, all entries together; stops zip bombs part-way.
    public var maxInflatedBytes: Int
    /// Most entries a DOCX may list; a real one has a few dozen.
    public var maxEntries: Int
    /// Wall-clock limit for each external program run; the program is killed when it passes.
    public var subprocessTimeout: Duration
    /// A PDF page with fewer letters and digits than this in its text layer is read by OCR instead.
    public var minTextCharactersPerPage: Int
    /// Tesseract language models, in `-l` syntax.
    public var ocrLanguages: String
    /// Largest image (width × height) handed to OCR; an A4 page at 300 dpi is 8.7 million pixels.
    public var maxImagePixels: Int
    /// Resolution scanned PDF pages are rendered at for OCR.
    public var ocrDPI: Int
    /// Scanned pages rendered and recognized at once; each takes one core (Tesseract runs single-threaded).
    public var ocrConcurrency: Int

    public init(
        maxFileBytes: Int = 50 * 1024 * 1024,
        maxPages: Int = 500,
        maxInflatedBytes: Int = 200 * 1024 * 1024,
        maxEntries: Int = 10_000,
        subprocessTimeout: Duration = .seconds(120),
        minTextCharactersPerPage: Int = 10,
        ocrLanguages: String = "chi_sim+eng",
        maxImagePixels: Int = 100_000_000,
        ocrDPI: Int = 300,
        ocrConcurrency: Int = 2
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxPages = maxPages
        self.maxInflatedBytes = maxInflatedBytes
        self.maxEntries = maxEntries
        self.subprocessTimeout = subprocessTimeout
        self.minTextCharactersPerPage = minTextCharactersPerPage
        self.ocrLanguages = ocrLanguages
        self.maxImagePixels = maxImagePixels
        self.ocrDPI = ocrDPI
        self.ocrConcurrency = max(1, ocrConcurrency)
    }
}
