import Crypto
import Foundation

/// A published figure, shown next to ours computed on the same posts when the data has them.
public struct PublishedFigure: Sendable, Equatable {
    public let category: String
    public let share: Double
    public let text: String
    public let source: String
    /// The posts the figure is about, in words, and as a platform and UTC days (inclusive).
    public let scope: String
    public let platform: String?
    public let since: String?
    public let until: String?

    /// WIRED's figures from Lai's #keep4o analysis (see docs/aggregate.md): the paper itself
    /// (CHI 2026, arXiv 2602.00773) coded 1,482 X posts of 6-14 August 2025.
    public static let keep4o: [PublishedFigure] = [
        PublishedFigure(
            category: "more_than_tool", share: 0.33, text: "over 33% of posts describe GPT-4o as more than a tool",
            source: "WIRED (Feb 2026), reporting Lai (CHI 2026, arXiv 2602.00773)",
            scope: "1,482 X posts, 6-14 Aug 2025", platform: "x", since: "2025-08-06", until: "2025-08-14"),
        PublishedFigure(
            category: "companion", share: 0.22, text: "22% of posts describe GPT-4o as a companion",
            source: "WIRED (Feb 2026), reporting Lai (CHI 2026, arXiv 2602.00773)",
            scope: "1,482 X posts, 6-14 Aug 2025", platform: "x", since: "2025-08-06", until: "2025-08-14"),
    ]
}

/// What shapes `aggregate`'s output; every field is recorded in the run's parameters.
public struct AggregateOptions: Sendable {
    /// The coder whose codings are aggregated; nil: study setting `primary_coder`, else the coder
    /// of the most recent completed `code` run.
    public var coder: String?
    /// Whose labels correct the coder (`adjudicated`, or a human coder `human:NAME`).
    public var referenceCoder = "adjudicated"
    /// The validation sample; nil: the most recent one drawn with `--purpose validation`.
    public var validationSample: String?
    /// The gate category; nil: the codebook's `gate:`, else `relevant`.
    public var gate: String?
    /// Count near-duplicates, exact copies and reposts in the primary tables (default: canonical posts only).
    public var includeDuplicates = false
    /// Keep posts whose language is `und` (default: known languages only).
    public var includeUnknownLanguage = false
    public var pairs: [(String, String)] = [("choice_deprivation", "rights_protest")]
    public var published: [PublishedFigure] = PublishedFigure.keep4o
    /// The study window and scope: UTC days (inclusive), platforms, languages (empty: all).
    public var since: String?
    public var until: String?
    public var platforms: [String] = []
    public var languages: [String] = []
    /// Width of the timeline's bins; nil: chosen from the span of the posts.
    public var bin: TimeBin?
    /// Human and PPI estimates need at least this many labelled posts in their denominator.
    public var minimumLabelled = 10
    /// PPI++ needs at least this many labelled posts positive by the reference or the coder in the
    /// denominator of a share (and for each category of an association), else it gives no estimate.
    public var minimumInformative = Estimation.defaultMinimumInformative

    public init() {}

    var parameters: [String: String] {
        [
            "coder_option": coder ?? "",
            "reference_coder": referenceCoder,
            "validation_sample_option": validationSample ?? "",
            "gate_option": gate ?? "",
            "include_duplicates": includeDuplicates ? "true" : "false",
            "include_und": includeUnknownLanguage ? "true" : "false",
            "pairs": pairs.map { "\($0.0):\($0.1)" }.joined(separator: ","),
            "published": published.map { "\($0.category)=\(FixedFormat.decimal($0.share))" }.joined(separator: ","),
            "since": since ?? "", "until": until ?? "",
            "platforms": platforms.joined(separator: ","), "languages": languages.joined(separator: ","),
            "bin_option": bin?.rawValue ?? "",
            "minimum_labelled": String(minimumLabelled),
            "minimum_informative": String(minimumInformative),
        ]
    }

    /// The window as day numbers; a date that is not YYYY-MM-DD is refused naming the option.
    func window() throws -> (since: Int64?, until: Int64?) {
        func day(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            guard let value = parseUTCDay(text) else {
                throw StudyError("\(option) '\(text)' is not a UTC date YYYY-MM-DD")
            }
            return value
        }
        let window = (try day(since, "--since"), try day(until, "--until"))
        if let s = window.0, let u = window.1, s > u {
            throw StudyError("--since \(since!) is after --until \(until!)")
        }
        return window
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
    /// The validation sample used, with its labelled posts in scope; nil: none (uncorrected).
    public let validation: (name: String, labelled: Int)?
    /// Overall shares of the primary set: category -> method -> result (for the command's summary).
    public let overall: [(category: String, results: [Estimation.Method: Estimation.Result])]
}

/// Turns the primary coder's codings and a validation sample's reference labels into the paper's
/// tables: every share three ways (the coder alone, the labels alone, PPI++), overall and by
/// language, platform and time bin, with and without duplicates; co-occurrence; the association
/// of chosen pairs three ways; the published figures on their own scope. Stores them, replacing
/// the previous run's, atomically.
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
            let ran =
                try db.scalarInt("SELECT count(*) FROM runs WHERE stage = ? AND status = 'completed'", [.text(stage)])
                ?? 0
            if try !db.hasRows(table) && ran == 0 { throw MissingStageError(table: table, stage: stage) }
        }
    }

    /// The coder to aggregate: option, else study setting, else the latest completed `code` run's coder.
    public static func primaryCoder(_ db: Database, option: String?) throws -> String {
        if let option, !option.isEmpty { return option }
        if let setting = try StudySettings.value(db, "primary_coder"), !setting.isEmpty { return setting }
        if let coder = try db.scalarText(
            """
            SELECT coder FROM codings WHERE run_id = (
                SELECT max(run_id) FROM runs WHERE stage = 'code' AND status = 'completed') LIMIT 1
            """)
        {
            return coder
        }
        throw MissingStageError(table: "codings (rows of a completed code run)", stage: "code")
    }

    // MARK: Loading

    /// One post as aggregation sees it.
    struct PostRecord {
        var platform: Int32 = -1  // index into platforms
        var language: Int32 = -1  // index into languages
        var day: Int64 = 0  // days since 1970-01-01, UTC
        var canonical = true
        var exists = false
        var coded = false  // has a gate coding by the coder
        var positives: UInt64 = 0  // bit i: category i coded 1
    }

    struct Loaded {
        var posts: [PostRecord]
        var platforms: [String]
        var languages: [String]
        var categories: [String]  // gate first, then sorted
        var postsTotal = 0
        var missingCluster = 0
        var missingLanguage = 0
        var dataFingerprint = ""
    }

    func load(coder: String, gate: String) throws -> Loaded {
        var categories = try db.query(
            "SELECT DISTINCT category FROM codings WHERE coder = ? ORDER BY category", [.text(coder)]
        )
        .compactMap { $0.text("category") }
        guard !categories.isEmpty else {
            throw MissingStageError(table: "codings for coder '\(coder)'", stage: "code")
        }
        guard categories.contains(gate) else {
            throw InputError(
                file: db.path, line: nil,
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

        // Hot loops over every post and every coding row: prepared statements read by position.
        let postQuery = try db.prepare(
            """
            SELECT p.post_id, p.platform, p.created_unix, l.language, c.canonical_post_id
            FROM posts p
            LEFT JOIN post_languages l ON l.post_id = p.post_id
            LEFT JOIN post_clusters c ON c.post_id = p.post_id
            """)
        /// A small integer per distinct value (platforms, languages), in order of first appearance.
        func intern(_ value: String, _ index: inout [String: Int32], _ values: inout [String]) -> Int32 {
            if let known = index[value] { return known }
            let next = Int32(values.count)
            index[value] = next
            values.append(value)
            return next
        }
        while try postQuery.step() {
            let id = Int(postQuery.columnInt(0))
            let platform = postQuery.columnText(1) ?? ""
            var record = PostRecord()
            record.exists = true
            record.platform = intern(platform, &platformIndex, &platforms)
            let language: String
            if postQuery.columnIsNull(3) {
                language = "und"
                loaded.missingLanguage += 1
            } else {
                language = postQuery.columnText(3) ?? "und"
            }
            record.language = intern(language, &languageIndex, &languages)
            record.day = Timestamp.floorDiv(postQuery.columnInt(2), 86_400)
            if postQuery.columnIsNull(4) {
                loaded.missingCluster += 1
            } else {
                record.canonical = postQuery.columnInt(4) == Int64(id)
            }
            posts[id] = record
            loaded.postsTotal += 1
        }
        postQuery.reset()

        // Category names become bit positions inside SQLite, so no string is made per coding row.
        let caseExpression =
            "CASE category "
            + categories.enumerated().map { "WHEN \(sqlLiteral($1)) THEN \($0)" }.joined(separator: " ") + " END"
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
            hasher.add(
                "\(id)\t\(platforms[Int(post.platform)])\t\(post.day)\t\(languages[Int(post.language)])\t"
                    + "\(post.canonical ? 1 : 0)\t\(post.coded ? 1 : 0)\t\(post.positives)\n"
            )
        }
        loaded.dataFingerprint = hasher.finish()
        loaded.posts = posts
        loaded.platforms = platforms
        loaded.languages = languages
        return loaded
    }

    // MARK: Running

    public func run() throws -> AggregateSummary {
        let window = try options.window()
        try Self.checkInputs(db)
        let coder = try Self.primaryCoder(db, option: options.coder)
        let codebook = try Self.codebook(db, coder: coder)
        let gate = options.gate ?? codebook?.gate ?? "relevant"
        let data = try load(coder: coder, gate: gate)
        let validation = try ValidationSample.load(
            db, name: options.validationSample, referenceCoder: options.referenceCoder,
            categories: data.categories)
        let scope = Scope(data: data, options: options, window: window)
        let tables = Self.compute(data, validation: validation, scope: scope, coder: coder, options: options)
        var notes = tables.notes
        if data.missingCluster > 0 {
            notes.append("\(data.missingCluster) posts have no post_clusters row (counted as canonical): re-run dedupe")
        }
        if data.missingLanguage > 0 {
            notes.append(
                "\(data.missingLanguage) posts have no post_languages row (counted as und): re-run language-detect")
        }
        if let stale = try Self.staleCodebookNote(db) { notes.append(stale) }
        let warnings = try Freshness.warnings(
            db, coder: coder, codebook: codebook, validation: validation, data: data, scope: scope)
        notes += warnings.map(\.message)

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
            "inputs.source_files": try db.query("SELECT fingerprint FROM source_files ORDER BY fingerprint")
                .compactMap { $0.text("fingerprint") }.joined(separator: ","),
            "primary_posts_set": options.includeDuplicates ? "all" : "canonical",
            "time_bin": tables.timeBin.rawValue,
            "scope": scope.words,
            "methods": validation == nil || tables.labelledInScope == 0
                ? "naive (uncorrected: no labelled validation sample)" : "naive, human, ppi",
        ]
        if let validation {
            manifest["validation_sample"] = validation.name
            manifest["validation_purpose"] = validation.purpose
            manifest["validation_design"] = validation.design.rawValue
            manifest["inputs.validation_posts"] = String(validation.drawn.count)
            manifest["inputs.labelled_posts"] = String(validation.labels.count)
            manifest["inputs.labelled_posts_in_scope"] = String(tables.labelledInScope)
            manifest["inputs.validation_fingerprint"] = Self.fingerprint(validation)
        }
        for warning in warnings { manifest["warnings.\(warning.key)"] = warning.message }
        for stage in ["ingest", "dedupe", "language-detect", "code", "annotate-sample"] {
            if let fingerprint = try db.scalarText(
                """
                SELECT input_fingerprint FROM runs WHERE stage = ? AND status = 'completed' ORDER BY run_id DESC LIMIT 1
                """, [.text(stage)])
            {
                manifest["inputs.run_fingerprint.\(stage)"] = fingerprint
            }
        }
        for (key, value) in options.parameters { manifest["parameters.\(key)"] = value }
        manifest.merge(try Self.provenance(db, coder: coder)) { $1 }
        if !notes.isEmpty { manifest["notes"] = notes.joined(separator: "; ") }

        let run = try StageRun.begin(
            db, stage: "aggregate", parameters: options.parameters.merging(["coder": coder, "gate": gate]) { $1 },
            inputFingerprint: data.dataFingerprint)
        do {
            let written = try db.transaction { () -> Int in
                for table in [
                    "aggregate_estimates", "aggregate_cooccurrence", "aggregate_association",
                    "aggregate_published", "aggregate_manifest",
                ] {
                    try db.execute("DELETE FROM \(table)")
                }
                let rows = try write(tables, manifest: manifest, runID: run.id)
                try run.finish(
                    rowsIn: data.postsTotal, rowsOut: rows, rejects: 0,
                    message: notes.isEmpty ? nil : notes.joined(separator: "; "))
                return rows
            }
            let primary = options.includeDuplicates ? "all" : "canonical"
            let overall = data.categories.map { category in
                (
                    category,
                    Dictionary(
                        uniqueKeysWithValues: tables.estimates.filter {
                            $0.postsSet == primary && $0.breakdown == "all" && $0.category == category
                        }.map { ($0.method, $0.result) })
                )
            }
            return AggregateSummary(
                runID: run.id, coder: coder, categories: data.categories,
                postsCoded: data.posts.lazy.filter(\.coded).count,
                primaryDenominator: tables.primaryDenominator, rowsWritten: written, notes: notes,
                validation: validation.map { ($0.name, tables.labelledInScope) }, overall: overall)
        } catch {
            run.fail(error)
            throw error
        }
    }

    static func fingerprint(_ validation: ValidationSample) -> String {
        var hasher = StreamingFingerprint()
        hasher.add("sample:\(validation.name)\tdesign:\(validation.design.rawValue)\n")
        for (post, drawn) in validation.drawn.sorted(by: { $0.key < $1.key }) {
            hasher.add(
                "\(post)\t\(drawn.weight)\t\(drawn.stratum)\t\(validation.labels[post].map(String.init) ?? "-")\n")
        }
        return hasher.finish()
    }

    // MARK: Computing

    /// Which posts the tables are about: coded, with a known language (unless --include-und), in
    /// the window, platforms and languages asked for.
    struct Scope {
        let includes: (PostRecord) -> Bool
        let words: String

        init(data: Loaded, options: AggregateOptions, window: (since: Int64?, until: Int64?)) {
            let und = data.languages.firstIndex(of: "und").map(Int32.init)
            let platforms = Set(options.platforms.compactMap { data.platforms.firstIndex(of: $0).map(Int32.init) })
            let languages = Set(options.languages.compactMap { data.languages.firstIndex(of: $0).map(Int32.init) })
            let includeUnd = options.includeUnknownLanguage, wantPlatforms = !options.platforms.isEmpty
            let wantLanguages = !options.languages.isEmpty
            includes = { p in
                p.exists && p.coded && (includeUnd || p.language != und)
                    && (!wantPlatforms || platforms.contains(p.platform))
                    && (!wantLanguages || languages.contains(p.language))
                    && (window.since.map { p.day >= $0 } ?? true) && (window.until.map { p.day <= $0 } ?? true)
            }
            var parts = [options.includeUnknownLanguage ? "any language, und included" : "with a known language"]
            if wantPlatforms { parts.append("platform " + options.platforms.joined(separator: " or ")) }
            if wantLanguages { parts.append("language " + options.languages.joined(separator: " or ")) }
            if options.since != nil || options.until != nil {
                parts.append(
                    "posted \(options.since.map { "from \($0)" } ?? "") \(options.until.map { "to \($0)" } ?? "")"
                        .trimmingCharacters(in: .whitespaces) + " (UTC)")
            }
            words = parts.joined(separator: ", ")
        }
    }

    struct EstimateRow {
        let postsSet: String, breakdown: String, stratum: String, category: String
        let method: Estimation.Method
        let result: Estimation.Result
        let denominator: String
    }

    struct CooccurrenceRow {
        let a: String, b: String, n: Int, countA: Int, countB: Int, both: Int
    }

    struct PublishedRow {
        let figure: PublishedFigure
        let ourScope: String
        let gatePositive: Int
        let naive: Estimation.Result?
        let ppi: Estimation.Result?
    }

    struct Tables {
        var estimates: [EstimateRow] = []
        var cooccurrence: [CooccurrenceRow] = []
        var association: [(String, String, [Estimation.Association])] = []
        var published: [PublishedRow] = []
        var notes: [String] = []
        var primaryDenominator = 0
        var labelledInScope = 0
        var timeBin = TimeBin.day
    }

    static func compute(
        _ data: Loaded, validation: ValidationSample?, scope: Scope, coder: String,
        options: AggregateOptions
    ) -> Tables {
        var tables = Tables()
        let k = data.categories.count
        let gate = data.categories[0]
        let inScope = data.posts.indices.filter { scope.includes(data.posts[$0]) }
        let days = inScope.map { data.posts[$0].day }
        let firstDay = days.min() ?? 0, lastDay = days.max() ?? -1
        let bin = options.bin ?? TimeBin.automatic(spanDays: max(0, lastDay - firstDay + 1))
        tables.timeBin = bin
        let primarySet = options.includeDuplicates ? "all" : "canonical"
        let reference = options.referenceCoder

        // The labelled posts among `domain` (only canonical posts: the sample frame).
        func labelled(_ domain: [Int]) -> Estimation.Labelled {
            var result = Estimation.Labelled()
            guard let validation else { return result }
            for i in domain {
                let id = Int64(i)
                guard let label = validation.labels[id], let drawn = validation.drawn[id], data.posts[i].canonical
                else { continue }
                result.append(
                    reference: label, predicted: data.posts[i].positives, weight: drawn.weight, stratum: drawn.stratum)
            }
            return result
        }

        for postsSet in ["canonical", "all"] {
            let members = inScope.filter { postsSet == "all" || data.posts[$0].canonical }
            // A validation sample is drawn from canonical posts: it corrects canonical tables only.
            let design = postsSet == "canonical" ? validation?.design : nil
            let setWords =
                postsSet == "canonical"
                ? "canonical posts (one per duplicate cluster)" : "all posts (duplicates included)"
            if postsSet == "canonical" { tables.labelledInScope = labelled(members).count }
            for breakdown in ["all", "language", "platform", bin.rawValue] {
                var groups: [Int64: [Int]] = [:]
                for i in members {
                    let p = data.posts[i]
                    let key: Int64
                    switch breakdown {
                    case "all": key = 0
                    case "language": key = Int64(p.language)
                    case "platform": key = Int64(p.platform)
                    default: key = bin.start(of: p.day)
                    }
                    groups[key, default: []].append(i)
                }
                var keys: [(Int64, String)]
                switch breakdown {
                case "all": keys = [(0, "all")]
                case "language": keys = groups.keys.map { ($0, data.languages[Int($0)]) }
                case "platform": keys = groups.keys.map { ($0, data.platforms[Int($0)]) }
                // Every bin from the first post's to the last's, empty ones too, so the timeline has no gaps.
                default: keys = bin.bins(from: firstDay, through: lastDay).map { ($0, TimeBin.label($0)) }
                }
                keys.sort { $0.1 < $1.1 }
                for (key, stratum) in keys {
                    let domain = groups[key] ?? []
                    let predicted = domain.map { data.posts[$0].positives }
                    let results = Estimation.shares(
                        predicted: predicted, labelled: labelled(domain), design: design,
                        categories: k, minimumLabelled: options.minimumLabelled,
                        minimumInformative: options.minimumInformative)
                    for (c, category) in data.categories.enumerated() {
                        for (method, result) in results[c].sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                            let words: String
                            switch (method, c == 0) {
                            case (.naive, true): words = "\(setWords) coded by \(coder), \(scope.words)"
                            case (.naive, false): words = "\(setWords) coded \(gate) by \(coder), \(scope.words)"
                            case (.human, true):
                                words =
                                    "labelled posts of validation sample '\(validation?.name ?? "")' "
                                    + "(reference \(reference))"
                            case (.human, false): words = "labelled posts the reference \(reference) coded \(gate)"
                            case (.ppi, true):
                                words =
                                    "\(setWords), \(scope.words): "
                                    + "coder on every post, corrected with the labelled posts"
                            case (.ppi, false):
                                words = "\(setWords) that are \(gate), \(scope.words): ratio of PPI++ means"
                            }
                            tables.estimates.append(
                                EstimateRow(
                                    postsSet: postsSet, breakdown: breakdown, stratum: stratum,
                                    category: category, method: method, result: result, denominator: words))
                        }
                        if postsSet == primarySet && breakdown == "all" && c == 0 {
                            tables.primaryDenominator = domain.count
                        }
                    }
                }
            }
            guard postsSet == primarySet else { continue }
            var pairCounts = [Int](repeating: 0, count: k * k)
            for i in members where data.posts[i].positives & 1 != 0 {
                let p = data.posts[i].positives
                for a in 1..<max(k, 1) where p & (1 << UInt64(a)) != 0 {
                    for c in 1..<k where p & (1 << UInt64(c)) != 0 { pairCounts[a * k + c] += 1 }
                }
            }
            let gatePositive = members.filter { data.posts[$0].positives & 1 != 0 }.count
            let ordered = (1..<max(k, 1)).sorted { data.categories[$0] < data.categories[$1] }
            for (x, a) in ordered.enumerated() {
                for c in ordered[(x + 1)...] {
                    tables.cooccurrence.append(
                        CooccurrenceRow(
                            a: data.categories[a], b: data.categories[c], n: gatePositive,
                            countA: pairCounts[a * k + a], countB: pairCounts[c * k + c], both: pairCounts[a * k + c]))
                }
            }
            let predicted = members.map { data.posts[$0].positives }
            for (first, second) in options.pairs {
                guard let a = data.categories.firstIndex(of: first), let b = data.categories.firstIndex(of: second),
                    a > 0, b > 0, a != b
                else {
                    tables.notes.append(
                        "association pair \(first):\(second) skipped: both must be coded non-gate categories")
                    continue
                }
                tables.association.append(
                    (
                        first, second,
                        Estimation.association(
                            a: a, b: b, predicted: predicted, labelled: labelled(members), design: design,
                            minimumLabelled: options.minimumLabelled,
                            minimumInformative: options.minimumInformative)
                    ))
            }
            for figure in options.published {
                guard let c = data.categories.firstIndex(of: figure.category), c > 0 else {
                    tables.notes.append(
                        "published figure for \(figure.category) skipped: not a non-gate category of the coder")
                    continue
                }
                let since = figure.since.flatMap(parseUTCDay), until = figure.until.flatMap(parseUTCDay)
                let platform = figure.platform.flatMap { data.platforms.firstIndex(of: $0) }.map(Int32.init)
                let matching = members.filter { i in
                    let p = data.posts[i]
                    return (figure.platform == nil || p.platform == platform)
                        && (since.map { p.day >= $0 } ?? true) && (until.map { p.day <= $0 } ?? true)
                }
                let domain = matching.isEmpty ? members : matching
                let ourScope =
                    matching.isEmpty
                    ? "all posts in scope: the data has no posts of the published scope (\(figure.scope))"
                    : "the published scope (\(figure.platform ?? "any platform"), "
                        + "\(figure.since ?? "") to \(figure.until ?? ""))"
                let results = Estimation.shares(
                    predicted: domain.map { data.posts[$0].positives }, labelled: labelled(domain),
                    design: design, categories: k, minimumLabelled: options.minimumLabelled,
                    minimumInformative: options.minimumInformative)
                tables.published.append(
                    PublishedRow(
                        figure: figure, ourScope: ourScope, gatePositive: results[0][.naive]?.count ?? 0,
                        naive: results[c][.naive], ppi: results[c][.ppi]))
            }
        }
        if let validation {
            tables.notes += validation.notes
            tables.notes.append(
                "validation sample '\(validation.name)' (\(validation.design.rawValue)): "
                    + "\(validation.labels.count) of \(validation.drawn.count) posts labelled by \(reference) "
                    + "(\(validation.unlabelledCount) count as unlabelled), \(tables.labelledInScope) of them in scope")
            if options.includeDuplicates {
                tables.notes.append(
                    "--include-duplicates: corrected (human, ppi) estimates exist for canonical posts only, "
                        + "the posts the validation sample is drawn from")
            }
        } else {
            tables.notes.append(
                "no validation sample (draw one with `annotate sample --purpose validation`): "
                    + "every share is the coder's own, uncorrected")
        }
        tables.estimates.sort {
            ($0.postsSet, $0.breakdown, $0.stratum, $0.category, $0.method.rawValue)
                < ($1.postsSet, $1.breakdown, $1.stratum, $1.category, $1.method.rawValue)
        }
        tables.association.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        tables.published.sort { $0.figure.category < $1.figure.category }
        return tables
    }

    // MARK: Writing

    func write(_ tables: Tables, manifest: [String: String], runID: Int64) throws -> Int {
        var rows = 0
        let run = SQLValue.int(runID)
        let insert = try db.prepare(
            """
            INSERT INTO aggregate_estimates(posts_set, breakdown, stratum, category, method, estimate, ci_low, ci_high,
                                            n_labeled, n_unlabeled, count, lambda, denominator, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in tables.estimates {
            insert.reset()
            try insert.bind([
                .text(r.postsSet), .text(r.breakdown), .text(r.stratum), .text(r.category), .text(r.method.rawValue),
                .from(r.result.estimate), .from(r.result.low), .from(r.result.high), .from(r.result.labelled),
                .from(r.result.unlabelled), .from(r.result.count), .from(r.result.lambda), .text(r.denominator), run,
            ])
            try insert.runToCompletion()
            rows += 1
        }
        for r in tables.cooccurrence {
            let t = Statistics.TwoByTwo(
                a: r.both, b: r.countA - r.both, c: r.countB - r.both, d: r.n - r.countA - r.countB + r.both)
            try db.run(
                """
                INSERT INTO aggregate_cooccurrence(category_a, category_b, n, count_a, count_b, count_both,
                                                   share_b_given_a, share_a_given_b, phi, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(r.a), .text(r.b), .from(r.n), .from(r.countA), .from(r.countB), .from(r.both),
                    .from(r.countA > 0 ? Double(r.both) / Double(r.countA) : nil),
                    .from(r.countB > 0 ? Double(r.both) / Double(r.countB) : nil), .from(Statistics.phi(t)), run,
                ])
            rows += 1
        }
        for (a, b, methods) in tables.association {
            for m in methods {
                try db.run(
                    """
                    INSERT INTO aggregate_association(category_a, category_b, method, n_labeled, n_unlabeled,
                        both_yes, a_only, b_only, neither, log_odds_ratio, standard_error, odds_ratio, or_ci_low,
                        or_ci_high, chi_square, p_value, or_method, lambda, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(a), .text(b), .text(m.method.rawValue), .from(m.labelled), .from(m.unlabelled),
                        .from(m.table?.a), .from(m.table?.b), .from(m.table?.c), .from(m.table?.d),
                        .from(m.logOddsRatio),
                        .from(m.standardError), .from(m.oddsRatio), .from(m.low), .from(m.high), .from(m.chiSquare),
                        .from(m.pValue), .from(m.orMethod), .from(m.lambda), run,
                    ])
                rows += 1
            }
        }
        for r in tables.published {
            let f = r.figure
            try db.run(
                """
                INSERT INTO aggregate_published(category, published_share, published_text, source, published_scope,
                    platform, since, until, our_scope, n, n_labeled, naive_share, naive_ci_low, naive_ci_high,
                    ppi_share, ppi_ci_low, ppi_ci_high, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(f.category), .double(f.share), .text(f.text), .text(f.source), .text(f.scope),
                    .from(f.platform),
                    .from(f.since), .from(f.until), .text(r.ourScope), .from(r.gatePositive),
                    .from(r.ppi?.labelled ?? 0),
                    .from(r.naive?.estimate), .from(r.naive?.low), .from(r.naive?.high), .from(r.ppi?.estimate),
                    .from(r.ppi?.low), .from(r.ppi?.high), run,
                ])
            rows += 1
        }
        for (key, value) in manifest.sorted(by: { $0.key < $1.key }) {
            try db.run(
                "INSERT INTO aggregate_manifest(key, value, run_id) VALUES (?, ?, ?)", [.text(key), .text(value), run])
        }
        return rows
    }

    // MARK: Codebook

    struct CodebookInfo { let name: String, version: String, fingerprint: String, gate: String? }

    /// When the codebook file of the last completed code run has changed since, the codings are from
    /// an older codebook: say so, and how to re-code (`make` re-codes, its code stamp depends on codebooks/).
    /// What built the numbers, beyond the data: the tools' commit, the exact Swift package versions,
    /// and the model files the stages used (sha256 of the fastText model and of a supervised or
    /// prototype coder's file, the embedding model's name and input profile), read from the
    /// parameters of the latest completed run of each stage.
    static func provenance(_ db: Database, coder: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        if let commit = BuildInfo.gitCommit { entries["tool_git_commit"] = commit }
        for (name, version) in BuildInfo.packageVersions { entries["packages.\(name)"] = version }
        func latest(_ stage: String, coder: String? = nil) throws -> [String: String] {
            let text = try db.scalarText(
                """
                SELECT parameters FROM runs
                WHERE stage = ?1 AND status = 'completed' AND (?2 IS NULL OR json_extract(parameters, '$.coder') = ?2)
                ORDER BY run_id DESC LIMIT 1
                """, [.text(stage), .from(coder)])
            guard let text else { return [:] }
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
        }
        let detect = try latest("language-detect")
        if let sha = detect["fasttext_model_sha256"], !sha.isEmpty { entries["models.fasttext_sha256"] = sha }
        let code = try latest("code", coder: coder)
        if let sha = code["model_file_sha256"] { entries["models.coder_file_sha256"] = sha }
        let embed = try latest("embed")
        if let model = embed["model"] {
            entries["models.embedding"] = model
            entries["models.embedding_input_profile"] = embed["input_profile"] ?? ""
        }
        return entries
    }

    static func staleCodebookNote(_ db: Database) throws -> String? {
        guard
            let parameters = try db.scalarText(
                "SELECT parameters FROM runs WHERE stage = 'code' AND status = 'completed' ORDER BY run_id DESC LIMIT 1"
            ),
            let object = try? JSONSerialization.jsonObject(with: Data(parameters.utf8)) as? [String: String],
            let path = object["codebook"], let used = object["codebook_fingerprint"],
            FileManager.default.fileExists(atPath: path)
        else { return nil }
        guard let current = try? CodebookLoader.load(path: path) else {
            return "codings may be stale: \(path) no longer loads; "
                + "fix it and re-run `code --codebook \(path)` (make re-codes)"
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
        guard
            let row = try db.query(
                """
                SELECT name, version, fingerprint, yaml FROM codebooks WHERE name = ? AND version = ?
                ORDER BY codebook_id DESC LIMIT 1
                """, [.text(parts[0]), .text(parts[1])]
            ).first
        else { return nil }
        // The gate is a top-level `gate: id` line; a full YAML parser is the code stage's business.
        let gate = (row.text("yaml") ?? "").split(separator: "\n").first { $0.hasPrefix("gate:") }
            .map {
                $0.dropFirst(5).trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\"'"))
            }
        return CodebookInfo(
            name: try row.required(text: "name"), version: try row.required(text: "version"),
            fingerprint: row.text("fingerprint") ?? "", gate: gate)
    }
}

func sqlLiteral(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

/// SHA-256 over text fed in pieces (so a million rows are not joined into one string first).
struct StreamingFingerprint {
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    mutating func add(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 {
            hasher.update(data: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
    mutating func finish() -> String {
        hasher.update(data: buffer)
        buffer.removeAll()
        return Fingerprint.hex(hasher.finalize())
    }
}
