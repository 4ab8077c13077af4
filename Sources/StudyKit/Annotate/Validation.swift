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
    public static func compute(_ db: Database, reference: String, sample: SampleRef? = nil, coders requested: [String] = []) throws -> [ValidationRow] {
        try requireTables(db, ["codings": "code"])
        let reference = reference == HumanCoder.adjudicated || reference.contains(":") ? reference : HumanCoder.id(reference)
        let scope = sample == nil ? "" : "AND r.post_id IN (SELECT post_id FROM sample_posts WHERE sample_id = ?)"
        var coders = requested
        if coders.isEmpty {
            coders = try db.query("SELECT DISTINCT coder FROM codings WHERE coder NOT LIKE 'human:%' AND coder <> 'adjudicated' ORDER BY coder").compactMap { $0.text(0) }
        }
        guard try db.scalarInt("SELECT count(*) FROM codings WHERE coder = ?", [.text(reference)]) ?? 0 > 0 else {
            throw AnnotateError("no codings by the reference coder '\(reference)'; run `annotate adjudicate` (or name a human coder)")
        }
        guard !coders.isEmpty else { throw AnnotateError("no automated coder's codings to validate; run `code` first") }
        var rows: [ValidationRow] = []
        for coder in coders {
            var values: [SQLValue] = [.text(reference), .text(coder)]
            if let sample { values.append(.int(sample.id)) }
            var byCategory: [String: ValidationRow] = [:]
            for row in try db.query("""
                SELECT r.category, a.value, r.value, count(*) FROM codings r
                JOIN codings a ON a.post_id = r.post_id AND a.category = r.category AND a.coder = ?2
                WHERE r.coder = ?1 \(scope.replacingOccurrences(of: "?", with: "?3"))
                GROUP BY 1, 2, 3
                """, values) {
                let category = row.text(0)!
                var v = byCategory[category] ?? ValidationRow(coder: coder, category: category)
                let n = row.int(3)!
                switch (row.int(1)!, row.int(2)!) {
                case (1, 1): v.tp += n
                case (1, 0): v.fp += n
                case (0, 1): v.fn += n
                default: v.tn += n
                }
                byCategory[category] = v
            }
            let ordered = byCategory.values.sorted { $0.category < $1.category }
            guard !ordered.isEmpty else { continue }
            var micro = ValidationRow(coder: coder, category: "*")
            for r in ordered { micro.tp += r.tp; micro.fp += r.fp; micro.fn += r.fn; micro.tn += r.tn }
            rows += ordered + [micro]
        }
        return rows
    }

    public static func store(_ db: Database, rows: [ValidationRow], reference: String, parameters: [String: String]) throws {
        let run = try StageRun.begin(db, stage: "annotate-validate", parameters: parameters)
        try db.transaction {
            try db.run("DELETE FROM validation_confusion WHERE reference_coder = ?", [.text(reference)])
            for r in rows {
                try db.run("""
                    INSERT INTO validation_confusion(coder, reference_coder, category, units, tp, fp, fn, tn, precision, recall, f1, kappa, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(r.coder), .text(reference), .text(r.category), .from(r.units), .from(r.tp), .from(r.fp), .from(r.fn),
                          .from(r.tn), finite(r.precision), finite(r.recall), finite(r.f1), finite(r.kappa), .int(run.id)])
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
                out += "\(r.coder)\n" + pad("  category", toWidth: 28) + " units    tp    fp    fn    tn  precision  recall     F1  kappa\n"
                lastCoder = r.coder
            }
            out += pad("  " + (r.category == "*" ? "(all, micro)" : r.category), toWidth: 28)
                + String(format: " %5d %5d %5d %5d %5d", r.units, r.tp, r.fp, r.fn, r.tn)
                + "      \(f(r.precision))   \(f(r.recall))  \(f(r.f1))  \(f(r.kappa))\n"
        }
        return out
    }
}
