import CSQLite
import Foundation

/// What one `dedupe` run found.
public struct DedupeSummary: Sendable {
    public var posts = 0
    public var clusters = 0
    public var multiPostClusters = 0
    public var postsInMultiPostClusters = 0
    public var largestCluster = 0
    public var byKind: [String: Int] = [:]
    public var languageSource = "posts.lang_hint"
    public var secondsReading = 0.0
    public var secondsClustering = 0.0
    public var secondsWriting = 0.0
}

/// The `dedupe` stage: reads `posts`, writes `post_clusters` (one row per post) and `clusters`.
/// The previous output is replaced in one transaction, so a killed run leaves it intact.
public final class Deduplicator {
    let db: Database
    let options: DedupeOptions
    let batchSize = 32_768

    public init(database: Database, options: DedupeOptions) {
        db = database
        self.options = options
    }

    public func run() throws -> DedupeSummary {
        try options.validate()
        let run = try StageRun.begin(db, stage: "dedupe", parameters: options.parameters)
        do {
            var summary = DedupeSummary()
            var clock = Date()
            let (features, fingerprint, languageSource) = try load()
            summary.languageSource = languageSource
            summary.secondsReading = -clock.timeIntervalSinceNow
            clock = Date()
            let clustering = Clusterer(features: features, options: options).run()
            summary.secondsClustering = -clock.timeIntervalSinceNow
            clock = Date()
            try db.transaction {
                try write(features, clustering, run: run, summary: &summary)
                try run.finish(
                    rowsIn: features.count, rowsOut: features.count, rejects: 0, inputFingerprint: fingerprint)
            }
            summary.secondsWriting = -clock.timeIntervalSinceNow
            return summary
        } catch {
            run.fail(error)
            throw error
        }
    }

    // MARK: Reading

    /// Streams every post once (one SELECT, ordered by post_id) and computes features batch by batch.
    private func load() throws -> (PostFeatures, String, String) {
        // language-detect runs after dedupe, so normally only the platform's tag is known; when a
        // post_languages table with rows exists (a re-run later in the pipeline), it is preferred.
        let useDetected = try db.hasRows("post_languages")
        let languageExpression =
            useDetected
            ? "coalesce((SELECT l.language FROM post_languages l WHERE l.post_id = p.post_id), p.lang_hint)"
            : "p.lang_hint"
        let total = try db.scalarInt("SELECT count(*) FROM posts") ?? 0
        let features = PostFeatures(options: options)
        features.reserve(total)
        let statement = try db.prepare(
            """
            SELECT p.post_id, p.platform, p.external_id, p.created_unix, p.text_nfkc, \(languageExpression),
                   p.reposted_id, coalesce(p.replied_to_id, p.quoted_id)
            FROM posts p ORDER BY p.post_id
            """)
        defer { statement.reset() }
        let handle = statement.handle
        var fingerprint = StableHash.mix(0xF1_6E)
        var ids: [Int64] = [], created: [Int64] = [], selfKeys: [UInt64] = [], repostKeys: [UInt64] = []
        var parentKeys: [UInt64] = [], languageIDs: [Int32] = [], texts: [UInt8] = [], starts: [Int] = [0]
        var keyBytes: [UInt8] = []
        var platform: [UInt8] = []

        func columnBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard sqlite3_column_type(handle, column) != SQLITE_NULL, let pointer = sqlite3_column_text(handle, column)
            else { return nil }
            return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
        }
        func key(_ id: UnsafeBufferPointer<UInt8>?) -> UInt64 {
            guard let id else { return 0 }
            keyBytes.removeAll(keepingCapacity: true)
            keyBytes += platform
            keyBytes.append(0)
            keyBytes += id
            return keyBytes.withUnsafeBytes { PostFeatures.postKey(bytes: $0) }
        }
        func flush() {
            guard !ids.isEmpty else { return }
            features.append(
                ids: ids, created: created, selfKeys: selfKeys, repostKeys: repostKeys,
                parentKeys: parentKeys, languageIDs: languageIDs, texts: texts, textStarts: starts)
            ids.removeAll(keepingCapacity: true)
            created.removeAll(keepingCapacity: true)
            selfKeys.removeAll(keepingCapacity: true)
            repostKeys.removeAll(keepingCapacity: true)
            parentKeys.removeAll(keepingCapacity: true)
            languageIDs.removeAll(keepingCapacity: true)
            texts.removeAll(keepingCapacity: true)
            starts = [0]
        }

        while try statement.step() {
            let postID = sqlite3_column_int64(handle, 0)
            platform.removeAll(keepingCapacity: true)
            if let bytes = columnBytes(1) { platform += bytes }
            let selfKey = key(columnBytes(2))
            let createdUnix = sqlite3_column_int64(handle, 3)
            let textStart = texts.count
            if let text = columnBytes(4) { texts += text }
            let language = features.internLanguage(columnBytes(5).map { String(decoding: $0, as: UTF8.self) })
            ids.append(postID)
            created.append(createdUnix)
            selfKeys.append(selfKey)
            repostKeys.append(key(columnBytes(6)))
            parentKeys.append(key(columnBytes(7)))
            languageIDs.append(language)
            starts.append(texts.count)
            // What the output depends on: ids, keys, times, text and language.
            let textHash = texts.withUnsafeBytes {
                StableHash.hash(bytes: UnsafeRawBufferPointer(rebasing: $0[textStart...]), seed: 7)
            }
            fingerprint = StableHash.mix(fingerprint ^ UInt64(bitPattern: postID))
            fingerprint = StableHash.mix(fingerprint ^ selfKey ^ repostKeys.last! &* 3 ^ parentKeys.last! &* 5)
            fingerprint = StableHash.mix(
                fingerprint ^ UInt64(bitPattern: createdUnix) ^ textHash ^ UInt64(bitPattern: Int64(language)))
            if ids.count >= batchSize { flush() }
        }
        flush()
        let hex = String(fingerprint, radix: 16)
        return (
            features, "posts:\(features.count):" + String(repeating: "0", count: 16 - hex.count) + hex,
            useDetected ? "post_languages, else posts.lang_hint" : "posts.lang_hint"
        )
    }

    // MARK: Writing

    private func write(_ f: PostFeatures, _ clustering: Clustering, run: StageRun, summary: inout DedupeSummary) throws
    {
        let n = f.count
        try db.execute("DELETE FROM post_clusters; DELETE FROM clusters;")

        // Group members by canonical (counting sort keeps post_id order inside each cluster).
        var memberCount = [Int32](repeating: 0, count: n)
        for i in 0..<n { memberCount[Int(clustering.canonical[i])] += 1 }
        var offsets = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { offsets[i + 1] = offsets[i] + Int(memberCount[i]) }
        var members = [Int32](repeating: 0, count: n)
        var fill = offsets
        for i in 0..<n {
            let c = Int(clustering.canonical[i])
            members[fill[c]] = Int32(i)
            fill[c] += 1
        }

        let insertCluster = try db.prepare(
            """
            INSERT INTO clusters(cluster_id, canonical_post_id, size, first_at, last_at, languages, kinds, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var kindTotals = [Int](repeating: 0, count: ClusterKind.allCases.count)
        for c in 0..<n where memberCount[c] > 0 {
            let size = Int(memberCount[c])
            var first = Int64.max, last = Int64.min
            var kinds = [Int](repeating: 0, count: ClusterKind.allCases.count)
            var languages: [Int32: Int] = [:]
            for m in members[offsets[c]..<offsets[c + 1]] {
                let i = Int(m)
                first = min(first, f.created[i])
                last = max(last, f.created[i])
                kinds[Int(clustering.kind[i].rawValue)] += 1
                if f.language[i] >= 0 { languages[f.language[i], default: 0] += 1 }
            }
            for (index, count) in kinds.enumerated() { kindTotals[index] += count }
            let languageJSON = Self.jsonCounts(languages.map { (f.languages[Int($0.key)], $0.value) })
            let kindJSON = Self.jsonCounts(
                ClusterKind.allCases.compactMap {
                    kinds[Int($0.rawValue)] > 0 ? ($0.name, kinds[Int($0.rawValue)]) : nil
                })
            insertCluster.reset()
            try insertCluster.bindInt(f.postIDs[c], at: 1)
            try insertCluster.bindInt(f.postIDs[c], at: 2)
            try insertCluster.bindInt(Int64(size), at: 3)
            try insertCluster.bindText(Timestamp.format(unixSeconds: first), at: 4)
            try insertCluster.bindText(Timestamp.format(unixSeconds: last), at: 5)
            try insertCluster.bindText(languageJSON, at: 6)
            try insertCluster.bindText(kindJSON, at: 7)
            try insertCluster.bindInt(run.id, at: 8)
            try insertCluster.runToCompletion()
            summary.clusters += 1
            if size > 1 {
                summary.multiPostClusters += 1
                summary.postsInMultiPostClusters += size
            }
            summary.largestCluster = max(summary.largestCluster, size)
        }

        let insertPost = try db.prepare(
            """
            INSERT INTO post_clusters(post_id, cluster_id, kind, canonical_post_id, similarity, run_id)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        let kindNames = ClusterKind.allCases.map(\.name)
        for i in 0..<n {
            let canonicalID = f.postIDs[Int(clustering.canonical[i])]
            insertPost.reset()
            try insertPost.bindInt(f.postIDs[i], at: 1)
            try insertPost.bindInt(canonicalID, at: 2)
            try insertPost.bindText(kindNames[Int(clustering.kind[i].rawValue)], at: 3)
            try insertPost.bindInt(canonicalID, at: 4)
            try insertPost.bind(.double(Double(clustering.similarity[i])), at: 5)
            try insertPost.bindInt(run.id, at: 6)
            try insertPost.runToCompletion()
        }
        summary.posts = n
        for kind in ClusterKind.allCases { summary.byKind[kind.name] = kindTotals[Int(kind.rawValue)] }
    }

    /// `{"a":1,"b":2}` with keys sorted, so the same clusters always give the same bytes.
    static func jsonCounts(_ pairs: [(String, Int)]) -> String {
        let body = pairs.sorted { $0.0 < $1.0 }.map { key, value -> String in
            var escaped = ""
            for scalar in key.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return "\"\(escaped)\":\(value)"
        }
        return "{" + body.joined(separator: ",") + "}"
    }
}
