import Foundation
import Yams

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The REFI-QDA codebook exchange format (`.qdc`, namespace `urn:QDA-XML:codebook:1.0`), read by
/// ATLAS.ti, NVivo, MAXQDA and QualCoder. Themes become non-codable parent codes; categories are
/// codable codes (nested under their parent category when they have one). The code name is the
/// label in the codebook's first language; the description starts with `id: <category id>` so an
/// import can recover the ids. GUIDs are derived from the codebook name and ids (stable across exports).
public enum QDCExchange {
    public struct Code: Sendable, Equatable {
        public var guid: String
        public var name: String
        public var isCodable: Bool
        public var description: String
        public var children: [Code]
    }

    public static func export(_ codebook: Codebook) -> String {
        var xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
        xml +=
            #"<CodeBook xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#
            + #"xsi:schemaLocation="urn:QDA-XML:codebook:1.0 "#
            + #"http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd" "#
            + #"origin="keep4o-pipeline \#(BuildInfo.toolVersion): "#
            + #"\#(escape(codebook.name))@\#(escape(codebook.version))">"#
            + "\n"
        xml += codesElement(codebook, indent: "  ")
        xml += "</CodeBook>\n"
        return xml
    }

    /// The `<Codes>` element (the same in a .qdc and inside a .qdpx project), with GUIDs derived
    /// from the codebook name and category ids, so a project's codings point at the .qdc's codes.
    public static func codesElement(_ codebook: Codebook, indent base: String) -> String {
        var xml = "\(base)<Codes>\n"
        func emit(_ category: CodebookCategory, indent: String) {
            var description = "id: \(category.id)\n\(category.definition)"
            if !category.include.isEmpty { description += "\nInclude: " + category.include.joined(separator: "; ") }
            if !category.exclude.isEmpty { description += "\nExclude: " + category.exclude.joined(separator: "; ") }
            xml +=
                "\(indent)<Code guid=\"\(codeGUID(codebook, category.id))\" name=\"\(escape(category.primaryLabel))\" "
                + "isCodable=\"true\" color=\"\(color(category.id))\">\n"
            xml += "\(indent)  <Description>\(escape(description))</Description>\n"
            for child in codebook.categories where child.parent == category.id { emit(child, indent: indent + "  ") }
            xml += "\(indent)</Code>\n"
        }
        let roots = codebook.categories.filter { $0.parent == nil }
        let inner = base + "  ", deeper = base + "    "
        for theme in codebook.themes {
            xml +=
                "\(inner)<Code guid=\"\(guid(codebook.name, "theme", theme))\" "
                + "name=\"\(escape(theme))\" isCodable=\"false\">\n"
            xml += "\(deeper)<Description>\(escape("theme: \(theme)"))</Description>\n"
            for category in roots where category.theme == theme { emit(category, indent: deeper) }
            xml += "\(inner)</Code>\n"
        }
        for category in roots where category.theme == nil { emit(category, indent: inner) }
        xml += "\(base)</Codes>\n"
        return xml
    }

    /// The GUID of a category's code.
    public static func codeGUID(_ codebook: Codebook, _ categoryID: String) -> String {
        guid(codebook.name, "category", categoryID)
    }

    /// A UUID-shaped id from SHA-256 (version nibble 5, RFC 4122 variant), the same on every export.
    static func guid(_ parts: String...) -> String { guid(parts: parts) }

    static func guid(parts: [String]) -> String {
        let hex = Array(Fingerprint.ofString(parts.joined(separator: "\u{1F}")).prefix(32))
        var chars = hex
        chars[12] = "5"
        chars[16] = ["8", "9", "a", "b"][Int(String(chars[16]), radix: 16)! % 4]
        let s = String(chars).uppercased()
        let i = s.startIndex
        func part(_ a: Int, _ b: Int) -> Substring { s[s.index(i, offsetBy: a)..<s.index(i, offsetBy: b)] }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    static func color(_ id: String) -> String { "#" + String(Fingerprint.ofString(id).prefix(6)).uppercased() }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Import

    public static func parse(_ data: Data, path: String) throws -> [Code] {
        let delegate = ParserDelegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        try delegate.problems.run(parser, path: path, document: "the codebook")
        guard delegate.sawCodeBook else {
            throw InputError(file: path, line: nil, reason: "no <CodeBook> element: not a REFI-QDA codebook")
        }
        return delegate.roots
    }

    /// A codebook YAML skeleton from imported codes: ids, labels, themes, parents and definitions;
    /// indicators and examples are for the researcher to add.
    public static func yamlSkeleton(_ codes: [Code], name: String, version: String, language: String) -> String {
        var categories: [Node] = []
        var usedIDs = Set<String>()
        func categoryID(_ code: Code) -> String {
            let firstLine = code.description.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            var id =
                firstLine.hasPrefix("id: ") ? String(firstLine.dropFirst(4)).trimmingCharacters(in: .whitespaces) : ""
            if id.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
                let ascii = code.name.lowercased().unicodeScalars.map {
                    $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) ? Character($0) : "_"
                }
                id = String(ascii).split(separator: "_").joined(separator: "_")
                if id.isEmpty || !(id.first!.isLetter) { id = "code_" + id }
            }
            var unique = id, n = 2
            while usedIDs.contains(unique) {
                unique = "\(id)_\(n)"
                n += 1
            }
            usedIDs.insert(unique)
            return unique
        }
        func definition(_ code: Code) -> String {
            var lines = code.description.components(separatedBy: "\n")
            if lines.first?.hasPrefix("id: ") == true { lines.removeFirst() }
            let body = lines.filter { !$0.hasPrefix("Include: ") && !$0.hasPrefix("Exclude: ") }.joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return body.isEmpty ? "(imported without a description: write the definition)" : body
        }
        func rules(_ code: Code, _ prefix: String) -> [String] {
            code.description.components(separatedBy: "\n").filter { $0.hasPrefix(prefix) }
                .flatMap { $0.dropFirst(prefix.count).components(separatedBy: "; ") }
        }
        func walk(_ code: Code, theme: String?, parent: String?) {
            guard code.isCodable else {
                for child in code.children { walk(child, theme: code.name, parent: nil) }
                return
            }
            let id = categoryID(code)
            var pairs: [(Node, Node)] = [
                (Node("id"), Node(id)), (Node("label"), Node.mapping(.init([(Node(language), Node(code.name))]))),
            ]
            if let theme { pairs.append((Node("theme"), Node(theme))) }
            if let parent { pairs.append((Node("parent"), Node(parent))) }
            pairs.append((Node("definition"), Node(definition(code))))
            let include = rules(code, "Include: "), exclude = rules(code, "Exclude: ")
            if !include.isEmpty { pairs.append((Node("include"), Node.sequence(.init(include.map { Node($0) })))) }
            if !exclude.isEmpty { pairs.append((Node("exclude"), Node.sequence(.init(exclude.map { Node($0) })))) }
            categories.append(Node.mapping(.init(pairs)))
            for child in code.children { walk(child, theme: theme, parent: id) }
        }
        for code in codes { walk(code, theme: nil, parent: nil) }
        let root = Node.mapping(
            .init([
                (Node("name"), Node(name)), (Node("version"), Node(version, Tag(.str), .doubleQuoted)),
                (Node("description"), Node("Imported from a REFI-QDA codebook.")),
                (Node("languages"), Node.sequence(.init([Node(language)]))),
                (Node("categories"), Node.sequence(.init(categories))),
            ]))
        return (try? Yams.serialize(node: root, allowUnicode: true)) ?? ""
    }

    private final class ParserDelegate: NSObject, XMLParserDelegate {
        var roots: [Code] = []
        var stack: [Code] = []
        var text = ""
        var inDescription = false
        var sawCodeBook = false
        let problems = XMLProblems()

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { problems.heard(parser, parseError) }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch name {
            case "CodeBook": sawCodeBook = true
            case "Code":
                guard let codeName = attributes["name"], let guid = attributes["guid"] else {
                    problems.fail(parser, "a <Code> needs name and guid attributes")
                    return
                }
                stack.append(
                    Code(
                        guid: guid, name: codeName, isCodable: attributes["isCodable"] != "false",
                        description: "", children: []))
            case "Description":
                inDescription = true
                text = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inDescription { text += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "Description":
                inDescription = false
                if !stack.isEmpty { stack[stack.count - 1].description = text }
            case "Code":
                guard let code = stack.popLast() else { return }
                if stack.isEmpty { roots.append(code) } else { stack[stack.count - 1].children.append(code) }
            default: break
            }
        }
    }
}
