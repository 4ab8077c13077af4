import Foundation

/// Why a sample is drawn. A validation sample must give every post of the population a known
/// chance, so that `aggregate` can correct the coder with it; a training sample may favour posts
/// a coder learns most from, and is used for validation only when its inclusion probabilities are known.
public enum SamplePurpose: String, CaseIterable, Sendable {
    case validation, training
}

/// How posts are drawn. `random`: a simple random sample of the population (every post the same
/// chance); `stratified`: a simple random sample within each stratum (language and/or the
/// automated coder's rarest category), with each stratum's inclusion probability stored.
/// Strategies whose probabilities are not known store NULL in `sample_posts.inclusion_probability`:
/// `uncertain` (active learning, training only): the posts a supervised coder is least sure of
/// (see UncertaintySampling).
public enum SampleStrategy: String, CaseIterable, Sendable {
    case random, stratified, uncertain
}

/// What `annotate sample` draws.
public struct SampleOptions: Sendable {
    public var name: String
    public var size: Int
    public var seed: UInt64 = 4242
    public var purpose: SamplePurpose = .training
    /// nil: `random` for validation samples, `stratified` for training samples.
    public var strategy: SampleStrategy?
    /// Only posts the automated coder put in the codebook's gate category (e.g. 'relevant').
    public var relevantOnly = false
    public var stratifyByLanguage = true
    /// Stratify by the automated coder's rarest positive category, so rare categories are represented.
    public var stratifyByDecision = true
    /// The automated coder whose decisions define relevance and decision strata (nil: the only one present).
    public var autoCoder: String?
    /// Each stratum first gets this many posts (or all it has), the rest is allocated proportionally.
    public var minPerStratum = 5
    /// Coders the sample is split between, and the share of posts every one of them codes.
    public var coders: [String] = []
    public var overlap = 1.0
    public var codebookName: String?

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
    }

    public var effectiveStrategy: SampleStrategy { strategy ?? (purpose == .validation ? .random : .stratified) }

    var parameters: [String: String] {
        let stratified = effectiveStrategy == .stratified
        var result = [
            "name": name, "size": String(size), "seed": String(seed), "relevant_only": String(relevantOnly),
            "stratify_language": String(stratified && stratifyByLanguage),
            "stratify_decision": String(stratified && stratifyByDecision),
            "auto_coder": autoCoder ?? "", "min_per_stratum": String(minPerStratum),
            "coders": coders.joined(separator: ","), "overlap": String(overlap), "codebook": codebookName ?? "",
        ]
        // Samples drawn before purposes existed were stratified training samples: their stored
        // parameters lack these keys, and re-running the same command must still find them.
        if purpose != .training || !stratified {
            result["purpose"] = purpose.rawValue
            result["strategy"] = effectiveStrategy.rawValue
        }
        return result
    }
}

public struct SampleSummary: Sendable {
    public var sampleID: Int64
    public var population: Int
    public var strata: [(stratum: String, population: Int, sampled: Int)]
    public var assignments: [(coder: String, posts: Int, shared: Int)]
    public var alreadyExisted: Bool

    /// Sampled and population counts summed per value of each stratum dimension ('lang', 'auto').
    public static func margins(_ strata: [(stratum: String, population: Int, sampled: Int)])
        -> [(dimension: String, margin: [(value: String, sampled: Int, population: Int)])]
    {
        var order: [String] = []
        var totals: [String: [String: (Int, Int)]] = [:]
        for s in strata {
            for part in s.stratum.split(separator: "|") {
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { continue }
                if totals[kv[0]] == nil { order.append(kv[0]) }
                let old = totals[kv[0], default: [:]][kv[1]] ?? (0, 0)
                totals[kv[0], default: [:]][kv[1]] = (old.0 + s.sampled, old.1 + s.population)
            }
        }
        return order.map { d in (d, totals[d]!.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }) }
    }
}

/// Draws reproducible stratified samples. The draw is a pure function of the population and the seed:
/// each post's rank is a hash of (seed, platform, external id), so it does not depend on row order
/// or on post ids, and adding posts to another stratum leaves a stratum's draw unchanged.
public enum Sampler {
    struct Candidate {
        var postID: Int64
        var key: UInt64
        var stratum: String
    }

    public static func draw(_ db: Database, _ options: SampleOptions) throws -> SampleSummary {
        guard options.size > 0 else { throw AnnotateError("--size must be positive") }
        guard (0...1).contains(options.overlap) else { throw AnnotateError("--overlap must be between 0 and 1") }
        var options = options
        if options.effectiveStrategy == .uncertain && options.purpose != .training {
            throw AnnotateError(
                "--strategy uncertain draws the posts a coder is least sure of: nobody knows their chance "
                    + "of being drawn, so such a sample can train a coder but never validate one "
                    + "(use --purpose training)"
            )
        }
        if options.effectiveStrategy == .random || options.effectiveStrategy == .uncertain {
            options.stratifyByLanguage = false
            options.stratifyByDecision = false
        }
        if options.purpose == .validation && options.relevantOnly {
            throw AnnotateError(
                "a validation sample must give every post a chance: --relevant-only leaves out the posts "
                    + "the coder called irrelevant, whose errors the validation must see")
        }
        try requireTables(db, ["post_clusters": "dedupe", "codings": "code", "codebooks": "code"])
        if options.stratifyByLanguage { try requireTables(db, ["post_languages": "language-detect"]) }
        let codebook = try StoredCodebook.load(db, name: options.codebookName)
        let scheme = try annotationCategories(from: codebook)
        let parameters = options.parameters.merging(["codebook_fingerprint": codebook.fingerprint]) { $1 }

        if let existing = try db.query(
            "SELECT sample_id, parameters FROM samples WHERE name = ?", [.text(options.name)]
        ).first {
            guard existing.text("parameters") == canonicalJSON(parameters) else {
                throw AnnotateError(
                    "a sample named '\(options.name)' already exists with other options "
                        + "(\(existing.text("parameters") ?? "")); choose another --name"
                )
            }
            return try summary(db, sampleID: try existing.required(int64: "sample_id"), alreadyExisted: true)
        }
        if options.effectiveStrategy == .uncertain {
            return try UncertaintySampling.draw(db, options, codebook: codebook, parameters: parameters)
        }

        let needsAuto = options.relevantOnly || options.stratifyByDecision
        let autoCoder = needsAuto ? try resolveAutoCoder(db, options.autoCoder) : nil
        var candidates = try population(db, options, scheme: scheme, autoCoder: autoCoder)
        guard !candidates.isEmpty else {
            throw AnnotateError(
                "no posts are eligible for the sample (canonical\(options.relevantOnly ? ", coded relevant" : ""))")
        }
        candidates.sort { $0.key < $1.key }

        var byStratum: [String: [Candidate]] = [:]
        for c in candidates { byStratum[c.stratum, default: []].append(c) }
        let allocation = allocate(
            size: options.size, strata: byStratum.mapValues(\.count), minimum: options.minPerStratum)
        var drawn: [Candidate] = []
        for (stratum, members) in byStratum { drawn += members.prefix(allocation[stratum] ?? 0) }
        drawn.sort { $0.key < $1.key }

        let rows = drawn.map { c -> DrawnPost in
            let population = byStratum[c.stratum]!.count, sampled = allocation[c.stratum]!
            return DrawnPost(
                postID: c.postID, stratum: c.stratum, stratumPopulation: population, stratumSampled: sampled,
                weight: Double(population) / Double(sampled),
                inclusionProbability: Double(sampled) / Double(population))
        }
        return try store(
            db, options, codebook: codebook, parameters: parameters, strategy: options.effectiveStrategy,
            population: candidates.count, drawn: rows)
    }

    /// One drawn post as `sample_posts` stores it.
    struct DrawnPost {
        var postID: Int64
        var stratum: String
        var stratumPopulation: Int
        var stratumSampled: Int
        var weight: Double
        /// nil when the design gives no known chance (uncertainty sampling): never a validation sample.
        var inclusionProbability: Double?
    }

    /// Writes the sample, its posts in order and the coders' assignments (the first `overlap`
    /// share to every coder, the rest dealt round-robin) in one transaction with its run.
    static func store(
        _ db: Database, _ options: SampleOptions, codebook: StoredCodebook, parameters: [String: String],
        strategy: SampleStrategy, population: Int, drawn: [DrawnPost]
    ) throws -> SampleSummary {
        let sharedCount = options.coders.isEmpty ? drawn.count : Int((Double(drawn.count) * options.overlap).rounded())
        let run = try StageRun.begin(db, stage: "annotate-sample", parameters: parameters)
        let sampleID: Int64 = try db.transaction {
            try db.run(
                """
                INSERT INTO samples(name, codebook_fingerprint, seed, parameters, population, size, created_at, run_id,
                                    purpose, strategy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(options.name), .text(codebook.fingerprint), .int(Int64(bitPattern: options.seed)),
                    .text(canonicalJSON(parameters)), .from(population), .from(drawn.count),
                    .text(Timestamp.now()), .int(run.id), .text(options.purpose.rawValue), .text(strategy.rawValue),
                ])
            let sampleID = db.lastInsertRowID
            for (index, post) in drawn.enumerated() {
                try db.run(
                    """
                    INSERT INTO sample_posts(sample_id, post_id, position, stratum, stratum_population, stratum_sampled,
                                             weight, inclusion_probability)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .int(sampleID), .int(post.postID), .from(index + 1), .text(post.stratum),
                        .from(post.stratumPopulation), .from(post.stratumSampled), .double(post.weight),
                        .from(post.inclusionProbability),
                    ])
                if !options.coders.isEmpty {
                    let shared = index < sharedCount
                    let coders =
                        shared ? options.coders : [options.coders[(index - sharedCount) % options.coders.count]]
                    for coder in coders {
                        try db.run(
                            "INSERT INTO sample_assignments(sample_id, coder, post_id, shared) VALUES (?, ?, ?, ?)",
                            [.int(sampleID), .text(HumanCoder.id(coder)), .int(post.postID), .from(shared)])
                    }
                }
            }
            try run.finish(rowsIn: population, rowsOut: drawn.count, rejects: 0)
            return sampleID
        }
        return try summary(db, sampleID: sampleID, alreadyExisted: false)
    }

    /// Minimum-then-proportional allocation. When the minimums alone exceed the size, posts are
    /// dealt one at a time to strata from the smallest up, so rare strata are never left out first.
    static func allocate(size: Int, strata: [String: Int], minimum: Int) -> [String: Int] {
        let names = strata.keys.sorted()
        var allocation = Dictionary(uniqueKeysWithValues: names.map { ($0, min(strata[$0]!, minimum)) })
        let floorTotal = allocation.values.reduce(0, +)
        if floorTotal >= size {
            allocation = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })
            let order = names.sorted { (strata[$0]!, $0) < (strata[$1]!, $1) }
            var left = size
            while left > 0 {
                for name in order where left > 0 && allocation[name]! < min(strata[name]!, minimum) {
                    allocation[name]! += 1
                    left -= 1
                }
            }
            return allocation
        }
        let remaining = size - floorTotal
        let capacity = names.map { strata[$0]! - allocation[$0]! }
        let totalCapacity = capacity.reduce(0, +)
        if remaining >= totalCapacity { return strata }
        var quotas = capacity.map { Double(remaining) * Double($0) / Double(totalCapacity) }
        var given = 0
        for (i, name) in names.enumerated() {
            let whole = Int(quotas[i].rounded(.down))
            allocation[name]! += whole
            given += whole
            quotas[i] -= Double(whole)
        }
        // Largest remainders get the leftover posts; ties go to the stratum name that sorts first.
        let byRemainder = names.indices.sorted { (quotas[$0], names[$1]) > (quotas[$1], names[$0]) }
        for i in byRemainder.prefix(remaining - given) { allocation[names[i]]! += 1 }
        return allocation
    }

    static func population(_ db: Database, _ options: SampleOptions, scheme: AnnotationScheme, autoCoder: String?)
        throws -> [Candidate]
    {
        var positives: [Int64: [String]] = [:]
        var frequency: [String: Int] = [:]
        if let autoCoder {
            for row in try db.query(
                "SELECT post_id, category FROM codings WHERE coder = ? AND value = 1", [.text(autoCoder)])
            {
                let category = try row.required(text: "category")
                positives[try row.required(int64: "post_id"), default: []].append(category)
                frequency[category, default: 0] += 1
            }
        }
        let language = options.stratifyByLanguage ? "coalesce(l.language, 'und')" : "''"
        let join = options.stratifyByLanguage ? "LEFT JOIN post_languages l ON l.post_id = p.post_id" : ""
        let rows = try db.query(
            """
            SELECT p.post_id, p.platform, p.external_id, \(language) AS language
            FROM posts p JOIN post_clusters c ON c.post_id = p.post_id AND c.canonical_post_id = p.post_id
            \(join)
            ORDER BY p.post_id
            """)
        var result: [Candidate] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            let postID = try row.required(int64: "post_id")
            let decided = positives[postID] ?? []
            if options.relevantOnly, let gate = scheme.gate, !decided.contains(gate) { continue }
            var parts: [String] = []
            if options.stratifyByLanguage { parts.append("lang=\(try row.required(text: "language"))") }
            if options.stratifyByDecision {
                // The rarest category the automated coder found (gate excluded), so rare codes get their own stratum.
                let rarest = decided.filter { $0 != scheme.gate }.min { (frequency[$0]!, $0) < (frequency[$1]!, $1) }
                parts.append("auto=\(rarest ?? "none")")
            }
            let key = mixedKey(
                options.seed ^ fnv1a64("\(try row.required(text: "platform")):\(try row.required(text: "external_id"))")
            )
            result.append(
                Candidate(postID: postID, key: key, stratum: parts.isEmpty ? "all" : parts.joined(separator: "|")))
        }
        return result
    }

    static func resolveAutoCoder(_ db: Database, _ given: String?) throws -> String {
        let coders = try db.query(
            "SELECT DISTINCT coder FROM codings WHERE coder NOT LIKE 'human:%' AND coder <> 'adjudicated' "
                + "ORDER BY coder"
        ).compactMap { $0.text("coder") }
        if let given {
            guard coders.contains(given) else {
                throw AnnotateError(
                    "no codings by '\(given)'; automated coders present: \(coders.joined(separator: ", "))")
            }
            return given
        }
        guard coders.count == 1 else {
            throw AnnotateError(
                coders.isEmpty
                    ? "no automated codings yet: run `code` first, or use --no-stratify-decision"
                    : "several automated coders (\(coders.joined(separator: ", "))): choose one with --auto-coder")
        }
        return coders[0]
    }

    public static func summary(_ db: Database, sampleID: Int64, alreadyExisted: Bool) throws -> SampleSummary {
        let population = try db.scalarInt("SELECT population FROM samples WHERE sample_id = ?", [.int(sampleID)]) ?? 0
        let strata = try db.query(
            """
            SELECT stratum, max(stratum_population) AS population, count(*) AS drawn FROM sample_posts
            WHERE sample_id = ?
            GROUP BY stratum ORDER BY stratum
            """, [.int(sampleID)]
        ).map { (try $0.required(text: "stratum"), try $0.required(int: "population"), try $0.required(int: "drawn")) }
        let assignments = try db.query(
            """
            SELECT coder, count(*) AS posts, sum(shared) AS shared FROM sample_assignments WHERE sample_id = ?
            GROUP BY coder ORDER BY coder
            """, [.int(sampleID)]
        ).map { (try $0.required(text: "coder"), try $0.required(int: "posts"), try $0.required(int: "shared")) }
        return SampleSummary(
            sampleID: sampleID, population: population, strata: strata, assignments: assignments,
            alreadyExisted: alreadyExisted)
    }
}

/// Coder names as stored in `codings.coder`.
public enum HumanCoder {
    public static let adjudicated = "adjudicated"
    public static func id(_ name: String) -> String {
        name.hasPrefix("human:") || name == adjudicated ? name : "human:\(name)"
    }
}

func requireTables(_ db: Database, _ tables: [String: String]) throws {
    for (table, stage) in tables.sorted(by: { $0.key < $1.key }) {
        if try !db.tableExists(table) {
            throw AnnotateError("table '\(table)' is missing: run the `\(stage)` stage first")
        }
    }
}

/// One well-mixed 64-bit value from a key: the first output of SplitMix64 seeded with it
/// (the generator is shared with aggregate, Sources/StudyKit/Aggregate/Statistics.swift).
func mixedKey(_ value: UInt64) -> UInt64 {
    var generator = SplitMix64(seed: value)
    return generator.next()
}

/// 64-bit FNV-1a of the UTF-8 bytes: a stable, platform-independent key (Swift's Hasher is seeded per process).
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

public struct SampleRef: Sendable {
    public var id: Int64
    public var name: String
    public var codebookFingerprint: String

    public static func find(_ db: Database, _ name: String) throws -> SampleRef {
        try requireTables(db, ["samples": "annotate sample"])
        guard
            let row = try db.query(
                "SELECT sample_id, name, codebook_fingerprint FROM samples WHERE name = ?", [.text(name)]
            ).first
        else {
            let known = try db.query("SELECT name FROM samples ORDER BY sample_id").compactMap { $0.text("name") }
            throw AnnotateError(
                "no sample named '\(name)'"
                    + (known.isEmpty
                        ? "; draw one with `annotate sample`"
                        : " (samples: \(known.joined(separator: ", ")))")
            )
        }
        return SampleRef(
            id: try row.required(int64: "sample_id"), name: try row.required(text: "name"),
            codebookFingerprint: try row.required(text: "codebook_fingerprint"))
    }
}
