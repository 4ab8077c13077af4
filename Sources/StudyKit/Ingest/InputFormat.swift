import Foundation

/// The export formats `ingest` reads.
public enum InputFormat: String, CaseIterable, Sendable {
    case xJSON = "x-v2-json"
    case csv
    case redditNDJSON = "reddit-ndjson"

    /// Tells the format from the content: JSON lines with X or Reddit fields, otherwise CSV.
    public static func detect(path: String) throws -> InputFormat {
        let reader = try LineReader(path: path, maxLineBytes: 4 << 20)
        var jsonLines = 0
        var unreadableLine: RawLine?
        while let line = try reader.next(), line.number <= 200 {
            guard let first = line.bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            guard first == UInt8(ascii: "{") else {
                return jsonLines == 0 ? .csv : try unknown(path, "some lines start with '{' and others do not")
            }
            jsonLines += 1
            guard line.oversizeBytes == nil,
                  let object = try? JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: Any] else {
                if unreadableLine == nil { unreadableLine = line }
                continue
            }
            let keys = Set(object.keys)
            if !keys.isDisjoint(with: ["subreddit", "created_utc", "selftext", "link_id", "body"]) { return .redditNDJSON }
            if !keys.isDisjoint(with: ["data", "author_id", "edit_history_tweet_ids", "note_tweet", "referenced_tweets", "conversation_id"])
                || keys.isSuperset(of: ["id", "text", "created_at"]) {
                return .xJSON
            }
            return try unknown(path, "line \(line.number) is a JSON object with neither X fields (data, author_id, text) nor Reddit fields (subreddit, created_utc, body)")
        }
        // Only broken or oversized lines: judge by the field names in the first one's start.
        if let line = unreadableLine {
            let start = String(decoding: line.bytes.prefix(4096), as: UTF8.self)
            if ["\"subreddit\"", "\"created_utc\"", "\"selftext\""].contains(where: start.contains) { return .redditNDJSON }
            if ["\"author_id\"", "\"data\"", "\"edit_history_tweet_ids\"", "\"text\""].contains(where: start.contains) { return .xJSON }
        }
        if jsonLines > 0 { return try unknown(path, "none of the first lines is a readable JSON object") }
        throw InputError(file: path, line: nil, reason: "the file is empty")
    }

    private static func unknown(_ path: String, _ why: String) throws -> InputFormat {
        throw InputError(file: path, line: nil, reason: "cannot tell the format: \(why). Use --format x-v2-json, reddit-ndjson or csv.")
    }
}
