import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Receives the SAX events of one XML part; implemented by value types that build a result.
protocol XMLEventHandler {
    mutating func start(_ name: String, attributes: [String: String])
    mutating func end(_ name: String)
    mutating func characters(_ text: String)
}

extension XMLEventHandler {
    /// Feeds `data` through Foundation's streaming parser into this handler.
    /// Names are qualified (`w:p`): every Word writer we know uses the `w` prefix, and keeping
    /// it tells WordprocessingML's `w:t` from DrawingML's `a:t` inside embedded charts.
    mutating func parse(_ data: Data, part: String) throws(IngestError) {
        let pump = XMLEventPump(handler: self)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = pump
        // swift-corelibs-foundation can return true for a truncated document and only tell the delegate.
        guard parser.parse(), !pump.failed else {
            throw IngestError(.unreadable, "DOCX 文件已损坏：\(part) 不是有效的 XML")
        }
        self = pump.handler
    }
}

/// XMLParser needs a class delegate; this one only forwards to the value-type handler.
private final class XMLEventPump<Handler: XMLEventHandler>: NSObject, XMLParserDelegate {
    var handler: Handler
    var failed = false

    init(handler: Handler) {
        self.handler = handler
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        handler.start(elementName, attributes: attributes)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        handler.end(elementName)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        handler.characters(string)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        failed = true
    }
}
