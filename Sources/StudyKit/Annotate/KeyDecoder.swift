/// Turns terminal input bytes into keys: UTF-8 characters, Enter, Backspace, Tab, Esc, Ctrl-C, and
/// the escape sequences of arrows, PgUp/PgDn, Home/End, Shift-Tab and mouse-wheel reports
/// (xterm's SGR form `ESC [ < 64 ; x ; y M` and the older `ESC [ M b x y`).
public struct KeyDecoder: Sendable {
    var pending: [UInt8] = []
    public init() {}

    /// Keys from the bytes so far; an incomplete sequence waits for more bytes. `flush` ends a lone Esc.
    public mutating func feed(_ bytes: [UInt8], flush: Bool = false) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        while i < pending.count {
            let b = pending[i]
            switch b {
            case 0x1B:
                guard i + 1 < pending.count else {
                    if flush {
                        keys.append(.escape)
                        i += 1
                        continue
                    }
                    pending.removeFirst(i)
                    return keys
                }
                let introducer = pending[i + 1]
                guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else {
                    keys.append(.escape)
                    i += 1
                    continue
                }
                guard let (key, length) = Self.sequence(pending, at: i) else {
                    if flush {  // never completed: an Esc, and the rest of the cut sequence is dropped
                        keys.append(.escape)
                        pending.removeAll()
                        return keys
                    }
                    pending.removeFirst(i)
                    return keys
                }
                if let key { keys.append(key) }
                i += length
            case 0x0D, 0x0A:
                keys.append(.enter)
                i += 1
            case 0x09:
                keys.append(.tab)
                i += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                i += 1
            case 0x03:
                keys.append(.interrupt)
                i += 1
            case 0x00..<0x20: i += 1
            default:
                let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                guard i + length <= pending.count else {
                    pending.removeFirst(i)
                    return keys
                }
                let scalarText = String(decoding: pending[i..<(i + length)], as: UTF8.self)
                keys += scalarText.map { Key.character($0) }
                i += length
            }
        }
        pending.removeAll()
        return keys
    }

    /// The key of the escape sequence starting at `start` (nil key: a sequence we ignore) and its
    /// length, or nil when the sequence is not complete yet.
    static func sequence(_ bytes: [UInt8], at start: Int) -> (Key?, Int)? {
        guard start + 2 < bytes.count else { return nil }
        if bytes[start + 1] == UInt8(ascii: "O") {  // SS3: ESC O A … (application cursor keys)
            return (finalKey(bytes[start + 2], parameters: []), 3)
        }
        // CSI: ESC [ parameters (0x30-0x3F) intermediates (0x20-0x2F) final (0x40-0x7E).
        if bytes[start + 2] == UInt8(ascii: "M") {  // X10 mouse: ESC [ M button x y
            guard start + 5 < bytes.count else { return nil }
            let button = Int(bytes[start + 3]) - 32
            return (button & 64 != 0 ? (button & 1 == 0 ? .wheelUp : .wheelDown) : nil, 6)
        }
        var end = start + 2
        while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) {
            guard (0x20...0x3F).contains(bytes[end]) else { return (nil, end - start) }  // malformed: drop it
            end += 1
        }
        guard end < bytes.count else { return nil }
        let parameterText = String(decoding: bytes[(start + 2)..<end], as: UTF8.self)
        let length = end - start + 1
        if parameterText.hasPrefix("<") {  // SGR mouse: ESC [ < button ; x ; y M|m
            let button = Int(parameterText.dropFirst().split(separator: ";").first ?? "") ?? 0
            guard button & 64 != 0, bytes[end] == UInt8(ascii: "M") else { return (nil, length) }
            return (button & 1 == 0 ? .wheelUp : .wheelDown, length)
        }
        let parameters = parameterText.split(separator: ";").map { Int($0) ?? 0 }
        return (finalKey(bytes[end], parameters: parameters), length)
    }

    static func finalKey(_ final: UInt8, parameters: [Int]) -> Key? {
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "Z"): return .backTab
        case UInt8(ascii: "~"):
            switch parameters.first {
            case 1, 7: return .home
            case 4, 8: return .end
            case 5: return .pageUp
            case 6: return .pageDown
            default: return nil
            }
        default: return nil
        }
    }
}
