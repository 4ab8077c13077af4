import Crypto
import Foundation

/// A figure reported in the published study, shown next to ours.
public struct PublishedFigure: Sendable, Equatable {
    public let category: String
    public let share: Double
    public let text: String
    public let source: String

    /// The figures the #keep4o paper reports (Lai, CHI 2026): the comparison table's rows.
    public static let keep4o: [PublishedFigure] = [
        PublishedFigure(category: "more_than_tool", share: 0.33, text: "over 33% describe GPT-4o as more than a tool",
                        source: "Lai (CHI 2026)"),
        PublishedFigure(category: "companion", share: 0.22, text: "22% describe GPT-4o as a companion",
                        source: "Lai (CHI 2026)"),
    ]
}

/// What shapes `aggregate`'s output; every field is recorded in the run's parameters.
public struct AggregateOptions: Sendable {
    /// The coder whose codings are aggregated; nil: study setting `primary_coder`, else the coder
    /// of the most recent completed `code` run.
    public var coder: String?
    public var referenceCoder = "adjudicated"
    /// The gate category; nil: the codebook's `gate:`, else `relevant`.
    public var gate: String?
    /// Count near-duplicates, exact copies and reposts in the primary tables (default: canonical posts only).
    public var includeDuplicates = false
    /// Keep posts whose language is `und` (default: known languages only).
    public var includeUnknownLanguage = false
    public var pairs: [(String, String)] = [("choice_deprivation", "rights_protest")]
    public var bootstrapReplicates = 2000
    public var seed: UInt64 = 4242
    public var published: [PublishedFigure] = PublishedFigure.keep4o

    public init() {}

    var parameters: [String: String] {
        [
            "coder_option": coder ?? "",
            "reference_coder": referenceCoder,
            "gate_option": gate ?? "",
            "include_duplicates": includeDuplicates ? "true" : "false",
            "include_und": includeUnknownLanguage ? "true" : "false",
            "pairs": pairs.map { "\($0.0):\($0.1)" }.joined(separator: ","),
            "bootstrap_replicates": String(bootstrapReplicates),
            "seed": String(seed),
            "published": published.map { "\($0.category)=\(FixedFormat.decimal($0.share))" }.joined(separator: ","),
        ]
    }
}

/// An upstream stage that has not run: names it and the table aggregate needs from it.
public struct MissingStageError: UserFacingError {
    public let table: String
    public let stage: String
    public var description: String {
        "\(table) is empty: run the `\(stage)` stage first (it writes \(table)); aggregate reads its output"
    }
}

public struct AggregateSummary: Sendable {
    public let runID: Int64
    public let coder: String
    public let categories: [String]
    public let postsCoded: Int
    public let primaryDenominator: Int
    public let rowsWritten: Int
    public let notes: [String]
}

/// Turns the primary coder's codings into the paper's tables (prevalence with Wilson intervals,
/// with and without duplicates, co-occurrence, association tests, Rogan-Gladen corrected shares,
/// the published-figures comparison) and stores them, replacing the previous run's, atomically.
public final class Aggregator {
    let db: Database
    let options: AggregateOptions

    public init(database: Database, options: AggregateOptions = AggregateOptions()) {
        db = database
        self.options = options
    }

    /// The upstream tables this stage reads and the stage that writes each.
    public static let requiredTables: [(table: String, stage: String)] = [
        ("posts", "ingest"), ("post_clusters", "dedupe"), ("post_languages", "language-detect"),
        ("codings", "code"), ("codebooks", "code"),
    ]

    /// Every upstream table exists (migrations make them all); a stage has run when its table
    /// has rows or a completed run of it is recorded (an empty corpus gives empty tables).
    public static func checkInputs(_ db: Database) throws {
        for (table, stage) in requiredTables {
            let hasRows = try db.scalarInt("SELECT EXISTS (SELECT 1 FROM \(table))") ?? 0
            let ran = try db.scalarInt("SELECT count(*) FROM runs WHERE stage = ? AND status = 'completed'", [.text(stage)]) ?? 0
            if hasRows == 0 && ran == 0 { throw MissingStageError(table: table, stage: stage) }
        }
    }

    /// The coder to aggregate: option, else study setting, else the latest completed `code` run's coder.
    public static func primaryCoder(_ db: Database, option: String?) throws -> String {
        if let option, !option.isEmpty { return option }
        if let setting = try StudySettings.value(db, "primary_coder"), !setting.isEmpty { return setting }
        if let coder = try db.scalarText("""
            SELECT coder FROM codings WHERE run_id = (
                SELECT max(run_id) FROM runs WHERE stage = 'code' AND status = 'completed') LIMIT 1
            """) { return coder }
        throw MissingStageError(table: "codings (rows of a completed code run)", stage: "code")
    }

    // MARK: Loading

    /// One post as aggregation sees it.
    struct PostRecord {
        var platform: Int32 = -1   // index into platforms
        var language: Int32 = -1   // index into languages
        var day: Int64 = 0         // days since 1970-01-01, UTC
        var canonical = true
        var exists = false
        var coded = false          // has a gate coding by the coder
        var positives: UInt64 = 0  // bit i: category i coded 1
    }

    struct Loaded {
        var posts: [PostRecord]
        var platforms: [String]
        var languages: [String]
        var categories: [String]   // gate first, then sorted
        var postsTotal = 0
        var missingCluster = 0
        var missingLanguage = 0
        var dataFingerprint = ""
    }

    func load(coder: String, gate: String) throws -> Loaded {
        var categories = try db.query("SELECT DISTINCT category FROM codings WHERE coder = ? ORDER BY category", [.text(coder)])
            .compactMap { $0.text(0) }
        guard !categories.isEmpty else {
            throw MissingStageError(table: "codings for coder '\(coder)'", stage: "code")
        }
        guard categories.contains(gate) else {
            throw InputError(file: db.path, line: nil,
                             reason: "coder '\(coder)' has no codings for the gate category '\(gate)' (use --gate to name it)")
        }
        guard categories.count <= 64 else {
            throw InputError(file: db.path, line: nil, reason: "more than 64 categories are not supported")
        }
        categories.removeAll { $0 == gate }
        categories.insert(gate, at: 0)

        let maxID = try db.scalarInt("SELECT coalesce(max(post_id), 0) FROM posts") ?? 0
        var posts = [PostRecord](repeating: PostRecord(), count: maxID + 1)
        var platforms: [String] = [], platformIndex: [String: Int32] = [:]
        var languages: [String] = [], languageIndex: [String: Int32] = [:]
        var loaded = Loaded(posts: [], platforms: [], languages: [], categories: categories)

        let postQuery = try db.prepare("""
            SELECT p.post_id, p.platform, p.created_unix, l.language, c.canonical_post_id
            FROM posts p
            LEFT JOIN post_languages l ON l.post_id = p.post_id
            LEFT JOIN post_clusters c ON c.post_id = p.post_id
            """)
        while try postQuery.step() {
            let id = Int(postQuery.columnInt(0))
            let platform = postQuery.columnText(1) ?? ""
            var record = PostRecord()
            record.exists = true
            if let index = platformIndex[platform] { record.platform = index } else {
                record.platform = Int32(platforms.count); platformIndex[platform] = record.platform; platforms.append(platform)
            }
            let language: String
            if postQuery.columnIsNull(3) { language = "und"; loaded.missingLanguage += 1 } else { language = postQuery.columnText(3) ?? "und" }
            if let index = languageIndex[language] { record.language = index } else {
                record.language = Int32(languages.count); languageIndex[language] = record.language; languages.append(language)
            }
            record.day = Timestamp.floorDiv(postQuery.columnInt(2), 86_400)
            if postQuery.columnIsNull(4) { loaded.missingCluster += 1 } else { record.canonical = postQuery.columnInt(4) == Int64(id) }
            posts[id] = record
            loaded.postsTotal += 1
        }
        postQuery.reset()

        // Category names become bit positions inside SQLite, so no string is made per coding row.
        let caseExpression = "CASE category " + categories.enumerated().map { "WHEN \(sqlLiteral($1)) THEN \($0)" }.joined(separator: " ") + " END"
        let codingQuery = try db.prepare("SELECT post_id, \(caseExpression), value FROM codings WHERE coder = ?")
        try codingQuery.bind([.text(coder)])
        while try codingQuery.step() {
            let id = Int(codingQuery.columnInt(0))
            guard id >= 0, id < posts.count, posts[id].exists else { continue }
            let bit = Int(codingQuery.columnInt(1))
            if bit == 0 { posts[id].coded = true }
            if codingQuery.columnInt(2) != 0 { posts[id].positives |= (1 << UInt64(bit)) }
        }
        codingQuery.reset()

        // The fingerprint covers exactly what the tables are computed from.
        var hasher = StreamingFingerprint()
        hasher.add("categories:" + categories.joined(separator: ",") + "\n")
        for (id, post) in posts.enumerated() where post.exists {
            hasher.add("\(id)\t\(platforms[Int(post.platform)])\t\(post.day)\t\(languages[Int(post.language)])\t\(post.canonical ? 1 : 0)\t\(post.coded ? 1 : 0)\t\(post.positives)\n")
        }
        loaded.dataFingerprint = hasher.finish()
        loaded.posts = posts
        loaded.platforms = platforms
        loaded.languages = languages
        return loaded
    }

    // MARK: Running

    public func run() throws -> AggregateSummary {
        try Self.checkInputs(db)
        let coder = try Self.primaryCoder(db, option: options.coder)
        let codebook = try Self.codebook(db, coder: coder)
        let gate = options.gate ?? codebook?.gate ?? "relevant"
        let data = try load(coder: coder, gate: gate)
        let tables = Self.compute(data, coder: coder, options: options)
        var notes = tables.notes
        if data.missingCluster > 0 { notes.append("\(data.missingCluster) posts have no post_clusters row (counted as canonical): re-run dedupe") }
        if data.missingLanguage > 0 { notes.append("\(data.missingLanguage) posts have no post_languages row (counted as und): re-run language-detect") }
        if let stale = try Self.staleCodebookNote(db) { notes.append(stale) }
        let validation = try loadValidation(coder: coder, data: data)
        let corrected = Self.corrected(validation: validation, tables: tables, data: data, options: options)

        var manifest: [String: String] = [
            "tool_version": BuildInfo.toolVersion,
            "coder": coder,
            "reference_coder": options.referenceCoder,
            "gate": gate,
            "categories": data.categories.joined(separator: ","),
            "codebook": codebook.map { "\($0.name)@\($0.version)" } ?? "",
            "codebook_fingerprint": codebook?.fingerprint ?? "",
            "inputs.data_fingerprint": data.dataFingerprint,
            "inputs.posts": String(data.postsTotal),
            "inputs.posts_coded": String(data.posts.lazy.filter(\.coded).count),
            "inputs.validation_posts": String(validation.posts),
            "inputs.source_files": try db.query("SELECT fingerprint FROM source_files ORDER BY fingerprint").compactMap { $0.text(0) }.joined(separator: ","),
            "primary_posts_set": options.includeDuplicates ? "all" : "canonical",
        ]
        for stage in ["ingest", "dedupe", "language-detect", "code", "annotate"] {
            if let fingerprint = try db.scalarText("""
                SELECT input_fingerprint FROM runs WHERE stage = ? AND status = 'completed' ORDER BY run_id DESC LIMIT 1
                """, [.text(stage)]) {
                manifest["inputs.run_fingerprint.\(stage)"] = fingerprint
            }
        }
        for (key, value) in options.parameters { manifest["parameters.\(key)"] = value }
        if !notes.isEmpty { manifest["notes"] = notes.joined(separator: "; ") }

        let run = try StageRun.begin(db, stage: "aggregate", parameters: options.parameters.merging(["coder": coder, "gate": gate]) { $1 },
                                     inputFingerprint: data.dataFingerprint)
        do {
            let written = try db.transaction { () -> Int in
                for table in ["aggregate_prevalence", "aggregate_cooccurrence", "aggregate_association",
                              "aggregate_corrected", "aggregate_published", "aggregate_manifest"] {
                    try db.execute("DELETE FROM \(table)")
                }
                let rows = try write(tables, corrected: corrected, manifest: manifest, coder: coder, runID: run.id)
                try run.finish(rowsIn: data.postsTotal, rowsOut: rows, rejects: 0,
                               message: notes.isEmpty ? nil : notes.joined(separator: "; "))
                return rows
            }
            return AggregateSummary(runID: run.id, coder: coder, categories: data.categories,
                                    postsCoded: data.posts.lazy.filter(\.coded).count,
                                    primaryDenominator: tables.primaryCodedInScope, rowsWritten: written, notes: notes)
        } catch {
            run.fail(error)
            throw error
        }
    }

    // MARK: Computing

    struct PrevalenceRow {
        let postsSet: String, breakdown: String, stratum: String, category: String, denominator: String
        let n: Int, count: Int
        let proportion: Statistics.Proportion?
    }

    struct CooccurrenceRow {
        let a: String, b: String, n: Int, countA: Int, countB: Int, both: Int
    }

    struct Tables {
        var prevalence: [PrevalenceRow] = []
        var cooccurrence: [CooccurrenceRow] = []
        var association: [(String, String, Statistics.TwoByTwo)] = []
        var notes: [String] = []
        var primaryCodedInScope = 0
        /// Observed share in the primary set over all strata, by category.
        var observed: [String: Double] = [:]
        var observedRow: [String: PrevalenceRow] = [:]
    }

    static let breakdowns = ["all", "language", "platform", "day"]

    static func compute(_ data: Loaded, coder: String, options: AggregateOptions) -> Tables {
        var tables = Tables()
        let k = data.categories.count
        let und = data.languages.firstIndex(of: "und").map(Int32.init)
        let inScope = data.posts.indices.filter { i in
            let p = data.posts[i]
            return p.exists && p.coded && (options.includeUnknownLanguage || p.language != und)
        }
        let days = inScope.map { data.posts[$0].day }
        let firstDay = days.min() ?? 0, lastDay = days.max() ?? -1
        let dayCount = Int(lastDay - firstDay + 1)
        let primarySet = options.includeDuplicates ? "all" : "canonical"

        for postsSet in ["canonical", "all"] {
            // counts[breakdown][stratum] = [coded, relevant, positives of category 1..k-1]
            var counts: [[[Int]]] = [
                [[Int](repeating: 0, count: k + 1)],
                Array(repeating: [Int](repeating: 0, count: k + 1), count: data.languages.count),
                Array(repeating: [Int](repeating: 0, count: k + 1), count: data.platforms.count),
                Array(repeating: [Int](repeating: 0, count: k + 1), count: max(dayCount, 0)),
            ]
            var pairCounts = [Int](repeating: 0, count: k * k)
            for i in inScope {
                let p = data.posts[i]
                if postsSet == "canonical" && !p.canonical { continue }
                let strata = [0, Int(p.language), Int(p.platform), Int(p.day - firstDay)]
                let relevant = p.positives & 1 != 0
                for b in 0..<4 {
                    counts[b][strata[b]][0] += 1
                    guard relevant else { continue }
                    counts[b][strata[b]][1] += 1
                    for c in 1..<max(k, 1) where p.positives & (1 << UInt64(c)) != 0 { counts[b][strata[b]][c + 1] += 1 }
                }
                if relevant && postsSet == primarySet {
                    for a in 1..<max(k, 1) where p.positives & (1 << UInt64(a)) != 0 {
                        for c in 1..<k where p.positives & (1 << UInt64(c)) != 0 { pairCounts[a * k + c] += 1 }
                    }
                }
            }
            let setWords = postsSet == "canonical" ? "canonical posts (one per duplicate cluster)" : "all posts (duplicates included)"
            let languageWords = options.includeUnknownLanguage ? "any language, und included" : "with a known language"
            for (b, breakdown) in breakdowns.enumerated() {
                for (s, cell) in counts[b].enumerated() {
                    let stratum: String
                    switch breakdown {
                    case "all": stratum = "all"
                    case "language": stratum = data.languages[s]
                    case "platform": stratum = data.platforms[s]
                    default: stratum = Timestamp.day(unixSeconds: (firstDay + Int64(s)) * 86_400)
                    }
                    // Strata with no coded posts at all (a language outside the scope) are left out;
                    // days stay in, with zero posts, so the timeline has no gaps.
                    if cell[0] == 0 && breakdown != "day" { continue }
                    if breakdown == "language" && !options.includeUnknownLanguage && stratum == "und" { continue }
                    for (c, category) in data.categories.enumerated() {
                        let n = c == 0 ? cell[0] : cell[1]
                        let count = c == 0 ? cell[1] : cell[c + 1]
                        let denominator = c == 0
                            ? "\(setWords) coded by \(coder), \(languageWords)"
                            : "\(setWords) coded \(data.categories[0]) by \(coder), \(languageWords)"
                        let row = PrevalenceRow(postsSet: postsSet, breakdown: breakdown, stratum: stratum, category: category,
                                                denominator: denominator, n: n, count: count,
                                                proportion: Statistics.wilson(count: count, n: n))
                        tables.prevalence.append(row)
                        if postsSet == primarySet && breakdown == "all" {
                            tables.observed[category] = row.proportion?.share
                            tables.observedRow[category] = row
                            if c == 0 { tables.primaryCodedInScope = n }
                        }
                    }
                }
            }
            if postsSet == primarySet {
                let n = counts[0][0][1]
                let ordered = (1..<max(k, 1)).sorted { data.categories[$0] < data.categories[$1] }
                for (x, a) in ordered.enumerated() {
                    for c in ordered[(x + 1)...] {
                        tables.cooccurrence.append(CooccurrenceRow(
                            a: data.categories[a], b: data.categories[c], n: n,
                            countA: pairCounts[a * k + a], countB: pairCounts[c * k + c], both: pairCounts[a * k + c]))
                    }
                }
                for (first, second) in options.pairs {
                    guard let a = data.categories.firstIndex(of: first), let c = data.categories.firstIndex(of: second),
                          a > 0, c > 0, a != c else {
                        tables.notes.append("association pair \(first):\(second) skipped: both must be coded non-gate categories")
                        continue
                    }
                    let both = pairCounts[a * k + c], countA = pairCounts[a * k + a], countB = pairCounts[c * k + c]
                    tables.association.append((first, second, Statistics.TwoByTwo(
                        a: both, b: countA - both, c: countB - both, d: n - countA - countB + both)))
                }
            }
        }
        tables.prevalence.sort {
            ($0.postsSet, $0.breakdown, $0.stratum, $0.category) < ($1.postsSet, $1.breakdown, $1.stratum, $1.category)
        }
        tables.association.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return tables
    }

    // MARK: Validation and correction

    struct Validation {
        var posts = 0
        /// By category index: per validation post, (automatic value, reference value), in post order.
        var pairs: [[(Bool, Bool)]] = []
    }

    /// Per-post (automatic, reference) pairs, joined here from `codings` so the bootstrap can
    /// resample posts. For non-gate categories only posts the automatic coder called relevant
    /// count: the observed share is over those posts, so its error rates must be too.
    func loadValidation(coder: String, data: Loaded) throws -> Validation {
        var validation = Validation(posts: 0, pairs: Array(repeating: [], count: data.categories.count))
        let caseExpression = "CASE a.category " + data.categories.enumerated().map { "WHEN \(sqlLiteral($1)) THEN \($0)" }.joined(separator: " ") + " END"
        // CROSS JOIN fixes the loop order: the small reference sample drives, each of its rows finds
        // the coder's row by primary key (the other way round would scan all the coder's rows).
        let rows = try db.prepare("""
            SELECT a.post_id, \(caseExpression), a.value, r.value
            FROM codings r CROSS JOIN codings a ON a.post_id = r.post_id AND a.category = r.category AND a.coder = ?
            WHERE r.coder = ? ORDER BY a.post_id, a.category
            """)
        try rows.bind([.text(coder), .text(options.referenceCoder)])
        var byPost: [Int64: [Int: (Bool, Bool)]] = [:]
        var order: [Int64] = []
        while try rows.step() {
            guard !rows.columnIsNull(1) else { continue }
            let id = rows.columnInt(0)
            if byPost[id] == nil { order.append(id); byPost[id] = [:] }
            byPost[id]![Int(rows.columnInt(1))] = (rows.columnInt(2) != 0, rows.columnInt(3) != 0)
        }
        rows.reset()
        validation.posts = order.count
        for id in order {
            let values = byPost[id]!
            let autoRelevant = values[0]?.0 ?? false
            for (category, pair) in values.sorted(by: { $0.key < $1.key }) where category == 0 || autoRelevant {
                validation.pairs[category].append(pair)
            }
        }
        return validation
    }

    struct CorrectedRow {
        let category: String
        let validationPosts: Int
        let result: Statistics.CorrectedShare
        let observed: Double?
    }

    static func corrected(validation: Validation, tables: Tables, data: Loaded, options: AggregateOptions) -> [CorrectedRow] {
        guard validation.posts > 0 else { return [] }
        var rows: [CorrectedRow] = []
        for (c, category) in data.categories.enumerated() {
            let pairs = validation.pairs[c]
            guard !pairs.isEmpty else { continue }
            let observed = tables.observed[category]
            let result = Statistics.roganGladenBootstrap(observed: observed ?? .nan, pairs: pairs,
                                                         replicates: observed == nil ? 0 : options.bootstrapReplicates,
                                                         seed: options.seed)
            rows.append(CorrectedRow(category: category, validationPosts: pairs.count, result: result, observed: observed))
        }
        return rows.sorted { $0.category < $1.category }
    }

    // MARK: Writing

    func write(_ tables: Tables, corrected: [CorrectedRow], manifest: [String: String], coder: String, runID: Int64) throws -> Int {
        var rows = 0
        let run = SQLValue.int(runID)
        let prevalence = try db.prepare("""
            INSERT INTO aggregate_prevalence(posts_set, breakdown, stratum, category, denominator, n, count, share, ci_low, ci_high, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in tables.prevalence {
            prevalence.reset()
            try prevalence.bind([.text(r.postsSet), .text(r.breakdown), .text(r.stratum), .text(r.category), .text(r.denominator),
                                 .int(Int64(r.n)), .int(Int64(r.count)), .from(r.proportion?.share), .from(r.proportion?.low),
                                 .from(r.proportion?.high), run])
            try prevalence.runToCompletion()
            rows += 1
        }
        for r in tables.cooccurrence {
            let t = Statistics.TwoByTwo(a: r.both, b: r.countA - r.both, c: r.countB - r.both, d: r.n - r.countA - r.countB + r.both)
            try db.run("""
                INSERT INTO aggregate_cooccurrence(category_a, category_b, n, count_a, count_b, count_both, share_b_given_a, share_a_given_b, phi, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(r.a), .text(r.b), .int(Int64(r.n)), .int(Int64(r.countA)), .int(Int64(r.countB)), .int(Int64(r.both)),
                      .from(r.countA > 0 ? Double(r.both) / Double(r.countA) : nil),
                      .from(r.countB > 0 ? Double(r.both) / Double(r.countB) : nil), .from(Statistics.phi(t)), run])
            rows += 1
        }
        for (a, b, t) in tables.association {
            let chi = Statistics.chiSquare(t), or = Statistics.oddsRatio(t)
            try db.run("""
                INSERT INTO aggregate_association(category_a, category_b, n, both_yes, a_only, b_only, neither, chi_square, p_value,
                                                  odds_ratio, or_ci_low, or_ci_high, or_method, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(a), .text(b), .int(Int64(t.n)), .int(Int64(t.a)), .int(Int64(t.b)), .int(Int64(t.c)), .int(Int64(t.d)),
                      .from(chi?.statistic), .from(chi?.p), .from(or?.estimate), .from(or?.low), .from(or?.high), .from(or?.method), run])
            rows += 1
        }
        for r in corrected {
            let c = r.result.confusion
            try db.run("""
                INSERT INTO aggregate_corrected(category, coder, reference_coder, validation_posts, tp, fp, fn, tn, sensitivity, specificity,
                                                observed_share, corrected_share, ci_low, ci_high, replicates_used, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(r.category), .text(coder), .text(options.referenceCoder), .int(Int64(r.validationPosts)),
                      .int(Int64(c.tp)), .int(Int64(c.fp)), .int(Int64(c.fn)), .int(Int64(c.tn)), .from(c.sensitivity), .from(c.specificity),
                      .from(r.observed), .from(r.result.corrected), .from(r.result.low), .from(r.result.high),
                      .int(Int64(r.result.replicatesUsed)), run])
            rows += 1
        }
        for figure in options.published.sorted(by: { $0.category < $1.category }) {
            let ours = tables.observedRow[figure.category]
            try db.run("""
                INSERT INTO aggregate_published(category, published_share, published_text, source, n, our_share, our_ci_low, our_ci_high, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(figure.category), .double(figure.share), .text(figure.text), .text(figure.source), .int(Int64(ours?.n ?? 0)),
                      .from(ours?.proportion?.share), .from(ours?.proportion?.low), .from(ours?.proportion?.high), run])
            rows += 1
        }
        for (key, value) in manifest.sorted(by: { $0.key < $1.key }) {
            try db.run("INSERT INTO aggregate_manifest(key, value, run_id) VALUES (?, ?, ?)", [.text(key), .text(value), run])
        }
        return rows
    }

    // MARK: Codebook

    struct CodebookInfo { let name: String, version: String, fingerprint: String, gate: String? }

    /// When the codebook file of the last completed code run has changed since, the codings are from
    /// an older codebook: say so, and how to re-code (`make` re-codes, its code stamp depends on codebooks/).
    static func staleCodebookNote(_ db: Database) throws -> String? {
        guard let parameters = try db.scalarText(
                "SELECT parameters FROM runs WHERE stage = 'code' AND status = 'completed' ORDER BY run_id DESC LIMIT 1"),
              let object = try? JSONSerialization.jsonObject(with: Data(parameters.utf8)) as? [String: String],
              let path = object["codebook"], let used = object["codebook_fingerprint"],
              FileManager.default.fileExists(atPath: path) else { return nil }
        guard let current = try? CodebookLoader.load(path: path) else {
            return "codings may be stale: \(path) no longer loads; fix it and re-run `code --codebook \(path)` (make re-codes)"
        }
        guard current.fingerprint != used else { return nil }
        return "codings are stale: \(path) changed since the last code run (fingerprint \(used.prefix(12)) then, "
            + "\(current.fingerprint.prefix(12)) now); re-run `code --codebook \(path)` (make re-codes), then aggregate"
    }

    /// The codebook a coder named `kind:name@version` used, if it is stored.
    static func codebook(_ db: Database, coder: String) throws -> CodebookInfo? {
        let afterKind = coder.split(separator: ":", maxSplits: 1).last.map(String.init) ?? coder
        let parts = afterKind.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        guard let row = try db.query("""
            SELECT name, version, fingerprint, yaml FROM codebooks WHERE name = ? AND version = ? ORDER BY codebook_id DESC LIMIT 1
            """, [.text(parts[0]), .text(parts[1])]).first else { return nil }
        // The gate is a top-level `gate: id` line; a full YAML parser is the code stage's business.
        let gate = (row.text(3) ?? "").split(separator: "\n").first { $0.hasPrefix("gate:") }
            .map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
        return CodebookInfo(name: row.text(0)!, version: row.text(1)!, fingerprint: row.text(2) ?? "", gate: gate)
    }
}

func sqlLiteral(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

/// SHA-256 over text fed in pieces (so a million rows are not joined into one string first).
struct StreamingFingerprint {
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    mutating func add(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { hasher.update(data: buffer); buffer.removeAll(keepingCapacity: true) }
    }
    mutating func finish() -> String { hasher.update(data: buffer); buffer.removeAll(); return Fingerprint.hex(hasher.finalize()) }
}
