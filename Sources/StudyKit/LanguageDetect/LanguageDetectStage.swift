import Foundation

/// What one run of `language-detect` did.
public struct LanguageDetectSummary: Sendable {
    public let runID: Int64
    public let posts: Int
    public let undetermined: Int
    public let seconds: Double
}

/// The `language-detect` stage: reads `posts`, writes `post_languages` (one row per post).
///
/// Detection runs on all cores in contiguous slices of each batch; rows are written in post order
/// inside one transaction that also replaces the previous run's output, so a killed run leaves the
/// previous output intact and a re-run completes the job.
public final class LanguageDetectStage {
    public static let stageName = "language-detect"
    let database: Database
    let identifier: LanguageIdentifier
    let workers: Int
    let batchSize = 16_384

    public init(database: Database, identifier: LanguageIdentifier, workers: Int) {
        self.database = database
        self.identifier = identifier
        self.workers = max(1, workers)
    }

    public func run() throws -> LanguageDetectSummary {
        let started = Date()
        let options = identifier.options
        var parameters = [
            "detector": options.mode.rawValue,
            "min_confidence": String(options.minConfidence),
            "cld2_version": CLD2Detector.version,
        ]
        if options.mode != .cld2 {
            parameters["fasttext_weight"] = String(options.fastTextWeight)
            parameters["fasttext_model_sha256"] = identifier.fastText?.fingerprint ?? ""
        }
        let run = try StageRun.begin(
            database, stage: Self.stageName, parameters: parameters,
            inputFingerprint: try inputFingerprint(parameters))
        do {
            return try database.transaction {
                try database.execute("DELETE FROM post_languages")
                let insert = try database.prepare(
                    """
                    INSERT INTO post_languages(post_id, language, confidence, detector, script, lang_hint,
                                               hint_agrees, guess, und_reason, text_chars, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                var posts = 0, undetermined = 0
                func writeAll(_ batch: [PostText], _ decisions: [LanguageDecision]) throws {
                    for (post, decision) in zip(batch, decisions) {
                        try write(post, decision, run.id, insert)
                        if decision.language == "und" { undetermined += 1 }
                    }
                    posts += batch.count
                }
                // While the workers detect one batch, this thread writes the one before.
                var previous: (batch: [PostText], decisions: [LanguageDecision])?
                var lastID: Int64 = -1
                while true {
                    let batch = try readBatch(after: lastID)
                    guard let last = batch.last else { break }
                    lastID = last.id
                    let detection = DetectionJob(batch: batch, stage: self)
                    if let previous { try writeAll(previous.batch, previous.decisions) }
                    previous = (batch, detection.wait())
                }
                if let previous { try writeAll(previous.batch, previous.decisions) }
                try run.finish(rowsIn: posts, rowsOut: posts, rejects: 0)
                return LanguageDetectSummary(
                    runID: run.id, posts: posts, undetermined: undetermined,
                    seconds: Date().timeIntervalSince(started))
            }
        } catch {
            try? database.transaction { run.fail(error) }
            throw error
        }
    }

    struct PostText: Sendable {
        let id: Int64
        let text: String
        let hint: String?
    }

    private func readBatch(after lastID: Int64) throws -> [PostText] {
        let select = try database.prepare(
            "SELECT post_id, text, lang_hint FROM posts WHERE post_id > ? ORDER BY post_id LIMIT ?")
        try select.bind([.int(lastID), .int(Int64(batchSize))])
        var batch: [PostText] = []
        batch.reserveCapacity(batchSize)
        while try select.step() {
            batch.append(
                PostText(id: select.columnInt(0), text: select.columnText(1) ?? "", hint: select.columnText(2)))
        }
        return batch
    }

    /// Detection of one batch on background threads, started at once.
    final class DetectionJob: @unchecked Sendable {
        private let group = DispatchGroup()
        private var decisions: [LanguageDecision] = []

        init(batch: [PostText], stage: LanguageDetectStage) {
            nonisolated(unsafe) let stage = stage
            DispatchQueue.global().async(group: group) { self.decisions = stage.detectInParallel(batch) }
        }

        func wait() -> [LanguageDecision] {
            group.wait()
            return decisions
        }
    }

    fileprivate func detectInParallel(_ batch: [PostText]) -> [LanguageDecision] {
        let identifier = self.identifier
        return LanguageTable.parallelMap(batch, workers: workers) { identifier.decide($0.text) }
    }

    private func write(_ post: PostText, _ decision: LanguageDecision, _ runID: Int64, _ insert: Statement) throws {
        insert.reset()
        try insert.bindInt(post.id, at: 1)
        try insert.bind(.text(decision.language), at: 2)
        try insert.bind(.double(decision.confidence), at: 3)
        try insert.bind(.text(decision.detector), at: 4)
        try insert.bindText(decision.script, at: 5)
        try insert.bindText(post.hint, at: 6)
        try insert.bindInt(
            HintComparison.agrees(hint: post.hint, language: decision.language).map { $0 ? 1 : 0 }, at: 7)
        try insert.bind(.text(decision.guess), at: 8)
        try insert.bindText(decision.undReason, at: 9)
        try insert.bindInt(Int64(decision.textCharacters), at: 10)
        try insert.bindInt(runID, at: 11)
        try insert.runToCompletion()
    }

    /// The posts (count, highest id, the content fingerprints of the files they came from) and every
    /// parameter, hashed: the same value means the same inputs and settings. Content rather than run
    /// ids, so that a killed and re-run ingest gives the same value as an uninterrupted one.
    private func inputFingerprint(_ parameters: [String: String]) throws -> String {
        let posts = try database.query("SELECT count(*) AS posts, coalesce(max(post_id), 0) AS max_id FROM posts").first
        let ingest =
            try database.scalarText(
                "SELECT coalesce(group_concat(fingerprint, ','), '') "
                    + "FROM (SELECT fingerprint FROM source_files ORDER BY source_file_id)"
            ) ?? ""
        let description =
            "posts=\(posts?.int("posts") ?? 0);max=\(posts?.int("max_id") ?? 0);ingest=\(ingest);"
            + canonicalJSON(parameters)
        return Fingerprint.ofString(description)
    }
}

/// Compares a platform's language tag with a detected language.
public enum HintComparison {
    /// X's tags that name no language: undetermined, media/hashtag/cashtag/mention-only, no text.
    static let notALanguage: Set<String> = ["und", "qme", "qht", "qam", "qct", "qst", "zxx", "art", ""]

    /// True when both name the same language (Chinese variants count as Chinese); nil when the hint
    /// names no language or the detected language is `und`.
    public static func agrees(hint: String?, language: String) -> Bool? {
        guard let hint, language != "und" else { return nil }
        let normalized = LanguageCode.normalize(hint.lowercased())
        guard !notALanguage.contains(normalized), normalized != "und" else { return nil }
        return LanguageCode.base(normalized) == LanguageCode.base(language)
    }
}
