import Crypto
import Foundation

/// Content fingerprints (SHA-256, hex) that identify an input whatever its name or location.
public enum Fingerprint {
    public static func ofFile(atPath path: String) throws -> String {
        guard let file = fopen(path, "rb") else {
            throw InputError(file: path, line: nil, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var hasher = SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = fread(buffer.baseAddress, 1, chunk, file)
            if count > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
            if count < chunk {
                if ferror(file) != 0 { throw InputError(file: path, line: nil, reason: "read error") }
                break
            }
        }
        return hex(hasher.finalize())
    }

    public static func ofString(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Pseudonymous author keys: HMAC-SHA256 keyed with the study's secret salt (a salted SHA-256
/// that cannot be reversed by hashing guessed handles without the salt). The same author on the
/// same platform always gets the same key within one study database.
public final class Pseudonymizer {
    /// Keyed once; copies continue from the keyed state (the key is not hashed again per author).
    private let keyed: HMAC<SHA256>
    private var cache: [String: String] = [:]

    public init(salt: String) { keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(salt.utf8))) }

    /// The study's salt, created at random on first use and kept in `study_settings`.
    public static func salt(_ database: Database) throws -> String {
        try StudySettings.valueOrInsert(database, "author_salt") {
            var generator = SystemRandomNumberGenerator()
            return Fingerprint.hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
    }

    public func key(platform: String, author: String) -> String {
        let input = platform + ":" + author
        if let cached = cache[input] { return cached }
        var hmac = keyed
        hmac.update(data: Data(input.utf8))
        let mac = hmac.finalize()
        let value = String(Fingerprint.hex(mac).prefix(32))
        cache[input] = value
        return value
    }
}

/// A problem with an input file, naming the file, the line when known, and the reason.
public struct InputError: UserFacingError {
    public let file: String
    public let line: Int?
    public let reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
