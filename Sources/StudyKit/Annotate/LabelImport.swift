import Foundation

/// `annotate import-labels`: labels a researcher brings from elsewhere (an earlier study, another
/// tool), keyed by the posts' external ids, stored in `codings` as one coder. No sample is needed.
///
/// The file is `id` + one 0/1 column per category (a subset of the codebook's is allowed), with an
/// optional `platform` column (needed only when one id exists on several platforms) and an optional
/// `note` column (kept in the evidence). Every problem (unknown id, bad cell, repeated id, unknown
/// column) is reported with file:line, and nothing is stored unless the whole file is good.
public enum LabelImport {
    public struct Options: Sendable {
        /// Stored as `human:<name>`, or `adjudicated` as it is.
        public var coder: String
        /// Restricts id matching to one platform (else a `platform` column, else ids must be unique).
        public var platform: String?
        /// Also files the labelled posts under this sample name (strategy `imported`, purpose
        /// training, no inclusion probabilities), so that `annotate agreement` and `annotate
        /// adjudicate` can compare coders who labelled elsewhere. Such a sample never validates.
        public var sample: String?
        public init(coder: String, platform: String? = nil, sample: String? = nil) {
            self.coder = coder
            self.platform = platform
            self.sample = sample
        }
    }

    public struct Summary: Sendable {
        public var coder: String
        public var posts = 0
        public var categories: [String] = []
        /// Codebook categories the file has no column for (nothing is stored for them).
        public var categoriesMissing: [String] = []
        public var positives: [String: Int] = [:]
        public var ruleWarnings: [String] = []
        public var runID: Int64 = 0
    }

    /// How many problems are listed before "… and N more".
    static let problemsShown = 20

    struct PlannedRow {
        var postID: Int64
        var line: Int
        var values: [(category: String, present: Bool)]
        var note: String?
    }

    public static func importFile(
        _ path: String, into db: Database, codebook: Codebook,
        options: Options
    ) throws -> Summary {
        try requireTables(db, ["codings": "code", "codebooks": "code"])
        let coder = HumanCoder.id(options.coder)
        let table = try CSVTable.read(path: path)
        guard let header = table.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw AnnotateError("\(path): empty file")
        }
        let categoryIDs = codebook.categories.map(\.id)
        let reserved = ["id", "platform", "note"]
        guard let idColumn = header.firstIndex(of: "id") else {
            throw AnnotateError("\(path):1: no 'id' column (the posts' external ids, as ingest stored them)")
        }
        var problems: [String] = []
        var seenColumns: Set<String> = []
        for name in header {
            if !seenColumns.insert(name).inserted { problems.append("\(path):1: column '\(name)' appears twice") }
            if !reserved.contains(name) && !categoryIDs.contains(name) {
                problems.append(
                    "\(path):1: column '\(name)' is not a category of codebook \(codebook.name)@\(codebook.version) "
                        + "(categories: \(categoryIDs.joined(separator: ", ")); other columns allowed: platform, note)")
            }
        }
        let categoryColumns = categoryIDs.compactMap { id in header.firstIndex(of: id).map { (id, $0) } }
        if categoryColumns.isEmpty && problems.isEmpty {
            problems.append("\(path):1: no category column (expected some of: \(categoryIDs.joined(separator: ", ")))")
        }
        if !problems.isEmpty { throw AnnotateError(problems.joined(separator: "\n")) }
        let platformColumn = header.firstIndex(of: "platform"), noteColumn = header.firstIndex(of: "note")

        let resolver = try PostResolver(db)
        var planned: [PlannedRow] = []
        var firstLineOf: [Int64: Int] = [:]
        for row in table.dropFirst() {
            if row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func cell(_ i: Int) -> String {
                i < row.fields.count ? row.fields[i].trimmingCharacters(in: .whitespaces) : ""
            }
            if row.fields.count != header.count {
                problems.append("\(path):\(row.line): \(row.fields.count) fields, the header has \(header.count)")
                continue
            }
            let externalID = cell(idColumn)
            let platform = platformColumn.map(cell).flatMap { $0.isEmpty ? nil : $0 } ?? options.platform
            var values: [(String, Bool)] = []
            for (id, i) in categoryColumns {
                switch cell(i) {
                case "1": values.append((id, true))
                case "0": values.append((id, false))
                case let other: problems.append("\(path):\(row.line): column '\(id)': '\(other)' is not 0 or 1")
                }
            }
            switch resolver.resolve(externalID, platform: platform) {
            case .found(let postID):
                if let first = firstLineOf[postID] {
                    problems.append("\(path):\(row.line): id '\(externalID)' was already labelled on line \(first)")
                } else {
                    firstLineOf[postID] = row.line
                    let note = noteColumn.map(cell).flatMap { $0.isEmpty ? nil : $0 }
                    planned.append(PlannedRow(postID: postID, line: row.line, values: values, note: note))
                }
            case .missing:
                let scope = platform.map { " on platform '\($0)'" } ?? ""
                problems.append("\(path):\(row.line): id '\(externalID)' is not a post of the study\(scope)")
            case .ambiguous(let platforms):
                problems.append(
                    "\(path):\(row.line): id '\(externalID)' exists on several platforms "
                        + "(\(platforms.joined(separator: ", "))): add a 'platform' column or pass --platform")
            }
        }
        if !problems.isEmpty {
            var shown = problems.prefix(problemsShown).joined(separator: "\n")
            if problems.count > problemsShown { shown += "\n… and \(problems.count - problemsShown) more problems" }
            throw AnnotateError(shown + "\nnothing was imported")
        }
        guard !planned.isEmpty else { throw AnnotateError("\(path): no labelled rows") }

        var summary = Summary(coder: coder)
        summary.categories = categoryColumns.map(\.0)
        summary.categoriesMissing = categoryIDs.filter { id in !categoryColumns.contains { $0.0 == id } }
        let scheme = AnnotationScheme(
            name: codebook.name, version: codebook.version, fingerprint: codebook.fingerprint,
            categories: [], gate: codebook.gate,
            implications: codebook.implications.map { .init(from: $0.from, to: $0.to) })
        for row in planned {
            let present = Set(row.values.filter(\.present).map(\.category))
            // Rules can only be checked on the categories the file has.
            let checkable = ruleViolations(present, scheme: scheme).filter { problem in
                summary.categoriesMissing.allSatisfy { !problem.contains("'\($0)'") }
            }
            summary.ruleWarnings += checkable.map { "\(path):\(row.line): \($0)" }
            for category in present { summary.positives[category, default: 0] += 1 }
        }
        let fileName = (path as NSString).lastPathComponent
        let parameters = [
            "file": path, "file_sha256": try Fingerprint.ofFile(atPath: path), "coder": coder,
            "codebook": "\(codebook.name)@\(codebook.version)", "codebook_fingerprint": codebook.fingerprint,
            "categories": summary.categories.joined(separator: ","), "platform": options.platform ?? "",
        ]
        let run = try StageRun.begin(db, stage: "annotate-import-labels", parameters: parameters)
        do {
            try db.transaction {
                // The codebook the labels follow is kept, so reports and samples can load it later.
                try db.run(
                    """
                    INSERT OR IGNORE INTO codebooks(name, version, fingerprint, yaml, loaded_at) VALUES (?, ?, ?, ?, ?)
                    """,
                    [
                        .text(codebook.name), .text(codebook.version), .text(codebook.fingerprint),
                        .text(codebook.source), .text(Timestamp.now()),
                    ])
                let delete = try db.prepare("DELETE FROM codings WHERE post_id = ? AND category = ? AND coder = ?")
                let insert = try db.prepare(
                    """
                    INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id)
                    VALUES (?, ?, ?, ?, ?, NULL, ?)
                    """)
                for row in planned {
                    var evidence = #"[{"import":\#(jsonString(fileName)),"line":\#(row.line)"#
                    if let note = row.note { evidence += #","note":\#(jsonString(note))"# }
                    evidence += "}]"
                    for (category, present) in row.values {
                        delete.reset()
                        try delete.bind([.int(row.postID), .text(category), .text(coder)])
                        try delete.runToCompletion()
                        insert.reset()
                        try insert.bind([
                            .int(row.postID), .text(category), .from(present), .text(coder),
                            .text(evidence), .int(run.id),
                        ])
                        try insert.runToCompletion()
                    }
                }
                if let sample = options.sample {
                    try fileAsSample(
                        db, name: sample, posts: planned.map(\.postID), coder: coder, codebook: codebook,
                        runID: run.id)
                }
                try run.finish(rowsIn: planned.count, rowsOut: planned.count * categoryColumns.count, rejects: 0)
            }
        } catch {
            run.fail(error)
            throw error
        }
        summary.posts = planned.count
        summary.runID = run.id
        return summary
    }
}

extension LabelImport {
    /// The sample of imported labels: created on first use, extended by later imports; each
    /// labelled post is marked coded for `coder`, as `annotate code` would have.
    static func fileAsSample(
        _ db: Database, name: String, posts: [Int64], coder: String, codebook: Codebook,
        runID: Int64
    ) throws {
        var sampleID: Int64
        if let existing = try db.query(
            "SELECT sample_id, strategy, codebook_fingerprint FROM samples WHERE name = ?",
            [.text(name)]
        ).first {
            guard existing.text("strategy") == "imported" else {
                throw AnnotateError(
                    "sample '\(name)' was drawn by `annotate sample` (\(existing.text("strategy") ?? "?")): "
                        + "imported labels go into a sample of their own; choose another --sample")
            }
            guard existing.text("codebook_fingerprint") == codebook.fingerprint else {
                throw AnnotateError(
                    "sample '\(name)' holds labels of another codebook version; choose another --sample")
            }
            sampleID = try existing.required(int64: "sample_id")
        } else {
            let parameters = canonicalJSON([
                "name": name, "purpose": SamplePurpose.training.rawValue, "strategy": "imported",
            ])
            try db.run(
                """
                INSERT INTO samples(name, codebook_fingerprint, seed, parameters, population, size, created_at, run_id,
                                    purpose, strategy)
                VALUES (?, ?, 0, ?, 0, 0, ?, ?, 'training', 'imported')
                """, [.text(name), .text(codebook.fingerprint), .text(parameters), .text(Timestamp.now()), .int(runID)])
            sampleID = db.lastInsertRowID
        }
        var position =
            try db.scalarInt(
                "SELECT coalesce(max(position), 0) FROM sample_posts WHERE sample_id = ?",
                [.int(sampleID)]) ?? 0
        for post in posts {
            if try db.scalarInt(
                "SELECT count(*) FROM sample_posts WHERE sample_id = ? AND post_id = ?",
                [.int(sampleID), .int(post)]) == 0
            {
                position += 1
                // No inclusion probability: these posts were chosen elsewhere, by no known design.
                try db.run(
                    """
                    INSERT INTO sample_posts(sample_id, post_id, position, stratum, stratum_population, stratum_sampled,
                                             weight, inclusion_probability)
                    VALUES (?, ?, ?, 'imported', 0, 0, 1, NULL)
                    """, [.int(sampleID), .int(post), .from(position)])
            }
            try db.run(
                """
                INSERT INTO annotation_progress(sample_id, coder, post_id, status, seconds, updated_at)
                VALUES (?, ?, ?, 'coded', NULL, ?)
                ON CONFLICT(sample_id, coder, post_id) DO UPDATE SET status = 'coded', updated_at = excluded.updated_at
                """, [.int(sampleID), .text(coder), .int(post), .text(Timestamp.now())])
        }
        try db.run(
            """
            UPDATE samples SET size = (SELECT count(*) FROM sample_posts WHERE sample_id = ?1),
                               population = (SELECT count(*) FROM sample_posts WHERE sample_id = ?1)
            WHERE sample_id = ?1
            """, [.int(sampleID)])
        try db.run(
            "UPDATE sample_posts SET stratum_population = ?2, stratum_sampled = ?2 WHERE sample_id = ?1",
            [.int(sampleID), .from(position)])
    }
}

/// Finds a post by external id, optionally on one platform.
struct PostResolver {
    enum Resolution: Equatable {
        case found(Int64)
        case missing
        case ambiguous([String])
    }

    private var byExternalID: [String: [(platform: String, postID: Int64)]] = [:]

    init(_ db: Database) throws {
        try db.forEachRow("SELECT post_id, platform, external_id FROM posts") { row in
            let externalID = try row.required(text: "external_id")
            byExternalID[externalID, default: []].append(
                (
                    try row.required(text: "platform"),
                    try row.required(int64: "post_id")
                ))
        }
    }

    func resolve(_ externalID: String, platform: String?) -> Resolution {
        var matches = byExternalID[externalID] ?? []
        if let platform { matches = matches.filter { $0.platform == platform } }
        switch matches.count {
        case 0: return .missing
        case 1: return .found(matches[0].postID)
        default: return .ambiguous(matches.map(\.platform).sorted())
        }
    }
}
