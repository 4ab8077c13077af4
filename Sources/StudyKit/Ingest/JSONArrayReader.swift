import Foundation

/// Reads a file that holds one JSON array (MediaCrawler's `json` store writes every record into one
/// indented array) element by element, so memory stays bounded whatever the file size and however
/// the array is laid out (indented or on one line). Each element comes back as a `RawLine` whose
/// `number` is the line where the element starts; `endsWithNewline` is false for an element the
/// file ends inside (a cut-off file). Bytes after the array's closing bracket come back as one last
/// element, so that they are rejected, not ignored.
///
/// Only the array's structure is followed here (strings, escapes, nesting); each element is
/// validated as JSON by the parser it is handed to.
final class JSONArrayReader: RecordSource {
    let path: String
    let maxElementBytes: Int

    private let file: ByteSource
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 1 << 20
    private var start = 0, end = 0
    private var eof = false
    /// The line of the byte at `start` (1-based).
    private var line = 1
    private var atFileStart = true
    private(set) var bytesConsumed = 0

    private enum Phase { case beforeArray, betweenElements, afterArray, done }
    private var phase = Phase.beforeArray

    convenience init(path: String, maxElementBytes: Int) throws {
        try self.init(source: CompressedFile(path: path), path: path, maxElementBytes: maxElementBytes)
    }

    init(source: ByteSource, path: String, maxElementBytes: Int) {
        file = source
        self.path = path
        self.maxElementBytes = maxElementBytes
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// The next byte without consuming it; nil at the end of the file.
    private func peek() throws -> UInt8? {
        if start == end {
            guard !eof else { return nil }
            start = 0
            end = try file.read(into: buffer, capacity: capacity)
            if end == 0 {
                eof = true
                return nil
            }
            if atFileStart {
                atFileStart = false
                if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
                if start == end { return try peek() }
            }
        }
        return buffer[start]
    }

    private func advance() {
        if buffer[start] == 0x0A { line += 1 }
        start += 1
        bytesConsumed += 1
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    func next() throws -> RawLine? {
        while let byte = try peek() {
            switch phase {
            case .beforeArray:
                if Self.isWhitespace(byte) {
                    advance()
                    continue
                }
                guard byte == UInt8(ascii: "[") else {
                    throw InputError(
                        file: path, line: line,
                        reason: "a JSON export holds one array of records, "
                            + "so it starts with '['; this one starts with '\(Character(Unicode.Scalar(byte)))'")
                }
                advance()
                phase = .betweenElements
            case .betweenElements:
                if Self.isWhitespace(byte) || byte == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                if byte == UInt8(ascii: "]") {
                    advance()
                    phase = .afterArray
                    continue
                }
                return try element()
            case .afterArray:
                if Self.isWhitespace(byte) {
                    advance()
                    continue
                }
                phase = .done
                return try rest()
            case .done:
                return nil
            }
        }
        return nil
    }

    /// One array element: an object or array up to its matching bracket, or a bare value up to
    /// the next comma or closing bracket.
    private func element() throws -> RawLine {
        let startLine = line
        var collector = Collector(limit: maxElementBytes)
        var depth = 0
        var inString = false
        var escaped = false
        // Scans the buffered bytes in place and copies each run into the element at once: this
        // loop sees every byte of the file.
        while try peek() != nil {
            var index = start
            var newlines = 0
            var stop: Int?
            scan: while index < end {
                let byte = buffer[index]
                if byte == 0x0A { newlines += 1 }
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 {
                            // A bare value ends here; a stray closing bracket is an element of its own (rejected).
                            stop = collector.size == 0 && index == start ? index + 1 : index
                            break scan
                        }
                        depth -= 1
                        if depth == 0 {
                            stop = index + 1
                            break scan
                        }
                    case UInt8(ascii: ","):
                        if depth == 0 {
                            stop = index
                            break scan
                        }
                    default: break
                    }
                }
                index += 1
            }
            let taken = (stop ?? end) - start
            collector.append(UnsafeBufferPointer(start: buffer + start, count: taken))
            line += newlines
            start += taken
            bytesConsumed += taken
            if stop != nil { return collector.line(startLine, complete: true) }
        }
        phase = .done
        return collector.line(startLine, complete: false)
    }

    /// Whatever follows the array, up to the end of the file.
    private func rest() throws -> RawLine {
        let startLine = line
        var collector = Collector(limit: maxElementBytes)
        while let byte = try peek() {
            collector.append(byte)
            advance()
        }
        return collector.line(startLine, complete: true)
    }

    /// The bytes of one element: kept whole up to the limit, then only the start (and the full size).
    private struct Collector {
        let limit: Int
        var bytes: [UInt8] = []
        var size = 0

        mutating func append(_ byte: UInt8) {
            withUnsafePointer(to: byte) { append(UnsafeBufferPointer(start: $0, count: 1)) }
        }

        /// Keeps the element whole up to the limit; past it, only its first bytes (and its size).
        mutating func append(_ chunk: UnsafeBufferPointer<UInt8>) {
            let before = size
            size += chunk.count
            if size <= limit {
                bytes.append(contentsOf: chunk)
            } else if before <= limit {
                let keep = LineReader.keptPrefixOfOversizeLine
                if bytes.count > keep { bytes.removeSubrange(keep...) }
                bytes.append(contentsOf: chunk.prefix(max(0, keep - bytes.count)))
            }
        }

        func line(_ number: Int, complete: Bool) -> RawLine {
            // Trailing whitespace of a bare value is not part of it.
            var kept = bytes
            if size <= limit {
                while let last = kept.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 {
                    kept.removeLast()
                }
            }
            return RawLine(
                number: number, bytes: kept, oversizeBytes: size > limit ? size : nil, endsWithNewline: complete)
        }
    }
}
