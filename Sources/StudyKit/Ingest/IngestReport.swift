import Foundation

/// The summary `ingest` prints: one line per file and a total that reconciles.
public enum IngestReport {
    public static func render(_ summaries: [FileSummary], database: String) -> String {
        var lines: [String] = []
        for s in summaries {
            if let previous = s.alreadyIngestedAs {
                lines.append("\(s.path): already ingested (same content as \(previous)); skipped")
                continue
            }
            if let failure = s.failure {
                lines.append("\(s.path): not ingested: " + (s.failureLine.map { "line \($0): " } ?? "") + failure)
                continue
            }
            let rate = s.seconds > 0 ? String(format: ", %.1f MB/s", Double(s.bytes) / 1_048_576 / s.seconds) : ""
            let kind = s.layout.map { "\(s.format), \($0)" } ?? s.format
            lines.append(
                "\(s.path) [\(kind)]: read \(number(s.read)) = stored \(number(s.stored)) "
                    + "+ duplicate ids \(number(s.duplicates)) + rejected \(number(s.rejected))"
                    + String(format: " (%.1f s%@)", s.seconds, rate))
        }
        let done = summaries.filter { $0.alreadyIngestedAs == nil && $0.failure == nil }
        if done.count > 1 {
            let total = done.reduce(into: FileSummary(path: "", format: "")) {
                $0.read += $1.read
                $0.stored += $1.stored
                $0.duplicates += $1.duplicates
                $0.rejected += $1.rejected
            }
            lines.append(
                "total: read \(number(total.read)) = stored \(number(total.stored)) "
                    + "+ duplicate ids \(number(total.duplicates)) + rejected \(number(total.rejected))")
        }
        if done.contains(where: { $0.rejected > 0 }) {
            lines.append(
                "rejected records, with file, line and reason: sqlite3 \(database) \"SELECT * FROM rejects_explained\"")
        }
        return lines.joined(separator: "\n")
    }

    /// The error to end with when some files could not be ingested (after the summary is printed),
    /// so that the exit status says so; nil when every file was ingested or skipped.
    public static func failure(_ summaries: [FileSummary]) -> StudyError? {
        let failed = summaries.filter { $0.failure != nil }
        guard let first = failed.first else { return nil }
        if failed.count == 1 && summaries.count == 1 {
            return StudyError(
                InputError(file: first.path, line: first.failureLine, reason: first.failure ?? "").description)
        }
        let ingested = summaries.count - failed.count
        return StudyError(
            "\(failed.count) of \(summaries.count) files not ingested (\(ingested) ingested or skipped; "
                + "reasons above): " + failed.map(\.path).joined(separator: ", "))
    }

    static func number(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
