import Foundation

/// Reads the stored aggregate tables and writes them as CSV, Markdown, LaTeX and JSON, plus SVG
/// charts. Every table shows the coder's naive share next to the corrected ones (PPI++ and labels
/// alone); without a validation sample the caption says the table is uncorrected. Everything is
/// sorted by explicit keys and printed with fixed decimals, so two exports of the same database
/// are byte-identical.
public struct Exporter {
    let db: Database

    public init(database: Database) { db = database }

    public struct Event: Sendable, Equatable {
        public let day: String
        public let label: String
        public init(day: String, label: String) { (self.day, self.label) = (day, label) }
        /// GPT-5's launch (4o removed from ChatGPT) and 4o's retirement from ChatGPT.
        public static let keep4o = [
            Event(day: "2025-08-07", label: "GPT-5 launch, 4o removed"),
            Event(day: "2026-02-13", label: "4o retired"),
        ]
    }

    public func manifest() throws -> [String: String] {
        var manifest: [String: String] = [:]
        for row in try db.query("SELECT key, value FROM aggregate_manifest ORDER BY key") {
            manifest[try row.required(text: "key")] = try row.required(text: "value")
        }
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

    /// One row of aggregate_estimates.
    struct EstimateRecord: RowDecodable {
        let stratum: String, category: String, method: String
        let estimate: Double?, low: Double?, high: Double?
        let labelled: Int, unlabelled: Int, count: Int?, lambda: Double?
        let denominator: String
        init(row: Row) throws {
            stratum = try row.required(text: "stratum")
            category = try row.required(text: "category")
            method = try row.required(text: "method")
            estimate = row.double("estimate")
            low = row.double("ci_low")
            high = row.double("ci_high")
            labelled = try row.required(int: "n_labeled")
            unlabelled = try row.required(int: "n_unlabeled")
            count = row.int("count")
            lambda = row.double("lambda")
            denominator = try row.required(text: "denominator")
        }
    }

    func estimates(set: String, breakdown: String) throws -> [EstimateRecord] {
        try db.fetchAll(
            EstimateRecord.self,
            """
            SELECT stratum, category, method, estimate, ci_low, ci_high, n_labeled, n_unlabeled, count, lambda,
                   denominator
            FROM aggregate_estimates WHERE posts_set = ? AND breakdown = ? ORDER BY stratum, category, method
            """, [.text(set), .text(breakdown)])
    }

    // MARK: Tables

    public func tables() throws -> [ReportTable] {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        let gate = manifest["gate"] ?? "relevant"
        let bin = manifest["time_bin"] ?? "day"
        func rank(_ category: String) -> Int { order[category] ?? Int.max }
        let corrected =
            try
            (db.scalarInt(
                "SELECT count(*) FROM aggregate_estimates WHERE method = 'ppi' AND estimate IS NOT NULL") ?? 0)
            > 0
        let validation = manifest["validation_sample"].map {
            "validation sample '\($0)' (\(manifest["validation_design"] ?? ""), "
                + "reference \(manifest["reference_coder"] ?? ""), "
                + "\(manifest["inputs.labelled_posts_in_scope"] ?? "0") labelled posts in scope)"
        }
        let uncorrected =
            "Uncorrected: the coder's own codes, as if it made no errors"
            + (validation == nil
                ? " (no validation sample: draw one with `annotate sample --purpose validation`)."
                : " (\(validation!) has too few labelled posts).")
        var tables: [ReportTable] = []

        func methodsCaption(_ records: [EstimateRecord]) -> String {
            let gateWords = records.first { rank($0.category) == 0 && $0.method == "naive" }?.denominator
            let otherWords = records.first { rank($0.category) != 0 && $0.method == "naive" }?.denominator
            var parts: [String] = []
            if let gateWords { parts.append("Share of \(gate): of \(gateWords).") }
            if let otherWords { parts.append("Other categories: share of \(otherWords).") }
            guard corrected, let validation else { return parts.joined(separator: " ") + " " + uncorrected }
            parts.append(
                "naive: the coder alone (Wilson 95% interval), uncorrected. ppi: PPI++ (the coder on every post, "
                    + "corrected with the \(validation); ratio of PPI++ means for the categories under the gate; "
                    + "normal 95% interval). human: the labels alone (Wilson 95% interval). "
                    + "n_labeled: labelled posts in the human share's denominator. "
                    + "Empty: fewer than \(manifest["parameters.minimum_labelled"] ?? "10") labelled posts; "
                    + "ppi also empty with fewer than \(manifest["parameters.minimum_informative"] ?? "5") labelled "
                    + "posts positive by the labels or the coder (its interval would be too narrow: use human)."
            )
            return parts.joined(separator: " ")
        }

        func sideBySide(_ records: [EstimateRecord], withStratum: String?) -> (columns: [String], rows: [[Cell]]) {
            var byKey: [String: [String: EstimateRecord]] = [:]
            var keys: [(String, String)] = []
            for r in records {
                let key = r.stratum + "\u{1}" + r.category
                if byKey[key] == nil { keys.append((r.stratum, r.category)) }
                byKey[key, default: [:]][r.method] = r
            }
            keys.sort { ($0.0, rank($0.1)) < ($1.0, rank($1.1)) }
            var columns =
                (withStratum.map { [$0] } ?? []) + ["category", "n_posts", "naive", "naive_low", "naive_high"]
            if corrected {
                columns += ["ppi", "ppi_low", "ppi_high", "human", "human_low", "human_high", "n_labeled", "lambda"]
            }
            let rows: [[Cell]] = keys.map { stratum, category in
                let m = byKey[stratum + "\u{1}" + category]!
                let naive = m["naive"]
                var row: [Cell] =
                    (withStratum == nil ? [] : [.text(stratum)]) + [
                        .text(category), .int(naive?.unlabelled ?? 0), .number(naive?.estimate, places: 4),
                        .number(naive?.low, places: 4), .number(naive?.high, places: 4),
                    ]
                if corrected {
                    let ppi = m["ppi"], human = m["human"]
                    row += [
                        .number(ppi?.estimate, places: 4), .number(ppi?.low, places: 4), .number(ppi?.high, places: 4),
                        .number(human?.estimate, places: 4), .number(human?.low, places: 4),
                        .number(human?.high, places: 4),
                        .int(human?.labelled ?? 0), .number(ppi?.lambda, places: 4),
                    ]
                }
                return row
            }
            return (columns, rows)
        }

        let binWords = ["day": "day", "week": "week (Monday to Sunday)", "month": "month"][bin] ?? bin
        let specs: [(String, String, String, String?)] = [
            ("all", "prevalence_overall", "Prevalence of each category", nil),
            ("language", "prevalence_by_language", "Prevalence by language", "language"),
            ("platform", "prevalence_by_platform", "Prevalence by platform", "platform"),
            (bin, "prevalence_by_\(bin)", "Prevalence by \(binWords), UTC", bin),
        ]
        for (breakdown, name, title, stratumColumn) in specs {
            let records = try estimates(set: primary, breakdown: breakdown)
            let (columns, rows) = sideBySide(records, withStratum: stratumColumn)
            tables.append(
                ReportTable(name: name, title: title, caption: methodsCaption(records), columns: columns, rows: rows))
        }

        // Canonical posts only next to all posts, so the weight of campaign copies is visible.
        var withCopies: [[Cell]] = []
        for breakdown in ["all", "language"] {
            let canonical = try estimates(set: "canonical", breakdown: breakdown).filter { $0.method == "naive" }
            let all = Dictionary(
                uniqueKeysWithValues: try estimates(set: "all", breakdown: breakdown)
                    .filter { $0.method == "naive" }.map { ($0.stratum + "\u{1}" + $0.category, $0) })
            for c in canonical.sorted(by: { ($0.stratum, rank($0.category)) < ($1.stratum, rank($1.category)) }) {
                guard let a = all[c.stratum + "\u{1}" + c.category] else { continue }
                let difference = c.estimate.flatMap { x in a.estimate.map { $0 - x } }
                withCopies.append([
                    .text(c.stratum), .text(c.category), .int(c.unlabelled), .number(c.estimate, places: 4),
                    .number(c.low, places: 4), .number(c.high, places: 4), .int(a.unlabelled),
                    .number(a.estimate, places: 4), .number(a.low, places: 4), .number(a.high, places: 4),
                    .number(difference, places: 4),
                ])
            }
        }
        tables.append(
            ReportTable(
                name: "prevalence_with_duplicates", title: "Prevalence without and with duplicates",
                caption:
                    "Left: canonical posts only (one per duplicate cluster); right: all posts, copies, reposts and "
                    + "near-duplicates included. Same coder, gate and scope; n is each side's denominator; "
                    + "difference = share with duplicates minus share without. Uncorrected: the coder's own codes on "
                    + "both sides (the validation sample is drawn from canonical posts).",
                columns: [
                    "stratum", "category", "n_canonical", "share_canonical", "ci_low_canonical", "ci_high_canonical",
                    "n_all", "share_all", "ci_low_all", "ci_high_all", "difference",
                ],
                rows: withCopies))

        let setWords = primary == "canonical" ? "canonical posts" : "all posts (duplicates included)"
        let co = try db.query(
            """
            SELECT category_a, category_b, n, count_a, count_b, count_both, share_b_given_a, share_a_given_b, phi
            FROM aggregate_cooccurrence ORDER BY category_a, category_b
            """)
        tables.append(
            ReportTable(
                name: "cooccurrence", title: "Co-occurrence of categories",
                caption:
                    "Over the \(co.first?.int("n") ?? 0) \(setWords) coded \(gate). "
                    + "share_b_given_a = count_both / count_a; "
                    + "phi is the correlation of the two codes. Uncorrected: the coder's own codes.",
                columns: [
                    "category_a", "category_b", "n", "count_a", "count_b", "count_both", "share_b_given_a",
                    "share_a_given_b", "phi",
                ],
                rows: try co.map { r in
                    [
                        .text(try r.required(text: "category_a")), .text(try r.required(text: "category_b")),
                        .int(try r.required(int: "n")),
                        .int(try r.required(int: "count_a")), .int(try r.required(int: "count_b")),
                        .int(try r.required(int: "count_both")),
                        .number(r.double("share_b_given_a"), places: 4),
                        .number(r.double("share_a_given_b"), places: 4),
                        .number(r.double("phi"), places: 4),
                    ]
                }))

        let methodRank = ["naive": 0, "ppi": 1, "human": 2]
        let assoc = try db.query(
            """
            SELECT category_a, category_b, method, n_labeled, n_unlabeled, both_yes, a_only, b_only, neither,
                   odds_ratio, or_ci_low, or_ci_high, p_value, or_method, lambda
            FROM aggregate_association ORDER BY category_a, category_b, method
            """
        ).sorted { (x: Row, y: Row) -> Bool in
            let kx = (x.text("category_a") ?? "", x.text("category_b") ?? "", methodRank[x.text("method") ?? ""] ?? 9)
            let ky = (y.text("category_a") ?? "", y.text("category_b") ?? "", methodRank[y.text("method") ?? ""] ?? 9)
            return kx < ky
        }
        let hasPPI = assoc.contains { $0.text("method") == "ppi" }
        tables.append(
            ReportTable(
                name: "association", title: "Association between chosen pairs",
                caption:
                    "Odds ratio of b given a among posts coded \(gate). naive: the coder's 2x2 table over \(setWords) "
                    + "(Woolf 95% interval; woolf+0.5: a zero cell, 0.5 added to every cell; "
                    + "p from Pearson's chi-square, 1 df). "
                    + (hasPPI
                        ? "ppi: PPI++ logistic regression of b on a, weighted by the gate "
                            + "(coder on every post, corrected with "
                            + "the labelled posts; Wald interval and p). human: the labelled posts' own table."
                        : uncorrected),
                columns: [
                    "category_a", "category_b", "method", "n_labeled", "n_unlabeled", "both", "a_only", "b_only",
                    "neither",
                    "odds_ratio", "or_ci_low", "or_ci_high", "p_value", "or_method", "lambda",
                ],
                rows: try assoc.map { r in
                    [
                        .text(try r.required(text: "category_a")), .text(try r.required(text: "category_b")),
                        .text(try r.required(text: "method")), .int(try r.required(int: "n_labeled")),
                        .int(try r.required(int: "n_unlabeled")),
                        .optionalInt(r.int("both_yes")), .optionalInt(r.int("a_only")), .optionalInt(r.int("b_only")),
                        .optionalInt(r.int("neither")), .number(r.double("odds_ratio"), places: 4),
                        .number(r.double("or_ci_low"), places: 4),
                        .number(r.double("or_ci_high"), places: 4), .pValue(r.double("p_value")),
                        .text(r.text("or_method") ?? ""),
                        .number(r.double("lambda"), places: 4),
                    ]
                }))

        let published = try db.query(
            """
            SELECT category, published_text, source, published_share, published_scope, our_scope, n, n_labeled,
                   naive_share, naive_ci_low, naive_ci_high, ppi_share, ppi_ci_low, ppi_ci_high
            FROM aggregate_published ORDER BY category
            """)
        func inside(_ r: Row, _ prefix: String) -> String {
            guard let low = r.double("\(prefix)_ci_low"), let high = r.double("\(prefix)_ci_high"),
                let value = r.double("published_share")
            else { return "" }
            return low <= value && value <= high ? "yes" : "no"
        }
        tables.append(
            ReportTable(
                name: "published_comparison", title: "Our estimates next to the published figures",
                caption:
                    "Ours: share of posts coded \(gate), on the published scope (platform and dates) "
                    + "when the data has it, else on all posts in scope (our_scope says which). "
                    + "naive: the coder alone (uncorrected, Wilson 95%); ppi: PPI++ (empty without a validation "
                    + "sample). inside = the published figure lies inside that interval.",
                columns: [
                    "category", "published", "source", "published_share", "published_scope", "our_scope", "n", "naive",
                    "naive_low", "naive_high", "inside_naive", "ppi", "ppi_low", "ppi_high", "inside_ppi", "n_labeled",
                ],
                rows: try published.map { r in
                    [
                        .text(try r.required(text: "category")), .text(try r.required(text: "published_text")),
                        .text(try r.required(text: "source")), .number(r.double("published_share"), places: 2),
                        .text(try r.required(text: "published_scope")), .text(try r.required(text: "our_scope")),
                        .int(try r.required(int: "n")), .number(r.double("naive_share"), places: 4),
                        .number(r.double("naive_ci_low"), places: 4), .number(r.double("naive_ci_high"), places: 4),
                        .text(inside(r, "naive")), .number(r.double("ppi_share"), places: 4),
                        .number(r.double("ppi_ci_low"), places: 4),
                        .number(r.double("ppi_ci_high"), places: 4), .text(inside(r, "ppi")),
                        .int(try r.required(int: "n_labeled")),
                    ]
                }))
        return tables
    }

    // MARK: Writing files

    /// Writes the chosen formats under `directory` (csv/, md/, tex/, json/, charts/) and returns the files written.
    @discardableResult
    public func export(
        to directory: String, formats: [TableFormat], charts: Bool, events: [Event] = Event.keep4o,
        languageLimit: Int = 8
    ) throws -> [String] {
        let manifest = try manifest()
        let tables = try tables()
        var written: [String] = []
        let fm = FileManager.default
        func write(_ relative: String, _ text: String) throws {
            let path = (directory as NSString).appendingPathComponent(relative)
            try fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
                throw InputError(file: path, line: nil, reason: "cannot write: \(error.localizedDescription)")
            }
            written.append(path)
        }
        let trace =
            "aggregate \(manifest["tool_version"] ?? "") | coder \(manifest["coder"] ?? "") | "
            + "codebook \(manifest["codebook"] ?? "") "
            + "\(manifest["codebook_fingerprint"]?.prefix(12) ?? "") | "
            + "data \(manifest["inputs.data_fingerprint"]?.prefix(12) ?? "")"
        for format in formats {
            switch format {
            case .csv:
                for table in tables {
                    let path = (directory as NSString).appendingPathComponent("csv/\(table.name).csv")
                    try fm.createDirectory(
                        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try TableWriter.csv(table, to: path)
                    written.append(path)
                }
            case .md:
                var text = "# Tables of the #keep4o study\n\nMade by \(trace). Full manifest: `json/manifest.json`.\n\n"
                for table in tables { text += TableWriter.markdown(table) }
                try write("md/tables.md", text)
            case .tex:
                for table in tables {
                    try write("tex/\(table.name).tex", "% Made by \(trace)\n" + TableWriter.latex(table))
                }
            case .json:
                for table in tables {
                    try write("json/\(table.name).json", TableWriter.json(table, manifest: manifest))
                }
                try write("json/manifest.json", JSONText.object(manifest, indent: "") + "\n")
            }
        }
        if charts {
            try write("charts/prevalence_by_language.svg", try languageChart(limit: languageLimit))
            try write("charts/timeline.svg", try timelineChart(events: events))
            if let chart = try correctedChart() { try write("charts/prevalence_corrected.svg", chart) }
        }
        return written
    }

    // MARK: Charts

    /// Naive, PPI++ and labels-alone shares of every category side by side, when there is a validation sample.
    func correctedChart() throws -> String? {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        let records = try estimates(set: primary, breakdown: "all")
        guard records.contains(where: { $0.method == "ppi" && $0.estimate != nil }) else { return nil }
        let categories = order.filter { $0.value > 0 }.sorted { $0.value < $1.value }.map(\.key)
        let series = [("naive", "coder alone (uncorrected)"), ("ppi", "PPI++ (corrected)"), ("human", "labels alone")]
        var byKey: [String: EstimateRecord] = [:]
        for r in records { byKey[r.category + "\u{1}" + r.method] = r }
        let groups = categories.map { category in
            SVGChart.BarGroup(
                label: category,
                bars: series.map { method, _ in
                    let r = byKey[category + "\u{1}" + method]
                    return SVGChart.Bar(series: method, value: r?.estimate, low: r?.low, high: r?.high)
                })
        }
        return SVGChart.groupedBars(
            title: "Share of \(manifest["gate"] ?? "relevant") posts: the coder alone and corrected",
            subtitle: "95% intervals; \(manifest["validation_sample"].map { "validation sample '\($0)', " } ?? "")"
                + "\(manifest["inputs.labelled_posts_in_scope"] ?? "0") labelled posts; "
                + "\(primary == "canonical" ? "canonical posts" : "all posts")",
            groups: groups, series: series.map(\.0), legend: series.map(\.1))
    }

    func languageChart(limit: Int) throws -> String {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        let rows = try estimates(set: primary, breakdown: "language").filter { $0.method == "naive" }
        // Languages with the most relevant posts, largest first (ties by code).
        var relevantByLanguage: [String: Int] = [:]
        for r in rows where order[r.category] == 1 { relevantByLanguage[r.stratum] = r.unlabelled }
        let languages = relevantByLanguage.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map(\.key)
        let categories = order.filter { $0.value > 0 }.sorted { $0.value < $1.value }.map(\.key)
        var values: [String: [String: (Double, Double, Double)]] = [:]
        for r in rows {
            if let s = r.estimate, let lo = r.low, let hi = r.high {
                values[r.category, default: [:]][r.stratum] = (s, lo, hi)
            }
        }
        let groups = categories.map { category in
            SVGChart.BarGroup(
                label: category,
                bars: languages.map { language in
                    let v = values[category]?[language]
                    return SVGChart.Bar(series: language, value: v?.0, low: v?.1, high: v?.2)
                })
        }
        let legend = languages.map { "\($0) (n=\(relevantByLanguage[$0]!))" }
        let omitted = relevantByLanguage.count - languages.count
        return SVGChart.groupedBars(
            title: "Share of relevant posts by category and language (uncorrected)",
            subtitle:
                "The coder alone, Wilson 95% intervals; \(primary == "canonical" ? "canonical posts" : "all posts")"
                + (omitted > 0 ? "; \(omitted) smaller language\(omitted == 1 ? "" : "s") not shown" : ""),
            groups: groups, series: languages, legend: legend)
    }

    /// Shares are drawn only for bins with at least `minimumPosts` relevant posts: in quieter bins a
    /// share swings between 0 and 1 and says nothing.
    func timelineChart(events: [Event], minimumPosts: Int = 20) throws -> String {
        let manifest = try manifest()
        let order = categoryOrder(manifest)
        let primary = manifest["primary_posts_set"] ?? "canonical"
        let bin = TimeBin(rawValue: manifest["time_bin"] ?? "day") ?? .day
        let rows = try estimates(set: primary, breakdown: bin.rawValue).filter { $0.method == "naive" }
        let days = Array(Set(rows.map(\.stratum))).sorted()
        var relevant = [Int](repeating: 0, count: days.count)
        let dayIndex = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        // The four most prevalent non-gate categories overall, as lines.
        let overall = try estimates(set: primary, breakdown: "all").filter { $0.method == "naive" }
        let top = overall.filter { (order[$0.category] ?? 0) > 0 }
            .sorted { ($1.estimate ?? 0, $0.category) < ($0.estimate ?? 0, $1.category) }.prefix(4).map(\.category)
        var lines: [String: [(Double?, Double?, Double?)]] = [:]
        for c in top { lines[c] = Array(repeating: (nil, nil, nil), count: days.count) }
        for r in rows {
            let d = dayIndex[r.stratum]!
            if order[r.category] == 0 { relevant[d] = r.count ?? 0 }
            if lines[r.category] != nil && r.unlabelled >= minimumPosts {
                lines[r.category]![d] = (r.estimate, r.low, r.high)
            }
        }
        let binEnd = days.last.flatMap(parseUTCDay).map { TimeBin.label(bin.next(after: $0)) }
        let unit = ["day": "day", "week": "week", "month": "month"][bin.rawValue] ?? "day"
        return SVGChart.timeline(
            title: "Relevant posts per \(unit) and share of the main categories (uncorrected)",
            subtitle:
                "UTC \(unit)s (labelled by their first day), "
                + "\(primary == "canonical" ? "canonical posts" : "all posts"); "
                + "the coder alone; shares where at least \(minimumPosts) relevant posts; "
                + "shaded bands: Wilson 95% intervals",
            days: days, counts: relevant, lines: top.map { ($0, lines[$0]!) }, events: events, binEnd: binEnd)
    }
}
