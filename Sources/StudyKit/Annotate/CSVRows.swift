import CLibCSV
import Foundation

/// A CSV document built row by row: text fields quoted by libcsv's `csv_write` (quotes doubled),
/// numbers bare, CRLF line ends (RFC 4180, what spreadsheets expect).
public struct CSVRows: Sendable {
    public enum Field: Sendable {
        case text(String)
        case int(Int64)
        case empty
    }

    public private(set) var text = ""

    public init(header: [String]) {
        text = header.map(Self.quoted).joined(separator: ",") + "\r\n"
    }

    public mutating func append(_ fields: [Field]) {
        text +=
            fields.map { field in
                switch field {
                case .text(let value): return Self.quoted(value)
                case .int(let value): return String(value)
                case .empty: return ""
                }
            }.joined(separator: ",") + "\r\n"
    }

    static func quoted(_ value: String) -> String {
        var source = Array(value.utf8)
        let needed = source.withUnsafeMutableBytes { csv_write(nil, 0, $0.baseAddress, $0.count) }
        var destination = [UInt8](repeating: 0, count: needed)
        let written = destination.withUnsafeMutableBytes { dest in
            source.withUnsafeMutableBytes { csv_write(dest.baseAddress, dest.count, $0.baseAddress, $0.count) }
        }
        return String(decoding: destination.prefix(written), as: UTF8.self)
    }

    /// Writes the document, saying which file could not be written.
    public func write(to path: String) throws { try Self.write(text, to: path) }

    public static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw AnnotateError("\(path): cannot write (\(error.localizedDescription))")
        }
    }
}
