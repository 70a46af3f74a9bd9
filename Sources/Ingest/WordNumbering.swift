import Foundation

/// A document's list definitions (`word/numbering.xml`) plus list styles, and the running
/// counters that turn a paragraph's `w:numPr` into the label Word would display.
struct WordNumbering {
    struct Level: Hashable {
        var start = 1
        var format = ListLabelFormat.decimal(minimumDigits: 1)
        var text = ""
        /// What Word puts after the label; a tab is rendered as one space.
        var separator = " "
        /// `w:isLgl`: every number in this level's label is shown as a decimal ("2.1", not "二.1").
        var isLegal = false
    }

    private var levelsByAbstract: [String: [Int: Level]] = [:]
    private var abstractByNum: [String: String] = [:]
    private var startOverrides: [String: [Int: Int]] = [:]
    /// Counters run per abstract list: two `w:num`s sharing one definition continue each other, as in Word.
    private var counters: [String: [Int: Int]] = [:]
    private var usedNums: Set<String> = []

    init() {}

    init(numberingXML: Data) throws(IngestError) {
        var handler = NumberingHandler()
        try handler.parse(numberingXML, part: "word/numbering.xml")
        levelsByAbstract = handler.levels
        abstractByNum = handler.abstractByNum
        startOverrides = handler.startOverrides
    }

    /// The label for the next paragraph of list `numId` at level `level`, advancing the counters;
    /// nil when the list is unknown or `numId` is 0 (Word's "numbering removed").
    mutating func nextLabel(numId: String, level: Int) -> String? {
        guard numId != "0", let abstract = abstractByNum[numId], let levels = levelsByAbstract[abstract],
              let definition = levels[level] else { return nil }
        var values = counters[abstract, default: [:]]
        if usedNums.insert(numId).inserted, let overrides = startOverrides[numId] {
            for (overridden, start) in overrides { values[overridden] = start - 1 }
        }
        values[level] = (values[level] ?? definition.start - 1) + 1
        for deeper in values.keys where deeper > level { values[deeper] = nil }
        counters[abstract] = values

        if definition.format == .bullet {
            // Symbol-font bullets are private-use characters that mean nothing outside that font.
            let isPrivateUse = definition.text.unicodeScalars.contains { (0xE000...0xF8FF).contains($0.value) }
            return (definition.text.isEmpty || isPrivateUse ? "•" : definition.text) + definition.separator
        }
        var label = definition.text
        for placeholder in (0...8).reversed() where label.contains("%\(placeholder + 1)") {
            let placeholderLevel = levels[placeholder] ?? Level()
            let value = values[placeholder] ?? placeholderLevel.start
            let format = definition.isLegal ? .decimal(minimumDigits: 1) : placeholderLevel.format
            label = label.replacingOccurrences(of: "%\(placeholder + 1)", with: format.render(value))
        }
        return label.isEmpty ? nil : label + definition.separator
    }
}

/// Collects `w:abstractNum` levels and `w:num` bindings from numbering.xml.
private struct NumberingHandler: XMLEventHandler {
    var levels: [String: [Int: Level]] = [:]
    var abstractByNum: [String: String] = [:]
    var startOverrides: [String: [Int: Int]] = [:]
    typealias Level = WordNumbering.Level

    private var abstract: String?
    private var num: String?
    private var level: (index: Int, value: Level)?
    private var overrideLevel: Int?
    /// `mc:Fallback` repeats a `mc:Choice` (e.g. `decimal` standing in for a `custom` Chinese format).
    private var fallbackDepth = 0

    mutating func start(_ name: String, attributes: [String: String]) {
        if name == "mc:Fallback" { fallbackDepth += 1 }
        guard fallbackDepth == 0 else { return }
        let val = attributes["w:val"]
        switch name {
        case "w:abstractNum": abstract = attributes["w:abstractNumId"]
        case "w:num": num = attributes["w:numId"]
        case "w:abstractNumId": if let num, let val { abstractByNum[num] = val }
        case "w:lvl": if abstract != nil { level = (Int(attributes["w:ilvl"] ?? "0") ?? 0, Level()) }
        case "w:lvlOverride": overrideLevel = Int(attributes["w:ilvl"] ?? "")
        case "w:startOverride":
            if let num, let overrideLevel, let start = Int(val ?? "") { startOverrides[num, default: [:]][overrideLevel] = start }
        case "w:start": if let start = Int(val ?? "") { level?.value.start = start }
        case "w:numFmt": if let val { level?.value.format = ListLabelFormat(numFmt: val, customFormat: attributes["w:format"]) }
        case "w:lvlText": level?.value.text = val ?? ""
        case "w:suff": level?.value.separator = val == "nothing" ? "" : " "
        case "w:isLgl": level?.value.isLegal = val != "0" && val != "false"
        default: break
        }
    }

    mutating func end(_ name: String) {
        if name == "mc:Fallback" { fallbackDepth -= 1 }
        guard fallbackDepth == 0 else { return }
        switch name {
        case "w:abstractNum": abstract = nil
        case "w:num": num = nil
        case "w:lvlOverride": overrideLevel = nil
        case "w:lvl":
            if let abstract, let level { levels[abstract, default: [:]][level.index] = level.value }
            level = nil
        default: break
        }
    }

    mutating func characters(_ text: String) {}
}

/// Paragraph styles that carry numbering (Chinese templates often number 第X条 through a heading style).
struct WordStyles {
    struct Numbering: Hashable {
        var numId: String?
        var level: Int?
    }

    private var numberingByStyle: [String: Numbering] = [:]
    private var basedOn: [String: String] = [:]

    init() {}

    init(stylesXML: Data) throws(IngestError) {
        var handler = StylesHandler()
        try handler.parse(stylesXML, part: "word/styles.xml")
        numberingByStyle = handler.numbering
        basedOn = handler.basedOn
    }

    /// The numbering a style gives, following `w:basedOn` (bounded, since a cycle is possible in a hostile file).
    func numbering(ofStyle style: String) -> Numbering? {
        var current: String? = style
        var result = Numbering()
        for _ in 0..<16 {
            guard let name = current else { break }
            if let own = numberingByStyle[name] {
                result.numId = result.numId ?? own.numId
                result.level = result.level ?? own.level
            }
            current = basedOn[name]
        }
        return result.numId == nil ? nil : result
    }
}

private struct StylesHandler: XMLEventHandler {
    var numbering: [String: WordStyles.Numbering] = [:]
    var basedOn: [String: String] = [:]
    private var style: String?
    private var changeDepth = 0

    mutating func start(_ name: String, attributes: [String: String]) {
        if name.hasSuffix("Change") { changeDepth += 1 }
        guard changeDepth == 0 else { return }
        switch name {
        case "w:style": style = attributes["w:type"] == "paragraph" ? attributes["w:styleId"] : nil
        case "w:basedOn": if let style, let val = attributes["w:val"] { basedOn[style] = val }
        case "w:numId": if let style { numbering[style, default: .init()].numId = attributes["w:val"] }
        case "w:ilvl": if let style { numbering[style, default: .init()].level = Int(attributes["w:val"] ?? "") }
        default: break
        }
    }

    mutating func end(_ name: String) {
        if name.hasSuffix("Change") { changeDepth -= 1 }
        if name == "w:style" { style = nil }
    }

    mutating func characters(_ text: String) {}
}
