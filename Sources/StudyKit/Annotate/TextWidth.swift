/// Terminal display width: how many columns a string occupies. East Asian Wide and Fullwidth
/// characters and emoji take 2, combining marks, zero-width joiners and variation selectors 0,
/// everything else 1. Measured per grapheme cluster, so a ZWJ family or a flag counts once (2).
public func displayWidth(_ text: String) -> Int {
    text.reduce(0) { $0 + displayWidth($1) }
}

public func displayWidth(_ character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
    // Emoji: presented as emoji by default, or forced by VS16 (U+FE0F), or a flag pair.
    let hasVS16 = scalars.contains { $0.value == 0xFE0F }
    if first.properties.isEmojiPresentation || (hasVS16 && first.properties.isEmoji) || isRegionalIndicator(first) {
        return 2
    }
    var width = 0
    for scalar in scalars { width += scalarWidth(scalar) }
    return min(width, 2)
}

func isRegionalIndicator(_ s: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(s.value) }

func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0  // combining accents, ZWJ (Cf), soft hyphen
    default: break
    }
    if (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) || v == 0x200B { return 0 }
    if (0x1160...0x11FF).contains(v) { return 0 }  // Hangul medial vowels / finals (conjoining)
    return isWide(v) ? 2 : 1
}

/// East Asian Wide (W) and Fullwidth (F) ranges from Unicode's EastAsianWidth.txt, merged.
private let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
    0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
    0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
    0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
    0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
    0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
    0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
    0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
    0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
    0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F64F,
    0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
]

private func isWide(_ v: UInt32) -> Bool {
    if v < 0x1100 { return false }
    var low = 0, high = wideRanges.count - 1
    while low <= high {
        let mid = (low + high) / 2
        if v < wideRanges[mid].lowerBound {
            high = mid - 1
        } else if v > wideRanges[mid].upperBound {
            low = mid + 1
        } else {
            return true
        }
    }
    return false
}

/// Wraps text to lines of at most `width` columns. Breaks at spaces where there are any; a word
/// wider than the line, and CJK text (which has no spaces), breaks between characters. Never splits
/// a grapheme cluster. Newlines in the text start new lines; tabs and other controls become spaces.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    let paragraphs = text.replacingOccurrences(of: "\r\n", with: "\n").split(
        separator: "\n", omittingEmptySubsequences: false)
    for paragraph in paragraphs {
        var line: [Character] = []
        var lineWidth = 0
        var lastSpace: Int? = nil  // index in `line` of the last space
        for raw in paragraph {
            let character: Character = raw.unicodeScalars.first.map { $0.value < 0x20 } == true ? " " : raw
            let w = displayWidth(character)
            if lineWidth + w > width {
                if character == " " {  // a space at the break point is dropped
                    lines.append(String(line))
                    line = []
                    lineWidth = 0
                    lastSpace = nil
                    continue
                }
                if let space = lastSpace, space > 0 {
                    lines.append(String(line[..<space]))
                    line = Array(line[(space + 1)...])
                } else {
                    lines.append(String(line))
                    line = []
                }
                lineWidth = line.reduce(0) { $0 + displayWidth($1) }
                lastSpace = nil
            }
            if character == " " { lastSpace = line.count }
            line.append(character)
            lineWidth += w
        }
        lines.append(String(line))
    }
    return lines
}

/// The longest prefix of `text` that fits in `width` columns ("…" marks a cut when there is room).
public func truncate(_ text: String, toWidth width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    guard width > 0 else { return "" }
    var result = ""
    var used = 0
    for character in text {
        let w = displayWidth(character)
        if used + w > width - 1 { break }
        result.append(character)
        used += w
    }
    return result + "…"
}

/// `text` padded with spaces to exactly `width` columns (truncated first if longer).
public func pad(_ text: String, toWidth width: Int) -> String {
    let cut = truncate(text, toWidth: width)
    return cut + String(repeating: " ", count: max(0, width - displayWidth(cut)))
}
