import Foundation

/// Reddit NDJSON as Pushshift and Arctic Shift dumps write it: one submission (title, selftext)
/// or comment (body) per line. External ids are Reddit fullnames (`t3_…` submissions, `t1_…`
/// comments), because the two kinds of id can collide.
public struct RedditParser: Sendable {
    public let limits: RecordLimits

    public init(limits: RecordLimits) { self.limits = limits }

    static let removedMarkers: Set<String> = ["[removed]", "[deleted]"]

    public func parse(_ line: RawLine) -> [ParsedRecord] {
        if let reject = RecordChecks.checkLineBytes(line) { return [.reject(reject)] }
        let record: RedditRecord
        do {
            record = try JSONDecoder().decode(RedditRecord.self, from: Data(line.bytes))
        } catch {
            if !line.endsWithNewline {
                return [.reject(RejectRecord(line: line.number, code: .truncated,
                                             reason: "last line is cut off: no newline at end of file and the JSON is incomplete", raw: line.bytes))]
            }
            if case DecodingError.dataCorrupted = error {
                return [.reject(RejectRecord(line: line.number, code: .invalidJSON, reason: "not valid JSON: \(jsonSyntaxProblem(line.bytes))", raw: line.bytes))]
            }
            return [.reject(RejectRecord(line: line.number, code: .wrongType, reason: "a field has the wrong type: \(describe(error))", raw: line.bytes))]
        }
        return [parsed(record, line: line)]
    }

    private func parsed(_ r: RedditRecord, line: RawLine) -> ParsedRecord {
        func reject(_ code: RejectCode, _ reason: String) -> ParsedRecord {
            .reject(RejectRecord(line: line.number, code: code, reason: reason, raw: line.bytes))
        }
        guard let rawID = r.id?.value, !rawID.isEmpty else { return reject(.missingField, "record has no id") }
        let isSubmission = r.title != nil || r.name?.hasPrefix("t3_") == true
        let isComment = !isSubmission && (r.body != nil || r.name?.hasPrefix("t1_") == true || r.linkID != nil)
        guard isSubmission || isComment else {
            return reject(.missingField, "record has no title, selftext or body: neither a submission nor a comment")
        }
        let bare = rawID.hasPrefix("t1_") || rawID.hasPrefix("t3_") ? String(rawID.dropFirst(3)) : rawID
        let text: String?
        if isSubmission {
            let selftext = r.selftext.flatMap { Self.removedMarkers.contains($0) ? nil : $0 } ?? ""
            text = selftext.isEmpty ? r.title : (r.title ?? "") + "\n\n" + selftext
        } else {
            if let body = r.body, Self.removedMarkers.contains(body.trimmingCharacters(in: .whitespaces)) {
                return reject(.removed, "comment body is '\(body)': removed or deleted before collection")
            }
            text = r.body
        }
        if let problem = RecordChecks.checkText(text, field: isSubmission ? "title" : "body", line: line.number, index: nil, raw: line.bytes, limits: limits) {
            return .reject(problem)
        }
        let created: Int64
        switch RecordChecks.parseDate(r.createdUTC?.value, field: "created_utc", line: line.number, index: nil, raw: line.bytes) {
        case .success(let seconds): created = seconds
        case .failure(let problem): return .reject(problem)
        }
        var post = PostRecord(platform: "reddit", externalID: (isSubmission ? "t3_" : "t1_") + bare,
                              createdUnix: created, text: text!, line: line.number)
        if let author = r.author, !Self.removedMarkers.contains(author) {
            post.author = author
            post.authorHandle = author
        }
        post.community = r.subreddit
        if isComment {
            post.repliedToID = r.parentID
            post.conversationID = r.linkID
        } else {
            post.conversationID = "t3_" + bare
        }
        post.likeCount = r.score?.integer
        post.replyCount = r.numComments?.integer
        return .post(post)
    }
}

/// A number that dumps write as an integer, a float or a string of digits.
struct FlexibleNumber: Decodable, Sendable {
    let value: String
    var integer: Int64? { Int64(value) ?? Double(value).map { Int64($0) } }
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) { value = String(number); return }
        if let number = try? container.decode(Double.self) { value = String(format: "%.3f", number); return }
        value = try container.decode(String.self)
    }
}

struct RedditRecord: Decodable, Sendable {
    let id: FlexibleID?
    let name: String?
    let title: String?
    let selftext: String?
    let body: String?
    let author: String?
    let subreddit: String?
    let createdUTC: FlexibleNumber?
    let linkID: String?
    let parentID: String?
    let score: FlexibleNumber?
    let numComments: FlexibleNumber?

    enum CodingKeys: String, CodingKey {
        case id, name, title, selftext, body, author, subreddit, score
        case createdUTC = "created_utc", linkID = "link_id", parentID = "parent_id", numComments = "num_comments"
    }
}
