import Foundation

/// The validation sample `aggregate` corrects the coder with: which posts were drawn, with what
/// chance, and the reference labels they have.
public struct ValidationSample: Sendable {
    public let name: String
    public let purpose: String
    public let strategy: String
    public let design: PPI.Design
    public let codebookFingerprint: String
    /// Posts of the sample: design weight (1 / inclusion probability) and stratum index.
    public var drawn: [Int64: (weight: Double, stratum: Int)]
    /// Reference labels of the sample's labelled posts: bit i set when category i (gate first) is 1.
    public var labels: [Int64: UInt64]
    public var notes: [String]

    /// Posts drawn that have no reference label yet (they count as unlabelled).
    public var unlabelledCount: Int { drawn.count - labels.count }

    /// The sample named, else the most recent one drawn with `--purpose validation`; nil when there
    /// is none. A training sample is accepted only when every post's inclusion probability is
    /// stored and it was drawn from every post (not `--relevant-only`), and the notes say so.
    public static func load(_ db: Database, name: String?, referenceCoder: String, categories: [String]) throws
        -> ValidationSample?
    {
        let row: Row?
        if let name {
            row = try db.query(
                "SELECT sample_id, name, purpose, strategy, parameters, codebook_fingerprint "
                    + "FROM samples WHERE name = ?",
                [.text(name)]
            ).first
            guard row != nil else {
                let known = try db.query("SELECT name FROM samples ORDER BY sample_id").compactMap { $0.text("name") }
                throw StudyError(
                    "--validation-sample: no sample named '\(name)'"
                        + (known.isEmpty
                            ? "; draw one with `annotate sample --purpose validation`"
                            : " (samples: \(known.joined(separator: ", ")))"))
            }
        } else {
            row = try db.query(
                """
                SELECT sample_id, name, purpose, strategy, parameters, codebook_fingerprint FROM samples
                WHERE purpose = 'validation' ORDER BY sample_id DESC LIMIT 1
                """
            ).first
        }
        guard let row else { return nil }
        let sampleID = try row.required(int64: "sample_id")
        let sampleName = try row.required(text: "name")
        let purpose = try row.required(text: "purpose"), strategy = try row.required(text: "strategy")
        var notes: [String] = []
        let unknown =
            try db.scalarInt(
                "SELECT count(*) FROM sample_posts WHERE sample_id = ? AND inclusion_probability IS NULL",
                [.int(sampleID)]) ?? 0
        let parameters =
            (try? JSONSerialization.jsonObject(with: Data(try row.required(text: "parameters").utf8)))
            as? [String: String] ?? [:]
        if unknown > 0 {
            throw StudyError(
                "sample '\(sampleName)' (\(purpose), \(strategy)) has \(unknown) posts whose chance of being drawn "
                    + "is unknown, so it cannot correct the coder; draw one with `annotate sample --purpose validation`"
            )
        }
        if parameters["relevant_only"] == "true" {
            throw StudyError(
                "sample '\(sampleName)' was drawn with --relevant-only: posts the coder called irrelevant had no "
                    + "chance, so it cannot correct the coder; draw one with `annotate sample --purpose validation`")
        }
        if purpose != "validation" {
            notes.append(
                "validation sample '\(sampleName)' was drawn for \(purpose) (\(strategy)); its inclusion probabilities "
                    + "are stored, so it is used with inverse-probability weights")
        }
        var drawn: [Int64: (Double, Int)] = [:]
        var strata: [String: Int] = [:]
        try db.forEachRow(
            "SELECT post_id, stratum, inclusion_probability FROM sample_posts WHERE sample_id = ? ORDER BY post_id",
            [.int(sampleID)]
        ) { r in
            let stratum = try r.required(text: "stratum")
            let index = strata[stratum] ?? strata.count
            strata[stratum] = index
            drawn[try r.required(int64: "post_id")] = (1 / (try r.required(double: "inclusion_probability")), index)
        }
        let design: PPI.Design =
            strategy == SampleStrategy.random.rawValue || strata.count <= 1 ? .simpleRandom : .stratified
        let bit = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var labels: [Int64: UInt64] = [:]
        var hasGate: Set<Int64> = []
        // A post is labelled when the reference coded its gate; its other categories default to 0.
        try db.forEachRow(
            """
            SELECT c.post_id, c.category, c.value FROM codings c
            JOIN sample_posts s ON s.post_id = c.post_id AND s.sample_id = ?
            WHERE c.coder = ?
            """, [.int(sampleID), .text(referenceCoder)]
        ) { r in
            guard let category = r.text("category"), let i = bit[category] else { return }
            let post = try r.required(int64: "post_id")
            if i == 0 { hasGate.insert(post) }
            if try r.required(int: "value") != 0 {
                labels[post, default: 0] |= 1 << UInt64(i)
            } else {
                labels[post, default: 0] |= 0
            }
        }
        labels = labels.filter { hasGate.contains($0.key) }
        if labels.isEmpty {
            notes.append(
                "validation sample '\(sampleName)' has no labels by '\(referenceCoder)' yet: estimates are uncorrected "
                    + "(code it with `annotate code`, settle with `annotate adjudicate`, or name --reference-coder)")
        }
        return ValidationSample(
            name: sampleName, purpose: purpose, strategy: strategy, design: design,
            codebookFingerprint: try row.required(text: "codebook_fingerprint"),
            drawn: drawn, labels: labels, notes: notes)
    }
}
