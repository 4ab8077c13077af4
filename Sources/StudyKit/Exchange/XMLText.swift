import Foundation

/// Text made safe for XML 1.0, position for position: every Unicode scalar of the input stays one
/// scalar (or one character reference) in the output, so character offsets into a post's text are
/// the same before and after. XML 1.0 cannot carry most C0 control characters at all, not even as
/// `&#n;`; each becomes U+FFFD. A carriage return is written as `&#13;`, because parsers turn a
/// literal CR or CRLF into LF, which would shift every later offset.
enum XMLText {
    /// For element content.
    static func content(_ text: String) -> String { escape(text, attribute: false) }

    /// For attribute values (newlines and tabs as references, so they survive attribute normalisation).
    static func attribute(_ text: String) -> String { escape(text, attribute: true) }

    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// XML 1.0's Char production.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
