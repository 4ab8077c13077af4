import Foundation

/// Settling disagreements. Posts on which every human coder who coded them agrees get that label
/// as 'adjudicated' automatically; the rest are walked by hand (`annotate adjudicate`), showing
/// each coder's decision. Only the disagreements appear on screen.
public enum Adjudication {
    public struct Plan: Sendable {
        public var unanimous: [(postID: Int64, present: Set<String>)]
        /// Posts to settle by hand, with each coder's decision.
        public var disputed: [Int64: [(coder: String, present: Set<String>)]]
    }

    public static func plan(_ db: Database, sample: SampleRef, scheme: AnnotationScheme) throws -> Plan {
        var byPost: [Int64: [String: Set<String>]] = [:]
        for row in try db.query("""
            SELECT a.post_id, a.coder, c.category FROM annotation_progress a
            LEFT JOIN codings c ON c.post_id = a.post_id AND c.coder = a.coder AND c.value = 1
            WHERE a.sample_id = ? AND a.status = 'coded' AND a.coder LIKE 'human:%'
            """, [.int(sample.id)]) {
            let post = Int64(row.int(0)!), coder = row.text(1)!
            byPost[post, default: [:]][coder, default: []].formUnion(row.text(2).map { [$0] } ?? [])
        }
        var plan = Plan(unanimous: [], disputed: [:])
        for (post, votes) in byPost.sorted(by: { $0.key < $1.key }) {
            if Set(votes.values).count == 1 {
                plan.unanimous.append((post, votes.values.first!))
            } else {
                plan.disputed[post] = votes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            }
        }
        return plan
    }

    /// Writes the unanimous labels as 'adjudicated' (one transaction; a post already settled by hand keeps its label).
    public static func storeUnanimous(_ plan: Plan, store: AnnotationStore) throws -> Int {
        let settled = try store.decisions()
        var written = 0
        try store.db.transaction {
            for (post, present) in plan.unanimous where settled[post] == nil {
                try store.write(postID: post, Decision(status: .coded, present: present))
                written += 1
            }
        }
        return written
    }
}
