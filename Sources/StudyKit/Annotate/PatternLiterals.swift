/// The literal strings every match of a pattern must contain, for narrowing a search with the
/// trigram index before checking each candidate with the real matcher.
///
/// For a regular expression the answer is a disjunction of conjunctions: `[["keep", "forever"]]`
/// means "contains keep and forever", `[["grief"], ["mourn"]]` "contains grief or mourn". Only
/// constructs whose meaning is certain are read; everything else (classes, groups, escapes such as
/// `\d`, anchors) ends the current literal without adding one, which only widens the candidates.
/// A literal directly followed by `?`, `*` or `{0,…}` loses its last character (it is optional).
/// nil means "cannot narrow": a top-level alternative without any literal, inline flags that
/// change what characters mean (`(?x)` free spacing), or a pattern that does not parse here.
public enum PatternLiterals {
    public static func required(regex pattern: String) -> [[String]]? {
        let scalars = Array(pattern.unicodeScalars)
        let freeSpacing = pattern.range(of: #"\(\?[a-wyz]*x"#, options: .regularExpression) != nil
        if freeSpacing || pattern.contains("(?-") {
            return nil
        }
        var branches: [[String]] = []
        var current: [String] = []
        var literal = String.UnicodeScalarView()
        var i = 0
        func endLiteral() {
            if !literal.isEmpty { current.append(String(literal)) }
            literal = String.UnicodeScalarView()
        }
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "|":
                endLiteral()
                branches.append(current)
                current = []
                i += 1
            case "(":
                endLiteral()
                guard let end = closing(scalars, from: i) else { return nil }
                i = end + 1
                i = skipQuantifier(scalars, at: i).next
            case "[":
                endLiteral()
                guard let end = classEnd(scalars, from: i) else { return nil }
                i = skipQuantifier(scalars, at: end + 1).next
            case ".", "^", "$":
                endLiteral()
                i = skipQuantifier(scalars, at: i + 1).next
            case "?", "*", "+", "{":
                return nil  // a quantifier with nothing before it: not a pattern we understand
            case "\\":
                guard i + 1 < scalars.count else { return nil }
                let e = scalars[i + 1]
                if e == "Q" {  // \Q…\E: everything up to \E is literal
                    var j = i + 2
                    while j < scalars.count, !(scalars[j] == "\\" && j + 1 < scalars.count && scalars[j + 1] == "E") {
                        literal.append(scalars[j])
                        j += 1
                    }
                    i = min(scalars.count, j + 2)
                    continue
                }
                let isLiteralEscape = !e.properties.isAlphabetic && !("0"..."9").contains(e)
                if isLiteralEscape {
                    let quantifier = skipQuantifier(scalars, at: i + 2)
                    if !quantifier.optional { literal.append(e) }
                    if quantifier.present { endLiteral() }
                    i = quantifier.next
                } else {
                    endLiteral()  // \d \w \s \b \p{…} \x{…} \1 …: not a known single character
                    i += 2
                    if i < scalars.count, scalars[i] == "{" {  // \p{…}, \x{…}
                        while i < scalars.count, scalars[i] != "}" { i += 1 }
                        i += 1
                    }
                    i = skipQuantifier(scalars, at: i).next
                }
            default:
                let quantifier = skipQuantifier(scalars, at: i + 1)
                if !quantifier.optional { literal.append(c) }
                if quantifier.present { endLiteral() }
                i = quantifier.next
            }
        }
        endLiteral()
        branches.append(current)
        return branches
    }

    /// The quantifier after an atom, if any: whether there is one, whether it allows zero
    /// repetitions, and where the pattern continues.
    static func skipQuantifier(_ s: [Unicode.Scalar], at start: Int) -> (present: Bool, optional: Bool, next: Int) {
        guard start < s.count else { return (false, false, start) }
        var i = start
        var optional = false
        switch s[i] {
        case "?", "*":
            optional = true
            i += 1
        case "+": i += 1
        case "{":
            var j = i + 1
            var digits = ""
            while j < s.count, ("0"..."9").contains(s[j]) {
                digits.unicodeScalars.append(s[j])
                j += 1
            }
            guard j < s.count, s[j] == "}" || s[j] == "," else { return (false, false, start) }  // a literal '{'
            while j < s.count, s[j] != "}" { j += 1 }
            optional = (Int(digits) ?? 0) == 0
            i = j + 1
        default:
            return (false, false, start)
        }
        if i < s.count, s[i] == "?" || s[i] == "+" { i += 1 }  // lazy or possessive
        return (true, optional, i)
    }

    /// Index of the `)` closing the group opened at `start`, skipping escapes and classes.
    static func closing(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var depth = 0
        var i = start
        while i < s.count {
            switch s[i] {
            case "\\":
                i += 2
                continue
            case "[":
                guard let end = classEnd(s, from: i) else { return nil }
                i = end + 1
                continue
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Index of the `]` closing the class opened at `start` (a `]` right after `[` or `[^` is literal).
    static func classEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        if i < s.count, s[i] == "^" { i += 1 }
        if i < s.count, s[i] == "]" { i += 1 }
        var depth = 1
        while i < s.count {
            switch s[i] {
            case "\\":
                i += 2
                continue
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// The FTS5 query (trigrams of the literals, ANDed within a branch, ORed across branches) or
    /// nil when some branch has no literal of three characters the index can look up. `variants`
    /// gives the spellings a literal may take in the text (a match needs one of them).
    public static func trigramQuery(
        _ branches: [[String]], caseSensitive: Bool,
        variants: (String) -> [String] = { [$0] }
    ) -> String? {
        var parts: [String] = []
        for branch in branches {
            var terms: [String] = []
            for literal in branch where indexable(literal, caseSensitive: caseSensitive) {
                let spellings = variants(literal).map(trigrams)
                guard !spellings.contains(where: \.isEmpty) else { continue }  // one spelling too short
                if spellings.count == 1 {
                    terms += spellings[0].filter { !terms.contains($0) }
                } else {
                    terms.append(
                        "(" + spellings.map { "(" + $0.joined(separator: " ") + ")" }.joined(separator: " OR ") + ")")
                }
            }
            guard !terms.isEmpty else { return nil }
            parts.append(branches.count > 1 ? "(" + terms.joined(separator: " ") + ")" : terms.joined(separator: " "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: " OR ")
    }

    /// The quoted trigrams of a literal (none under three characters). Many trigrams cost more to
    /// intersect than they save: at most 16 are kept, spread over the literal.
    static func trigrams(_ literal: String) -> [String] {
        let scalars = Array(literal.unicodeScalars)
        guard scalars.count >= 3 else { return [] }
        var grams: [String] = []
        for start in 0...(scalars.count - 3) {
            var gram = String.UnicodeScalarView()
            gram.append(contentsOf: scalars[start..<(start + 3)])
            let term = "\"" + String(gram).replacingOccurrences(of: "\"", with: "\"\"") + "\""
            if !grams.contains(term) { grams.append(term) }
        }
        if grams.count > 16 { grams = (0..<16).map { grams[$0 * (grams.count - 1) / 15] } }
        return grams
    }

    /// Whether the index can look the literal up. The index folds case with SQLite's tables and the
    /// matcher with Swift's (`KwicMatcher.fold`); they agree on scripts below U+0530 (Latin, Greek,
    /// Cyrillic, Armenian) and on characters without case (CJK, kana, Hangul, digits, emoji). A
    /// case-insensitive literal with any other cased letter is searched by a scan. Control
    /// characters never reach the index's trigrams as the text has them, so they are not indexable.
    static func indexable(_ literal: String, caseSensitive: Bool) -> Bool {
        literal.unicodeScalars.allSatisfy { scalar in
            if scalar.value < 0x20 { return false }
            if caseSensitive || scalar.value < 0x0530 { return true }
            return !scalar.properties.changesWhenCaseMapped
        }
    }
}
