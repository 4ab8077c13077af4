import CJSONScan
import Foundation

/// X (Twitter) API v2 JSON lines: each line is a tweet object (as `twarc2 flatten` writes) or a
/// response page `{"data": [...], "includes": {...}, "meta": {...}}` (as `twarc2 search` writes).
/// Only tweets under `data` are posts; `includes.tweets` (referenced originals) are not ingested,
/// because the collection's query did not select them.
///
/// Parsing is simdjson's (through CJSONScan): it validates each whole line and hands back only the
/// fields that become columns, several times faster than Foundation's decoders.
public final class XJSONParser: LineParser {
    public let limits: RecordLimits
    private let scanner = JSONScanner()

    public init(limits: RecordLimits) { self.limits = limits }

    public func parse(_ line: RawLine) -> [ParsedRecord] {
        if let reject = RecordChecks.checkLineBytes(line, validateUTF8: false) { return [.reject(reject)] }
        let kind = line.bytes.withUnsafeBytes { raw in
            js_scan_x(scanner.handle, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        switch kind {
        case JS_INVALID.rawValue:
            return [.reject(jsonReject(line, scannerMessage: scanner.message))]
        case JS_ERRORS.rawValue:
            return [
                .reject(
                    RejectRecord(
                        line: line.number, code: .apiError, reason: "API error page, no tweets: \(scanner.message)",
                        raw: line.bytes))
            ]
        case JS_OTHER.rawValue:
            return [
                .reject(
                    RejectRecord(
                        line: line.number, code: .notAPost,
                        reason: "JSON is neither a tweet (id, text) nor a response page (data)", raw: line.bytes))
            ]
        default:
            break
        }
        var users: [String: String] = [:]
        for index in 0..<js_user_count(scanner.handle) {
            let user = js_user_at(scanner.handle, index)!.pointee
            if let id = string(user.id), let name = string(user.username) { users[id] = name }
        }
        let inPage = kind == JS_PAGE.rawValue
        return (0..<js_tweet_count(scanner.handle)).map { index in
            record(js_tweet_at(scanner.handle, index)!.pointee, users: users, line: line, index: inPage ? index : nil)
        }
    }

    private func record(_ tweet: js_tweet, users: [String: String], line: RawLine, index: Int?) -> ParsedRecord {
        let raw = line.bytes
        if let problem = string(tweet.problem) {
            let place = index.map { "tweet \($0 + 1) of the page: " } ?? ""
            return .reject(
                RejectRecord(line: line.number, recordIndex: index, code: .wrongType, reason: place + problem, raw: raw)
            )
        }
        guard let id = string(tweet.id), !id.isEmpty else {
            return .reject(
                RejectRecord(
                    line: line.number, recordIndex: index, code: .missingField, reason: "tweet has no id", raw: raw))
        }
        // Long posts: the API truncates `text` and puts the full text in note_tweet.
        let text = string(tweet.note_text) ?? string(tweet.text)
        if let reject = RecordChecks.checkText(
            text, field: "text", line: line.number, index: index, raw: raw, limits: limits)
        {
            return .reject(reject)
        }
        let created: Int64
        switch RecordChecks.parseDate(
            string(tweet.created_at), field: "created_at", line: line.number, index: index, raw: raw,
            assumeUTC: limits.assumeUTC)
        {
        case .success(let seconds): created = seconds
        case .failure(let reject): return .reject(reject)
        }
        var post = PostRecord(platform: "x", externalID: id, createdUnix: created, text: text!, line: line.number)
        post.author = string(tweet.author_id) ?? string(tweet.embedded_author_id)
        post.authorHandle = string(tweet.embedded_author_username) ?? post.author.flatMap { users[$0] }
        post.langHint = string(tweet.lang)
        post.repostedID = string(tweet.reposted_id)
        post.repliedToID = string(tweet.replied_to_id)
        post.quotedID = string(tweet.quoted_id)
        post.conversationID = string(tweet.conversation_id)
        post.likeCount = count(tweet.like_count)
        post.repostCount = count(tweet.retweet_count)
        post.replyCount = count(tweet.reply_count)
        post.quoteCount = count(tweet.quote_count)
        return .post(post)
    }
}

/// Turns one input line into records. Instances are not shared between threads.
public protocol LineParser: AnyObject {
    func parse(_ line: RawLine) -> [ParsedRecord]
}

/// The reject for a line that is not JSON: cut off at the end of the file, or malformed.
func jsonReject(_ line: RawLine, scannerMessage: String) -> RejectRecord {
    if let reject = RecordChecks.invalidUTF8(line) { return reject }
    if !line.endsWithNewline {
        return RejectRecord(
            line: line.number, code: .truncated,
            reason: "last line is cut off: no newline at end of file and the JSON is incomplete",
            raw: line.bytes)
    }
    return RejectRecord(
        line: line.number, code: .invalidJSON,
        reason: "not valid JSON: \(jsonSyntaxProblem(line.bytes) ?? scannerMessage)", raw: line.bytes)
}

/// Where a line stops being JSON ("Invalid value around character 7."): simdjson names the kind of
/// error but not the place, JSONSerialization does, so it is asked on this (rare) failure path.
func jsonSyntaxProblem(_ bytes: [UInt8]) -> String? {
    do {
        _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        return nil
    } catch {
        return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
    }
}
