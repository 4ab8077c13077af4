import CZlib
import Foundation

/// A zip writer for the exchange formats (.qdpx), on the zlib the pipeline already links.
///
/// Why not a zip package: every byte here is chosen, so the same entries always give the same
/// file (fixed 1980-01-01 timestamps, no extra fields, no host attributes), which the
/// byte-identical-exports rule needs; and ZIPFoundation, the Swift zip package on the mirror,
/// declares its own system-library module over zlib (`CZLib`) beside ours (`CZlib`).
/// A streamed entry's bytes are deflated and go to the file as they are produced, and its local
/// header is filled in with size and CRC afterwards, so memory stays flat whatever the size of
/// project.qde; an entry given whole is stored instead when deflating does not make it smaller.
/// ZIP64 is not written: an archive over 4 GiB or 65,535 entries is refused with a message saying so.
public final class ZipWriter {
    public let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var central: [UInt8] = []
    private var entryCount = 0
    private var names = Set<String>()
    private var closed = false

    /// 1980-01-01 00:00 in MS-DOS date/time: the earliest a zip can say, and the same every time.
    static let dosTime: UInt16 = 0
    static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1

    public init(path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw InputError(file: path, line: nil, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.file = file
    }

    deinit { if !closed { fclose(file) } }

    /// Adds one deflated entry whose bytes `produce` hands over in pieces (through the function it
    /// is given); they are compressed and written as they come, so the entry is never held whole.
    public func addEntry(_ name: String, produce: ((ArraySlice<UInt8>) throws -> Void) throws -> Void) throws {
        let nameBytes = try startEntry(name)
        let headerOffset = try position()
        try write(localHeader(name: nameBytes, crc: 0, compressed: 0, size: 0, method: 8))
        let dataStart = try position()
        let deflater = try Deflater(path: path)
        var crc: UInt = crc32(0, nil, 0)
        var size = 0
        try produce { piece in
            guard !piece.isEmpty else { return }
            crc = piece.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
            size += piece.count
            try self.write(deflater.deflate(piece, finish: false))
        }
        try write(deflater.deflate([], finish: true))
        let compressed = try position() - dataStart
        // The local header, written before the sizes were known, is filled in now.
        try seek(headerOffset)
        try finishEntry(
            nameBytes, crc: UInt32(truncatingIfNeeded: crc), size: size, compressed: compressed, method: 8,
            headerOffset: headerOffset)
        try seek(dataStart + compressed)
    }

    /// Adds one entry held in memory: deflated, or stored when deflating does not make it smaller
    /// (an empty or incompressible file), as zip tools do.
    public func addEntry(_ name: String, bytes: [UInt8]) throws {
        let nameBytes = try startEntry(name)
        let deflater = try Deflater(path: path)
        let deflated = try deflater.deflate(bytes[...], finish: true)
        let stored = deflated.count >= bytes.count
        let data = stored ? bytes : deflated
        let crc = bytes.withUnsafeBufferPointer { crc32(crc32(0, nil, 0), $0.baseAddress, UInt32($0.count)) }
        let headerOffset = try position()
        try finishEntry(
            nameBytes, crc: UInt32(truncatingIfNeeded: crc), size: bytes.count, compressed: data.count,
            method: stored ? 0 : 8, headerOffset: headerOffset)
        try write(data)
    }

    private func startEntry(_ name: String) throws -> [UInt8] {
        guard !closed else { throw failure("the archive is already closed") }
        guard names.insert(name).inserted else { throw failure("two entries named \(name)") }
        guard entryCount < 0xFFFF else {
            throw failure("more than 65,535 entries: ZIP64 archives are not written (export fewer posts)")
        }
        return Array(name.utf8)
    }

    /// Writes the local header (at the current position) and records the central directory entry.
    private func finishEntry(
        _ nameBytes: [UInt8], crc: UInt32, size: Int, compressed: Int, method: UInt16,
        headerOffset: Int
    ) throws {
        let end = headerOffset + 30 + nameBytes.count + compressed
        guard size <= 0xFFFF_FFFE, compressed <= 0xFFFF_FFFE, end <= 0xFFFF_FFFE else {
            throw failure("an entry or the archive is over 4 GiB: ZIP64 archives are not written")
        }
        try write(
            localHeader(
                name: nameBytes, crc: crc, compressed: UInt32(compressed), size: UInt32(size),
                method: method))
        central += centralHeader(
            name: nameBytes, crc: crc, compressed: UInt32(compressed), size: UInt32(size),
            method: method, offset: UInt32(headerOffset))
        entryCount += 1
    }

    /// Writes the central directory and closes the file.
    public func close() throws {
        guard !closed else { return }
        let offset = try position()
        try write(central)
        guard offset + central.count <= 0xFFFF_FFFE else {
            throw failure("the archive is over 4 GiB: ZIP64 archives are not written")
        }
        var end: [UInt8] = []
        end.le32(0x0605_4b50)
        end.le16(0)  // this disk
        end.le16(0)  // disk of the central directory
        end.le16(UInt16(entryCount))
        end.le16(UInt16(entryCount))
        end.le32(UInt32(central.count))
        end.le32(UInt32(offset))
        end.le16(0)  // no comment
        try write(end)
        closed = true
        let flushed = fflush(file) == 0 && ferror(file) == 0
        fclose(file)
        if !flushed { throw failure("write error") }
    }

    // MARK: Records

    private func localHeader(name: [UInt8], crc: UInt32, compressed: UInt32, size: UInt32, method: UInt16) -> [UInt8] {
        var h: [UInt8] = []
        h.le32(0x0403_4b50)
        h.le16(20)  // version needed: 2.0 (deflate)
        h.le16(1 << 11)  // flags: names are UTF-8
        h.le16(method)
        h.le16(Self.dosTime)
        h.le16(Self.dosDate)
        h.le32(crc)
        h.le32(compressed)
        h.le32(size)
        h.le16(UInt16(name.count))
        h.le16(0)  // no extra field
        return h + name
    }

    private func centralHeader(
        name: [UInt8], crc: UInt32, compressed: UInt32, size: UInt32, method: UInt16,
        offset: UInt32
    ) -> [UInt8] {
        var h: [UInt8] = []
        h.le32(0x0201_4b50)
        h.le16((3 << 8) | 20)  // made by: Unix, zip 2.0
        h.le16(20)
        h.le16(1 << 11)
        h.le16(method)
        h.le16(Self.dosTime)
        h.le16(Self.dosDate)
        h.le32(crc)
        h.le32(compressed)
        h.le32(size)
        h.le16(UInt16(name.count))
        h.le16(0)  // extra
        h.le16(0)  // comment
        h.le16(0)  // disk
        h.le16(0)  // internal attributes
        h.le32(UInt32(0o100644) << 16)  // external attributes: a regular file, rw-r--r--
        h.le32(offset)
        return h + name
    }

    // MARK: File

    private func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if fwrite(bytes, 1, bytes.count, file) != bytes.count {
            throw failure("write error: \(String(cString: strerror(errno)))")
        }
    }

    private func position() throws -> Int {
        let offset = ftello(file)
        guard offset >= 0 else { throw failure("cannot tell the file position") }
        return Int(offset)
    }

    private func seek(_ offset: Int) throws {
        guard fseeko(file, off_t(offset), SEEK_SET) == 0 else { throw failure("cannot seek") }
    }

    private func failure(_ reason: String) -> InputError { InputError(file: path, line: nil, reason: reason) }
}

/// Raw deflate (no zlib header), as zip entries hold it. The z_stream lives at a fixed address
/// (zlib keeps a pointer back to it and refuses a moved one), so this is a class owning it.
private final class Deflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let path: String
    private var ended = false
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(path: String) throws {
        self.path = path
        stream.initialize(to: z_stream())
        // Level 6 (zlib's default): the same zlib version and level always give the same bytes.
        let rc = deflateInit2_(
            stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            ended = true
            throw InputError(file: path, line: nil, reason: "zlib deflateInit2 failed (\(rc))")
        }
    }

    deinit {
        if !ended { deflateEnd(stream) }
        stream.deallocate()
    }

    func deflate(_ input: ArraySlice<UInt8>, finish: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        var input = Array(input)
        let count = input.count
        try input.withUnsafeMutableBufferPointer { source in
            stream.pointee.next_in = source.baseAddress
            stream.pointee.avail_in = UInt32(count)
            repeat {
                let produced: Int = try buffer.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    let rc = CZlib.deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                        throw InputError(file: path, line: nil, reason: "zlib deflate failed (\(rc))")
                    }
                    return out.count - Int(stream.pointee.avail_out)
                }
                output += buffer[0..<produced]
            } while stream.pointee.avail_out == 0 || (finish && stream.pointee.avail_in > 0)
            stream.pointee.next_in = nil
        }
        if finish, !ended {
            deflateEnd(stream)
            ended = true
        }
        return output
    }
}

/// Reads the entries of a zip file (stored or deflated) through its central directory, which
/// also covers archives written with data descriptors. Encrypted entries and ZIP64 archives are
/// refused with a message saying so.
public struct ZipReader {
    public struct Entry: Sendable {
        public let name: String
        let method: UInt16
        let flags: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    public let path: String
    public let entries: [Entry]
    private let bytes: [UInt8]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read the file")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        self.bytes = bytes
        func fail(_ reason: String) -> InputError { InputError(file: path, line: nil, reason: reason) }
        // The end-of-central-directory record: the last 22 bytes, or earlier when a comment follows it.
        guard bytes.count >= 22 else { throw fail("not a zip file (too short)") }
        var end = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while i >= lowest {
            if bytes.le32(at: i) == 0x0605_4b50 {
                end = i
                break
            }
            i -= 1
        }
        guard end >= 0 else { throw fail("not a zip file (no end-of-central-directory record)") }
        let count = Int(bytes.le16(at: end + 10))
        let directorySize = Int(bytes.le32(at: end + 12))
        let directoryOffset = Int(bytes.le32(at: end + 16))
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            throw fail("a ZIP64 archive: not supported (re-save the project without ZIP64, or with fewer sources)")
        }
        guard directoryOffset + directorySize <= end else {
            throw fail("damaged zip: the central directory lies outside the file")
        }
        var entries: [Entry] = []
        var p = directoryOffset
        for n in 0..<count {
            guard p + 46 <= bytes.count, bytes.le32(at: p) == 0x0201_4b50 else {
                throw fail("damaged zip: central directory entry \(n + 1) of \(count) is missing")
            }
            let nameLength = Int(bytes.le16(at: p + 28))
            let extra = Int(bytes.le16(at: p + 30))
            let comment = Int(bytes.le16(at: p + 32))
            guard p + 46 + nameLength <= bytes.count else { throw fail("damaged zip: entry name cut short") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            entries.append(
                Entry(
                    name: name, method: bytes.le16(at: p + 10), flags: bytes.le16(at: p + 8),
                    crc: bytes.le32(at: p + 16),
                    compressedSize: Int(bytes.le32(at: p + 20)), size: Int(bytes.le32(at: p + 24)),
                    localHeaderOffset: Int(bytes.le32(at: p + 42))))
            p += 46 + nameLength + extra + comment
        }
        self.entries = entries
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The bytes of an entry, inflated and checked against its CRC-32.
    public func read(_ entry: Entry) throws -> [UInt8] {
        func fail(_ reason: String) -> InputError {
            InputError(file: path, line: nil, reason: "entry \(entry.name): \(reason)")
        }
        if entry.flags & 1 != 0 { throw fail("encrypted: not supported") }
        if entry.compressedSize == 0xFFFF_FFFF || entry.size == 0xFFFF_FFFF {
            throw fail("a ZIP64 entry: not supported")
        }
        let h = entry.localHeaderOffset
        guard h + 30 <= bytes.count, bytes.le32(at: h) == 0x0403_4b50 else {
            throw fail("damaged zip: no local header")
        }
        let start = h + 30 + Int(bytes.le16(at: h + 26)) + Int(bytes.le16(at: h + 28))
        guard start + entry.compressedSize <= bytes.count else { throw fail("damaged zip: data cut short") }
        let data = bytes[start..<(start + entry.compressedSize)]
        let output: [UInt8]
        switch entry.method {
        case 0: output = Array(data)
        case 8: output = try inflateRaw(Array(data), expected: entry.size, fail: fail)
        default: throw fail("compression method \(entry.method) is not supported (only stored and deflate)")
        }
        guard output.count == entry.size else { throw fail("size \(output.count), the directory says \(entry.size)") }
        let crc = output.withUnsafeBufferPointer { UInt32(crc32(crc32(0, nil, 0), $0.baseAddress, UInt32($0.count))) }
        guard crc == entry.crc else { throw fail("CRC mismatch: the archive is damaged") }
        return output
    }

    private func inflateRaw(_ input: [UInt8], expected: Int, fail: (String) -> InputError) throws -> [UInt8] {
        // A fixed address for the z_stream: zlib keeps a pointer back to it.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("zlib inflateInit2 failed")
        }
        defer { inflateEnd(stream) }
        // Refuse to inflate past the declared size: a small file cannot expand without bound.
        var output = [UInt8](repeating: 0, count: expected + 1)
        var input = input
        let inputCount = input.count
        let rc: Int32 = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_in = source.baseAddress
                stream.pointee.avail_in = UInt32(inputCount)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                return inflate(stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw fail("deflate data damaged (zlib \(rc))") }
        return Array(output[0..<Int(stream.pointee.total_out)])
    }
}

extension Array where Element == UInt8 {
    mutating func le16(_ v: UInt16) {
        append(UInt8(v & 0xFF))
        append(UInt8(v >> 8))
    }
    mutating func le32(_ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(shift)) & 0xFF)) }
    }
    func le16(at i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func le32(at i: Int) -> UInt32 { UInt32(le16(at: i)) | UInt32(le16(at: i + 2)) << 16 }
}
