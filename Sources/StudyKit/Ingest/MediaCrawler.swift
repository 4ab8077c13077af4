import CJSONScan
import Foundation

/// Exports of MediaCrawler (github.com/NanmiCoder/MediaCrawler), the crawler researchers use for
/// Xiaohongshu and Weibo: notes (posts) and comments, one record per row, written as JSON lines
/// (`jsonl`), one indented JSON array (`json`) or CSV (`csv`, UTF-8 with a byte-order mark).
/// The field names and units here were read from its `store/xhs/__init__.py`,
/// `store/weibo/__init__.py` and `tools/time_util.py`; docs/ingest.md lists the mapping.
public enum MediaCrawlerLayout: String, Sendable {
    case jsonLines = "MediaCrawler JSON lines"
    case jsonArray = "MediaCrawler JSON"
    case csv = "MediaCrawler CSV"

    /// The layout from the first byte that is not white space: '[' an array, '{' JSON lines,
    /// anything else CSV.
    static func detect(path: String) throws -> MediaCrawlerLayout {
        let reader = try LineReader(path: path, maxLineBytes: 1 << 16)
        while let line = try reader.next() {
            guard let first = line.bytes.first(where: { !JSONArrayReader.isWhitespace($0) }) else { continue }
            if first == UInt8(ascii: "[") { return .jsonArray }
            if first == UInt8(ascii: "{") { return .jsonLines }
            return .csv
        }
        throw InputError(file: path, line: nil, reason: "the file is empty")
    }
}

/// Which platform's MediaCrawler records a set of field names is, from the fields only one of the
/// two platforms writes; nil when the fields are not MediaCrawler's or do not say.
enum MediaCrawlerFields {
    static let xiaohongshuOnly: Set<String> = [
        "desc", "time", "xsec_token", "collected_count", "tag_list",
        "last_update_time", "pictures", "like_count", "image_list", "video_url",
    ]
    static let weiboOnly: Set<String> = [
        "create_date_time", "comments_count", "shared_count",
        "comment_like_count", "profile_url", "gender",
    ]

    static func platform(keys: Set<String>) -> InputFormat? {
        guard keys.contains("note_id") || keys.contains("comment_id") else { return nil }
        let xiaohongshu = keys.intersection(xiaohongshuOnly).count, weibo = keys.intersection(weiboOnly).count
        if xiaohongshu > weibo { return .xiaohongshu }
        if weibo > xiaohongshu { return .weibo }
        return nil
    }

    /// MediaCrawler's creator (user profile) records: not posts.
    static func isCreatorRecord(keys: Set<String>) -> Bool {
        keys.isSuperset(of: ["user_id", "nickname"]) && (keys.contains("fans") || keys.contains("follows"))
    }
}

/// One field of a MediaCrawler record: typed when read from JSON, text when read from CSV.
enum FieldValue: Sendable {
    case null
    case text(String)
    /// `value` is nil for an integer beyond Int64.
    case integer(Int64?, text: String)
    case number(Double, text: String)
    case bool(Bool)
    case array
    case object

    /// What the value is, in words ("liked_count is an object, not a count").
    var described: String {
        switch self {
        case .null: return "null"
        case .text: return "text"
        case .integer, .number: return "a number"
        case .bool: return "true or false"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

/// Turns one MediaCrawler record (its fields by name) into a post or a reject.
///
/// - Notes: id `note_id`; text: Xiaohongshu `title`, blank line, `desc` (MediaCrawler fills an
///   empty title with the first 255 characters of `desc`: that stand-in is not repeated), Weibo
///   `content`; `conversation_id` is the note's own id.
/// - Comments: id `comment_id`, text `content`, `conversation_id` the note (`note_id`),
///   `replied_to_id` the parent comment (`parent_comment_id`) or, for a top-level comment, the note.
/// - Times: Xiaohongshu `time` (notes) and `create_time` (comments) in milliseconds; Weibo
///   `create_date_time` (China time with its +08:00 offset) or else `create_time` in seconds, which
///   MediaCrawler computes by reading the China clock time as UTC (8 hours late), so 8 hours are
///   taken off. A time before the platform existed, or after MediaCrawler collected the record
///   (`last_modify_ts`), is rejected.
/// - Authors: `user_id` (or, without one, the nickname), pseudonymised; `nickname` is the handle
///   kept only with --keep-handles.
/// - Counts as X metrics: likes in `like_count`, comments in `reply_count`, shares in
///   `repost_count`; rounded displays such as "1.2万" are read and flagged (`counts_rounded`).
struct MediaCrawlerMapper: Sendable {
    let platform: InputFormat
    let limits: RecordLimits

    /// Xiaohongshu opened in June 2013, Weibo in August 2009: an earlier time is not a real post's.
    var launch: (seconds: Int64, words: String) {
        platform == .xiaohongshu ? (1_370_044_800, "June 2013") : (1_249_084_800, "August 2009")
    }

    var platformName: String { platform == .xiaohongshu ? "Xiaohongshu" : "Weibo" }

    /// Weibo's times are China Standard Time (UTC+8), which has no daylight saving.
    static let chinaOffsetSeconds: Int64 = 8 * 3600

    private struct Rejection: Error {
        let code: RejectCode
        let reason: String
    }

    func record(_ fields: [String: FieldValue], line: Int, raw: [UInt8]) -> ParsedRecord {
        do {
            return .post(try post(Reader(fields: fields), line: line, raw: raw))
        } catch let rejection as Rejection {
            return .reject(RejectRecord(line: line, code: rejection.code, reason: rejection.reason, raw: raw))
        } catch let reject as RejectRecord {
            return .reject(reject)
        } catch {
            return .reject(RejectRecord(line: line, code: .wrongType, reason: String(describing: error), raw: raw))
        }
    }

    private func post(_ fields: Reader, line: Int, raw: [UInt8]) throws -> PostRecord {
        let isComment = fields.has("comment_id")
        guard isComment || fields.has("note_id") else {
            if MediaCrawlerFields.isCreatorRecord(keys: fields.keys) {
                throw Rejection(code: .notAPost, reason: "a MediaCrawler creator record (a user profile), not a post")
            }
            throw Rejection(code: .notAPost, reason: "neither a note (note_id) nor a comment (comment_id)")
        }
        let idField = isComment ? "comment_id" : "note_id"
        guard let id = try fields.identifier(idField) else {
            throw Rejection(code: .missingField, reason: "\(idField) is empty")
        }

        let text: String?
        var threadTitle: String?
        if isComment || platform == .weibo {
            text = try fields.text("content")
            if text == nil && !fields.has("content") {
                throw Rejection(code: .missingField, reason: "no content field")
            }
        } else {
            let desc = try fields.text("desc"), title = try fields.text("title")
            if desc == nil && title == nil { throw Rejection(code: .missingField, reason: "no title or desc field") }
            threadTitle = Self.realTitle(title, desc: desc)
            text = [threadTitle, desc].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: "\n\n")
        }
        if let problem = RecordChecks.checkText(
            text ?? "", field: isComment || platform == .weibo ? "content" : "text (title and desc)",
            line: line, index: nil, raw: raw, limits: limits)
        {
            throw problem
        }

        var post = PostRecord(
            platform: platform.rawValue, externalID: id, createdUnix: try created(fields, isComment: isComment),
            text: text ?? "", line: line)
        post.threadTitle = threadTitle
        let userID = try fields.identifier("user_id"),
            nickname = try fields.text("nickname").flatMap { $0.isEmpty ? nil : $0 }
        post.author = userID ?? nickname.map { "nickname:" + $0 }
        post.authorHandle = nickname
        post.searchKeyword = try fields.text("source_keyword").flatMap { $0.isEmpty ? nil : $0 }

        if isComment {
            guard let note = try fields.identifier("note_id") else {
                throw Rejection(
                    code: .missingField, reason: "a comment without note_id: the note it answers is unknown")
            }
            post.conversationID = note
            let parent = try fields.identifier("parent_comment_id")
            // Xiaohongshu writes 0 for a top-level comment; Weibo's root id of a top-level comment is its own id.
            post.repliedToID = parent == nil || parent == "0" || parent == id ? note : parent
        } else {
            post.conversationID = id
        }

        let counts: (like: String, reply: String, repost: String?)
        switch (platform, isComment) {
        case (.weibo, false): counts = ("liked_count", "comments_count", "shared_count")
        case (.weibo, true): counts = ("comment_like_count", "sub_comment_count", nil)
        case (_, false): counts = ("liked_count", "comment_count", "share_count")
        case (_, true): counts = ("like_count", "sub_comment_count", nil)
        }
        var rounded = false
        func count(_ field: String?) throws -> Int64? {
            guard let field, let value = try fields.count(field) else { return nil }
            rounded = rounded || value.rounded
            return value.count
        }
        post.likeCount = try count(counts.like)
        post.replyCount = try count(counts.reply)
        post.repostCount = try count(counts.repost)
        post.countsRounded = rounded
        return post
    }

    /// The title, unless it is MediaCrawler's stand-in for a missing one (the first 255 characters of desc).
    static func realTitle(_ title: String?, desc: String?) -> String? {
        guard let title, !title.isEmpty else { return nil }
        // desc[:255] in Python counts code points: the stand-in is all of a shorter desc, or exactly
        // its first 255 scalars (a UTF-8 prefix of whole scalars is a scalar prefix).
        guard let desc, desc.utf8.starts(with: title.utf8) else { return title }
        if title.utf8.count == desc.utf8.count { return nil }
        return title.unicodeScalars.count == 255 ? nil : title
    }

    // MARK: Times

    private func created(_ fields: Reader, isComment: Bool) throws -> Int64 {
        let seconds: Int64
        if platform == .xiaohongshu {
            let field = isComment ? "create_time" : "time"
            guard let milliseconds = try fields.integer(field, what: "a time") else {
                throw Rejection(code: .missingField, reason: "no \(field) field")
            }
            if milliseconds < 100_000_000_000 {
                throw Rejection(
                    code: .badDate,
                    reason: "\(field) \(milliseconds) is too small for milliseconds (seconds?): "
                        + "MediaCrawler writes Xiaohongshu times in milliseconds")
            }
            seconds = Timestamp.floorDiv(milliseconds, 1000)
            try checkRange(seconds, field: field, fields)
        } else {
            seconds = try weiboTime(fields)
        }
        return seconds
    }

    /// Weibo: `create_date_time` states its offset; `create_time` is the China clock time read as
    /// UTC by MediaCrawler (tools/time_util.py, rfc2822_to_timestamp replaces +08:00 by UTC).
    private func weiboTime(_ fields: Reader) throws -> Int64 {
        let stamp = try fields.integer("create_time", what: "a time")
        if let stamp, stamp >= 100_000_000_000 {
            throw Rejection(
                code: .badDate,
                reason: "create_time \(stamp) is too large for seconds (milliseconds?): "
                    + "MediaCrawler writes Weibo times in seconds")
        }
        if let dateText = try fields.text("create_date_time"), !dateText.isEmpty {
            guard let parsed = PostDate.parseStatingZone(dateText) else {
                throw Rejection(code: .badDate, reason: "create_date_time '\(dateText.prefix(60))' is not a date")
            }
            guard parsed.statesZone else {
                throw Rejection(
                    code: .dateWithoutOffset,
                    reason: "create_date_time '\(dateText.prefix(60))' has no UTC offset (MediaCrawler writes +08:00)")
            }
            if let stamp, stamp != parsed.seconds, stamp != parsed.seconds + Self.chinaOffsetSeconds {
                throw Rejection(
                    code: .badDate,
                    reason: "create_time \(stamp) and create_date_time '\(dateText)' disagree: "
                        + "MediaCrawler's create_time is the same moment or 8 hours later")
            }
            try checkRange(parsed.seconds, field: "create_date_time", fields)
            return parsed.seconds
        }
        guard let stamp else {
            throw Rejection(code: .missingField, reason: "no create_date_time or create_time field")
        }
        let seconds = stamp - Self.chinaOffsetSeconds
        try checkRange(seconds, field: "create_time", fields)
        return seconds
    }

    /// A post cannot be older than its platform, nor newer than the moment it was collected.
    private func checkRange(_ seconds: Int64, field: String, _ fields: Reader) throws {
        if seconds < launch.seconds {
            throw Rejection(
                code: .badDate,
                reason: "\(field) gives \(Timestamp.format(unixSeconds: seconds)), "
                    + "before \(platformName) existed (\(launch.words))")
        }
        // MediaCrawler stamps each record with the time it was collected, in milliseconds.
        if let collected = try? fields.integer("last_modify_ts", what: "a time"), collected > 0 {
            let collectedSeconds = collected >= 100_000_000_000 ? collected / 1000 : collected
            if seconds > collectedSeconds + 86_400 {
                throw Rejection(
                    code: .badDate,
                    reason: "\(field) gives \(Timestamp.format(unixSeconds: seconds)), after the record "
                        + "was collected (last_modify_ts \(Timestamp.format(unixSeconds: collectedSeconds)))")
            }
        } else if PostDate.parse(Timestamp.format(unixSeconds: seconds)) == nil {
            throw Rejection(code: .badDate, reason: "\(field) gives a time after \(PostDate.latestYear)")
        }
    }

    // MARK: Reading fields

    /// Typed reads of a record's fields; a value of the wrong kind is a reject naming the field.
    private struct Reader {
        let fields: [String: FieldValue]
        var keys: Set<String> { Set(fields.keys) }

        func has(_ key: String) -> Bool { fields[key] != nil }

        func text(_ key: String) throws -> String? {
            switch fields[key] {
            case nil, .null?: return nil
            case .text(let value)?: return value
            case let other?: throw Rejection(code: .wrongType, reason: "\(key) is \(other.described), not text")
            }
        }

        /// An id, written as text or as an integer; empty, 0-less and Python's "None" are no id.
        func identifier(_ key: String) throws -> String? {
            switch fields[key] {
            case nil, .null?: return nil
            case .text(let value)?:
                let trimmed = trimmedSpaces(value)
                return trimmed.isEmpty || trimmed == "None" ? nil : trimmed
            case .integer(_, let text)?: return text
            case let other?: throw Rejection(code: .wrongType, reason: "\(key) is \(other.described), not an id")
            }
        }

        /// A whole number written as a JSON integer or as digits.
        func integer(_ key: String, what: String) throws -> Int64? {
            switch fields[key] {
            case nil, .null?: return nil
            case .integer(let value?, _)?: return value
            case .integer(nil, let text)?:
                throw Rejection(code: .badDate, reason: "\(key) \(text.prefix(40)) is too large to be \(what)")
            case .number(let value, let text)?:
                guard value.rounded() == value, abs(value) < 9e15 else {
                    throw Rejection(code: .badDate, reason: "\(key) \(text.prefix(40)) is not a whole number")
                }
                return Int64(value)
            case .text(let value)?:
                let trimmed = trimmedSpaces(value)
                if trimmed.isEmpty || trimmed == "None" { return nil }
                guard let number = Int64(trimmed) else {
                    throw Rejection(code: .badDate, reason: "\(key) '\(trimmed.prefix(40))' is not \(what)")
                }
                return number
            case let other?: throw Rejection(code: .wrongType, reason: "\(key) is \(other.described), not \(what)")
            }
        }

        func count(_ key: String) throws -> (count: Int64, rounded: Bool)? {
            func impossible(_ text: String) -> Rejection {
                Rejection(
                    code: .badCount, reason: "\(key) is \(text.prefix(40)): not a count (a whole number, 0 or more)")
            }
            switch fields[key] {
            case nil, .null?: return nil
            case .integer(let value, let text)?:
                guard let value, value >= 0 else { throw impossible(text) }
                return (value, false)
            case .number(let value, let text)?:
                guard value >= 0, value.rounded() == value, value < 9e15 else { throw impossible(text) }
                return (Int64(value), false)
            case .text(let value)?:
                let trimmed = trimmedSpaces(value)
                if trimmed.isEmpty || trimmed == "None" { return nil }
                guard let parsed = DisplayedCount.parse(trimmed) else {
                    throw Rejection(code: .badCount, reason: "\(key) is '\(trimmed.prefix(40))': not a count")
                }
                return parsed
            case let other?: throw Rejection(code: .wrongType, reason: "\(key) is \(other.described), not a count")
            }
        }
    }
}

/// Counts as Chinese platforms display them: exact digits ("1234", "1,234"), or rounded:
/// "1.2万" (×10,000), "3亿" (×100,000,000), "1.5千", "2.3w", "2k", and "10万+" or "999+" (at least).
/// A rounded count is read as the number shown (the lower bound for "+").
enum DisplayedCount {
    static func parse(_ text: String) -> (count: Int64, rounded: Bool)? {
        // Most counts are plain digits.
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Int64(text).map { ($0, false) }
        }
        var body = Substring(text)
        var rounded = false
        if body.hasSuffix("+") {
            body = body.dropLast()
            rounded = true
        }
        var multiplier: Double = 1
        if let last = body.last {
            switch last {
            case "万", "w", "W": multiplier = 10_000
            case "亿": multiplier = 100_000_000
            case "千", "k", "K": multiplier = 1000
            default: break
            }
            if multiplier != 1 {
                body = body.dropLast()
                rounded = true
            }
        }
        let digits = body.contains(",") ? body.replacingOccurrences(of: ",", with: "") : String(body)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            digits.filter({ $0 == "." }).count <= 1, digits.first != ".", digits.last != ".",
            let value = Double(digits)
        else { return nil }
        if digits.contains(".") {
            guard multiplier != 1 else { return nil }  // "12.5" likes is not a count
        }
        // Grouping commas must group thousands ("1,234"), not stand anywhere.
        if body.contains(",") {
            let groups = body.split(separator: ",", omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }),
                !digits.contains(".")
            else { return nil }
        }
        let total = value * multiplier
        guard total < 9e15 else { return nil }
        return (Int64(total.rounded(.down)), rounded)
    }
}

/// MediaCrawler JSON records, one per line (JSON lines) or one per array element (JSON): the
/// object's fields go to `MediaCrawlerMapper`.
final class MediaCrawlerJSONParser: LineParser {
    let mapper: MediaCrawlerMapper
    let layout: MediaCrawlerLayout
    private let scanner = JSONScanner()

    init(platform: InputFormat, layout: MediaCrawlerLayout, limits: RecordLimits) {
        mapper = MediaCrawlerMapper(platform: platform, limits: limits)
        self.layout = layout
    }

    func parse(_ line: RawLine) -> [ParsedRecord] {
        if let size = line.oversizeBytes, layout == .jsonArray {
            return [
                .reject(
                    RejectRecord(
                        line: line.number, code: .lineTooLong,
                        reason: "the record starting here is \(size) bytes, over the limit of the --max-line-bytes "
                            + "option; only its first \(line.bytes.count) bytes are kept here",
                        raw: line.bytes, rawSize: size))
            ]
        }
        if let reject = RecordChecks.checkLineBytes(line, validateUTF8: false) { return [.reject(reject)] }
        let kind = line.bytes.withUnsafeBytes { raw in
            js_scan_object(scanner.handle, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        switch kind {
        case JS_INVALID.rawValue:
            if layout == .jsonArray && !line.endsWithNewline && RecordChecks.invalidUTF8(line) == nil {
                return [
                    .reject(
                        RejectRecord(
                            line: line.number, code: .truncated,
                            reason: "the file ends inside this record: the JSON array is cut off", raw: line.bytes))
                ]
            }
            return [.reject(jsonReject(line, scannerMessage: scanner.message))]
        case JS_OTHER.rawValue:
            return [
                .reject(
                    RejectRecord(
                        line: line.number, code: .notAPost,
                        reason: "JSON \(layout == .jsonArray ? "element" : "line") is not an object", raw: line.bytes))
            ]
        default:
            break
        }
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(js_field_count(scanner.handle))
        for index in 0..<js_field_count(scanner.handle) {
            let field = js_field_at(scanner.handle, index)!.pointee
            guard let key = string(field.key), fields[key] == nil else { continue }  // a repeated key: the first counts
            fields[key] = Self.value(field)
        }
        return [mapper.record(fields, line: line.number, raw: line.bytes)]
    }

    static func value(_ field: js_field) -> FieldValue {
        let kind = Int(field.kind)
        let text = string(field.text) ?? ""
        if kind == Int(JS_FIELD_STRING.rawValue) { return .text(text) }
        if kind == Int(JS_FIELD_INTEGER.rawValue) {
            return .integer(field.integer == Int64.min ? nil : field.integer, text: text)
        }
        if kind == Int(JS_FIELD_NUMBER.rawValue) { return .number(field.number, text: text) }
        if kind == Int(JS_FIELD_BOOL.rawValue) { return .bool(field.integer != 0) }
        if kind == Int(JS_FIELD_ARRAY.rawValue) { return .array }
        if kind == Int(JS_FIELD_OBJECT.rawValue) { return .object }
        return .null
    }
}

/// The text without leading and trailing spaces and tabs; the same string, without a copy, when it
/// has none (almost every field), since Foundation's trimming costs a bridge per call.
func trimmedSpaces(_ text: String) -> String {
    guard let first = text.utf8.first, let last = text.utf8.last else { return text }
    if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 { return text }
    return text.trimmingCharacters(in: .whitespaces)
}
