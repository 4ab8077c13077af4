import Foundation

/// `annotate sample --purpose training --strategy uncertain`: active learning. The next posts to
/// label are those the supervised coder is least sure of: for each canonical post, the smallest
/// distance, over the categories the coder has a model for, between its calibrated probability
/// and that category's decision threshold (both in the codings' evidence). Posts already labelled
/// by a person, or already in another sample, are left out. Ties go by the seeded key, so the
/// same coder, seed and study give the same sample. Nobody knows a post's chance of being drawn:
/// inclusion probabilities are stored as NULL and the sample can never validate a coder.
enum UncertaintySampling {
    static func draw(
        _ db: Database, _ options: SampleOptions, codebook: StoredCodebook,
        parameters: [String: String]
    ) throws -> SampleSummary {
        let coder = try supervisedCoder(db, options.autoCoder)
        // Per post: the smallest |p − threshold| over the categories decided by a model.
        var margin: [Int64: Double] = [:]
        try db.forEachRow(
            """
            SELECT c.post_id, c.confidence, json_extract(e.value, '$.threshold') AS threshold
            FROM codings c, json_each(c.evidence) e
            WHERE c.coder = ? AND json_extract(e.value, '$.threshold') IS NOT NULL
            """, [.text(coder)]
        ) { row in
            guard let p = row.double("confidence"), let threshold = row.double("threshold") else { return }
            let id = try row.required(int64: "post_id")
            margin[id] = min(margin[id] ?? .infinity, abs(p - threshold))
        }
        guard !margin.isEmpty else {
            throw AnnotateError(
                "the codings of \(coder) carry no probabilities with thresholds: code with a model of "
                    + "`code train` (`code --model FILE`) first")
        }
        var candidates: [(postID: Int64, margin: Double, key: UInt64)] = []
        try db.forEachRow(
            """
            SELECT p.post_id, p.platform, p.external_id FROM posts p
            JOIN post_clusters c ON c.post_id = p.post_id AND c.canonical_post_id = p.post_id
            WHERE NOT EXISTS (SELECT 1 FROM sample_posts s WHERE s.post_id = p.post_id)
              AND NOT EXISTS (SELECT 1 FROM codings h WHERE h.post_id = p.post_id
                              AND (h.coder LIKE 'human:%' OR h.coder = 'adjudicated'))
            ORDER BY p.post_id
            """
        ) { row in
            let id = try row.required(int64: "post_id")
            guard let m = margin[id] else { return }
            let key = mixedKey(
                options.seed ^ fnv1a64("\(try row.required(text: "platform")):\(try row.required(text: "external_id"))")
            )
            candidates.append((id, m, key))
        }
        guard !candidates.isEmpty else {
            throw AnnotateError("no canonical post coded by \(coder) is left unlabelled and outside the other samples")
        }
        candidates.sort { ($0.margin, $0.key) < ($1.margin, $1.key) }
        let drawn = Array(candidates.prefix(options.size))
        var parameters = parameters
        parameters["auto_coder"] = coder
        // Weight 1 and no inclusion probability: this sample stands for no population.
        let rows = drawn.map {
            Sampler.DrawnPost(
                postID: $0.postID, stratum: "uncertain|margin=\(String(format: "%.3f", $0.margin))",
                stratumPopulation: candidates.count, stratumSampled: drawn.count, weight: 1,
                inclusionProbability: nil)
        }
        return try Sampler.store(
            db, options, codebook: codebook, parameters: parameters, strategy: .uncertain,
            population: candidates.count, drawn: rows)
    }

    /// The supervised coder named, or the only one with codings.
    static func supervisedCoder(_ db: Database, _ given: String?) throws -> String {
        var coders: [String] = []
        try db.forEachRow("SELECT DISTINCT coder FROM codings WHERE coder LIKE 'supervised:%' ORDER BY coder") { row in
            coders.append(try row.required(text: "coder"))
        }
        if let given {
            guard coders.contains(given) else {
                throw AnnotateError(
                    "no codings by '\(given)'; supervised coders present: "
                        + (coders.isEmpty
                            ? "none (run `code train` and `code --model FILE`)" : coders.joined(separator: ", ")))
            }
            return given
        }
        guard coders.count == 1 else {
            throw AnnotateError(
                coders.isEmpty
                    ? "--strategy uncertain needs a supervised coder's codings: "
                        + "run `code train` and `code --model FILE` first"
                    : "several supervised coders (\(coders.joined(separator: ", "))): choose one with --auto-coder")
        }
        return coders[0]
    }
}
