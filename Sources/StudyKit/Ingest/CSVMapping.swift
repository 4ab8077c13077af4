import Foundation

/// Which CSV column holds which post field. Built in for twarc2 exports and for CSVs whose header
/// already uses our names; any other export needs a mapping file (JSON, see README).
public struct CSVMapping: Codable, Equatable, Sendable {
    /// The platform of every row, when the file has no platform column.
    public var platform: String?
    public var platformColumn: String?
    public var id: String
    public var text: String
    public var createdAt: String
    public var author: String?
    public var authorHandle: String?
    public var lang: String?
    public var repostedID: String?
    public var repliedToID: String?
    public var quotedID: String?
    public var conversationID: String?
    public var community: String?
    public var likeCount: String?
    public var repostCount: String?
    public var replyCount: String?
    public var quoteCount: String?
    /// twarc2 writes newlines inside text as the two characters `\n`; this turns them back.
    public var unescapeNewlines: Bool?
    /// A one-character field delimiter; default ",".
    public var delimiter: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case platform, id, text, author, lang, community, delimiter
        case platformColumn = "platform_column"
        case createdAt = "created_at"
        case authorHandle = "author_handle"
        case repostedID = "reposted_id"
        case repliedToID = "replied_to_id"
        case quotedID = "quoted_id"
        case conversationID = "conversation_id"
        case likeCount = "like_count"
        case repostCount = "repost_count"
        case replyCount = "reply_count"
        case quoteCount = "quote_count"
        case unescapeNewlines = "unescape_newlines"
    }

    public init(platform: String?, id: String, text: String, createdAt: String) {
        self.platform = platform
        self.id = id
        self.text = text
        self.createdAt = createdAt
    }

    /// The twarc2 `csv` plugin's default columns (twarc-csv DEFAULT_TWEET_COLUMNS).
    public static let twarc2: CSVMapping = {
        var m = CSVMapping(platform: "x", id: "id", text: "text", createdAt: "created_at")
        m.author = "author_id"
        m.authorHandle = "author.username"
        m.lang = "lang"
        m.repostedID = "referenced_tweets.retweeted.id"
        m.repliedToID = "referenced_tweets.replied_to.id"
        m.quotedID = "referenced_tweets.quoted.id"
        m.conversationID = "conversation_id"
        m.likeCount = "public_metrics.like_count"
        m.repostCount = "public_metrics.retweet_count"
        m.replyCount = "public_metrics.reply_count"
        m.quoteCount = "public_metrics.quote_count"
        m.unescapeNewlines = true
        return m
    }()

    /// A CSV whose header already names our fields (id, text, created_at, and optionally platform,
    /// author, lang, ...).
    public static func sameNames(header: [String]) -> CSVMapping {
        let names = Set(header)
        func column(_ name: String) -> String? { names.contains(name) ? name : nil }
        var m = CSVMapping(
            platform: names.contains("platform") ? nil : "csv", id: "id", text: "text", createdAt: "created_at")
        m.platformColumn = column("platform")
        m.author = column("author")
        m.authorHandle = column("author_handle")
        m.lang = column("lang")
        m.repostedID = column("reposted_id")
        m.repliedToID = column("replied_to_id")
        m.quotedID = column("quoted_id")
        m.conversationID = column("conversation_id")
        m.community = column("community")
        m.likeCount = column("like_count")
        m.repostCount = column("repost_count")
        m.replyCount = column("reply_count")
        m.quoteCount = column("quote_count")
        return m
    }

    /// Chooses a built-in mapping from a header, or nil when the header needs a mapping file.
    public static func builtIn(for header: [String]) -> CSVMapping? {
        let names = Set(header)
        if names.contains("__twarc.version")
            || names.isSuperset(of: [
                "id", "conversation_id", "author_id", "created_at", "text", "referenced_tweets.retweeted.id",
            ])
        {
            return twarc2
        }
        if names.isSuperset(of: ["id", "text", "created_at"]) { return sameNames(header: header) }
        return nil
    }

    public static func load(path: String) throws -> CSVMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read the mapping file")
        }
        // A misspelt key would otherwise be ignored, and its column silently not read.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let known = CodingKeys.allCases.map(\.rawValue)
            for key in object.keys.sorted() where !known.contains(key) {
                let near = known.min { editDistance($0, key) < editDistance($1, key) }
                let hint = near.flatMap { editDistance($0, key) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
                throw InputError(
                    file: path, line: nil,
                    reason: "unknown key '\(key)' in the column mapping\(hint). "
                        + "Known keys: \(known.joined(separator: ", "))")
            }
        }
        do {
            return try JSONDecoder().decode(CSVMapping.self, from: data)
        } catch {
            throw InputError(
                file: path, line: nil,
                reason: "not a valid column mapping: \(describe(error)). "
                    + "Required keys: id, text, created_at (column names) and platform (a name) or platform_column.")
        }
    }

    /// All column names the mapping refers to, with the field each one fills.
    var referencedColumns: [(field: String, column: String)] {
        let optional: [(String, String?)] = [
            ("platform_column", platformColumn), ("author", author), ("author_handle", authorHandle), ("lang", lang),
            ("reposted_id", repostedID), ("replied_to_id", repliedToID), ("quoted_id", quotedID),
            ("conversation_id", conversationID), ("community", community), ("like_count", likeCount),
            ("repost_count", repostCount), ("reply_count", replyCount), ("quote_count", quoteCount),
        ]
        return [("id", id), ("text", text), ("created_at", createdAt)]
            + optional.compactMap { field, column in column.map { (field, $0) } }
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// A readable one-line account of a JSON decoding error.
func describe(_ error: Error) -> String {
    guard let error = error as? DecodingError else { return String(describing: error) }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return keys.isEmpty ? "" : " at \(keys)"
    }
    switch error {
    case .dataCorrupted(let context): return context.debugDescription + path(context)
    case .keyNotFound(let key, let context): return "missing \(key.stringValue)\(path(context))"
    case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
    case .valueNotFound(let type, let context): return "null where \(type) was expected\(path(context))"
    @unknown default: return String(describing: error)
    }
}

/// Levenshtein distance over characters (for "did you mean" hints on short names).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
