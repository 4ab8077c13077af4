import CZlib
import Foundation

/// One physical line of an input file (or, for a JSON array, one element). `bytes` excludes the
/// line ending (LF or CRLF) and, on line 1, a UTF-8 byte-order mark.
public struct RawLine: Sendable {
    /// The 1-based line where the record starts.
    public var number: Int
    public var bytes: [UInt8]
    /// Set when the line was longer than the limit: its full size. `bytes` then holds only its start.
    public var oversizeBytes: Int?
    /// False only for a last line that has no line ending (often a file cut off mid-write).
    public var endsWithNewline: Bool
}

/// Where the records of a file come from, one at a time: lines (`LineReader`) or the elements of a
/// JSON array (`JSONArrayReader`). Used by one thread at a time.
protocol RecordSource: AnyObject {
    func next() throws -> RawLine?
    /// Decompressed bytes consumed so far (for progress reports).
    var bytesConsumed: Int { get }
}

/// Bytes to split into records: a file (`CompressedFile`) or, for the fuzzer, bytes in memory.
protocol ByteSource: AnyObject {
    /// Reads up to `capacity` bytes; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int
}

/// Bytes already in memory.
final class MemoryBytes: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let count = min(capacity, bytes.count - offset)
        bytes.withUnsafeBufferPointer { source in
            if count > 0 { buffer.update(from: source.baseAddress! + offset, count: count) }
        }
        offset += count
        return count
    }
}

/// A file read through zlib: gzip is decompressed, any other file is read as it is. A gzip stream
/// that is cut off or damaged is an error naming the file: what came before the damage is not
/// trusted either (a damaged deflate stream can decode to garbage before zlib notices).
final class CompressedFile: ByteSource {
    let path: String
    private let file: gzFile
    /// Decompressed bytes read so far.
    private(set) var bytesRead = 0

    init(path: String) throws {
        guard let file = gzopen(path, "rb") else {
            throw InputError(file: path, line: nil, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        gzbuffer(file, 1 << 18)
        self.file = file
        self.path = path
    }

    deinit { gzclose(file) }

    /// True when the file is gzip (zlib decompresses it), false when it is read as it is.
    var isCompressed: Bool { gzdirect(file) == 0 }

    /// Reads up to `capacity` bytes; 0 at the end of the file.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let count = gzread(file, buffer, UInt32(min(capacity, Int(Int32.max))))
        var code: Int32 = 0
        let message = String(cString: gzerror(file, &code))
        // Z_BUF_ERROR at the end: the input ended inside a gzip stream (a cut-off download or copy).
        if count < 0 || code == Z_BUF_ERROR || code == Z_DATA_ERROR || code == Z_MEM_ERROR || code == Z_ERRNO {
            let place = "after \(IngestReport.number(bytesRead + max(0, Int(count)))) bytes of content"
            let what =
                code == Z_BUF_ERROR
                ? "the gzip data ends early: the file is truncated \(place)"
                : "the gzip data is damaged \(place) (zlib: \(message.isEmpty ? "error \(code)" : message))"
            throw InputError(
                file: path, line: nil,
                reason: what + ". Nothing from this file was stored. "
                    + "`gzip -t` checks a file; to ingest the readable part, decompress it "
                    + "(zcat FILE > part.jsonl reports the same error) and ingest that file")
        }
        bytesRead += Int(count)
        return Int(count)
    }
}

/// Reads a file line by line, gunzipping transparently (zlib reads plain files as they are).
/// Memory stays bounded: a line over `maxLineBytes` is not kept whole, only its first bytes.
public final class LineReader: RecordSource {
    public let path: String
    public let maxLineBytes: Int
    static let keptPrefixOfOversizeLine = 4096

    private let file: CompressedFile
    private var buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 1 << 20
    private var start = 0, end = 0
    private var eof = false
    private var lineNumber = 0
    /// Decompressed bytes consumed so far (for progress reports).
    public private(set) var bytesConsumed = 0

    public init(path: String, maxLineBytes: Int) throws {
        file = try CompressedFile(path: path)
        self.path = path
        self.maxLineBytes = maxLineBytes
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    private func refill() throws {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            start = 0
        }
        guard !eof, end < capacity else { return }
        let count = try file.read(into: buffer + end, capacity: capacity - end)
        if count == 0 { eof = true }
        end += count
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
            let segmentLength =
                found.map { UnsafeMutableRawPointer(mutating: $0) - UnsafeMutableRawPointer(buffer + start) }
                ?? available
            let room = oversize ? 0 : maxLineBytes - collected.count
            if segmentLength > room {
                oversize = true
                let keep = max(0, Self.keptPrefixOfOversizeLine - collected.count)
                if collected.count > Self.keptPrefixOfOversizeLine {
                    collected.removeSubrange(Self.keptPrefixOfOversizeLine...)
                }
                collected.append(
                    contentsOf: UnsafeBufferPointer(start: buffer + start, count: min(keep, segmentLength)))
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
        if !oversize, bytes.last == 0x0D {
            bytes.removeLast()
            size -= 1
        }
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
            size -= 3
        }
        return RawLine(number: lineNumber, bytes: bytes, oversizeBytes: oversize ? size : nil, endsWithNewline: newline)
    }
}
