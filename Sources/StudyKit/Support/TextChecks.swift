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
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
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
        // Text made only of characters that NFKC leaves alone is already normalised: skip
        // Foundation's normaliser (the costliest step of ingest) for most posts in any script.
        if text.unicodeScalars.allSatisfy(isStable) { return text }
        return text.precomposedStringWithCompatibilityMapping
    }

    /// Scalars with no compatibility or canonical decomposition, combining class 0, and no
    /// composition with a neighbour in this set, so any string of them is its own NFKC form.
    /// Each range is checked scalar by scalar against Foundation in the tests.
    static let stableRanges: [ClosedRange<UInt32>] = [
        0x0000...0x007F,  // ASCII
        0x00C0...0x00FF,  // precomposed Latin-1 letters (and × ÷)
        0x0100...0x0131, 0x0134...0x013E, 0x0141...0x0148, 0x014A...0x017E,  // Latin Extended-A, minus ĳ ŀ ŉ ſ
        0x0391...0x03A9, 0x03AC...0x03CE,  // Greek letters
        0x0410...0x044F,  // Cyrillic
        0x3001...0x3002, 0x3008...0x3011,  // CJK punctuation and brackets
        0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FE,  // kana (no combining sound marks)
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xAC00...0xD7A3,  // Hangul syllables
        0x2013...0x2014, 0x2018...0x201D, 0x2022...0x2022,  // dashes, curly quotes, bullet (not …: it becomes ...)
        0x200D...0x200D, 0xFE0F...0xFE0F,  // emoji joiner and presentation selector
        0x2600...0x27BF,  // symbols and dingbats
        0x1F300...0x1F5FF, 0x1F600...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,  // emoji
    ]

    private static let stableBitmap: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 0x20000 / 64)
        for range in stableRanges {
            for value in range where value < 0x20000 { bits[Int(value >> 6)] |= 1 << UInt64(value & 63) }
        }
        return bits
    }()

    static func isStable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard value < 0x20000 else { return false }
        return stableBitmap[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0
    }
}
