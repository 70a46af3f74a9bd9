/// A WordprocessingML part held as a tree that can be edited in place and written back with
/// everything it did not touch byte for byte: attributes stay raw strings, text stays escaped,
/// and declarations, comments and CDATA pass through unchanged.
///
/// Nodes are reference types because annotating splices runs at many points of one tree; the
/// tree never leaves the function that edits it.
final class XMLNode {
    enum Kind {
        case element
        /// Character data, still escaped as in the source.
        case text
        /// A declaration, comment, processing instruction or CDATA section, verbatim.
        case markup
    }

    let kind: Kind
    /// The qualified element name (`w:r`), or the raw text or markup.
    var name: String
    /// The attributes as written, with their leading whitespace (` w:val="1"`).
    var attributes: String
    var children: [XMLNode]
    weak var parent: XMLNode?

    init(_ kind: Kind, name: String, attributes: String = "", children: [XMLNode] = []) {
        self.kind = kind
        self.name = name
        self.attributes = attributes
        self.children = children
        for child in children { child.parent = self }
    }

    /// A new element, e.g. `XMLNode(element: "w:del", attributes: [("w:id", "3")])`.
    convenience init(element name: String, attributes: [(String, String)] = [], children: [XMLNode] = []) {
        self.init(
            .element, name: name, attributes: attributes.map { " \($0.0)=\"\(XMLText.escaped($0.1))\"" }.joined(),
            children: children)
    }

    /// Character data holding `text` (escaped here).
    convenience init(text: String) {
        self.init(.text, name: XMLText.escaped(text))
    }

    /// Parses a whole part; nil when it is not well-formed enough to edit safely.
    static func parse(_ bytes: [UInt8]) -> XMLNode? {
        var parser = XMLTreeParser(bytes: bytes)
        return parser.parseDocument()
    }

    /// The value of attribute `name`, unescaped; nil when absent.
    func attribute(_ name: String) -> String? {
        var scanner = attributes.unicodeScalars[...]
        while let equals = scanner.firstIndex(of: "=") {
            let key = String(scanner[..<equals]).trimmingWhitespace()
            var rest = scanner[scanner.index(after: equals)...].drop(while: {
                $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r"
            })
            guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: quote) else { return nil }
            if key == name { return XMLEntities.decode(String(rest[..<close])) }
            scanner = rest[rest.index(after: close)...]
        }
        return nil
    }

    func element(_ name: String) -> XMLNode? {
        children.first { $0.kind == .element && $0.name == name }
    }

    var elements: [XMLNode] { children.filter { $0.kind == .element } }

    /// Every element below this one, in document order.
    func descendants(_ visit: (XMLNode) -> Void) {
        for child in children where child.kind == .element {
            visit(child)
            child.descendants(visit)
        }
    }

    /// The decoded text of this node's character data (for `w:t`).
    var text: String {
        children.filter { $0.kind == .text }.map { XMLEntities.decode($0.name) }.joined()
    }

    func insert(_ nodes: [XMLNode], at index: Int) {
        for node in nodes { node.parent = self }
        children.insert(contentsOf: nodes, at: index)
    }

    /// Replaces `child` with `nodes`.
    func replace(_ child: XMLNode, with nodes: [XMLNode]) {
        guard let index = children.firstIndex(where: { $0 === child }) else { return }
        children.remove(at: index)
        insert(nodes, at: index)
    }

    var indexInParent: Int? { parent?.children.firstIndex { $0 === self } }

    /// A deep copy, detached from any parent.
    func copy() -> XMLNode {
        XMLNode(kind, name: name, attributes: attributes, children: children.map { $0.copy() })
    }

    /// The tree as XML text.
    func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch kind {
        case .text, .markup:
            out += name
        case .element where name.isEmpty:
            // The document node: its children only.
            for child in children { child.write(into: &out) }
        case .element:
            out += "<" + name + attributes
            if children.isEmpty {
                out += "/>"
                return
            }
            out += ">"
            for child in children { child.write(into: &out) }
            out += "</" + name + ">"
        }
    }
}

/// XML's predefined and numeric character references.
enum XMLEntities {
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let value =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let value, let scalar = Unicode.Scalar(value) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += rest[amp...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars.drop { $0.properties.isWhitespace }
        let trimmed = scalars.reversed().drop { $0.properties.isWhitespace }.reversed()
        return String(String.UnicodeScalarView(trimmed))
    }
}

/// A small, strict parser for the XML Word writes: elements, attributes, text, and markup kept verbatim.
private struct XMLTreeParser {
    let bytes: [UInt8]
    var position = 0

    mutating func parseDocument() -> XMLNode? {
        let document = XMLNode(.element, name: "")
        var stack = [document]
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
                stack.last!.insert([XMLNode(.text, name: string(start..<position))], at: stack.last!.children.count)
                continue
            }
            if matches("<!--") {
                guard let end = find("-->") else { return nil }
                appendMarkup(to: stack.last!, upTo: end + 3)
            } else if matches("<![CDATA[") {
                guard let end = find("]]>") else { return nil }
                appendMarkup(to: stack.last!, upTo: end + 3)
            } else if matches("<?") {
                guard let end = find("?>") else { return nil }
                appendMarkup(to: stack.last!, upTo: end + 2)
            } else if matches("<!") {
                guard let end = find(">") else { return nil }
                appendMarkup(to: stack.last!, upTo: end + 1)
            } else if matches("</") {
                guard let end = find(">") else { return nil }
                let name = string(position + 2..<end).trimmingWhitespace()
                guard stack.count > 1, stack.last!.name == name else { return nil }
                stack.removeLast()
                position = end + 1
            } else {
                // An element's start tag: find its end outside quoted attribute values.
                var end = position + 1
                var quote: UInt8?
                while end < bytes.count {
                    let byte = bytes[end]
                    if let open = quote {
                        if byte == open { quote = nil }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: ">") {
                        break
                    }
                    end += 1
                }
                guard end < bytes.count else { return nil }
                let selfClosing = bytes[end - 1] == UInt8(ascii: "/")
                let tagEnd = selfClosing ? end - 1 : end
                var nameEnd = position + 1
                while nameEnd < tagEnd, !Self.isSpace(bytes[nameEnd]) { nameEnd += 1 }
                let element = XMLNode(
                    .element, name: string(position + 1..<nameEnd), attributes: string(nameEnd..<tagEnd))
                stack.last!.insert([element], at: stack.last!.children.count)
                if !selfClosing { stack.append(element) }
                position = end + 1
            }
        }
        return stack.count == 1 ? document : nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func matches(_ prefix: String) -> Bool {
        let utf8 = Array(prefix.utf8)
        return position + utf8.count <= bytes.count && Array(bytes[position..<position + utf8.count]) == utf8
    }

    private func find(_ needle: String) -> Int? {
        let utf8 = Array(needle.utf8)
        var index = position
        while index + utf8.count <= bytes.count {
            if bytes[index] == utf8[0] && Array(bytes[index..<index + utf8.count]) == utf8 { return index }
            index += 1
        }
        return nil
    }

    private mutating func appendMarkup(to parent: XMLNode, upTo end: Int) {
        parent.insert([XMLNode(.markup, name: string(position..<end))], at: parent.children.count)
        position = end
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
