import Foundation

/// How kwic lines are ordered.
public enum KwicSort: String, CaseIterable, Sendable {
    /// By post date, then post id, then position in the post.
    case post
    /// By the words after the match, then before it: groups the ways a phrase continues.
    case right
    /// By the words before the match, read backwards from it.
    case left
}

public struct KwicOptions: Sendable {
    public var pattern: String
    public var isRegex = false
    public var caseSensitive = false
    public var languages: [String] = []
    public var platforms: [String] = []
    /// Only posts a coder put in (or, with `categoryValue` 0, left out of) this category.
    public var category: String?
    public var categoryValue = 1
    /// The coder of `category` (default: the only automated coder in the study).
    public var coder: String?
    /// One post per duplicate cluster (its canonical post).
    public var canonicalOnly = false
    /// false: check every post (the scan the index is measured against).
    public var useIndex = true
    /// Display columns of context on each side of the match.
    public var contextColumns = 40
    public var sort: KwicSort = .post
    /// Matches returned with their context (all are counted); nil: all. With `.post` order only
    /// these posts are read a second time for their context, so a count over a common phrase stays cheap.
    public var limit: Int?

    public init(pattern: String) { self.pattern = pattern }
}

/// One match, with its context on both sides (whitespace flattened to spaces).
public struct KwicMatch: Sendable, Equatable {
    public var postID: Int64
    public var platform: String
    public var language: String
    public var createdAt: String
    public var createdUnix: Int64
    /// Unicode-scalar offsets of the match in `posts.text_nfkc` (as in the lexicon coder's evidence).
    public var start: Int
    public var end: Int
    public var left: String
    public var match: String
    public var right: String
}

public struct KwicResult: Sendable {
    /// The first `KwicOptions.limit` matches in order, with context.
    public var matches: [KwicMatch]
    /// Every match found.
    public var total: Int
    public var postsMatched: Int
    /// Posts read and checked: the index's candidates, or every post that passed the filters.
    public var candidates: Int
    /// How the candidates were found: the FTS5 query, or why the posts were scanned.
    public var method: String
    public var usedIndex: Bool
    public var seconds: Double
}

/// Keyword in context over `posts.text_nfkc`: every match of a phrase or a regular expression,
/// filtered by language, platform and a coder's category, with the FTS5 trigram index narrowing the
/// posts to read when the pattern has a literal of three characters or more.
public enum Kwic {
    public static func search(_ db: Database, _ options: KwicOptions) throws -> KwicResult {
        let started = monotonicSeconds()
        let matcher = try KwicMatcher(options)
        let language = try PostContext.languageSQL(db)
        var sql = "SELECT p.post_id, p.platform, \(language) AS language, p.created_at, p.created_unix, p.text_nfkc"
        var values: [SQLValue] = []
        var method: String
        var usedIndex = false
        if options.useIndex, let query = matcher.indexQuery, try KeywordIndex.state(db) != nil {
            sql +=
                " FROM \(KeywordIndex.table) f JOIN posts p ON p.post_id = f.rowid"
                + " WHERE \(KeywordIndex.table) MATCH ?"
            values.append(.text(query))
            method = "FTS5 trigram index: \(query)"
            usedIndex = true
        } else {
            sql += " FROM posts p WHERE 1"
            method =
                !options.useIndex
                ? "scan of every post (--no-index)"
                : matcher.indexQuery == nil
                    ? "scan of every post: \(matcher.whyNoIndex)"
                    : "scan of every post: the keyword index is not built"
        }
        if !options.platforms.isEmpty {
            sql += " AND p.platform IN (\(placeholders(options.platforms.count)))"
            values += options.platforms.map(SQLValue.text)
        }
        if !options.languages.isEmpty {
            sql += " AND \(language) IN (\(placeholders(options.languages.count)))"
            values += options.languages.map(SQLValue.text)
        }
        if let category = options.category {
            let coder = try categoryCoder(db, options.coder)
            sql +=
                " AND EXISTS (SELECT 1 FROM codings c"
                + " WHERE c.post_id = p.post_id AND c.coder = ? AND c.category = ? AND c.value = ?)"
            values += [.text(coder), .text(category), .int(Int64(options.categoryValue))]
        }
        if options.canonicalOnly {
            guard try db.tableExists("post_clusters") else {
                throw AnnotateError("--canonical needs the duplicate clusters: run `dedupe` first")
            }
            sql +=
                " AND NOT EXISTS (SELECT 1 FROM post_clusters pc"
                + " WHERE pc.post_id = p.post_id AND pc.canonical_post_id <> p.post_id)"
        }
        // Post id order is the order both the table and the index hold rows in, so SQLite sorts
        // nothing; the matches are put in date order below.
        sql += " ORDER BY p.post_id"

        // The context is cut at once when every match needs it (ordered by its context); in date
        // order only the matches returned need it, and their posts are read again afterwards.
        let eager = options.sort != .post || options.limit == nil
        var found: [KwicMatch] = []
        var candidates = 0
        var postsMatched = 0
        try db.forEachRow(sql, values) { row in
            candidates += 1
            let text = try row.required(text: "text_nfkc")
            let spans = matcher.matches(in: text)
            guard !spans.isEmpty else { return }
            postsMatched += 1
            let post = try row.required(int64: "post_id"), createdUnix = try row.required(int64: "created_unix")
            let scalars = eager ? Array(text.unicodeScalars) : []
            for (start, end) in spans {
                var match = KwicMatch(
                    postID: post, platform: try row.required(text: "platform"),
                    language: try row.required(text: "language"),
                    createdAt: try row.required(text: "created_at"), createdUnix: createdUnix,
                    start: start, end: end,
                    left: "", match: "", right: "")
                if eager { cutContext(&match, scalars, options.contextColumns) }
                found.append(match)
            }
        }
        switch options.sort {
        case .post:
            found.sort { ($0.createdUnix, $0.postID, $0.start) < ($1.createdUnix, $1.postID, $1.start) }
        case .right:
            found.sort {
                ($0.right.lowercased(), String($0.left.lowercased().reversed()), $0.postID, $0.start)
                    < ($1.right.lowercased(), String($1.left.lowercased().reversed()), $1.postID, $1.start)
            }
        case .left:
            found.sort {
                (String($0.left.lowercased().reversed()), $0.right.lowercased(), $0.postID, $0.start)
                    < (String($1.left.lowercased().reversed()), $1.right.lowercased(), $1.postID, $1.start)
            }
        }
        var shown = options.limit.map { Array(found.prefix($0)) } ?? found
        if !eager {
            var texts: [Int64: [Unicode.Scalar]] = [:]
            for i in shown.indices {
                let post = shown[i].postID
                if texts[post] == nil {
                    let text = try db.scalarText("SELECT text_nfkc FROM posts WHERE post_id = ?", [.int(post)]) ?? ""
                    texts[post] = Array(text.unicodeScalars)
                }
                cutContext(&shown[i], texts[post] ?? [], options.contextColumns)
            }
        }
        return KwicResult(
            matches: shown, total: found.count, postsMatched: postsMatched, candidates: candidates,
            method: method, usedIndex: usedIndex, seconds: monotonicSeconds() - started)
    }

    static func cutContext(_ match: inout KwicMatch, _ scalars: [Unicode.Scalar], _ columns: Int) {
        guard match.end <= scalars.count else { return }
        match.left = lastColumns(flatten(scalars[..<match.start]), columns)
        match.match = flatten(scalars[match.start..<match.end])
        match.right = firstColumns(flatten(scalars[match.end...]), columns)
    }

    /// The coder whose category filters the posts: the one named, else the only automated coder.
    static func categoryCoder(_ db: Database, _ named: String?) throws -> String {
        if let named { return named.contains(":") || named == HumanCoder.adjudicated ? named : HumanCoder.id(named) }
        let automated = try db.query(
            """
            SELECT DISTINCT coder FROM codings WHERE coder NOT LIKE 'human:%' AND coder <> 'adjudicated' ORDER BY coder
            """
        ).compactMap { $0.text("coder") }
        guard automated.count == 1 else {
            throw AnnotateError(
                automated.isEmpty
                    ? "no automated coder's codings to filter by: run `code`, or name a coder with --coder"
                    : "several coders could filter by category (\(automated.joined(separator: ", "))): "
                        + "choose one with --coder")
        }
        return automated[0]
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    /// Text with line breaks and tabs as spaces, so a match's context stays on one line.
    static func flatten(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        for scalar in scalars { view.append(scalar.properties.isWhitespace || scalar.value < 0x20 ? " " : scalar) }
        return String(view)
    }

    static func lastColumns(_ text: String, _ columns: Int) -> String {
        var used = 0
        var kept: [Character] = []
        for character in text.reversed() {
            let w = displayWidth(character)
            if used + w > columns { break }
            kept.append(character)
            used += w
        }
        return String(kept.reversed())
    }

    static func firstColumns(_ text: String, _ columns: Int) -> String {
        var used = 0
        var kept = ""
        for character in text {
            let w = displayWidth(character)
            if used + w > columns { break }
            kept.append(character)
            used += w
        }
        return kept
    }

    /// One line per match, the matches aligned in one column; `colour` marks them in bold instead of brackets.
    public static func render(_ result: KwicResult, options: KwicOptions, limit: Int?, colour: Bool = false) -> String {
        let shown = limit.map { Array(result.matches.prefix($0)) } ?? result.matches
        let seconds = String(format: "%.2f", result.seconds)
        let kind = options.isRegex ? "regex" : "phrase"
        var out =
            "kwic \(kind) \"\(options.pattern)\": \(result.total) matches in "
            + "\(result.postsMatched) posts (\(result.candidates) posts checked, \(seconds) s)\n"
        out += "  via \(result.method)\n"
        if shown.count < result.total {
            out += "  showing the first \(shown.count) (--limit 0 shows all; --csv FILE writes all)\n"
        }
        out += "\n"
        let idWidth = max(4, shown.map { String($0.postID).count }.max() ?? 4)
        let languageWidth = max(4, shown.map { displayWidth($0.language) }.max() ?? 4)
        let platformWidth = max(4, shown.map { displayWidth($0.platform) }.max() ?? 4)
        for m in shown {
            let id = String(repeating: " ", count: idWidth - String(m.postID).count) + String(m.postID)
            let left = String(repeating: " ", count: max(0, options.contextColumns - displayWidth(m.left))) + m.left
            let match = colour ? "\u{1B}[1m\(m.match)\u{1B}[0m" : "[\(m.match)]"
            out +=
                "\(id)  \(pad(m.language, toWidth: languageWidth))  \(pad(m.platform, toWidth: platformWidth))  "
                + "\(left)\(match)\(m.right)"
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return out
    }

    /// Every match as CSV (libcsv quoting): post, place in the text, context.
    public static func csv(_ result: KwicResult) -> String {
        var rows = CSVRows(header: [
            "post_id", "platform", "language", "created_at", "start", "end",
            "left", "match", "right",
        ])
        for m in result.matches {
            rows.append([
                .int(m.postID), .text(m.platform), .text(m.language), .text(m.createdAt), .int(Int64(m.start)),
                .int(Int64(m.end)), .text(m.left), .text(m.match), .text(m.right),
            ])
        }
        return rows.text
    }
}

/// Finds a phrase or a regular expression in a text, case-insensitively unless asked otherwise.
/// Offsets are Unicode scalars. A phrase is compared after folding both sides one scalar at a time
/// (the simple lower-case mapping), which is also what lets the trigram index narrow it soundly.
struct KwicMatcher {
    enum Kind {
        case phrase([Unicode.Scalar])
        case regex(NSRegularExpression)
    }
    let kind: Kind
    let caseSensitive: Bool
    /// The phrase as (folded) UTF-8 bytes when `findBytes` may search for it.
    var byteNeedle: [UInt8]?
    /// The FTS5 query that finds every post that can match, nil when the index cannot narrow.
    let indexQuery: String?
    let whyNoIndex: String

    init(_ options: KwicOptions) throws {
        caseSensitive = options.caseSensitive
        if options.isRegex {
            do {
                kind = .regex(
                    try NSRegularExpression(
                        pattern: options.pattern,
                        options: caseSensitive ? [] : [.caseInsensitive]))
            } catch {
                throw AnnotateError("'\(options.pattern)' is not a valid regular expression (ICU syntax)")
            }
            // ICU folds case beyond one-to-one mappings in places; only ASCII and caseless literals are
            // looked up in the index when it matches case-insensitively.
            let foldsCase = !caseSensitive || options.pattern.contains("(?i")
            if let branches = PatternLiterals.required(regex: options.pattern) {
                let usable =
                    !foldsCase
                    ? branches
                    : branches.map { literals in
                        literals.filter(KwicMatcher.regexIndexable).flatMap { literal in
                            KwicMatcher.sharpSVariants(literal) == nil ? KwicMatcher.splitAtDoubleS(literal) : [literal]
                        }
                    }
                indexQuery = PatternLiterals.trigramQuery(
                    usable, caseSensitive: !foldsCase,
                    variants: { literal in
                        foldsCase ? KwicMatcher.sharpSVariants(literal) ?? [literal] : [literal]
                    })
                whyNoIndex =
                    "the expression has no literal of 3 or more characters that every match contains"
                    + (foldsCase ? " (ASCII or caseless, when case is ignored)" : "")
            } else {
                indexQuery = nil
                whyNoIndex =
                    "the expression uses constructs the literal reader does not narrow "
                    + "(alternatives without a literal, (?x))"
            }
        } else {
            let phrase = options.pattern.precomposedStringWithCompatibilityMapping
            guard !phrase.isEmpty else { throw AnnotateError("the phrase is empty") }
            let scalars = Array(phrase.unicodeScalars)
            kind = .phrase(caseSensitive ? scalars : scalars.map(KwicMatcher.fold))
            if caseSensitive || scalars.allSatisfy({ $0.isASCII || !$0.properties.changesWhenCaseMapped }) {
                byteNeedle = Array(
                    String(String.UnicodeScalarView(caseSensitive ? scalars : scalars.map(KwicMatcher.fold))).utf8)
            }
            indexQuery = PatternLiterals.trigramQuery([[phrase]], caseSensitive: caseSensitive)
            whyNoIndex =
                scalars.count < 3
                ? "the phrase is shorter than 3 characters (the index holds trigrams)"
                : "the phrase has a cased letter outside Latin, Greek, Cyrillic and Armenian, or a control character"
        }
    }

    /// Matches of a phrase found in the UTF-8 bytes, as scalar offsets. Valid when every scalar of
    /// the phrase is ASCII (compared with ASCII case folding: in NFKC text no other scalar folds to
    /// ASCII, the Kelvin sign being replaced by K) or has no case (compared exactly: a scalar that
    /// folds to a caseless one is that one). This is the common case and avoids decoding the text.
    func findBytes(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> [(Int, Int)] {
        let m = needle.count, n = haystack.count
        guard m > 0, n >= m else { return [] }
        @inline(__always) func folded(_ b: UInt8) -> UInt8 { !caseSensitive && b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        var found: [(Int, Int)] = []
        var scalarsBefore = 0, counted = 0  // scalars in haystack[..<counted]
        var i = 0
        let first = needle[0]
        while i <= n - m {
            if folded(haystack[i]) == first {
                var j = 1
                while j < m, folded(haystack[i + j]) == needle[j] { j += 1 }
                if j == m {
                    while counted < i {
                        if haystack[counted] & 0xC0 != 0x80 { scalarsBefore += 1 }
                        counted += 1
                    }
                    var length = 0
                    for k in i..<(i + m) where haystack[k] & 0xC0 != 0x80 { length += 1 }
                    found.append((scalarsBefore, scalarsBefore + length))
                    i += m
                    continue
                }
            }
            i += 1
        }
        return found
    }

    /// The simple lower-case mapping of one scalar (itself when the mapping is not one scalar).
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value < 0x80 {  // the common case, without a table lookup
            return (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20) ?? scalar : scalar
        }
        guard scalar.properties.changesWhenLowercased else { return scalar }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first ?? scalar : scalar
    }

    static func regexIndexable(_ literal: String) -> Bool {
        literal.unicodeScalars.allSatisfy { $0.isASCII || !$0.properties.changesWhenCaseMapped }
    }

    /// ICU ignores case by full case folding, so "ss" also matches "ß" (NFKC keeps ß; it turns the
    /// other ASCII look-alikes, ſ, K and the ligatures, into ASCII). A literal with runs of s is
    /// looked up in every spelling ß could give it: "miss" as "miss" or "miß". Nil when there would
    /// be more than 8 spellings.
    static func sharpSVariants(_ literal: String) -> [String]? {
        var spellings = [""]
        let characters = Array(literal)
        var i = 0
        while i < characters.count {
            guard characters[i] == "s" || characters[i] == "S" else {
                spellings = spellings.map { $0 + String(characters[i]) }
                i += 1
                continue
            }
            var end = i
            while end < characters.count, characters[end] == "s" || characters[end] == "S" { end += 1 }
            let tilings = sTilings(end - i)
            spellings = spellings.flatMap { spelling in tilings.map { spelling + $0 } }
            guard spellings.count <= 8 else { return nil }
            i = end
        }
        return spellings
    }

    /// Every way to write a run of `n` s with s and ß (ß standing for two).
    static func sTilings(_ n: Int) -> [String] {
        if n < 2 { return [String(repeating: "s", count: max(0, n))] }
        return sTilings(n - 1).map { $0 + "s" } + sTilings(n - 2).map { $0 + "ß" }
    }

    /// The fallback for a literal with too many spellings: its runs of two or more s are left out,
    /// so "strasse" needs "stra" and "e".
    static func splitAtDoubleS(_ literal: String) -> [String] {
        literal.replacingOccurrences(of: "[sS]{2,}", with: "\u{0}", options: .regularExpression)
            .split(separator: "\u{0}").map(String.init)
    }

    /// Non-overlapping matches, left to right, as scalar offsets; empty matches are ignored.
    func matches(in text: String) -> [(Int, Int)] {
        switch kind {
        case .phrase(let needle):
            if let bytes = byteNeedle,
                let found = text.utf8.withContiguousStorageIfAvailable({ findBytes(bytes, in: $0) })
            {
                return found
            }
            var haystack = Array(text.unicodeScalars)
            if !caseSensitive { haystack = haystack.map(KwicMatcher.fold) }
            guard let first = needle.first, haystack.count >= needle.count else { return [] }
            var found: [(Int, Int)] = []
            var i = 0
            let last = haystack.count - needle.count
            while i <= last {
                if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) {
                    found.append((i, i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
            return found
        case .regex(let regex):
            let ns = text as NSString
            let results = regex.matches(in: text, range: NSRange(location: 0, length: ns.length))
            guard !results.isEmpty else { return [] }
            // UTF-16 offsets to scalar offsets.
            var scalarAt: [Int: Int] = [:]
            var utf16 = 0
            var index = 0
            for scalar in text.unicodeScalars {
                scalarAt[utf16] = index
                utf16 += scalar.utf16.count
                index += 1
            }
            scalarAt[utf16] = index
            return results.compactMap { result in
                guard result.range.length > 0, let start = scalarAt[result.range.location],
                    let end = scalarAt[result.range.location + result.range.length]
                else { return nil }
                return (start, end)
            }
        }
    }
}
