import Foundation
import Review

/// The reviewed contract returned as a Word document with a comment (批注) by "ContractShield" on
/// each finding's clause, and — where the suggestion gives concrete wording and `redline` is on —
/// that wording as a tracked change (the old words deleted, the new inserted) to accept or reject.
///
/// An uploaded DOCX is marked up in place with its formatting kept; otherwise the document is
/// built from the extracted text, one paragraph per line.
struct AnnotatedDOCXWriter {
    static let author = "ContractShield"

    var redline: Bool

    func render(_ document: ReportDocument, content: ReportContent) throws -> Data {
        let annotator = ClauseAnnotator(redline: redline, author: Self.author, date: document.reviewedAt)
        if let original = document.originalDOCX {
            return try annotateOriginal(original, document: document, content: content, annotator: annotator)
        }
        let paragraphs = document.contractText.split(separator: "\n", omittingEmptySubsequences: false)
            .map { WordML.paragraph($0.isEmpty ? "" : WordML.run(String($0))) }.joined()
        let xml = "<w:document \(WordPackage.documentNamespaces)><w:body>\(paragraphs)</w:body></w:document>"
        guard let body = XMLNode.parse(Array(xml.utf8))?.element("w:document")?.element("w:body") else {
            throw ReportError("无法生成批注版合同")
        }
        let comments = annotator.annotate(
            body: body, keepsBlankParagraphs: true, document: document, sections: content.sections, firstID: 0)
        let package = WordPackage(
            title: document.filename,
            body: body.children.map { $0.serialized() }.joined() + WordPackage.sectionProperties(footerID: nil),
            parts: [
                WordPackage.Part(
                    path: "word/comments.xml", contentType: WordPackage.contentTypeBase + "comments+xml",
                    relationshipType: WordPackage.relationshipTypeBase + "comments", relationshipID: "rIdComments",
                    xml: CommentsPart.newPart(comments, namespace: WordPackage.wordNamespace, date: document.reviewedAt)
                )
            ], created: document.reviewedAt)
        return try package.archive()
    }

    /// Marks up the uploaded package: its main document, its comments part (created or extended),
    /// and the relationship and content type a new comments part needs; every other part is copied.
    private func annotateOriginal(
        _ original: Data, document: ReportDocument, content: ReportContent, annotator: ClauseAnnotator
    ) throws -> Data {
        var package = try OriginalPackage(original)
        let documentPath = package.mainDocumentPath()
        guard let documentBytes = package.parts[documentPath],
            let tree = XMLNode.parse(documentBytes),
            let root = tree.elements.first, root.name == "w:document",
            let namespace = root.attribute("xmlns:w"), let body = root.element("w:body")
        else { throw ReportError("上传的 DOCX 正文无法解析，无法生成批注版") }

        let relationshipsPath = OriginalPackage.relationshipsPath(of: documentPath)
        let relationships = package.parts[relationshipsPath].flatMap(XMLNode.parse)
        let existingComments = relationships.flatMap {
            OriginalPackage.target(ofType: "/comments", in: $0, relativeTo: documentPath)
        }
        let commentsTree = existingComments.flatMap { package.parts[$0] }.flatMap(XMLNode.parse)

        // New ids above every id in use: comments, revisions and bookmarks share the attribute.
        var highest = -1
        for tree in [tree, commentsTree].compactMap({ $0 }) {
            tree.descendants { node in
                if let id = node.attribute("w:id").flatMap(Int.init) { highest = max(highest, id) }
            }
        }
        let comments = annotator.annotate(
            body: body, keepsBlankParagraphs: false, document: document, sections: content.sections,
            firstID: highest + 1)
        package.parts[documentPath] = Array(tree.serialized().utf8)

        if let existingComments, let commentsTree, let commentsRoot = commentsTree.elements.first {
            let added = CommentsPart.elements(comments, date: document.reviewedAt)
            commentsRoot.insert(XMLNode.parse(Array(added.utf8))?.children ?? [], at: commentsRoot.children.count)
            package.parts[existingComments] = Array(commentsTree.serialized().utf8)
        } else if !comments.isEmpty {
            let path = package.unusedPath(near: documentPath, named: "comments")
            package.parts[path] = Array(
                (WordPackage.xmlDeclaration
                    + CommentsPart.newPart(comments, namespace: namespace, date: document.reviewedAt)).utf8)
            try package.relate(
                documentPath, to: path, type: WordPackage.relationshipTypeBase + "comments",
                contentType: WordPackage.contentTypeBase + "comments+xml")
        }
        return try package.archive(modified: document.reviewedAt)
    }
}

/// `word/comments.xml`: one `w:comment` per annotated finding, saying its level, why it matters
/// and what to change.
enum CommentsPart {
    static func newPart(_ comments: [ClauseAnnotator.Comment], namespace: String, date: Date) -> String {
        #"<w:comments xmlns:w="\#(namespace)">"# + elements(comments, date: date) + "</w:comments>"
    }

    static func elements(_ comments: [ClauseAnnotator.Comment], date: Date) -> String {
        let stamp = ISO8601DateFormatter().string(from: date)
        return comments.map { comment in
            let finding = comment.section.finding
            let bold = WordML.RunStyle(bold: true)
            var paragraphs = [
                "<w:r><w:annotationRef/></w:r>"
                    + WordML.run(
                        "【\(finding.riskLevel.label)】",
                        WordML.RunStyle(bold: true, color: finding.riskLevel.reportColor))
                    + WordML.run(comment.section.heading, bold),
                WordML.run("风险分析：", bold) + WordML.run(finding.summary),
            ]
            // Separate paragraphs rather than line breaks, which justified text would stretch.
            if !finding.analysis.isEmpty { paragraphs.append(WordML.run(finding.analysis)) }
            paragraphs.append(WordML.run("修改建议：", bold) + WordML.run(finding.suggestion))
            if !finding.statutes.isEmpty {
                paragraphs.append(
                    WordML.run("法律依据：", bold) + WordML.run(finding.statutes.map(\.statuteRef).joined(separator: "；")))
            }
            return
                #"<w:comment w:id="\#(comment.id)" w:author="\#(AnnotatedDOCXWriter.author)" w:date="\#(stamp)" w:initials="CS">"#
                + paragraphs.map { WordML.paragraph($0) }.joined() + "</w:comment>"
        }.joined()
    }
}
