import CZlib
import Foundation

/// One physical line of an input file. `bytes` excludes the line ending (LF or CRLF) and, on
/// line 1, a UTF-8 byte-order mark.
public struct RawLine: Sendable {
    public var number: Int
    public var bytes: [UInt8]
    /// Set when the line was longer than the limit: its full size. `bytes` then holds only its start.
    public var oversizeBytes: Int?
    /// False only for a last line that has no line ending (often a file cut off mid-write).
    public var endsWithNewline: Bool
}

/// Reads a file line by line, gunzipping transparently (zlib reads plain files as they are).
/// Memory stays bounded: a line over `maxLineBytes` is not kept whole, only its first bytes.
public final class LineReader {
    public let path: String
    public let maxLineBytes: Int
    static let keptPrefixOfOversizeLine = 4096

    private let file: gzFile
    private var buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 1 << 20
    private var start = 0, end = 0
    private var eof = false
    private var lineNumber = 0
    /// Decompressed bytes consumed so far (for progress reports).
    public private(set) var bytesConsumed = 0

    public init(path: String, maxLineBytes: Int) throws {
        guard let file = gzopen(path, "rb") else {
            throw InputError(file: path, line: nil, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        gzbuffer(file, 1 << 18)
        self.file = file
        self.path = path
        self.maxLineBytes = maxLineBytes
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        gzclose(file)
        buffer.deallocate()
    }

    private func refill() throws {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            start = 0
        }
        guard !eof, end < capacity else { return }
        let count = gzread(file, buffer + end, UInt32(capacity - end))
        if count < 0 {
            var code: Int32 = 0
            let message = String(cString: gzerror(file, &code))
            throw InputError(file: path, line: lineNumber + 1, reason: "cannot read (gzip data damaged?): \(message)")
        }
        if count == 0 { eof = true }
        end += Int(count)
    }

    /// The next line, or nil at end of file.
    public func next() throws -> RawLine? {
        var collected: [UInt8] = []
        var totalSize = 0
        var oversize = false
        while true {
            if start == end {
                try refill()
                if start == end {
                    // End of file: a pending partial line is the last line, without newline.
                    guard totalSize > 0 else { return nil }
                    return finish(collected, totalSize: totalSize, oversize: oversize, newline: false)
                }
            }
            let available = end - start
            let found = memchr(buffer + start, 0x0A, available)
            let segmentLength = found.map { UnsafeMutableRawPointer(mutating: $0) - UnsafeMutableRawPointer(buffer + start) } ?? available
            let room = oversize ? 0 : maxLineBytes - collected.count
            if segmentLength > room {
                oversize = true
                let keep = max(0, Self.keptPrefixOfOversizeLine - collected.count)
                if collected.count > Self.keptPrefixOfOversizeLine { collected.removeSubrange(Self.keptPrefixOfOversizeLine...) }
                collected.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: min(keep, segmentLength)))
            } else {
                collected.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: segmentLength))
            }
            totalSize += segmentLength
            bytesConsumed += segmentLength
            if found != nil {
                start += segmentLength + 1
                bytesConsumed += 1
                return finish(collected, totalSize: totalSize, oversize: oversize, newline: true)
            }
            start = end
        }
    }

    private func finish(_ bytes: [UInt8], totalSize: Int, oversize: Bool, newline: Bool) -> RawLine {
        lineNumber += 1
        var bytes = bytes
        var size = totalSize
        if !oversize, bytes.last == 0x0D { bytes.removeLast(); size -= 1 }
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3); size -= 3 }
        return RawLine(number: lineNumber, bytes: bytes, oversizeBytes: oversize ? size : nil, endsWithNewline: newline)
    }
}
