import CJSONScan
import Foundation

/// Reddit NDJSON as Pushshift and Arctic Shift dumps write it: one submission (title, selftext)
/// or comment (body) per line. External ids are Reddit fullnames (`t3_…` submissions, `t1_…`
/// comments), because the two kinds of id can collide.
public final class RedditParser: LineParser {
    public let limits: RecordLimits
    private let scanner = JSONScanner()

    public init(limits: RecordLimits) { self.limits = limits }

    static let removedMarkers: Set<String> = ["[removed]", "[deleted]"]

    public func parse(_ line: RawLine) -> [ParsedRecord] {
        if let reject = RecordChecks.checkLineBytes(line, validateUTF8: false) { return [.reject(reject)] }
        var record = js_reddit()
        let kind = line.bytes.withUnsafeBytes { raw in
            js_scan_reddit(scanner.handle, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &record)
        }
        switch kind {
        case JS_INVALID.rawValue: return [.reject(jsonReject(line, scannerMessage: scanner.message))]
        case JS_OTHER.rawValue:
            return [
                .reject(
                    RejectRecord(line: line.number, code: .notAPost, reason: "JSON is not an object", raw: line.bytes))
            ]
        default: return [parsed(record, line: line)]
        }
    }

    private func parsed(_ r: js_reddit, line: RawLine) -> ParsedRecord {
        func reject(_ code: RejectCode, _ reason: String) -> ParsedRecord {
            .reject(RejectRecord(line: line.number, code: code, reason: reason, raw: line.bytes))
        }
        if let problem = string(r.problem) { return reject(.wrongType, problem) }
        guard let rawID = string(r.id), !rawID.isEmpty else { return reject(.missingField, "record has no id") }
        let name = string(r.name)
        let title = string(r.title), body = string(r.body), linkID = string(r.link_id)
        let isSubmission = title != nil || name?.hasPrefix("t3_") == true
        let isComment = !isSubmission && (body != nil || name?.hasPrefix("t1_") == true || linkID != nil)
        guard isSubmission || isComment else {
            return reject(.missingField, "record has no title, selftext or body: neither a submission nor a comment")
        }
        let bare = rawID.hasPrefix("t1_") || rawID.hasPrefix("t3_") ? String(rawID.dropFirst(3)) : rawID
        let text: String?
        if isSubmission {
            let selftext = string(r.selftext).flatMap { Self.removedMarkers.contains($0) ? nil : $0 } ?? ""
            text = selftext.isEmpty ? title : (title ?? "") + "\n\n" + selftext
        } else {
            if let body, Self.removedMarkers.contains(body.trimmingCharacters(in: .whitespaces)) {
                return reject(.removed, "comment body is '\(body)': removed or deleted before collection")
            }
            text = body
        }
        if let problem = RecordChecks.checkText(
            text, field: isSubmission ? "title" : "body", line: line.number, index: nil, raw: line.bytes, limits: limits
        ) {
            return .reject(problem)
        }
        let created: Int64
        switch RecordChecks.parseDate(
            string(r.created_utc), field: "created_utc", line: line.number, index: nil, raw: line.bytes)
        {
        case .success(let seconds): created = seconds
        case .failure(let problem): return .reject(problem)
        }
        var post = PostRecord(
            platform: "reddit", externalID: (isSubmission ? "t3_" : "t1_") + bare,
            createdUnix: created, text: text!, line: line.number)
        if let author = string(r.author), !Self.removedMarkers.contains(author) {
            post.author = author
            post.authorHandle = author
        }
        post.community = string(r.subreddit)
        if isComment {
            post.repliedToID = string(r.parent_id)
            post.conversationID = linkID
            post.threadTitle = string(r.link_title)
        } else {
            post.conversationID = "t3_" + bare
        }
        post.likeCount = count(r.score)
        post.replyCount = count(r.num_comments)
        return .post(post)
    }
}
