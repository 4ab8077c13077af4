import Foundation

/// Byte-level checks on raw input, so that bad records are rejected with a precise reason.
public enum TextChecks {
    /// The offset of the first byte that is not valid UTF-8 (RFC 3629: no overlongs, no
    /// surrogates, nothing above U+10FFFF), or nil when all of `bytes` is valid.
    public static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = bytes[i + 1]
            guard b1 >= lower && b1 <= upper else { return i }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    public static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8Offset($0) }
    }

    public static func firstNULOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        guard let hit = memchr(base, 0, bytes.count) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    public static func isASCII(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { $0.allSatisfy { $0 < 0x80 } }
    }
}

/// The text form used for matching: Unicode NFKC (full-width letters, ligatures and compatibility
/// characters folded), with the text otherwise unchanged. The stored post text is never altered.
public enum TextNormalizer {
    public static func nfkc(_ text: String) -> String {
        // ASCII is already in NFKC: skip Foundation's (slow) normaliser for most English posts.
        if TextChecks.isASCII(text) { return text }
        return text.precomposedStringWithCompatibilityMapping
    }
}
