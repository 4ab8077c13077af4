import Foundation

/// The export formats `ingest` reads.
public enum InputFormat: String, CaseIterable, Sendable {
    case xJSON = "x-v2-json"
    case csv
    case redditNDJSON = "reddit-ndjson"
    /// MediaCrawler's Xiaohongshu notes and comments (JSON lines, JSON array or CSV).
    case xiaohongshu
    /// MediaCrawler's Weibo notes and comments (JSON lines, JSON array or CSV).
    case weibo

    var isMediaCrawler: Bool { self == .xiaohongshu || self == .weibo }

    /// Tells the format from the content: JSON lines with X, Reddit or MediaCrawler fields, a JSON
    /// array of MediaCrawler records, a CSV with MediaCrawler's columns, otherwise CSV.
    public static func detect(path: String) throws -> InputFormat {
        let reader = try LineReader(path: path, maxLineBytes: 4 << 20)
        var jsonLines = 0
        var unreadableLine: RawLine?
        while let line = try reader.next(), line.number <= 200 {
            guard let first = line.bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            if first == UInt8(ascii: "[") && jsonLines == 0 { return try detectArray(path: path) }
            guard first == UInt8(ascii: "{") else {
                return jsonLines == 0
                    ? try detectCSV(path: path, header: line)
                    : try unknown(path, "some lines start with '{' and others do not")
            }
            jsonLines += 1
            guard line.oversizeBytes == nil,
                let object = try? JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: Any]
            else {
                if unreadableLine == nil { unreadableLine = line }
                continue
            }
            let keys = Set(object.keys)
            if let format = try mediaCrawler(path, keys: keys, place: "line \(line.number)") { return format }
            if !keys.isDisjoint(with: ["subreddit", "created_utc", "selftext", "link_id", "body"]) {
                return .redditNDJSON
            }
            if !keys.isDisjoint(with: [
                "data", "author_id", "edit_history_tweet_ids", "note_tweet", "referenced_tweets",
                "conversation_id", "errors",
            ])
                || keys.isSuperset(of: ["id", "text", "created_at"])
            {
                return .xJSON
            }
            return try unknown(
                path,
                "line \(line.number) is a JSON object with neither X fields (data, author_id, text), "
                    + "Reddit fields (subreddit, created_utc, body) nor MediaCrawler fields (note_id, comment_id)")
        }
        // Only broken or oversized lines: judge by the field names in the first one's start.
        if let line = unreadableLine {
            let start = String(decoding: line.bytes.prefix(4096), as: UTF8.self)
            if ["\"subreddit\"", "\"created_utc\"", "\"selftext\""].contains(where: start.contains) {
                return .redditNDJSON
            }
            if ["\"author_id\"", "\"data\"", "\"edit_history_tweet_ids\"", "\"text\""].contains(where: start.contains) {
                return .xJSON
            }
        }
        if jsonLines > 0 { return try unknown(path, "none of the first lines is a readable JSON object") }
        throw InputError(file: path, line: nil, reason: "the file is empty")
    }

    /// A file that starts with '[': MediaCrawler's JSON store (one array of records).
    private static func detectArray(path: String) throws -> InputFormat {
        let reader = try JSONArrayReader(path: path, maxElementBytes: 4 << 20)
        for _ in 0..<20 {
            guard let element = try reader.next() else { break }
            guard element.oversizeBytes == nil,
                let object = try? JSONSerialization.jsonObject(with: Data(element.bytes)) as? [String: Any]
            else { continue }
            if let format = try mediaCrawler(
                path, keys: Set(object.keys), place: "the record on line \(element.number)")
            {
                return format
            }
            return try unknown(
                path,
                "it is a JSON array, but the record on line \(element.number) has no MediaCrawler "
                    + "fields (note_id, comment_id); X and Reddit exports are read as JSON lines, one object a line")
        }
        return try unknown(path, "it is a JSON array without a readable record at its start")
    }

    /// A CSV file: MediaCrawler's columns, or any other CSV (read with a column mapping).
    private static func detectCSV(path: String, header: RawLine) throws -> InputFormat {
        let names = Set(csvHeaderNames(header.bytes))
        return try mediaCrawler(path, keys: names, place: "the CSV header") ?? .csv
    }

    /// The MediaCrawler platform of a record with these fields; nil when they are not MediaCrawler's.
    private static func mediaCrawler(_ path: String, keys: Set<String>, place: String) throws -> InputFormat? {
        if MediaCrawlerFields.isCreatorRecord(keys: keys) && !keys.contains("note_id") && !keys.contains("comment_id") {
            throw InputError(
                file: path, line: nil,
                reason: "\(place) is a MediaCrawler creator record (a user profile): "
                    + "creators files hold no posts; ingest the contents and comments files")
        }
        guard keys.contains("note_id") || keys.contains("comment_id") else { return nil }
        if let platform = MediaCrawlerFields.platform(keys: keys) { return platform }
        return try unknown(
            path, "\(place) has MediaCrawler fields (note_id, comment_id) but none that tell Xiaohongshu from Weibo")
    }

    /// The column names of a CSV header line, for detection only (the file itself is read by libcsv).
    static func csvHeaderNames(_ bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var current: [UInt8] = []
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
                continue
            }
            if byte == UInt8(ascii: ","), !quoted {
                names.append(String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespaces))
                current = []
            } else {
                current.append(byte)
            }
        }
        names.append(String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespaces))
        return names
    }

    private static func unknown(_ path: String, _ why: String) throws -> InputFormat {
        let choices = allCases.map(\.rawValue).joined(separator: ", ")
        throw InputError(file: path, line: nil, reason: "cannot tell the format: \(why). Use --format (\(choices)).")
    }
}
