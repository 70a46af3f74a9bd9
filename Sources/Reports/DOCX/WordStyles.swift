/// `word/styles.xml` for the documents ContractShield writes: Word's built-in heading styles (so the
/// navigation pane lists every finding), a bordered table style, and the report's own paragraph styles.
enum WordStyles {
    /// Style IDs used by the writers.
    static let title = "Title"
    static let heading1 = "Heading1"
    static let heading2 = "Heading2"
    static let label = "FindingLabel"
    static let lead = "StatuteReference"
    static let quotation = "ClauseQuote"
    static let note = "ReportNote"
    static let footer = "Footer"
    static let table = "ReportTable"

    private static let eastAsianSans = #"<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="黑体"/>"#

    static let xml =
        #"<w:styles xmlns:w="\#(WordPackage.wordNamespace)">"#
        + "<w:docDefaults><w:rPrDefault><w:rPr>"
        + #"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/>"#
        + #"<w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>"#
        + "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        + #"<w:spacing w:after="80" w:line="312" w:lineRule="auto"/><w:jc w:val="both"/>"#
        + "</w:pPr></w:pPrDefault></w:docDefaults>"
        + paragraphStyle(id: "Normal", name: "Normal", isDefault: true)
        + #"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#
        + #"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#
        + paragraphStyle(
            id: title, name: "Title",
            paragraph: #"<w:keepNext/><w:spacing w:before="240" w:after="360"/><w:jc w:val="center"/>"#,
            run: eastAsianSans
                + #"<w:b/><w:bCs/><w:color w:val="\#(ReportColor.accent.hex)"/><w:sz w:val="44"/><w:szCs w:val="44"/>"#)
        + paragraphStyle(
            id: heading1, name: "heading 1",
            paragraph:
                #"<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="160"/><w:jc w:val="left"/><w:outlineLvl w:val="0"/>"#,
            run: eastAsianSans
                + #"<w:b/><w:bCs/><w:color w:val="\#(ReportColor.accent.hex)"/><w:sz w:val="32"/><w:szCs w:val="32"/>"#)
        + paragraphStyle(
            id: heading2, name: "heading 2",
            paragraph:
                #"<w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="120"/><w:jc w:val="left"/><w:outlineLvl w:val="1"/>"#,
            run: eastAsianSans + #"<w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/>"#)
        + paragraphStyle(
            id: label, name: "Finding Label",
            paragraph: #"<w:keepNext/><w:spacing w:before="120" w:after="40"/>"#,
            run: #"<w:b/><w:bCs/><w:color w:val="\#(ReportColor.accent.hex)"/>"#)
        + paragraphStyle(
            id: lead, name: "Statute Reference",
            paragraph: #"<w:keepNext/><w:spacing w:after="0"/><w:jc w:val="left"/>"#,
            run: "<w:b/><w:bCs/>")
        + paragraphStyle(
            id: quotation, name: "Clause Quote",
            paragraph:
                #"<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="\#(ReportColor.rule.hex)"/></w:pBdr>"#
                + #"<w:shd w:val="clear" w:color="auto" w:fill="\#(ReportColor.shade.hex)"/><w:ind w:left="284" w:right="284"/>"#,
            run: #"<w:rFonts w:eastAsia="楷体"/>"#)
        + paragraphStyle(
            id: note, name: "Report Note", paragraph: #"<w:spacing w:before="360"/>"#,
            run: #"<w:color w:val="\#(ReportColor.muted.hex)"/><w:sz w:val="18"/><w:szCs w:val="18"/>"#)
        + paragraphStyle(
            id: footer, name: "footer", paragraph: #"<w:jc w:val="center"/>"#,
            run: #"<w:color w:val="\#(ReportColor.muted.hex)"/><w:sz w:val="18"/><w:szCs w:val="18"/>"#)
        + #"<w:style w:type="table" w:styleId="\#(table)"><w:name w:val="Report Table"/><w:basedOn w:val="TableNormal"/>"#
        + #"<w:pPr><w:spacing w:after="0"/><w:jc w:val="left"/></w:pPr><w:tblPr>"#
        + #"<w:tblBorders>\#(["top", "left", "bottom", "right", "insideH", "insideV"].map { #"<w:\#($0) w:val="single" w:sz="4" w:space="0" w:color="\#(ReportColor.rule.hex)"/>"# }.joined())</w:tblBorders>"#
        + #"<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>"#
        + "</w:tblPr></w:style>"
        + "</w:styles>"

    private static func paragraphStyle(
        id: String, name: String, isDefault: Bool = false, paragraph: String = "", run: String = ""
    ) -> String {
        let basedOn = isDefault ? "" : #"<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>"#
        return #"<w:style w:type="paragraph"\#(isDefault ? #" w:default="1""# : "") w:styleId="\#(id)">"#
            + #"<w:name w:val="\#(name)"/>\#(basedOn)<w:qFormat/>"#
            + (paragraph.isEmpty ? "" : "<w:pPr>\(paragraph)</w:pPr>")
            + (run.isEmpty ? "" : "<w:rPr>\(run)</w:rPr>")
            + "</w:style>"
    }
}
