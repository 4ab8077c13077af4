import Foundation

/// Agreement between the human coders of one sample, per category and pooled over categories.
public struct AgreementReport: Sendable {
    public struct CategoryResult: Sendable {
        public var category: String
        public var units: Int
        public var estimates: [AgreementStatistic: Estimate]
    }
    public struct Disagreement: Sendable, Equatable {
        public var postID: Int64
        public var category: String
        public var votes: [String: Int]  // coder → 0/1
    }

    public var sample: String
    public var coders: [String]
    public var results: [CategoryResult]  // categories in codebook order, then '*'
    public var disagreements: [Disagreement]

    /// Builds the unit × coder matrices from `codings` (coded posts only; skipped and unseen posts
    /// are missing data) and computes every statistic with a bootstrap interval.
    public static func compute(
        _ db: Database, sample: SampleRef, coders requested: [String] = [],
        bootstrap: Bootstrap = Bootstrap()
    ) throws -> AgreementReport {
        let scheme = try annotationCategories(from: StoredCodebook.load(db, fingerprint: sample.codebookFingerprint))
        var coders = requested.map(HumanCoder.id)
        if coders.isEmpty {
            coders = try db.query(
                """
                SELECT DISTINCT coder FROM annotation_progress
                WHERE sample_id = ? AND status = 'coded' AND coder LIKE 'human:%' ORDER BY coder
                """, [.int(sample.id)]
            ).compactMap { $0.text("coder") }
        }
        guard coders.count >= 2 else {
            throw AnnotateError(
                "sample '\(sample.name)' has \(coders.count) human coder(s) with coded posts; "
                    + "agreement needs at least two"
            )
        }
        let posts = try db.query(
            "SELECT post_id FROM sample_posts WHERE sample_id = ? ORDER BY position",
            [.int(sample.id)]
        ).map { try $0.required(int64: "post_id") }
        // values[coder][post][category]
        var values: [String: [Int64: [String: Int]]] = [:]
        for coder in coders {
            for row in try db.query(
                """
                SELECT c.post_id, c.category, c.value FROM codings c JOIN annotation_progress a
                  ON a.sample_id = ? AND a.coder = c.coder AND a.post_id = c.post_id AND a.status = 'coded'
                WHERE c.coder = ?
                """, [.int(sample.id), .text(coder)])
            {
                let post = try row.required(int64: "post_id"), category = try row.required(text: "category")
                values[coder, default: [:]][post, default: [:]][category] = try row.required(int: "value")
            }
        }
        var results: [CategoryResult] = []
        var disagreements: [Disagreement] = []
        var pooled: [[Int?]] = []
        for category in scheme.categoryIDs {
            var ratings: [[Int?]] = []
            for post in posts {
                let unit = coders.map { values[$0]?[post]?[category] }
                ratings.append(unit)
                let given = unit.compactMap { $0 }
                if given.count >= 2, Set(given).count > 1 {
                    var votes: [String: Int] = [:]
                    for (coder, v) in zip(coders, unit) where v != nil { votes[coder] = v }
                    disagreements.append(Disagreement(postID: post, category: category, votes: votes))
                }
            }
            pooled += ratings
            let matrix = RatingMatrix(ratings: ratings, categories: [0, 1])
            results.append(
                CategoryResult(
                    category: category, units: matrix.pairableUnitCount,
                    estimates: bootstrap.estimates(matrix, statistics: statistics(coders.count))))
        }
        let all = RatingMatrix(ratings: pooled, categories: [0, 1])
        results.append(
            CategoryResult(
                category: "*", units: all.pairableUnitCount,
                estimates: bootstrap.estimates(all, statistics: statistics(coders.count))))
        return AgreementReport(sample: sample.name, coders: coders, results: results, disagreements: disagreements)
    }

    static func statistics(_ coderCount: Int) -> [AgreementStatistic] {
        AgreementStatistic.allCases.filter { $0 != .cohensKappa || coderCount == 2 }
    }

    /// Stores the results (replacing the sample's previous ones) with a run.
    public func store(_ db: Database, sample: SampleRef, parameters: [String: String]) throws {
        let run = try StageRun.begin(db, stage: "annotate-agreement", parameters: parameters)
        try db.transaction {
            try db.run("DELETE FROM agreement_results WHERE sample_id = ?", [.int(sample.id)])
            var rows = 0
            for result in results {
                for (statistic, e) in result.estimates {
                    try db.run(
                        """
                        INSERT INTO agreement_results(sample_id, category, statistic, value, ci_low, ci_high, units,
                                                      coders, run_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .int(sample.id), .text(result.category), .text(statistic.rawValue), finite(e.value),
                            finite(e.low),
                            finite(e.high), .from(result.units), .from(coders.count), .int(run.id),
                        ])
                    rows += 1
                }
            }
            try run.finish(rowsIn: results.count, rowsOut: rows, rejects: 0)
        }
    }

    /// A plain-text table: one line per category, flags for alpha under 0.8 (tentative) and 0.667 (unreliable).
    public func render() -> String {
        let shown = AgreementReport.statistics(coders.count)
        var out =
            "Agreement on sample '\(sample)' between \(coders.joined(separator: ", ")) "
            + "(95% bootstrap intervals over posts)\n\n"
        let nameWidth = max(10, results.map { displayWidth($0.category) }.max() ?? 10)
        out +=
            pad("category", toWidth: nameWidth) + "  units" + shown.map { "  " + pad($0.label, toWidth: 20) }.joined()
            + "  flag\n"
        for result in results {
            var line =
                pad(result.category == "*" ? "(all)" : result.category, toWidth: nameWidth)
                + String(format: "  %5d", result.units)
            for statistic in shown {
                line += "  " + pad(format(result.estimates[statistic]!), toWidth: 20)
            }
            let alpha = result.estimates[.krippendorffAlpha]!.value
            line +=
                "  "
                + (alpha.isNaN
                    ? "alpha undefined"
                    : alpha < 0.667 ? "alpha < 0.667: unreliable" : alpha < 0.8 ? "alpha < 0.8: tentative" : "")
            out += line.trimmingCharacters(in: .whitespaces) + "\n"
        }
        out += "\nDisagreements (\(disagreements.count)):\n"
        for d in disagreements {
            out +=
                "  post \(d.postID)  \(d.category)  "
                + d.votes.sorted { $0.key < $1.key }.map {
                    "\($0.key.replacingOccurrences(of: "human:", with: ""))=\($0.value)"
                }.joined(separator: " ") + "\n"
        }
        return out
    }

    /// The disagreements for a team meeting: one row per post and category, each coder's value and
    /// note, and the post's text (libcsv quoting).
    public func disagreementsCSV(_ db: Database, sample: SampleRef) throws -> String {
        let names = coders.map { $0.hasPrefix("human:") ? String($0.dropFirst("human:".count)) : $0 }
        var rows = CSVRows(
            header: ["post_id", "platform", "language", "created_at", "category"] + names
                + names.map { "\($0)_note" } + ["text"])
        let posts = Set(disagreements.map(\.postID))
        var info: [Int64: Row] = [:]
        let language = try PostContext.languageSQL(db)
        try db.forEachRow(
            """
            SELECT p.post_id, p.platform, \(language) AS language, p.created_at, p.text
            FROM sample_posts s JOIN posts p ON p.post_id = s.post_id WHERE s.sample_id = ?
            """, [.int(sample.id)]
        ) { row in
            let post = try row.required(int64: "post_id")
            if posts.contains(post) { info[post] = row }
        }
        var notes: [Int64: [String: String]] = [:]
        try db.forEachRow(
            "SELECT post_id, coder, note FROM annotation_notes WHERE sample_id = ?",
            [.int(sample.id)]
        ) { row in
            notes[try row.required(int64: "post_id"), default: [:]][try row.required(text: "coder")] = row.text("note")
        }
        for d in disagreements {
            guard let post = info[d.postID] else { continue }
            var fields: [CSVRows.Field] = [
                .int(d.postID), .text(try post.required(text: "platform")),
                .text(try post.required(text: "language")),
                .text(try post.required(text: "created_at")), .text(d.category),
            ]
            fields += coders.map { coder in d.votes[coder].map { .int(Int64($0)) } ?? .empty }
            fields += coders.map { coder in notes[d.postID]?[coder].map(CSVRows.Field.text) ?? .empty }
            fields.append(.text(try post.required(text: "text")))
            rows.append(fields)
        }
        return rows.text
    }

    func format(_ e: Estimate) -> String {
        guard e.value.isFinite else { return "undefined" }
        let interval = e.low.isFinite ? String(format: " [%.2f,%.2f]", e.low, e.high) : " [-]"
        return String(format: "%.3f", e.value) + interval
    }
}

func finite(_ value: Double) -> SQLValue { value.isFinite ? .double(value) : .null }
