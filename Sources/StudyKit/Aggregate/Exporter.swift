import Foundation

/// Reads the stored aggregate tables and writes them as CSV, Markdown, LaTeX and JSON, plus SVG
/// charts. Everything is sorted by explicit keys and printed with fixed decimals, so two exports
/// of the same database are byte-identical.
public struct Exporter {
    let db: Database

    public init(database: Database) { db = database }

    public struct Event: Sendable, Equatable {
        public let day: String
        public let label: String
        public init(day: String, label: String) { (self.day, self.label) = (day, label) }
        /// GPT-5's launch (4o removed from ChatGPT) and 4o's retirement from ChatGPT.
        public static let keep4o = [Event(day: "2025-08-07", label: "GPT-5 launch, 4o removed"),
                                    Event(day: "2026-02-13", label: "4o retired")]
    }

    public func manifest() throws -> [String: String] {
        var manifest: [String: String] = [:]
        for row in try db.query("SELECT key, value FROM aggregate_manifest ORDER BY key") { manifest[row.text(0)!] = row.text(1)! }
        guard !manifest.isEmpty else {
            throw MissingStageError(table: "aggregate_manifest (rows)", stage: "aggregate run")
        }
        return manifest
    }

    /// The categories in the order the run used (gate first).
    func categoryOrder(_ manifest: [String: String]) -> [String: Int] {
        let list = (manifest["categories"] ?? "").split(separator: ",").map(String.init)
        return Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) })
    }

    // MARK: Tables

    public func tables() throws -> [ReportTable] {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        func rank(_ category: String) -> Int { order[category] ?? Int.max }
        var tables: [ReportTable] = []

        func prevalenceRows(set: String, breakdown: String) throws -> [Row] {
            try db.query("""
                SELECT stratum, category, n, count, share, ci_low, ci_high, denominator FROM aggregate_prevalence
                WHERE posts_set = ? AND breakdown = ? ORDER BY stratum, category
                """, [.text(set), .text(breakdown)])
        }
        func denominators(_ rows: [Row]) -> String {
            let gate = rows.first { rank($0.text(1)!) == 0 }?.text(7)
            let other = rows.first { rank($0.text(1)!) != 0 }?.text(7)
            var parts: [String] = []
            if let gate { parts.append("Denominator for \(manifest["gate"] ?? "the gate"): \(gate).") }
            if let other { parts.append("Denominator for the other categories: \(other).") }
            return parts.joined(separator: " ") + " Share with Wilson 95% interval."
        }

        let specs: [(String, String, String)] = [
            ("all", "prevalence_overall", "Prevalence of each category"),
            ("language", "prevalence_by_language", "Prevalence by language"),
            ("platform", "prevalence_by_platform", "Prevalence by platform"),
            ("day", "prevalence_by_day", "Prevalence by day (UTC)"),
        ]
        for (breakdown, name, title) in specs {
            let rows = try prevalenceRows(set: primary, breakdown: breakdown)
                .sorted { ($0.text(0)!, rank($0.text(1)!)) < ($1.text(0)!, rank($1.text(1)!)) }
            let stratumColumn = ["all": [], "language": ["language"], "platform": ["platform"], "day": ["day"]][breakdown]!
            tables.append(ReportTable(
                name: name, title: title, caption: denominators(rows),
                columns: stratumColumn + ["category", "n", "count", "share", "ci_low", "ci_high"],
                rows: rows.map { r in
                    (breakdown == "all" ? [] : [Cell.text(r.text(0)!)]) + [
                        .text(r.text(1)!), .int(r.int(2)!), .int(r.int(3)!),
                        .number(r.double(4), places: 4), .number(r.double(5), places: 4), .number(r.double(6), places: 4)]
                }))
        }

        // Canonical posts only next to all posts, so the weight of campaign copies is visible.
        let both = try db.query("""
            SELECT c.breakdown, c.stratum, c.category, c.n, c.share, c.ci_low, c.ci_high, a.n, a.share, a.ci_low, a.ci_high
            FROM aggregate_prevalence c JOIN aggregate_prevalence a
              ON a.posts_set = 'all' AND a.breakdown = c.breakdown AND a.stratum = c.stratum AND a.category = c.category
            WHERE c.posts_set = 'canonical' AND c.breakdown IN ('all', 'language')
            """).sorted { (x: Row, y: Row) -> Bool in
                let kx: Int = x.text(0)! == "all" ? 0 : 1, ky: Int = y.text(0)! == "all" ? 0 : 1
                let sx: String = x.text(1)!, sy: String = y.text(1)!
                return (kx, sx, rank(x.text(2)!)) < (ky, sy, rank(y.text(2)!))
            }
        tables.append(ReportTable(
            name: "prevalence_with_duplicates", title: "Prevalence without and with duplicates",
            caption: "Left: canonical posts only (one per duplicate cluster); right: all posts, copies, reposts and near-duplicates included. "
                + "Same coder, gate and language filter; n is each side's denominator; difference = share with duplicates minus share without.",
            columns: ["stratum", "category", "n_canonical", "share_canonical", "ci_low_canonical", "ci_high_canonical",
                      "n_all", "share_all", "ci_low_all", "ci_high_all", "difference"],
            rows: both.map { r in
                let difference = r.double(4).flatMap { c in r.double(8).map { $0 - c } }
                return [.text(r.text(1)!), .text(r.text(2)!), .int(r.int(3)!), .number(r.double(4), places: 4),
                        .number(r.double(5), places: 4), .number(r.double(6), places: 4), .int(r.int(7)!),
                        .number(r.double(8), places: 4), .number(r.double(9), places: 4), .number(r.double(10), places: 4),
                        .number(difference, places: 4)]
            }))

        let setWords = primary == "canonical" ? "canonical posts" : "all posts (duplicates included)"
        let co = try db.query("""
            SELECT category_a, category_b, n, count_a, count_b, count_both, share_b_given_a, share_a_given_b, phi
            FROM aggregate_cooccurrence ORDER BY category_a, category_b
            """)
        tables.append(ReportTable(
            name: "cooccurrence", title: "Co-occurrence of categories",
            caption: "Over the \(co.first?.int(2) ?? 0) \(setWords) coded \(manifest["gate"] ?? "relevant"). "
                + "share_b_given_a = count_both / count_a; phi is the correlation of the two codes.",
            columns: ["category_a", "category_b", "n", "count_a", "count_b", "count_both", "share_b_given_a", "share_a_given_b", "phi"],
            rows: co.map { r in
                [.text(r.text(0)!), .text(r.text(1)!), .int(r.int(2)!), .int(r.int(3)!), .int(r.int(4)!), .int(r.int(5)!),
                 .number(r.double(6), places: 4), .number(r.double(7), places: 4), .number(r.double(8), places: 4)]
            }))

        let assoc = try db.query("""
            SELECT category_a, category_b, n, both_yes, a_only, b_only, neither, chi_square, p_value, odds_ratio, or_ci_low, or_ci_high, or_method
            FROM aggregate_association ORDER BY category_a, category_b
            """)
        tables.append(ReportTable(
            name: "association", title: "Association between chosen pairs",
            caption: "2x2 tables over the \(setWords) coded \(manifest["gate"] ?? "relevant"). Pearson chi-square (1 df, no continuity correction); "
                + "odds ratio with Woolf 95% interval (woolf+0.5: a zero cell, 0.5 added to every cell).",
            columns: ["category_a", "category_b", "n", "both", "a_only", "b_only", "neither", "chi_square", "p_value",
                      "odds_ratio", "or_ci_low", "or_ci_high", "or_method"],
            rows: assoc.map { r in
                [.text(r.text(0)!), .text(r.text(1)!), .int(r.int(2)!), .int(r.int(3)!), .int(r.int(4)!), .int(r.int(5)!), .int(r.int(6)!),
                 .number(r.double(7), places: 4), .pValue(r.double(8)), .number(r.double(9), places: 4),
                 .number(r.double(10), places: 4), .number(r.double(11), places: 4), .text(r.text(12) ?? "")]
            }))

        let corrected = try db.query("""
            SELECT category, reference_coder, validation_posts, tp, fp, fn, tn, sensitivity, specificity, observed_share,
                   corrected_share, ci_low, ci_high, replicates_used FROM aggregate_corrected
            """).sorted { rank($0.text(0)!) < rank($1.text(0)!) }
        tables.append(ReportTable(
            name: "prevalence_corrected", title: "Prevalence corrected for the coder's errors (Rogan-Gladen)",
            caption: corrected.isEmpty
                ? "No validation sample: run `annotate validate` (reference coder \(manifest["reference_coder"] ?? "adjudicated")) to get corrected shares."
                : "corrected = (observed + specificity - 1) / (sensitivity + specificity - 1), clipped to [0, 1]; error rates of "
                    + "\(manifest["coder"] ?? "") against \(manifest["reference_coder"] ?? ""), for non-gate categories over validation posts the coder called "
                    + "\(manifest["gate"] ?? "relevant"). 95% percentile bootstrap over validation posts "
                    + "(\(manifest["parameters.bootstrap_replicates"] ?? "?") replicates, seed \(manifest["parameters.seed"] ?? "?")); the observed share's own sampling error is not included.",
            columns: ["category", "validation_posts", "tp", "fp", "fn", "tn", "sensitivity", "specificity", "observed_share",
                      "corrected_share", "ci_low", "ci_high", "replicates_used"],
            rows: corrected.map { r in
                [.text(r.text(0)!), .int(r.int(2)!), .int(r.int(3)!), .int(r.int(4)!), .int(r.int(5)!), .int(r.int(6)!),
                 .number(r.double(7), places: 4), .number(r.double(8), places: 4), .number(r.double(9), places: 4),
                 .number(r.double(10), places: 4), .number(r.double(11), places: 4), .number(r.double(12), places: 4), .int(r.int(13)!)]
            }))

        let published = try db.query("""
            SELECT p.category, p.published_text, p.source, p.published_share, p.n, p.our_share, p.our_ci_low, p.our_ci_high,
                   c.corrected_share, c.ci_low, c.ci_high
            FROM aggregate_published p LEFT JOIN aggregate_corrected c ON c.category = p.category ORDER BY p.category
            """)
        tables.append(ReportTable(
            name: "published_comparison", title: "Our estimates next to the published figures",
            caption: "Ours: share of \(setWords) coded \(manifest["gate"] ?? "relevant") (n), Wilson 95% interval; corrected: Rogan-Gladen with bootstrap interval when a validation exists. "
                + "inside = the published figure lies inside our interval.",
            columns: ["category", "published", "source", "published_share", "n", "our_share", "our_ci_low", "our_ci_high", "inside",
                      "corrected_share", "corrected_ci_low", "corrected_ci_high"],
            rows: published.map { r in
                let inside: String
                if let low = r.double(6), let high = r.double(7), let value = r.double(3) { inside = low <= value && value <= high ? "yes" : "no" } else { inside = "" }
                return [.text(r.text(0)!), .text(r.text(1)!), .text(r.text(2)!), .number(r.double(3), places: 2), .int(r.int(4)!),
                        .number(r.double(5), places: 4), .number(r.double(6), places: 4), .number(r.double(7), places: 4), .text(inside),
                        .number(r.double(8), places: 4), .number(r.double(9), places: 4), .number(r.double(10), places: 4)]
            }))
        return tables
    }

    // MARK: Writing files

    /// Writes the chosen formats under `directory` (csv/, md/, tex/, json/, charts/) and returns the files written.
    @discardableResult
    public func export(to directory: String, formats: [TableFormat], charts: Bool, events: [Event] = Event.keep4o,
                       languageLimit: Int = 8) throws -> [String] {
        let manifest = try manifest()
        let tables = try tables()
        var written: [String] = []
        let fm = FileManager.default
        func write(_ relative: String, _ text: String) throws {
            let path = (directory as NSString).appendingPathComponent(relative)
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
                throw InputError(file: path, line: nil, reason: "cannot write: \(error.localizedDescription)")
            }
            written.append(path)
        }
        let trace = "aggregate \(manifest["tool_version"] ?? "") | coder \(manifest["coder"] ?? "") | codebook \(manifest["codebook"] ?? "") "
            + "\(manifest["codebook_fingerprint"]?.prefix(12) ?? "") | data \(manifest["inputs.data_fingerprint"]?.prefix(12) ?? "")"
        for format in formats {
            switch format {
            case .csv:
                for table in tables {
                    let path = (directory as NSString).appendingPathComponent("csv/\(table.name).csv")
                    try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try TableWriter.csv(table, to: path)
                    written.append(path)
                }
            case .md:
                var text = "# Tables of the #keep4o study\n\nMade by \(trace). Full manifest: `json/manifest.json`.\n\n"
                for table in tables { text += TableWriter.markdown(table) }
                try write("md/tables.md", text)
            case .tex:
                for table in tables { try write("tex/\(table.name).tex", "% Made by \(trace)\n" + TableWriter.latex(table)) }
            case .json:
                for table in tables { try write("json/\(table.name).json", TableWriter.json(table, manifest: manifest)) }
                try write("json/manifest.json", JSONText.object(manifest, indent: "") + "\n")
            }
        }
        if charts {
            try write("charts/prevalence_by_language.svg", try languageChart(limit: languageLimit))
            try write("charts/timeline.svg", try timelineChart(events: events))
        }
        return written
    }

    // MARK: Charts

    func languageChart(limit: Int) throws -> String {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        let rows = try db.query("""
            SELECT stratum, category, n, share, ci_low, ci_high FROM aggregate_prevalence
            WHERE posts_set = ? AND breakdown = 'language' ORDER BY stratum, category
            """, [.text(primary)])
        // Languages with the most relevant posts, largest first (ties by code).
        var relevantByLanguage: [String: Int] = [:]
        for r in rows where order[r.text(1)!] == 1 { relevantByLanguage[r.text(0)!] = r.int(2)! }
        let languages = relevantByLanguage.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map(\.key)
        let categories = order.filter { $0.value > 0 }.sorted { $0.value < $1.value }.map(\.key)
        var values: [String: [String: (Double, Double, Double)]] = [:]
        for r in rows { if let s = r.double(3), let lo = r.double(4), let hi = r.double(5) { values[r.text(1)!, default: [:]][r.text(0)!] = (s, lo, hi) } }
        let groups = categories.map { category in
            SVGChart.BarGroup(label: category, bars: languages.map { language in
                let v = values[category]?[language]
                return SVGChart.Bar(series: language, value: v?.0, low: v?.1, high: v?.2)
            })
        }
        let legend = languages.map { "\($0) (n=\(relevantByLanguage[$0]!))" }
        let omitted = relevantByLanguage.count - languages.count
        return SVGChart.groupedBars(
            title: "Share of relevant posts by category and language",
            subtitle: "Wilson 95% intervals; \(primary == "canonical" ? "canonical posts" : "all posts")"
                + (omitted > 0 ? "; \(omitted) smaller language\(omitted == 1 ? "" : "s") not shown" : ""),
            groups: groups, series: languages, legend: legend)
    }

    /// Daily shares are drawn only for days with at least `minimumDailyPosts` relevant posts: on
    /// quieter days a share swings between 0 and 1 and says nothing.
    func timelineChart(events: [Event], minimumDailyPosts: Int = 20) throws -> String {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        let rows = try db.query("""
            SELECT stratum, category, n, count, share, ci_low, ci_high FROM aggregate_prevalence
            WHERE posts_set = ? AND breakdown = 'day' ORDER BY stratum, category
            """, [.text(primary)])
        let days = Array(Set(rows.map { $0.text(0)! })).sorted()
        var relevant = [Int](repeating: 0, count: days.count)
        let dayIndex = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        // The four most prevalent non-gate categories overall, as lines.
        let overall = try db.query("SELECT category, share FROM aggregate_prevalence WHERE posts_set = ? AND breakdown = 'all'", [.text(primary)])
        let top = overall.filter { (order[$0.text(0)!] ?? 0) > 0 }
            .sorted { ($1.double(1) ?? 0, $0.text(0)!) < ($0.double(1) ?? 0, $1.text(0)!) }.prefix(4).map { $0.text(0)! }
        var lines: [String: [(Double?, Double?, Double?)]] = [:]
        for c in top { lines[c] = Array(repeating: (nil, nil, nil), count: days.count) }
        for r in rows {
            let d = dayIndex[r.text(0)!]!, c = r.text(1)!
            if order[c] == 0 { relevant[d] = r.int(3)! }
            if lines[c] != nil && r.int(2)! >= minimumDailyPosts { lines[c]![d] = (r.double(4), r.double(5), r.double(6)) }
        }
        return SVGChart.timeline(
            title: "Relevant posts per day and share of the main categories",
            subtitle: "UTC days, \(primary == "canonical" ? "canonical posts" : "all posts"); shares on days with at least \(minimumDailyPosts) relevant posts; shaded bands: Wilson 95% intervals",
            days: days, counts: relevant, lines: top.map { ($0, lines[$0]!) }, events: events)
    }
}
