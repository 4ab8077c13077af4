import Foundation

/// `language-detect --report`: what the last run found, read back from `post_languages`.
public enum LanguageReport {
    public static func render(_ db: Database) throws -> String {
        let total = try db.scalarInt("SELECT count(*) FROM post_languages") ?? 0
        guard total > 0 else {
            return "post_languages is empty: run `language-detect` first (after `ingest`)."
        }
        var out: [String] = []
        if let run = try db.query(
            """
            SELECT run_id, finished_at, parameters FROM runs
            WHERE stage = 'language-detect' AND status = 'completed' ORDER BY run_id DESC LIMIT 1
            """
        ).first {
            out.append(
                "Run \(run.int("run_id") ?? 0), finished \(run.text("finished_at") ?? "?"), "
                    + "parameters \(run.text("parameters") ?? "{}")"
            )
        }
        func percent(_ count: Int, _ of: Int) -> String {
            of == 0 ? "-" : String(format: "%5.1f%%", 100 * Double(count) / Double(of))
        }

        out.append("")
        out.append("Posts per language (\(total) posts)")
        out.append(
            LanguageTable.pad("language", 10) + LanguageTable.pad("posts", 9, right: true)
                + "   share   mean confidence")
        let languages = try db.query(
            """
            SELECT language, count(*) AS posts, avg(confidence) AS mean_confidence FROM post_languages
            GROUP BY language ORDER BY count(*) DESC, language
            """)
        let shown = 25
        for row in languages.prefix(shown) {
            let count = row.int("posts") ?? 0
            out.append(
                LanguageTable.pad(row.text("language") ?? "", 10) + LanguageTable.pad(String(count), 9, right: true)
                    + "  "
                    + percent(count, total) + String(format: "   %.3f", row.double("mean_confidence") ?? 0))
        }
        if languages.count > shown {
            let rest = languages.dropFirst(shown).reduce(0) { $0 + ($1.int("posts") ?? 0) }
            out.append(
                LanguageTable.pad("\(languages.count - shown) more", 10)
                    + LanguageTable.pad(String(rest), 9, right: true) + "  "
                    + percent(rest, total) + "   (SELECT language, count(*) FROM post_languages GROUP BY 1)")
        }

        let und = try db.scalarInt("SELECT count(*) FROM post_languages WHERE language = 'und'") ?? 0
        out.append("")
        out.append("und: \(und) of \(total) (\(percent(und, total).trimmingCharacters(in: .whitespaces)))")
        for row in try db.query(
            """
            SELECT und_reason, count(*) AS posts FROM post_languages WHERE language = 'und'
            GROUP BY und_reason ORDER BY count(*) DESC
            """)
        {
            out.append(
                "  " + LanguageTable.pad(row.text("und_reason") ?? "", 12)
                    + LanguageTable.pad(String(row.int("posts") ?? 0), 8, right: true))
        }

        out.append("")
        out.append("Decided by")
        for row in try db.query(
            "SELECT detector, count(*) AS posts FROM post_languages GROUP BY detector ORDER BY count(*) DESC")
        {
            out.append(
                "  " + LanguageTable.pad(row.text("detector") ?? "", 12)
                    + LanguageTable.pad(String(row.int("posts") ?? 0), 8, right: true))
        }

        let compared = try db.scalarInt("SELECT count(*) FROM post_languages WHERE hint_agrees IS NOT NULL") ?? 0
        let agreed = try db.scalarInt("SELECT count(*) FROM post_languages WHERE hint_agrees = 1") ?? 0
        let hinted = try db.scalarInt("SELECT count(*) FROM post_languages WHERE lang_hint IS NOT NULL") ?? 0
        out.append("")
        out.append(
            "Agreement with the platform's hint: \(agreed) of \(compared) comparable posts "
                + "(\(percent(agreed, compared).trimmingCharacters(in: .whitespaces))); "
                + "\(hinted) posts have a hint, the rest have none or are und on either side")
        if compared > 0 {
            out.append(
                LanguageTable.pad("hint", 10) + LanguageTable.pad("compared", 10, right: true)
                    + LanguageTable.pad("agree", 8, right: true) + "   most common other answer")
            for row in try db.query(
                """
                SELECT lang_hint, count(*) AS compared, sum(hint_agrees) AS agree,
                       (SELECT language || ' (' || count(*) || ')' FROM post_languages p2
                        WHERE p2.lang_hint = p.lang_hint AND p2.hint_agrees = 0
                        GROUP BY language ORDER BY count(*) DESC, language LIMIT 1) AS other
                FROM post_languages p WHERE hint_agrees IS NOT NULL
                GROUP BY lang_hint ORDER BY count(*) DESC, lang_hint
                """)
            {
                let count = row.int("compared") ?? 0
                out.append(
                    LanguageTable.pad(row.text("lang_hint") ?? "", 10)
                        + LanguageTable.pad(String(count), 10, right: true)
                        + LanguageTable.pad(percent(row.int("agree") ?? 0, count), 8, right: true) + "   "
                        + (row.text("other") ?? "-"))
            }
        }
        return out.joined(separator: "\n")
    }
}

/// Helpers shared by this stage's text output.
enum LanguageTable {
    /// `text` padded with spaces to `width` characters, on the right (or on the left for numbers).
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        guard count < width else { return text }
        let fill = String(repeating: " ", count: width - count)
        return right ? fill + text : text + fill
    }

    /// `transform` over `items` on `workers` threads, in contiguous slices; results in input order.
    static func parallelMap<T, R>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
        let slices = max(1, min(workers, items.count))
        // Each slice writes only its own element.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<[R]>.allocate(capacity: slices)
        results.initialize(repeating: [])
        defer {
            results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let items = items
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (items.count * slice / slices)..<(items.count * (slice + 1) / slices)
            results[slice] = items[range].map(transform)
        }
        return Array(results.joined())
    }
}
