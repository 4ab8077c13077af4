import Foundation

/// Warnings `aggregate` prints and records in the manifest (`warnings.<key>`) when its inputs do not
/// fit together: posts the coder has not coded, codings older than the posts, clusters or languages
/// they were made from, reference labels made with another codebook.
enum Freshness {
    struct Warning {
        let key: String
        let message: String
    }

    static func warnings(
        _ db: Database, coder: String, codebook: Aggregator.CodebookInfo?, validation: ValidationSample?,
        data: Aggregator.Loaded, scope: Aggregator.Scope
    ) throws -> [Warning] {
        var result: [Warning] = []
        // Posts in scope but for being coded: a stage after `code` added posts, or code ran on a subset.
        var uncoded = (canonical: 0, copies: 0)
        for post in data.posts where post.exists && !post.coded {
            var asIfCoded = post
            asIfCoded.coded = true
            guard scope.includes(asIfCoded) else { continue }
            if post.canonical { uncoded.canonical += 1 } else { uncoded.copies += 1 }
        }
        if uncoded.canonical + uncoded.copies > 0 {
            result.append(
                Warning(
                    key: "missing_codings",
                    message:
                        "\(uncoded.canonical) canonical posts and \(uncoded.copies) copies in scope "
                        + "have no codings by \(coder) and are left out: re-run `code` (make re-codes)"))
        }
        // Codings older than an upstream run: run ids grow with time, so compare the newest coding
        // run of the coder with the newest completed ingest, dedupe and language-detect runs.
        if let coded = try db.scalarInt("SELECT max(run_id) AS run_id FROM codings WHERE coder = ?", [.text(coder)]) {
            let newer = try db.query(
                """
                SELECT stage, max(run_id) AS run_id FROM runs
                WHERE stage IN ('ingest', 'dedupe', 'language-detect') AND status = 'completed' AND run_id > ?
                GROUP BY stage ORDER BY stage
                """, [.from(coded)]
            ).compactMap { $0.text("stage") }
            if !newer.isEmpty {
                result.append(
                    Warning(
                        key: "stale_codings",
                        message:
                            "the codings of \(coder) are older than the last \(newer.joined(separator: ", ")) run: "
                            + "re-run `code` (make re-codes), then aggregate"))
            }
        }
        if let validation, let fingerprint = codebook?.fingerprint, !fingerprint.isEmpty,
            validation.codebookFingerprint != fingerprint
        {
            result.append(
                Warning(
                    key: "reference_codebook",
                    message:
                        "the reference labels of validation sample '\(validation.name)' were made with codebook "
                        + "\(validation.codebookFingerprint.prefix(12)), the coder with \(fingerprint.prefix(12)): "
                        + "the categories may not mean the same; draw and label a new validation sample"))
        }
        return result
    }
}
