/// The text form `dedupe` compares, and the character shingles it hashes.
///
/// Normalisation (applied to `posts.text_nfkc`, which is already NFKC): Unicode lowercase mapping
/// (the full per-character mapping, as `String.lowercased()`; it equals case folding except for a
/// few letters such as ß), leading "RT @name:" prefixes removed, URLs (http://, https://) removed, @mentions
/// removed, every run of whitespace turned into one space, ends trimmed. Hashtags are kept: they
/// are part of what people wrote. The result is an array of Unicode scalars, so that the hot loop
/// never allocates Strings.
public enum MatchText {
    /// Normalises `bytes` (UTF-8 of an NFKC text) into `out` (cleared first).
    public static func normalize(
        utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32],
        scratch: inout [UInt32]
    ) {
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                scratch.append(UInt32(b0 >= 0x41 && b0 <= 0x5A ? b0 | 0x20 : b0))
                i += 1
                continue
            }
            // UTF-8 from SQLite (ingest stored only valid UTF-8); anything odd becomes U+FFFD.
            var scalar: UInt32 = 0xFFFD
            var length = 1
            if b0 >= 0xC2 && b0 <= 0xDF, i + 1 < n {
                scalar = UInt32(b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                length = 2
            } else if b0 >= 0xE0 && b0 <= 0xEF, i + 2 < n {
                scalar = UInt32(b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                length = 3
            } else if b0 >= 0xF0 && b0 <= 0xF4, i + 3 < n {
                scalar =
                    UInt32(b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                    | UInt32(bytes[i + 3] & 0x3F)
                length = 4
            }
            i += length
            appendLowercased(scalar, to: &scratch)
        }
        strip(scratch, into: &out)
    }

    /// The full Unicode lowercase mapping of one scalar (what `String.lowercased()` does), with
    /// fast paths for Latin-1 and for blocks that have no case at all (punctuation, symbols, CJK,
    /// kana, Hangul, emoji), which make up most non-ASCII characters in posts.
    @inline(__always) static func appendLowercased(_ scalar: UInt32, to out: inout [UInt32]) {
        switch scalar {
        case 0xC0...0xDE where scalar != 0xD7:
            out.append(scalar + 0x20)
        case 0x80...0xFF, 0x2000...0x20CF, 0x2190...0x245F, 0x2500...0x2BFF, 0x2E80...0xA4CF, 0xAC00...0xD7AF,
            0xE000...0xFAFF, 0xFE00...0xFE4F, 0x1F000...0x1FAFF, 0x20000...0x3FFFF, 0xE0000...0xE007F:
            out.append(scalar)
        default:
            guard let value = Unicode.Scalar(scalar) else {
                out.append(0xFFFD)
                return
            }
            if !value.properties.changesWhenLowercased {
                out.append(scalar)
                return
            }
            for lowered in value.properties.lowercaseMapping.unicodeScalars { out.append(lowered.value) }
        }
    }

    /// Convenience for tests and small inputs.
    public static func normalize(_ text: String) -> [UInt32] {
        var out: [UInt32] = [], scratch: [UInt32] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { normalize(utf8: UnsafeBufferPointer($0), into: &out, scratch: &scratch) }
        return out
    }

    public static func normalizedString(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: normalize(text).compactMap(Unicode.Scalar.init))
        return result
    }

    @inline(__always) static func isWordScalar(_ s: UInt32) -> Bool {
        if s < 0x80 {
            return (s >= 0x61 && s <= 0x7A) || (s >= 0x30 && s <= 0x39) || s == 0x5F || (s >= 0x41 && s <= 0x5A)
        }
        guard let scalar = Unicode.Scalar(s) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// Unicode White_Space, plus zero-width space and BOM (invisible, used to dodge filters).
    @inline(__always) static func isSpace(_ s: UInt32) -> Bool {
        if s < 0x80 { return s == 0x20 || (s >= 0x09 && s <= 0x0D) }
        switch s {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// Handle characters of X/Twitter mentions.
    @inline(__always) static func isHandleScalar(_ s: UInt32) -> Bool {
        (s >= 0x61 && s <= 0x7A) || (s >= 0x30 && s <= 0x39) || s == 0x5F || (s >= 0x41 && s <= 0x5A)
    }

    private static let http: [UInt32] = Array("http://".unicodeScalars.map(\.value))
    private static let https: [UInt32] = Array("https://".unicodeScalars.map(\.value))

    @inline(__always) private static func hasPrefix(_ s: [UInt32], at i: Int, _ prefix: [UInt32]) -> Bool {
        guard i + prefix.count <= s.count else { return false }
        for k in 0..<prefix.count where s[i + k] != prefix[k] { return false }
        return true
    }

    private static func strip(_ s: [UInt32], into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        let n = s.count
        var i = 0
        // Leading "rt @name:" prefixes (possibly several: "RT @a: RT @b: text").
        while true {
            var j = i
            while j < n, isSpace(s[j]) { j += 1 }
            guard j + 3 < n, s[j] == 0x72, s[j + 1] == 0x74, s[j + 2] == 0x20, s[j + 3] == 0x40 else { break }
            var k = j + 4
            while k < n, isHandleScalar(s[k]) { k += 1 }
            guard k > j + 4, k < n, s[k] == 0x3A else { break }
            i = k + 1
        }
        var pendingSpace = false
        while i < n {
            let c = s[i]
            if c == 0x68, i == 0 || !isWordScalar(s[i - 1]), hasPrefix(s, at: i, https) || hasPrefix(s, at: i, http) {
                while i < n, !isSpace(s[i]) { i += 1 }
                pendingSpace = true
                continue
            }
            if c == 0x40, i == 0 || !isWordScalar(s[i - 1]), i + 1 < n, isHandleScalar(s[i + 1]) {
                i += 1
                while i < n, isHandleScalar(s[i]) { i += 1 }
                pendingSpace = true
                continue
            }
            if isSpace(c) {
                pendingSpace = true
                i += 1
                continue
            }
            if pendingSpace, !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(c)
            i += 1
        }
    }

    // MARK: Shingles

    /// Shingle length by script. A shingle should hold about one word's worth of text: English
    /// words average ~4.7 letters, so 5 characters (the usual choice for Latin-script near-duplicate
    /// detection); Chinese words average 1.5-2 characters and Japanese is written without spaces in
    /// kanji and kana, so character bigrams (the standard unit of CJK indexing); Korean writes
    /// words of 2-4 syllable blocks with spaces, so 3.
    public static let latinShingle = 5
    public static let cjkShingle = 2
    public static let hangulShingle = 3

    @inline(__always) static func isHanOrKana(_ s: UInt32) -> Bool {
        (s >= 0x4E00 && s <= 0x9FFF) || (s >= 0x3400 && s <= 0x4DBF) || (s >= 0x3040 && s <= 0x30FF)
            || (s >= 0x31F0 && s <= 0x31FF) || (s >= 0xF900 && s <= 0xFAFF) || (s >= 0x20000 && s <= 0x3FFFF)
    }

    @inline(__always) static func isHangul(_ s: UInt32) -> Bool {
        (s >= 0xAC00 && s <= 0xD7AF) || (s >= 0x1100 && s <= 0x11FF) || (s >= 0x3130 && s <= 0x318F)
    }

    /// The shingle length for one normalised text: a CJK character carries about 2.5 Latin letters'
    /// worth of information, so a text is treated as CJK (or Hangul) when 2.5 x its CJK characters
    /// outweigh its other letters and digits (hashtags not counted); "4o" or a hashtag inside a
    /// Chinese post does not flip it.
    public static func shingleLength(_ s: UnsafeBufferPointer<UInt32>) -> Int {
        var hanKana = 0, hangul = 0, other = 0
        var inHashtag = false
        for c in s {
            // Hashtags are usually Latin whatever the post's language: they do not vote.
            if c == 0x23 {
                inHashtag = true
                continue
            }
            if inHashtag {
                if isWordScalar(c) { continue }
                inHashtag = false
            }
            if c < 0x80 {
                if isHandleScalar(c) && c != 0x5F { other += 2 }
            } else if isHanOrKana(c) {
                hanKana += 5
            } else if isHangul(c) {
                hangul += 5
            } else if isWordScalar(c) {
                other += 2
            }
        }
        if hanKana + hangul > 0, hanKana + hangul >= other {
            return hanKana >= hangul ? cjkShingle : hangulShingle
        }
        return latinShingle
    }
}

/// Seeded 64-bit hashing (SplitMix64 finaliser as the mixer): fast, allocation-free, and the same
/// on every machine, so signatures and clusters are reproducible.
public enum StableHash {
    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) public static func hash(_ s: UnsafeBufferPointer<UInt32>, seed: UInt64) -> UInt64 {
        var h = mix(seed ^ UInt64(s.count))
        for c in s { h = mix(h ^ UInt64(c)) }
        return h
    }

    public static func hash(bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = mix(seed ^ UInt64(bytes.count))
        var i = 0
        while i + 8 <= bytes.count {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail ^ 0xA5)
    }

    public static func hash(_ text: String, seed: UInt64) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(bytes: UnsafeRawBufferPointer($0), seed: seed) }
    }
}

/// MinHash signatures over character shingles: permutation i maps a shingle hash x to
/// a_i * x + b_i (mod 2^64, a_i odd) and keeps the top 32 bits of the minimum.
public struct MinHasher: Sendable {
    public let permutations: Int
    public let seed: UInt64
    let multipliers: [UInt64]
    let addends: [UInt64]

    public init(permutations: Int, seed: UInt64) {
        self.permutations = permutations
        self.seed = seed
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return StableHash.mix(state)
        }
        multipliers = (0..<permutations).map { _ in next() | 1 }
        addends = (0..<permutations).map { _ in next() }
    }

    /// Writes the signature of the normalised text `s` into `out` (`permutations` values).
    /// `shingleHashes` is scratch space, reused between calls.
    public func signature(
        _ s: UnsafeBufferPointer<UInt32>, into out: UnsafeMutablePointer<UInt32>,
        shingleHashes: inout [UInt64]
    ) {
        let n = MatchText.shingleLength(s)
        let shingleSeed = StableHash.mix(seed ^ (UInt64(n) &* 0x1000_0000_01B3))
        let count = s.count
        let windows = count <= n ? 1 : count - n + 1
        let width = min(n, count)
        shingleHashes.removeAll(keepingCapacity: true)
        for start in 0..<windows {
            var x = shingleSeed
            for c in start..<(start + width) { x = StableHash.mix(x ^ UInt64(s[c])) }
            shingleHashes.append(x)
        }
        // Four permutations at a time over all shingles: the running minimums stay in registers.
        multipliers.withUnsafeBufferPointer { a in
            addends.withUnsafeBufferPointer { b in
                shingleHashes.withUnsafeBufferPointer { xs in
                    var i = 0
                    while i + 4 <= permutations {
                        let a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3]
                        let b0 = b[i], b1 = b[i + 1], b2 = b[i + 2], b3 = b[i + 3]
                        var m0 = UInt64.max, m1 = UInt64.max, m2 = UInt64.max, m3 = UInt64.max
                        for x in xs {
                            m0 = Swift.min(m0, a0 &* x &+ b0)
                            m1 = Swift.min(m1, a1 &* x &+ b1)
                            m2 = Swift.min(m2, a2 &* x &+ b2)
                            m3 = Swift.min(m3, a3 &* x &+ b3)
                        }
                        out[i] = UInt32(truncatingIfNeeded: m0 >> 32)
                        out[i + 1] = UInt32(truncatingIfNeeded: m1 >> 32)
                        out[i + 2] = UInt32(truncatingIfNeeded: m2 >> 32)
                        out[i + 3] = UInt32(truncatingIfNeeded: m3 >> 32)
                        i += 4
                    }
                    while i < permutations {
                        var m = UInt64.max
                        for x in xs { m = Swift.min(m, a[i] &* x &+ b[i]) }
                        out[i] = UInt32(truncatingIfNeeded: m >> 32)
                        i += 1
                    }
                }
            }
        }
    }

    /// The fraction of equal positions: an unbiased estimate of the shingle sets' Jaccard similarity.
    @inline(__always)
    public static func estimatedJaccard(_ x: UnsafePointer<UInt32>, _ y: UnsafePointer<UInt32>, count: Int) -> Double {
        var equal = 0
        for i in 0..<count where x[i] == y[i] { equal += 1 }
        return Double(equal) / Double(count)
    }
}
