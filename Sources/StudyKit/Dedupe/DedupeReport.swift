import Foundation

/// Text printed by `dedupe`: a summary of the run and, with --report, the largest clusters, so
/// that a researcher sees coordinated campaigns at a glance.
public enum DedupeReport {
    public static func summary(_ s: DedupeSummary, database: String) -> String {
        let kinds = ClusterKind.allCases.map { "\($0.name) \(s.byKind[$0.name] ?? 0)" }.joined(separator: ", ")
        return """
            dedupe: \(s.posts) posts in \(s.clusters) clusters (\(kinds))
                    \(s.multiPostClusters) clusters have more than one post; \
            they hold \(s.postsInMultiPostClusters) posts; the largest has \(s.largestCluster)
                    languages from \(s.languageSource)
                    read+signatures \(String(format: "%.2f", s.secondsReading)) s, \
            clustering \(String(format: "%.2f", s.secondsClustering)) s, \
            writing \(String(format: "%.2f", s.secondsWriting)) s
                    output: \(database) tables post_clusters, clusters
            """
    }

    /// The `limit` largest clusters (size > 1), largest first, ties by cluster id.
    public static func largestClusters(_ db: Database, limit: Int) throws -> String {
        let rows = try db.query(
            """
            SELECT c.cluster_id, c.size, c.first_at, c.last_at, c.languages, c.kinds, p.platform, p.text
            FROM clusters c JOIN posts p ON p.post_id = c.canonical_post_id
            WHERE c.size > 1 ORDER BY c.size DESC, c.cluster_id LIMIT ?
            """, [.int(Int64(limit))])
        guard !rows.isEmpty else { return "No cluster has more than one post." }
        var out = "Largest clusters (\(rows.count) shown; cluster id = canonical post id)\n"
        for (rank, row) in rows.enumerated() {
            let clusterID = try row.required(int64: "cluster_id")
            out +=
                "\n#\(rank + 1)  cluster \(clusterID)  size \(try row.required(int: "size"))  "
                + "\(try row.required(text: "first_at")) .. \(try row.required(text: "last_at"))\n"
            out += "    kinds \(try row.required(text: "kinds"))  languages \(try row.required(text: "languages"))\n"
            out += "    canonical (\(try row.required(text: "platform"))): \(oneLine(try row.required(text: "text")))\n"
            // The least similar near member shows how far the edits go.
            if let variant = try db.query(
                """
                SELECT pc.similarity, p.text FROM post_clusters pc JOIN posts p USING (post_id)
                WHERE pc.cluster_id = ? AND pc.kind = 'near' ORDER BY pc.similarity, pc.post_id LIMIT 1
                """, [.int(clusterID)]
            ).first {
                let similarity = String(format: "%.2f", try variant.required(double: "similarity"))
                out += "    most edited (similarity \(similarity)): \(oneLine(try variant.required(text: "text")))\n"
            }
        }
        return out
    }

    static func oneLine(_ text: String, limit: Int = 110) -> String {
        let flat = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}
