import Foundation

/// Reads post texts from X API v2 JSON lines for the coding benchmark (tweet objects, or
/// `{data: [...]}` pages), NFKC-normalised as ingest stores them in `text_nfkc`.
public enum BenchInput {
    public static func texts(path: String, limit: Int) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read the file")
        }
        var texts: [String] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            lineNumber += 1
            if texts.count >= limit { break }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                continue
            }
            let items: [[String: Any]]
            if let page = object["data"] as? [[String: Any]] {
                items = page
            } else if let single = object["data"] as? [String: Any] {
                items = [single]
            } else {
                items = [object]
            }
            for item in items {
                let long = (item["note_tweet"] as? [String: Any])?["text"] as? String
                if let text = long ?? item["text"] as? String { texts.append(TextNormalizer.nfkc(text)) }
            }
        }
        return texts
    }
}
