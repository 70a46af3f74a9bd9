import Foundation
import ZIPFoundation

/// An uploaded OOXML package opened for editing: its parts in their original order, the
/// relationships between them and the content types, written back as a new ZIP.
struct OriginalPackage {
    /// Part bytes by path (no leading slash).
    var parts: [String: [UInt8]] = [:]
    private var order: [String] = []

    init(_ data: Data) throws {
        do {
            let archive = try Archive(data: data, accessMode: .read)
            for entry in archive where entry.type == .file {
                var bytes: [UInt8] = []
                _ = try archive.extract(entry, skipCRC32: false) { bytes += $0 }
                parts[entry.path] = bytes
                order.append(entry.path)
            }
        } catch {
            throw ReportError("上传的 DOCX 无法打开：\(error)")
        }
    }

    /// The main document's path from the package relationships; `word/document.xml` by convention.
    func mainDocumentPath() -> String {
        parts["_rels/.rels"].flatMap(XMLNode.parse).flatMap {
            Self.target(ofType: "/officeDocument", in: $0, relativeTo: "")
        } ?? "word/document.xml"
    }

    /// `word/_rels/document.xml.rels` for `word/document.xml`.
    static func relationshipsPath(of part: String) -> String {
        let slash = part.lastIndex(of: "/")
        let directory = slash.map { String(part[...$0]) } ?? ""
        let name = slash.map { String(part[part.index(after: $0)...]) } ?? part
        return "\(directory)_rels/\(name).rels"
    }

    /// The part a relationship of a type ending in `suffix` points to, as a package path.
    static func target(ofType suffix: String, in relationships: XMLNode, relativeTo source: String) -> String? {
        guard let root = relationships.elements.first else { return nil }
        for relationship in root.elements where relationship.attribute("Type")?.hasSuffix(suffix) == true {
            guard relationship.attribute("TargetMode") != "External", let target = relationship.attribute("Target")
            else {
                continue
            }
            return resolve(target, relativeTo: source)
        }
        return nil
    }

    private static func resolve(_ target: String, relativeTo source: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var components = source.split(separator: "/").dropLast().map(String.init)
        for component in target.split(separator: "/") {
            if component == ".." {
                _ = components.popLast()
            } else if component != "." {
                components.append(String(component))
            }
        }
        return components.joined(separator: "/")
    }

    /// A free part path beside `part`, e.g. `word/comments.xml`.
    func unusedPath(near part: String, named name: String) -> String {
        let directory = part.lastIndex(of: "/").map { String(part[...$0]) } ?? ""
        var candidate = "\(directory)\(name).xml"
        var number = 1
        while parts[candidate] != nil {
            number += 1
            candidate = "\(directory)\(name)\(number).xml"
        }
        return candidate
    }

    /// Adds a relationship from `source` to the new part `target`, and its content type override.
    mutating func relate(_ source: String, to target: String, type: String, contentType: String) throws {
        let relationshipsPath = Self.relationshipsPath(of: source)
        let relationships =
            parts[relationshipsPath].flatMap(XMLNode.parse)
            ?? XMLNode.parse(
                Array(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>"#.utf8))!
        guard let root = relationships.elements.first,
            let types = parts["[Content_Types].xml"].flatMap(XMLNode.parse), let typesRoot = types.elements.first
        else { throw ReportError("上传的 DOCX 缺少关系或内容类型定义") }
        let taken = Set(root.elements.compactMap { $0.attribute("Id") })
        var id = "rIdContractShield"
        while taken.contains(id) { id += "1" }
        let sourceDirectory = source.split(separator: "/").dropLast().joined(separator: "/")
        let relative =
            target.hasPrefix(sourceDirectory + "/") ? String(target.dropFirst(sourceDirectory.count + 1)) : "/" + target
        root.insert(
            [XMLNode(element: "Relationship", attributes: [("Id", id), ("Type", type), ("Target", relative)])],
            at: root.children.count)
        typesRoot.insert(
            [XMLNode(element: "Override", attributes: [("PartName", "/" + target), ("ContentType", contentType)])],
            at: typesRoot.children.count)
        if parts[relationshipsPath] == nil { order.append(relationshipsPath) }
        parts[relationshipsPath] = Array(relationships.serialized().utf8)
        parts["[Content_Types].xml"] = Array(types.serialized().utf8)
        order.append(target)
    }

    func archive(modified: Date) throws -> Data {
        try ZIPContainer.archive(order.map { ($0, Data(parts[$0] ?? [])) }, modified: modified)
    }
}
