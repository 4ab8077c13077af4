/// Writing systems told apart for language detection (ISO 15924 codes where one fits).
public enum Script: String, CaseIterable, Sendable {
    case latin = "Latn"
    case cyrillic = "Cyrl"
    case greek = "Grek"
    case arabic = "Arab"
    case hebrew = "Hebr"
    case devanagari = "Deva"
    case bengali = "Beng"
    case thai = "Thai"
    case hangul = "Hang"
    case kana = "Kana"  // hiragana and katakana
    case han = "Hani"
    case other = "Zzzz"  // letters of any other script

    /// Position in `allCases`, for counting in a plain array.
    var ordinal: Int {
        switch self {
        case .latin: 0
        case .cyrillic: 1
        case .greek: 2
        case .arabic: 3
        case .hebrew: 4
        case .devanagari: 5
        case .bengali: 6
        case .thai: 7
        case .hangul: 8
        case .kana: 9
        case .han: 10
        case .other: 11
        }
    }
}

/// A post's text prepared for the detectors (the stored text is never changed), and a count of its
/// letters per script, made in one pass over the UTF-8 bytes.
///
/// Removed: URLs, @mentions and Reddit `u/` `r/` names, emoji (with their joiners, skin tones and
/// variation selectors), control and zero-width characters, and names that mix ASCII letters and
/// digits (`4o`, `GPT-4o`, `keep4o`): they are in posts of every language and the detectors read
/// them as Italian or Portuguese ("4o" = quarto). Hashtag marks are dropped but the tag word is
/// kept (`#還我4o` → `還我`). A run of the same punctuation mark keeps one (`!!!` → `!`).
/// `&amp;`, `&lt;` and `&gt;` (as X's API sends them) are decoded. Whitespace runs become one space.
public struct DetectionText: Sendable {
    /// The cleaned text as UTF-8 bytes.
    public let utf8: [UInt8]
    /// Letters per script, in `Script.allCases` order (digits, punctuation and symbols are not letters).
    private let letters: [Int]
    public let letterCount: Int

    public var text: String { String(decoding: utf8, as: UTF8.self) }

    /// Unicode scalars in the cleaned text.
    public var characterCount: Int { utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }

    public func count(_ script: Script) -> Int { letters[script.ordinal] }

    /// The script with the most letters; nil when there are no letters. Japanese text mixes kana and
    /// Han, so Han with any kana reads as `Jpan`, and Hangul with Han as `Kore`.
    public var dominantScript: String? {
        guard letterCount > 0 else { return nil }
        var best = Script.other
        var bestCount = -1
        for script in Script.allCases where count(script) > bestCount {
            best = script
            bestCount = count(script)
        }
        let cjk = count(.han) + count(.kana)
        if cjk * 2 >= letterCount, count(.kana) > 0, cjk >= count(.hangul) { return "Jpan" }
        if best == .kana { return "Jpan" }
        if best == .hangul, count(.han) > 0 { return "Kore" }
        return best.rawValue
    }

    public init(_ text: String) {
        var source = text
        var counts = [Int](repeating: 0, count: Script.allCases.count)
        utf8 = source.withUTF8 { bytes in
            // The cleaned text is never longer than the original: every byte written replaces at
            // least one byte read (a space stands for a removed run).
            [UInt8](unsafeUninitializedCapacity: bytes.count + 4) { buffer, written in
                written = DetectionText.clean(bytes, into: buffer, counts: &counts)
            }
        }
        letters = counts
        letterCount = counts.reduce(0, +)
    }

    // MARK: The single pass

    /// Writes the cleaned bytes of `b` into `out` and returns how many were written.
    private static func clean(
        _ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>,
        counts: inout [Int]
    ) -> Int {
        var written = 0
        let n = b.count
        var i = 0
        var lastScalar: UInt32 = 0x20  // the last scalar written; a space at the start
        var pendingSpace = false

        func atTokenStart() -> Bool { lastScalar == 0x20 || pendingSpace || lastScalar == 0x28 }  // 0x28: "("
        func isWordByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
        }
        func hasPrefix(_ p: StaticString, at index: Int) -> Bool {
            let count = p.utf8CodeUnitCount
            guard index + count <= n else { return false }
            let start = p.utf8Start
            for k in 0..<count {
                var c = b[index + k]
                if c >= 0x41 && c <= 0x5A { c += 0x20 }
                if c != start[k] { return false }
            }
            return true
        }
        func skipToWhitespace(_ index: Int) -> Int {
            var j = index
            while j < n, b[j] != 0x20, b[j] != 0x0A, b[j] != 0x09, b[j] != 0x0D { j += 1 }
            return j
        }
        func emit(_ scalar: UInt32) {
            if pendingSpace {
                if lastScalar != 0x20 && written > 0 {
                    out[written] = 0x20
                    written += 1
                }
                pendingSpace = false
            }
            written += writeUTF8(scalar, into: out, at: written)
            lastScalar = scalar
        }
        func isASCIIAlphanumeric(_ s: UInt32) -> Bool {
            (s >= 0x30 && s <= 0x39) || (s >= 0x41 && s <= 0x5A) || (s >= 0x61 && s <= 0x7A)
        }
        /// A run of ASCII letters and digits (with inner `-`, `.`, `_`) holding both a letter and
        /// a digit is a name like 4o, GPT-4o, gpt5 or keep4o: the end of the run, or `index` when
        /// the run is not such a name.
        func endOfModelName(_ index: Int) -> Int {
            var j = index, letters = 0, digits = 0
            while j < n {
                let c = b[j]
                if c >= 0x30 && c <= 0x39 {
                    digits += 1
                } else if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) {
                    letters += 1
                } else if c == 0x2D || c == 0x2E || c == 0x5F, j > index, j + 1 < n,
                    isASCIIAlphanumeric(UInt32(b[j + 1]))
                {
                    // a joiner inside the name (GPT-4o, gpt_5, 5.1)
                } else {
                    break
                }
                j += 1
            }
            return letters > 0 && digits > 0 ? j : index
        }
        /// Punctuation and symbols: a run of the same mark keeps one.
        func emitPunctuation(_ scalar: UInt32) {
            if scalar == lastScalar && !pendingSpace { return }
            emit(scalar)
        }

        while i < n {
            let c = b[i]
            if c < 0x80 {
                switch c {
                case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
                    pendingSpace = true
                    i += 1
                    continue
                case 0x68, 0x48, 0x77, 0x57:  // h, w: a URL?
                    if atTokenStart(),
                        hasPrefix("http://", at: i) || hasPrefix("https://", at: i) || hasPrefix("www.", at: i)
                    {
                        i = skipToWhitespace(i)
                        pendingSpace = true
                        continue
                    }
                case 0x40:  // @mention
                    if i + 1 < n, isWordByte(b[i + 1]) {
                        i += 1
                        while i < n, isWordByte(b[i]) { i += 1 }
                        pendingSpace = true
                        continue
                    }
                case 0x75, 0x72:  // u/name, r/name (Reddit)
                    if atTokenStart(), i + 2 < n, b[i + 1] == 0x2F, isWordByte(b[i + 2]) {
                        i += 2
                        while i < n, isWordByte(b[i]) { i += 1 }
                        pendingSpace = true
                        continue
                    }
                case 0x23:  // hashtag mark: drop it, keep the word
                    if i + 1 < n, b[i + 1] != 0x20, b[i + 1] != 0x23 {
                        pendingSpace = pendingSpace || lastScalar != 0x20
                        i += 1
                        continue
                    }
                case 0x26:  // X sends &amp; &lt; &gt;
                    if hasPrefix("&amp;", at: i) {
                        emitPunctuation(0x26)
                        i += 5
                        continue
                    }
                    if hasPrefix("&lt;", at: i) {
                        emitPunctuation(0x3C)
                        i += 4
                        continue
                    }
                    if hasPrefix("&gt;", at: i) {
                        emitPunctuation(0x3E)
                        i += 4
                        continue
                    }
                default:
                    break
                }
                if c < 0x20 || c == 0x7F {  // other controls
                    pendingSpace = true
                    i += 1
                    continue
                }
                let isLetter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                let isDigit = c >= 0x30 && c <= 0x39
                if (isLetter || isDigit) && (pendingSpace || !isASCIIAlphanumeric(lastScalar)) {
                    let end = endOfModelName(i)
                    if end > i {
                        i = end
                        pendingSpace = true
                        continue
                    }
                }
                if isLetter {
                    counts[Script.latin.ordinal] += 1
                    emit(UInt32(c))
                } else if c >= 0x30 && c <= 0x39 {
                    emit(UInt32(c))
                } else {
                    emitPunctuation(UInt32(c))
                }
                i += 1
                continue
            }
            // Multi-byte scalar (Swift strings are valid UTF-8).
            let scalar: UInt32
            let length: Int
            if c < 0xE0 {
                scalar = (UInt32(c & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
                length = 2
            } else if c < 0xF0 {
                scalar = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6) | UInt32(b[i + 2] & 0x3F)
                length = 3
            } else {
                scalar =
                    (UInt32(c & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12)
                    | (UInt32(b[i + 2] & 0x3F) << 6) | UInt32(b[i + 3] & 0x3F)
                length = 4
            }
            i += length
            if let ascii = asciiPunctuation(scalar) {
                emitPunctuation(ascii)
                continue
            }
            switch classify(scalar) {
            case .drop:
                continue
            case .space:
                pendingSpace = true
            case .letter(let script):
                counts[script] += 1
                emit(scalar)
            case .mark:
                emit(scalar)
            case .punctuation:
                emitPunctuation(scalar)
            }
        }
        return written
    }

    private enum Kind {
        case drop, space
        case letter(Int)
        case mark, punctuation
    }

    private static func letter(_ script: Script) -> Kind { .letter(script.ordinal) }

    private static func classify(_ s: UInt32) -> Kind {
        switch s {
        // Controls, NEL and other C1 codes (stray Windows-1252 bytes), and line/paragraph separators.
        case 0x80...0x9F, 0x2028, 0x2029: return .space
        case 0xA0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .space
        // Zero-width characters, joiners, variation selectors, BOM, emoji tags, skin tones.
        case 0x200B...0x200F, 0x2060...0x2064, 0xFE00...0xFE0F, 0xFEFF, 0xE0000...0xE007F, 0x1F3FB...0x1F3FF:
            return .drop
        // Emoji and pictographs.
        case 0x1F000...0x1FAFF, 0x2600...0x27BF, 0x2B00...0x2BFF, 0x2300...0x23FF, 0x2190...0x21FF,
            0x1F900...0x1F9FF, 0x3030, 0x303D, 0x3297, 0x3299, 0x2122, 0x2139, 0x24C2, 0x25A0...0x25FF:
            return .space
        case 0x00C0...0x00D6, 0x00D8...0x00F6, 0x00F8...0x024F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF,
            0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x00AA, 0x00BA:
            return letter(.latin)
        case 0x0300...0x036F: return .mark
        case 0x0370...0x03FF, 0x1F00...0x1FFF: return isGreekLetter(s) ? letter(.greek) : .punctuation
        case 0x0400...0x0482, 0x048A...0x052F: return letter(.cyrillic)
        case 0x0483...0x0489: return .mark
        case 0x05D0...0x05EA, 0x05F0...0x05F2, 0xFB1D...0xFB4F: return letter(.hebrew)
        case 0x0591...0x05C7: return .mark
        case 0x0620...0x064A, 0x066E...0x06D3, 0x06D5, 0x06FA...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF,
            0xFB50...0xFDFF, 0xFE70...0xFEFF:
            return letter(.arabic)
        case 0x064B...0x065F, 0x0670, 0x06D6...0x06ED: return .mark
        case 0x0904...0x0939, 0x093D, 0x0950, 0x0958...0x0961, 0x0972...0x097F: return letter(.devanagari)
        case 0x0900...0x0903, 0x093A...0x094F, 0x0951...0x0957, 0x0962, 0x0963: return .mark
        case 0x0985...0x09B9, 0x09BD, 0x09CE, 0x09DC...0x09E1, 0x09F0, 0x09F1: return letter(.bengali)
        case 0x0981...0x0983, 0x09BC, 0x09BE...0x09CD, 0x09D7, 0x09E2, 0x09E3: return .mark
        case 0x0E01...0x0E30, 0x0E32, 0x0E33, 0x0E40...0x0E46: return letter(.thai)
        case 0x0E31, 0x0E34...0x0E3A, 0x0E47...0x0E4E: return .mark
        case 0x1100...0x11FF, 0x3131...0x318E, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xD7B0...0xD7FF, 0xFFA0...0xFFDC:
            return letter(.hangul)
        case 0x3041...0x3096, 0x309D...0x309F, 0x30A1...0x30FA, 0x30FC...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F:
            return letter(.kana)
        case 0x3099, 0x309A: return .mark
        case 0x3005, 0x3007, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F:
            return letter(.han)
        case 0x0030...0x0039, 0xFF10...0xFF19, 0x0660...0x0669, 0x06F0...0x06F9, 0x0966...0x096F, 0x0E50...0x0E59:
            return .mark  // digits: kept, not letters
        default:
            if let scalar = Unicode.Scalar(s) {
                let properties = scalar.properties
                if properties.isAlphabetic { return letter(.other) }
                if properties.isEmojiPresentation { return .space }
                switch properties.generalCategory {
                case .control, .format, .privateUse, .surrogate, .unassigned: return .drop
                case .spaceSeparator, .lineSeparator, .paragraphSeparator: return .space
                case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
                default: return .punctuation
                }
            }
            return .drop
        }
    }

    /// Typographic quotes, apostrophes, dashes and the ellipsis as their ASCII forms: fastText's
    /// model reads a curly apostrophe as a sign of another language (measured: "I don’t know" →
    /// de 0.32, "I don't know" → en 0.999; "Touch grass, it’s a chatbot." → th).
    private static func asciiPunctuation(_ s: UInt32) -> UInt32? {
        switch s {
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC, 0xFF07: return 0x27
        case 0x201C, 0x201D, 0x201E, 0x2033, 0xFF02: return 0x22
        case 0x2010...0x2015: return 0x2D
        case 0x2026: return 0x2E
        default: return nil
        }
    }

    private static func isGreekLetter(_ s: UInt32) -> Bool {
        switch s {
        case 0x0386, 0x0388...0x03FF, 0x1F00...0x1FBC, 0x1FC2...0x1FCC, 0x1FD0...0x1FDB, 0x1FE0...0x1FEC,
            0x1FF2...0x1FFC:
            return s != 0x03F6
        default: return false
        }
    }
}

@inline(__always)
private func writeUTF8(_ scalar: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
    switch scalar {
    case 0..<0x80:
        out[index] = UInt8(scalar)
        return 1
    case 0x80..<0x800:
        out[index] = UInt8(0xC0 | (scalar >> 6))
        out[index + 1] = UInt8(0x80 | (scalar & 0x3F))
        return 2
    case 0x800..<0x10000:
        out[index] = UInt8(0xE0 | (scalar >> 12))
        out[index + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[index + 2] = UInt8(0x80 | (scalar & 0x3F))
        return 3
    default:
        out[index] = UInt8(0xF0 | (scalar >> 18))
        out[index + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
        out[index + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[index + 3] = UInt8(0x80 | (scalar & 0x3F))
        return 4
    }
}
