import Foundation

/// Settling disagreements. A post is ready when every coder assigned to it has decided it (or, in
/// a sample not split between named coders, every human coder of the sample has). A ready post on
/// which every coder coded the same categories is settled as 'adjudicated' automatically; one on
/// which they differ, or which a coder skipped, is settled by hand on the coding screen. Each
/// settlement keeps the human decisions it was made on (`adjudication_basis`): when one of them
/// changes later, triggers mark the settlement stale, and the next `annotate adjudicate` re-opens it.
public enum Adjudication {
    public enum Method: String, Sendable {
        case unanimous, adjudicator, `import`, backfill
    }

    public struct Plan: Sendable {
        /// Ready posts every coder coded alike, with those categories.
        public var unanimous: [(postID: Int64, present: Set<String>)] = []
        /// Ready posts for the adjudicator (the coders differ, or one skipped), with every coder's vote.
        public var disputed: [Int64: [CoderVote]] = [:]
        /// Posts not ready: the assigned coders who have not decided them yet.
        public var waiting: [Int64: [String]] = [:]
        /// Settled posts whose human decisions changed since (post → the coders who changed them).
        public var stale: [Int64: String] = [:]
        /// Settled posts whose settlement is current.
        public var settled: Set<Int64> = []
        /// Posts in sample order.
        public var order: [Int64] = []

        /// The posts to settle now: unsettled or stale, and ready.
        public var unanimousToSettle: [(postID: Int64, present: Set<String>)] {
            unanimous.filter { !settled.contains($0.postID) }
        }

        /// Waiting posts per coder, for the summary ("human:bob 15").
        public var waitingByCoder: [(coder: String, posts: Int)] {
            Dictionary(grouping: waiting.values.flatMap { $0 }, by: { $0 }).map { ($0.key, $0.value.count) }
                .sorted { $0.coder < $1.coder }
        }
    }

    public static func plan(_ db: Database, sample: SampleRef, scheme: AnnotationScheme) throws -> Plan {
        var plan = Plan()
        plan.order = try db.query(
            "SELECT post_id FROM sample_posts WHERE sample_id = ? ORDER BY position",
            [.int(sample.id)]
        ).map { try $0.required(int64: "post_id") }
        var assigned: [Int64: [String]] = [:]
        try db.forEachRow(
            "SELECT post_id, coder FROM sample_assignments WHERE sample_id = ? ORDER BY coder",
            [.int(sample.id)]
        ) { row in
            assigned[try row.required(int64: "post_id"), default: []].append(try row.required(text: "coder"))
        }
        var votes: [Int64: [String: CoderVote]] = [:]
        try db.forEachRow(
            """
            SELECT a.post_id, a.coder, a.status, n.note FROM annotation_progress a
            LEFT JOIN annotation_notes n ON n.sample_id = a.sample_id AND n.coder = a.coder AND n.post_id = a.post_id
            WHERE a.sample_id = ? AND a.coder LIKE 'human:%'
            """, [.int(sample.id)]
        ) { row in
            let coder = try row.required(text: "coder")
            votes[try row.required(int64: "post_id"), default: [:]][coder] = CoderVote(
                coder: coder, status: Decision.Status(rawValue: try row.required(text: "status")) ?? .skipped,
                note: row.text("note"))
        }
        try db.forEachRow(
            """
            SELECT c.post_id, c.coder, c.category FROM codings c JOIN annotation_progress a
              ON a.sample_id = ? AND a.post_id = c.post_id AND a.coder = c.coder AND a.status = 'coded'
            WHERE c.coder LIKE 'human:%' AND c.value = 1
            """, [.int(sample.id)]
        ) { row in
            votes[try row.required(int64: "post_id")]?[try row.required(text: "coder")]?.present
                .insert(try row.required(text: "category"))
        }
        try db.forEachRow(
            "SELECT post_id, changed_coders FROM adjudications WHERE sample_id = ?",
            [.int(sample.id)]
        ) { row in
            let post = try row.required(int64: "post_id")
            if let changed = row.text("changed_coders") {
                plan.stale[post] = changed
            } else {
                plan.settled.insert(post)
            }
        }
        // Without named assignments, the sample's coders are every human coder who decided any of its posts.
        let sampleCoders = Set(votes.values.flatMap { $0.keys }).sorted()
        for post in plan.order {
            let cast = (votes[post] ?? [:]).values.sorted { $0.coder < $1.coder }
            let expected = assigned.isEmpty ? sampleCoders : assigned[post] ?? []
            let missing = expected.filter { votes[post]?[$0] == nil }
            if !missing.isEmpty {
                plan.waiting[post] = missing
            } else if cast.isEmpty {
                continue
            } else if cast.allSatisfy({ $0.status == .coded }), Set(cast.map(\.present)).count == 1 {
                plan.unanimous.append((post, cast[0].present))
            } else {
                plan.disputed[post] = cast
            }
        }
        return plan
    }

    /// Settles the ready, unanimous posts that are not settled yet or whose settlement is stale, in
    /// one transaction. Returns how many were written.
    public static func storeUnanimous(_ plan: Plan, store: AnnotationStore) throws -> Int {
        let method = store.settlementMethod
        store.settlementMethod = .unanimous
        defer { store.settlementMethod = method }
        let toSettle = plan.unanimousToSettle
        try store.db.transaction {
            for (post, present) in toSettle {
                try store.write(postID: post, Decision(status: .coded, present: present))
            }
        }
        return toSettle.count
    }

    /// Records that the 'adjudicated' decision just written settles the post, with the human
    /// decisions it rests on; a removed or skipped decision settles nothing. Called by
    /// `AnnotationStore.write` inside its transaction.
    static func recordSettlement(
        _ db: Database, sample: SampleRef, postID: Int64, decision: Decision?,
        method: Method, adjudicator: String?, runID: Int64?
    ) throws {
        try db.run("DELETE FROM adjudications WHERE sample_id = ? AND post_id = ?", [.int(sample.id), .int(postID)])
        guard let decision, decision.status == .coded else { return }
        try db.run(
            """
            INSERT INTO adjudications(sample_id, post_id, method, adjudicator, settled_at, changed_coders,
                                      stale_since, run_id)
            VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)
            """,
            [
                .int(sample.id), .int(postID), .text(method.rawValue),
                .from(method == .unanimous ? nil : adjudicator), .text(Timestamp.now()), .from(runID),
            ])
        let snapshot = AdjudicationSchema.snapshotSQL(scope: "a.sample_id = ?1 AND a.post_id = ?2")
            .trimmingCharacters(in: CharacterSet(charactersIn: "; \n"))
        try db.run(snapshot, [.int(sample.id), .int(postID)])
    }

    /// Settled posts whose basis changed, across samples (post → the coders who changed it), for
    /// reports that use 'adjudicated' as their reference.
    public static func stalePosts(_ db: Database) throws -> [Int64: String] {
        guard try db.tableExists("adjudications") else { return [:] }
        var stale: [Int64: String] = [:]
        try db.forEachRow("SELECT post_id, changed_coders FROM adjudications WHERE changed_coders IS NOT NULL") { row in
            stale[try row.required(int64: "post_id")] = row.text("changed_coders")
        }
        return stale
    }

    /// The summary `annotate adjudicate` prints, from the plan as it stands after the session:
    /// what is settled, what waits for coders, what was re-opened and is still to settle.
    public static func summary(_ plan: Plan, settledNow: Int, resettled: Int) -> String {
        var lines: [String] = []
        let unanimousSettled = plan.unanimous.filter { plan.settled.contains($0.postID) }.count
        var now = ""
        if settledNow > 0 {
            now =
                " (\(settledNow) just now" + (resettled > 0 ? ", \(resettled) of them after a coder's change" : "")
                + ")"
        }
        lines.append("unanimous: \(plan.unanimous.count) posts, \(unanimousSettled) settled\(now)")
        let byHand = plan.disputed.keys.filter { plan.settled.contains($0) }.count
        lines.append(
            "disagreements: \(plan.disputed.count) posts, \(byHand) settled, "
                + "\(plan.disputed.count - byHand) left")
        if !plan.waiting.isEmpty {
            lines.append(
                "waiting for coders: \(plan.waiting.count) posts ("
                    + plan.waitingByCoder.map { "\($0.coder) \($0.posts)" }.joined(separator: ", ") + ")")
        }
        let reopened = plan.order.filter { plan.stale[$0] != nil }
        if !reopened.isEmpty {
            lines.append(
                "re-opened, to settle again (a coder changed their coding after it was settled): "
                    + "\(reopened.count) posts: "
                    + reopened.prefix(50).map { "\($0) (\(plan.stale[$0] ?? ""))" }.joined(separator: ", ")
                    + (reopened.count > 50 ? ", …" : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
