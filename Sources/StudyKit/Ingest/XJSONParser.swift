import Foundation

/// X (Twitter) API v2 JSON lines: each line is a tweet object (as `twarc2 flatten` writes) or a
/// response page `{"data": [...], "includes": {...}, "meta": {...}}` (as `twarc2 search` writes).
/// Only tweets under `data` are posts; `includes.tweets` (referenced originals) are not ingested,
/// because the collection's query did not select them.
public struct XJSONParser: Sendable {
    public let limits: RecordLimits

    public init(limits: RecordLimits) { self.limits = limits }

    public func parse(_ line: RawLine) -> [ParsedRecord] {
        if let reject = RecordChecks.checkLineBytes(line) { return [.reject(reject)] }
        let decoded: XLine
        do {
            decoded = try JSONDecoder().decode(XLine.self, from: Data(line.bytes))
        } catch {
            return [.reject(jsonReject(line, error))]
        }
        if let data = decoded.data {
            let users = Dictionary(decoded.includes?.users?.compactMap { user in user.id.map { ($0.value, user) } } ?? [],
                                   uniquingKeysWith: { first, _ in first })
            return data.tweets.enumerated().map { index, slot in
                switch slot {
                case .success(let tweet):
                    return record(tweet, users: users, line: line, index: data.isArray ? index : nil)
                case .failure(let failure):
                    return .reject(RejectRecord(line: line.number, recordIndex: index, code: .wrongType,
                                                reason: "tweet \(index + 1) of the page: \(failure.message)", raw: line.bytes))
                }
            }
        }
        if decoded.tweet.id != nil || decoded.tweet.text != nil {
            return [record(decoded.tweet, users: [:], line: line, index: nil)]
        }
        if let errors = decoded.errors, !errors.isEmpty {
            let summary = errors.prefix(3).map { $0.detail ?? $0.title ?? "unknown error" }.joined(separator: "; ")
            return [.reject(RejectRecord(line: line.number, code: .apiError, reason: "API error page, no tweets: \(summary)", raw: line.bytes))]
        }
        return [.reject(RejectRecord(line: line.number, code: .notAPost,
                                     reason: "JSON object is neither a tweet (id, text) nor a response page (data)", raw: line.bytes))]
    }

    private func record(_ tweet: XTweet, users: [String: XUser], line: RawLine, index: Int?) -> ParsedRecord {
        let raw = index == nil ? line.bytes : ((try? JSONEncoder().encode(tweet)).map { Array($0) } ?? line.bytes)
        guard let id = tweet.id?.value, !id.isEmpty else {
            return .reject(RejectRecord(line: line.number, recordIndex: index, code: .missingField, reason: "tweet has no id", raw: raw))
        }
        // Long posts: the API truncates `text` and puts the full text in note_tweet.
        let text = tweet.noteTweet?.text ?? tweet.text
        if let reject = RecordChecks.checkText(text, field: "text", line: line.number, index: index, raw: raw, limits: limits) {
            return .reject(reject)
        }
        let created: Int64
        switch RecordChecks.parseDate(tweet.createdAt, field: "created_at", line: line.number, index: index, raw: raw) {
        case .success(let seconds): created = seconds
        case .failure(let reject): return .reject(reject)
        }
        var post = PostRecord(platform: "x", externalID: id, createdUnix: created, text: text!, line: line.number)
        post.author = tweet.authorID?.value ?? tweet.author?.id?.value
        post.authorHandle = tweet.author?.username ?? post.author.flatMap { users[$0]?.username }
        post.langHint = tweet.lang
        for reference in tweet.referencedTweets ?? [] {
            switch reference.type {
            case "retweeted": post.repostedID = reference.id?.value
            case "replied_to": post.repliedToID = reference.id?.value
            case "quoted": post.quotedID = reference.id?.value
            default: break
            }
        }
        post.conversationID = tweet.conversationID?.value
        post.likeCount = tweet.publicMetrics?.likeCount
        post.repostCount = tweet.publicMetrics?.retweetCount
        post.replyCount = tweet.publicMetrics?.replyCount
        post.quoteCount = tweet.publicMetrics?.quoteCount
        return .post(post)
    }

    private func jsonReject(_ line: RawLine, _ error: Error) -> RejectRecord {
        if !line.endsWithNewline {
            return RejectRecord(line: line.number, code: .truncated,
                                reason: "last line is cut off: no newline at end of file and the JSON is incomplete",
                                raw: line.bytes)
        }
        if case DecodingError.dataCorrupted = error {
            return RejectRecord(line: line.number, code: .invalidJSON, reason: "not valid JSON: \(jsonSyntaxProblem(line.bytes))", raw: line.bytes)
        }
        return RejectRecord(line: line.number, code: .wrongType, reason: "a field has the wrong type: \(describe(error))", raw: line.bytes)
    }
}

/// Where a line stops being JSON ("Invalid value around character 7."): JSONDecoder does not say,
/// JSONSerialization does, so it is asked again on this (rare) failure path.
func jsonSyntaxProblem(_ bytes: [UInt8]) -> String {
    do {
        _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        return "not a JSON object"
    } catch {
        return ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "not valid JSON"
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
    case .dataCorrupted(let context):
        return context.debugDescription + path(context)
    case .keyNotFound(let key, let context): return "missing \(key.stringValue)\(path(context))"
    case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
    case .valueNotFound(let type, let context): return "null where \(type) was expected\(path(context))"
    @unknown default: return String(describing: error)
    }
}

// MARK: The parts of the v2 payload that become columns

/// An id that exports write as a string (API v2) or sometimes as a number (converted exports).
struct FlexibleID: Codable, Sendable {
    let value: String
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) { value = string; return }
        if let number = try? container.decode(Int64.self) { value = String(number); return }
        if let number = try? container.decode(Double.self), number.rounded() == number, abs(number) < 1e18 {
            value = String(Int64(number)); return
        }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "id is neither a string nor an integer"))
    }
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

struct XReference: Codable, Sendable {
    let type: String?
    let id: FlexibleID?
}

struct XMetrics: Codable, Sendable {
    let retweetCount, replyCount, likeCount, quoteCount: Int64?
    enum CodingKeys: String, CodingKey {
        case retweetCount = "retweet_count", replyCount = "reply_count", likeCount = "like_count", quoteCount = "quote_count"
    }
}

struct XNote: Codable, Sendable { let text: String? }

struct XUser: Codable, Sendable {
    let id: FlexibleID?
    let username: String?
}

struct XTweet: Codable, Sendable {
    let id: FlexibleID?
    let text: String?
    let createdAt: String?
    let lang: String?
    let authorID: FlexibleID?
    let conversationID: FlexibleID?
    let referencedTweets: [XReference]?
    let publicMetrics: XMetrics?
    let noteTweet: XNote?
    let author: XUser?

    enum CodingKeys: String, CodingKey {
        case id, text, lang, author
        case createdAt = "created_at", authorID = "author_id", conversationID = "conversation_id"
        case referencedTweets = "referenced_tweets", publicMetrics = "public_metrics", noteTweet = "note_tweet"
    }
}

struct XAPIError: Decodable, Sendable {
    let title: String?
    let detail: String?
}

/// `data` is an array in search pages and a single object in lookup responses. A malformed
/// element is kept as an error so that its siblings on the same line are still read.
struct XData: Decodable, Sendable {
    let tweets: [Result<XTweet, TweetDecodingFailure>]
    let isArray: Bool

    private struct Skip: Decodable {}

    init(from decoder: Decoder) throws {
        if var elements = try? decoder.unkeyedContainer() {
            var tweets: [Result<XTweet, TweetDecodingFailure>] = []
            while !elements.isAtEnd {
                do {
                    tweets.append(.success(try elements.decode(XTweet.self)))
                } catch {
                    tweets.append(.failure(TweetDecodingFailure(message: describe(error))))
                    _ = try elements.decode(Skip.self)
                }
            }
            self.tweets = tweets
            isArray = true
        } else {
            tweets = [.success(try decoder.singleValueContainer().decode(XTweet.self))]
            isArray = false
        }
    }
}

struct TweetDecodingFailure: Error, Sendable { let message: String }

struct XIncludes: Decodable, Sendable { let users: [XUser]? }

struct XLine: Decodable, Sendable {
    let data: XData?
    let includes: XIncludes?
    let errors: [XAPIError]?
    let tweet: XTweet

    enum CodingKeys: String, CodingKey { case data, includes, errors }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        data = try container.decodeIfPresent(XData.self, forKey: .data)
        includes = try? container.decodeIfPresent(XIncludes.self, forKey: .includes)
        errors = try? container.decodeIfPresent([XAPIError].self, forKey: .errors)
        tweet = data == nil ? try XTweet(from: decoder) : XTweet(id: nil, text: nil, createdAt: nil, lang: nil, authorID: nil, conversationID: nil, referencedTweets: nil, publicMetrics: nil, noteTweet: nil, author: nil)
    }
}
