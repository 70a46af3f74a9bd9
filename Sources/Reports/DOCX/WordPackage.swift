import Foundation

/// A WordprocessingML package written from scratch: the document part plus the fixed parts
/// every such package needs, shared by the report and the annotated contract built from text.
struct WordPackage {
    /// A part besides the main document that the document refers to (comments, footer).
    struct Part {
        var path: String
        var contentType: String
        var relationshipType: String
        var relationshipID: String
        var xml: String
    }

    static let wordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let relationshipTypeBase = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    static let contentTypeBase = "application/vnd.openxmlformats-officedocument.wordprocessingml."
    static let documentNamespaces = #"xmlns:w="\#(wordNamespace)" xmlns:r="\#(relationshipNamespace)""#
    static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    var title: String
    /// The body of `word/document.xml` (everything inside `w:body`, including the final `w:sectPr`).
    var body: String
    var parts: [Part] = []
    var created: Date

    func archive() throws -> Data {
        let document =
            Self.xmlDeclaration + "<w:document \(Self.documentNamespaces)><w:body>\(body)</w:body></w:document>"
        let styles = Part(
            path: "word/styles.xml", contentType: Self.contentTypeBase + "styles+xml",
            relationshipType: Self.relationshipTypeBase + "styles", relationshipID: "rIdStyles", xml: WordStyles.xml)
        let allParts = [styles] + parts

        var contentTypes =
            Self.xmlDeclaration
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/word/document.xml" ContentType="\#(Self.contentTypeBase)document.main+xml"/>"#
            + #"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#
        for part in allParts {
            contentTypes += #"<Override PartName="/\#(part.path)" ContentType="\#(part.contentType)"/>"#
        }
        contentTypes += "</Types>"

        let packageRelationships =
            Self.xmlDeclaration
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="\#(Self.relationshipTypeBase)officeDocument" Target="word/document.xml"/>"#
            + #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#
            + "</Relationships>"

        var documentRelationships =
            Self.xmlDeclaration
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for part in allParts {
            let target = part.path.hasPrefix("word/") ? String(part.path.dropFirst(5)) : "../" + part.path
            documentRelationships +=
                #"<Relationship Id="\#(part.relationshipID)" Type="\#(part.relationshipType)" Target="\#(target)"/>"#
        }
        documentRelationships += "</Relationships>"

        let timestamp = ISO8601DateFormatter().string(from: created)
        let core =
            Self.xmlDeclaration
            + #"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#
            + #"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#
            + #"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
            + "<dc:title>\(XMLText.escaped(title))</dc:title><dc:creator>ContractShield</dc:creator>"
            + #"<dcterms:created xsi:type="dcterms:W3CDTF">\#(timestamp)</dcterms:created>"#
            + #"<dcterms:modified xsi:type="dcterms:W3CDTF">\#(timestamp)</dcterms:modified>"#
            + "</cp:coreProperties>"

        // [Content_Types].xml first: some readers sniff the package by its first entry.
        let entries: [(path: String, data: Data)] =
            [
                ("[Content_Types].xml", Data(contentTypes.utf8)),
                ("_rels/.rels", Data(packageRelationships.utf8)),
                ("docProps/core.xml", Data(core.utf8)),
                ("word/document.xml", Data(document.utf8)),
                ("word/_rels/document.xml.rels", Data(documentRelationships.utf8)),
            ] + allParts.map { ($0.path, Data((Self.xmlDeclaration + $0.xml).utf8)) }
        return try ZIPContainer.archive(entries, modified: created)
    }

    /// A4 portrait with 2.5 cm side margins, and the given footer.
    static func sectionProperties(footerID: String?) -> String {
        let footer = footerID.map { #"<w:footerReference w:type="default" r:id="\#($0)"/>"# } ?? ""
        return "<w:sectPr>\(footer)"
            + #"<w:pgSz w:w="11906" w:h="16838"/>"#
            + #"<w:pgMar w:top="1440" w:right="1418" w:bottom="1440" w:left="1418" w:header="851" w:footer="851" w:gutter="0"/>"#
            + "</w:sectPr>"
    }

    /// The width between the margins of `sectionProperties`, in twentieths of a point.
    static let textWidth = 11906 - 2 * 1418
}

/// Text in WordprocessingML: runs and paragraphs.
enum WordML {
    /// Run properties: `bold`, a colour, a size in half-points, a character style.
    struct RunStyle {
        var bold = false
        var color: ReportColor?
        var halfPoints: Int?

        var xml: String {
            var properties = ""
            if bold { properties += "<w:b/><w:bCs/>" }
            if let color { properties += #"<w:color w:val="\#(color.hex)"/>"# }
            if let halfPoints { properties += #"<w:sz w:val="\#(halfPoints)"/><w:szCs w:val="\#(halfPoints)"/>"# }
            return properties.isEmpty ? "" : "<w:rPr>\(properties)</w:rPr>"
        }
    }

    /// A run of `text`; tabs and line breaks become `w:tab` and `w:br`.
    static func run(_ text: String, _ style: RunStyle = RunStyle()) -> String {
        "<w:r>\(style.xml)\(content(text, textElement: "w:t"))</w:r>"
    }

    /// The inside of a run holding `text`: `w:t` (or `w:delText` in a deletion) split at tabs and breaks.
    static func content(_ text: String, textElement: String) -> String {
        var xml = ""
        var pending = ""
        func flushText() {
            guard !pending.isEmpty else { return }
            xml += #"<\#(textElement) xml:space="preserve">\#(XMLText.escaped(pending))</\#(textElement)>"#
            pending = ""
        }
        for character in text {
            switch character {
            case "\t":
                flushText()
                xml += "<w:tab/>"
            case "\n", "\r\n":
                flushText()
                xml += "<w:br/>"
            default:
                pending.append(character)
            }
        }
        flushText()
        return xml
    }

    /// A paragraph in `style` (a style ID from `WordStyles`) holding already-built runs.
    static func paragraph(style: String? = nil, _ runs: String) -> String {
        let properties = style.map { #"<w:pPr><w:pStyle w:val="\#($0)"/></w:pPr>"# } ?? ""
        return "<w:p>" + properties + runs + "</w:p>"
    }
}
