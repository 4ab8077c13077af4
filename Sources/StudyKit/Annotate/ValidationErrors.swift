import Foundation

/// One post an automated coder got wrong against the reference: the loop that improves a codebook
/// (read what the coder matched, what it missed, and what the reference coder noted).
public struct CodingMistake: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case falsePositive = "false positive"
        case falseNegative = "false negative"
    }
    public var coder: String
    public var category: String
    public var kind: Kind
    public var postID: Int64
    public var platform: String
    public var language: String
    public var createdAt: String
    /// `posts.text_nfkc`, the text the coders matched (evidence offsets refer to it).
    public var text: String
    /// The coder's `codings.evidence` for this category, as stored (JSON).
    public var evidenceJSON: String
    public var referenceNote: String?

    /// The evidence in words: each matched span with its indicator, and the rules that applied.
    public var evidence: [String] { EvidenceReader.describe(evidenceJSON) }

    /// The text with each (non-negated) evidence span between ⟦ and ⟧.
    public var markedText: String { EvidenceReader.mark(text, evidenceJSON) }
}

public struct MistakeOptions: Sendable {
    public var reference = HumanCoder.adjudicated
    public var sample: SampleRef?
    public var coders: [String] = []
    public var category: String?
    public var limit: Int?
    public init() {}
}

public struct MistakeReport: Sendable {
    public var mistakes: [CodingMistake]
    /// Every mistake before --limit, per coder: false positives and false negatives.
    public var totals: [String: (fp: Int, fn: Int)]
    /// Posts left out because their adjudication is stale.
    public var staleLeftOut: Int
}

extension Validation {
    /// The false positives and false negatives of each automated coder against the reference, in
    /// category order, false positives first, then by post.
    public static func mistakes(_ db: Database, _ options: MistakeOptions) throws -> MistakeReport {
        try requireTables(db, ["codings": "code"])
        let reference = referenceID(options.reference)
        let coders = try automatedCoders(db, options.coders)
        let stale = reference == HumanCoder.adjudicated ? try Adjudication.stalePosts(db) : [:]
        let language = try PostContext.languageSQL(db)
        var sql = """
            SELECT a.coder, r.category, a.value AS coder_value, a.evidence, p.post_id, p.platform,
                   \(language) AS language, p.created_at, p.text_nfkc,
                   (SELECT group_concat(n.note, ' | ') FROM annotation_notes n
                    WHERE n.post_id = r.post_id AND n.coder = r.coder) AS reference_note
            FROM codings r
            JOIN codings a ON a.post_id = r.post_id AND a.category = r.category AND a.coder = ?1
            JOIN posts p ON p.post_id = r.post_id
            WHERE r.coder = ?2 AND a.value <> r.value
            """
        var values: [SQLValue] = [.text(""), .text(reference)]
        if let sample = options.sample {
            sql += " AND r.post_id IN (SELECT post_id FROM sample_posts WHERE sample_id = ?\(values.count + 1))"
            values.append(.int(sample.id))
        }
        if let category = options.category {
            sql += " AND r.category = ?\(values.count + 1)"
            values.append(.text(category))
        }
        sql += " ORDER BY r.category, a.value DESC, p.post_id"
        var report = MistakeReport(mistakes: [], totals: [:], staleLeftOut: 0)
        var staleSeen = Set<Int64>()
        for coder in coders {
            values[0] = .text(coder)
            var totals = (fp: 0, fn: 0)
            try db.forEachRow(sql, values) { row in
                let post = try row.required(int64: "post_id")
                if stale[post] != nil {
                    staleSeen.insert(post)
                    return
                }
                let positive = try row.required(int: "coder_value") == 1
                if positive { totals.fp += 1 } else { totals.fn += 1 }
                if let limit = options.limit, report.mistakes.count >= limit { return }
                report.mistakes.append(
                    CodingMistake(
                        coder: coder, category: try row.required(text: "category"),
                        kind: positive ? .falsePositive : .falseNegative, postID: post,
                        platform: try row.required(text: "platform"), language: try row.required(text: "language"),
                        createdAt: try row.required(text: "created_at"), text: try row.required(text: "text_nfkc"),
                        evidenceJSON: row.text("evidence") ?? "[]", referenceNote: row.text("reference_note")))
            }
            report.totals[coder] = totals
        }
        report.staleLeftOut = staleSeen.count
        return report
    }

    static func referenceID(_ reference: String) -> String {
        reference == HumanCoder.adjudicated || reference.contains(":") ? reference : HumanCoder.id(reference)
    }

    static func automatedCoders(_ db: Database, _ requested: [String]) throws -> [String] {
        if !requested.isEmpty { return requested }
        let coders = try db.query(
            """
            SELECT DISTINCT coder FROM codings WHERE coder NOT LIKE 'human:%' AND coder <> 'adjudicated' ORDER BY coder
            """
        ).compactMap { $0.text("coder") }
        guard !coders.isEmpty else { throw AnnotateError("no automated coder's codings to validate; run `code` first") }
        return coders
    }

    /// Each mistake as a block: a heading, the wrapped text with the evidence marked, the evidence
    /// in words, and the reference coder's note.
    public static func renderMistakes(_ report: MistakeReport, reference: String, width: Int = 100) -> String {
        var out = ""
        for (coder, totals) in report.totals.sorted(by: { $0.key < $1.key }) {
            out += "\(coder) against '\(reference)': \(totals.fp) false positives, \(totals.fn) false negatives\n"
        }
        if report.staleLeftOut > 0 {
            out += "(\(report.staleLeftOut) posts left out: their adjudication is stale; run `annotate adjudicate`)\n"
        }
        let total = report.totals.values.reduce(0) { $0 + $1.fp + $1.fn }
        if report.mistakes.count < total {
            out += "showing \(report.mistakes.count) (--limit; --csv FILE writes them all)\n"
        }
        for m in report.mistakes {
            let heading =
                "== \(m.category) · \(m.kind.rawValue) · \(m.coder) · post \(m.postID) · \(m.platform) · "
                + "\(m.language) · \(m.createdAt.prefix(10))"
            out += "\n" + truncate(heading, toWidth: width) + "\n"
            for line in wrap(m.markedText, width: width - 4) { out += (line.isEmpty ? "" : "    " + line) + "\n" }
            let evidence = m.evidence
            out += "  evidence: " + (evidence.isEmpty ? "none" : evidence.joined(separator: "; ")) + "\n"
            out += "  reference note: " + (m.referenceNote ?? "none") + "\n"
        }
        return out
    }

    /// Every mistake as CSV (libcsv quoting), one row each.
    public static func mistakesCSV(_ report: MistakeReport, reference: String) -> String {
        var rows = CSVRows(header: [
            "coder", "reference", "category", "error", "post_id", "platform", "language",
            "created_at", "evidence", "evidence_json", "reference_note", "text",
        ])
        for m in report.mistakes {
            rows.append([
                .text(m.coder), .text(reference), .text(m.category),
                .text(m.kind == .falsePositive ? "false_positive" : "false_negative"), .int(m.postID),
                .text(m.platform), .text(m.language), .text(m.createdAt),
                .text(m.evidence.joined(separator: "; ")), .text(m.evidenceJSON),
                m.referenceNote.map(CSVRows.Field.text) ?? .empty, .text(m.text),
            ])
        }
        return rows.text
    }
}

/// Reads the evidence the coders store in `codings.evidence` (a JSON array): the lexicon coder's
/// spans (`indicator`, `start`, `end`, `text`, `negated`, `hashtag`) and rules (`rule`: gate,
/// implied_by), the supervised coder's model and probability, anything else shown as it is.
enum EvidenceReader {
    static func items(_ json: String) -> [[String: Any]] {
        guard let data = json.data(using: .utf8),
            let array = try? JSONSerialization.jsonObject(with: data) as? [Any]
        else { return [] }
        return array.compactMap { $0 as? [String: Any] }
    }

    static func describe(_ json: String) -> [String] {
        items(json).map { item in
            if let indicator = item["indicator"] as? String {
                var text = "\"\(item["text"] as? String ?? "")\" (\(indicator)"
                if let start = item["start"] as? Int, let end = item["end"] as? Int { text += ", \(start)-\(end)" }
                if item["negated"] as? Bool == true { text += ", negated: does not count" }
                if item["hashtag"] as? Bool == true { text += ", in a hashtag" }
                return text + ")"
            }
            switch item["rule"] as? String {
            case "gate": return "cleared by the gate '\(item["category"] as? String ?? "")'"
            case "implied_by": return "implied by '\(item["category"] as? String ?? "")'"
            default: break
            }
            if let model = item["model"] as? String {
                return "\(model) p=" + ((item["p"] as? Double).map { String(format: "%.3f", $0) } ?? "?")
            }
            let data = (try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Marks the spans that counted. Offsets are Unicode scalars of the lower-cased NFKC text the
    /// lexicon coder matched; a span is marked only where the text there still reads the same.
    static func mark(_ text: String, _ json: String) -> String {
        var spans: [(Int, Int)] = []
        let scalars = Array(text.unicodeScalars)
        for item in items(json) where item["negated"] as? Bool != true {
            guard let start = item["start"] as? Int, let end = item["end"] as? Int, start >= 0, start < end,
                end <= scalars.count, let said = item["text"] as? String
            else { continue }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            if String(view).lowercased() == said.lowercased(), !spans.contains(where: { $0.0 < end && start < $0.1 }) {
                spans.append((start, end))
            }
        }
        guard !spans.isEmpty else { return text }
        var view = String.UnicodeScalarView()
        let starts = Set(spans.map(\.0)), ends = Set(spans.map(\.1))
        for (i, scalar) in scalars.enumerated() {
            if ends.contains(i) { view.append("⟧") }
            if starts.contains(i) { view.append("⟦") }
            view.append(scalar)
        }
        if ends.contains(scalars.count) { view.append("⟧") }
        return String(view)
    }
}
