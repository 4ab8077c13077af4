import Foundation

/// How well each automated coder matches a reference coder (normally 'adjudicated'): per category
/// precision, recall, F1, Cohen's kappa and the confusion counts, plus '*' (micro-average).
public struct ValidationRow: Sendable, Equatable {
    public var coder: String
    public var category: String
    public var tp = 0, fp = 0, fn = 0, tn = 0

    public var units: Int { tp + fp + fn + tn }
    public var precision: Double { tp + fp == 0 ? .nan : Double(tp) / Double(tp + fp) }
    public var recall: Double { tp + fn == 0 ? .nan : Double(tp) / Double(tp + fn) }
    public var f1: Double { 2 * tp + fp + fn == 0 ? .nan : Double(2 * tp) / Double(2 * tp + fp + fn) }
    /// Rows: automated coder (present, absent); columns: reference.
    public var kappa: Double { Agreement.cohensKappa(table: [[tp, fp], [fn, tn]]) }
}

public enum Validation {
    /// Per automated coder and category, the confusion counts against the reference. Posts whose
    /// adjudication is stale (a coder changed their coding after it was settled) are left out when
    /// the reference is 'adjudicated': `staleLeftOut` says how many.
    public static func compute(
        _ db: Database, reference: String, sample: SampleRef? = nil,
        coders requested: [String] = []
    ) throws -> [ValidationRow] {
        try computeReport(db, reference: reference, sample: sample, coders: requested).rows
    }

    public static func computeReport(
        _ db: Database, reference: String, sample: SampleRef? = nil,
        coders requested: [String] = []
    )
        throws -> (rows: [ValidationRow], staleLeftOut: Int)
    {
        try requireTables(db, ["codings": "code"])
        let reference = referenceID(reference)
        guard try db.scalarInt("SELECT count(*) FROM codings WHERE coder = ?", [.text(reference)]) ?? 0 > 0 else {
            throw AnnotateError(
                "no codings by the reference coder '\(reference)'; run `annotate adjudicate` (or name a human coder)")
        }
        let coders = try automatedCoders(db, requested)
        let stale = reference == HumanCoder.adjudicated ? try Adjudication.stalePosts(db) : [:]
        var staleSeen = Set<Int64>()
        var sql = """
            SELECT r.post_id, r.category, a.value AS coder_value, r.value AS reference_value FROM codings r
            JOIN codings a ON a.post_id = r.post_id AND a.category = r.category AND a.coder = ?2
            WHERE r.coder = ?1
            """
        if sample != nil { sql += " AND r.post_id IN (SELECT post_id FROM sample_posts WHERE sample_id = ?3)" }
        var rows: [ValidationRow] = []
        for coder in coders {
            var values: [SQLValue] = [.text(reference), .text(coder)]
            if let sample { values.append(.int(sample.id)) }
            var byCategory: [String: ValidationRow] = [:]
            try db.forEachRow(sql, values) { row in
                let post = try row.required(int64: "post_id")
                if stale[post] != nil {
                    staleSeen.insert(post)
                    return
                }
                let category = try row.required(text: "category")
                var v = byCategory[category] ?? ValidationRow(coder: coder, category: category)
                switch (try row.required(int: "coder_value"), try row.required(int: "reference_value")) {
                case (1, 1): v.tp += 1
                case (1, 0): v.fp += 1
                case (0, 1): v.fn += 1
                default: v.tn += 1
                }
                byCategory[category] = v
            }
            let ordered = byCategory.values.sorted { $0.category < $1.category }
            guard !ordered.isEmpty else { continue }
            var micro = ValidationRow(coder: coder, category: "*")
            for r in ordered {
                micro.tp += r.tp
                micro.fp += r.fp
                micro.fn += r.fn
                micro.tn += r.tn
            }
            rows += ordered + [micro]
        }
        return (rows, staleSeen.count)
    }

    public static func store(_ db: Database, rows: [ValidationRow], reference: String, parameters: [String: String])
        throws
    {
        let run = try StageRun.begin(db, stage: "annotate-validate", parameters: parameters)
        try db.transaction {
            try db.run("DELETE FROM validation_confusion WHERE reference_coder = ?", [.text(reference)])
            for r in rows {
                try db.run(
                    """
                    INSERT INTO validation_confusion(coder, reference_coder, category, units, tp, fp, fn, tn, precision,
                                                     recall, f1, kappa, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(r.coder), .text(reference), .text(r.category), .from(r.units), .from(r.tp), .from(r.fp),
                        .from(r.fn),
                        .from(r.tn), finite(r.precision), finite(r.recall), finite(r.f1), finite(r.kappa), .int(run.id),
                    ])
            }
            try run.finish(rowsIn: rows.count, rowsOut: rows.count, rejects: 0)
        }
    }

    public static func render(_ rows: [ValidationRow], reference: String) -> String {
        func f(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "  -  " }
        var out = "Automated coding against '\(reference)'\n\n"
        var lastCoder = ""
        for r in rows {
            if r.coder != lastCoder {
                out +=
                    "\(r.coder)\n" + pad("  category", toWidth: 28)
                    + " units    tp    fp    fn    tn  precision  recall     F1  kappa\n"
                lastCoder = r.coder
            }
            out +=
                pad("  " + (r.category == "*" ? "(all, micro)" : r.category), toWidth: 28)
                + String(format: " %5d %5d %5d %5d %5d", r.units, r.tp, r.fp, r.fn, r.tn)
                + "      \(f(r.precision))   \(f(r.recall))  \(f(r.f1))  \(f(r.kappa))\n"
        }
        return out
    }
}
