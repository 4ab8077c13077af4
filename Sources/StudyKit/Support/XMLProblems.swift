import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What went wrong while Foundation's XMLParser read a file. On Linux `parse()` can return true
/// after a well-formedness error (only the delegate hears of it), so every delegate keeps one of
/// these, forwards `parseErrorOccurred` to `heard`, and the caller parses through `run`.
final class XMLProblems {
    /// Our own refusal of a well-formed file ("a <Code> needs guid and name attributes").
    private(set) var failure: String?
    private(set) var line: Int?
    /// libxml2's code of the first well-formedness error.
    private(set) var xmlError: Int?

    func heard(_ parser: XMLParser, _ error: Error) {
        guard xmlError == nil, failure == nil else { return }
        xmlError = (error as NSError).code
        line = parser.lineNumber
    }

    func fail(_ parser: XMLParser, _ reason: String) {
        failure = reason
        line = parser.lineNumber
        parser.abortParsing()
    }

    /// Parses, and throws an error naming the file and line when the XML is not well-formed or a
    /// delegate refused it; `document` names what should have been there ("project.qde").
    func run(_ parser: XMLParser, path: String, document: String) throws {
        if !parser.parse() || failure != nil || xmlError != nil || parser.parserError != nil {
            let code = xmlError ?? (parser.parserError as NSError?)?.code
            throw InputError(
                file: path, line: line ?? parser.lineNumber,
                reason: failure ?? "\(document) is not well-formed XML (\(Self.words(code)))")
        }
    }

    /// libxml2's error codes that a hand-edited or cut-short file produces, in words.
    static func words(_ code: Int?) -> String {
        let words = [
            4: "empty document", 5: "the document ends too early", 9: "a character XML does not allow",
            23: "an unclosed or misplaced quote", 38: "an attribute without a value", 39: "an unquoted attribute value",
            41: "a duplicate attribute", 68: "a name was expected", 73: "a '>' was expected",
            76: "an end tag does not match its start tag", 77: "an element is not closed",
        ]
        guard let code else { return "unknown error" }
        return (words[code] ?? "error") + ", libxml2 code \(code)"
    }
}
