import Foundation
import Review

/// The files a finished review can be exported as.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    /// The review report as a PDF with an embedded CJK font subset.
    case pdf
    /// The review report as an editable Word document.
    case docx
    /// The reviewed contract itself, with a Word comment (and optionally a tracked change) at every risky clause.
    case annotated
    /// The review report as UTF-8 plain text.
    case txt

    /// The `Content-Type` to serve the file with.
    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx, .annotated: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .txt: "text/plain; charset=utf-8"
        }
    }

    /// The file name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .docx, .annotated: "docx"
        case .txt: "txt"
        }
    }

    /// Chinese name shown to users.
    public var label: String {
        switch self {
        case .pdf: "PDF审查报告"
        case .docx: "Word审查报告"
        case .annotated: "批注版合同"
        case .txt: "文本审查报告"
        }
    }

    /// A download name for this format, derived from the uploaded file's name, e.g. `采购合同-审查报告.pdf`.
    public func filename(for document: ReportDocument) -> String {
        let stem = document.filenameStem
        switch self {
        case .annotated: return "\(stem)-批注版.\(fileExtension)"
        case .pdf, .docx, .txt: return "\(stem)-审查报告.\(fileExtension)"
        }
    }
}

/// Everything a renderer needs about one reviewed contract.
public struct ReportDocument: Sendable {
    /// The review task, shown on the cover.
    public var taskID: Int64
    /// The name the contract was uploaded under.
    public var filename: String
    /// The extracted contract text that every finding's `span` indexes into.
    public var contractText: String
    /// The engine's findings and summary.
    public var report: ReviewReport
    /// When the review finished: the report date (China Standard Time) and the date of comments and revisions.
    public var reviewedAt: Date
    /// The uploaded file when it was a DOCX: the annotated export then marks up that document itself.
    public var originalDOCX: Data?

    public init(
        taskID: Int64, filename: String, contractText: String, report: ReviewReport, reviewedAt: Date,
        originalDOCX: Data? = nil
    ) {
        self.taskID = taskID
        self.filename = filename
        self.contractText = contractText
        self.report = report
        self.reviewedAt = reviewedAt
        self.originalDOCX = originalDOCX
    }

    /// The upload name without directory and extension; "合同" when nothing is left.
    var filenameStem: String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let stem = last.contains(".") ? String(last[..<last.lastIndex(of: ".")!]) : last
        return stem.isEmpty ? "合同" : stem
    }
}

/// Choices the user makes when exporting.
public struct ReportOptions: Sendable, Hashable {
    /// For `annotated`: also write each concrete rewrite as a tracked change; `false` gives comments only.
    public var redline: Bool

    public init(redline: Bool = true) {
        self.redline = redline
    }
}

/// Why a report could not be rendered; `message` is Chinese, for the user.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
