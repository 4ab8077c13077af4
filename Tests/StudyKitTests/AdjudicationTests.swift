import Foundation
import XCTest

@testable import StudyKit

/// Issue 11's adjudication rules: settle a post only when every assigned coder has decided it;
/// a later change of a human coding re-opens the settlement (stale, listed) until it is settled again.
final class AdjudicationTests: XCTestCase {
    func study() throws -> (TemporaryDirectory, Database) {
        let dir = try TemporaryDirectory()
        return (dir, try makeAnnotateStudy(in: dir, posts: standardTestPosts()))
    }

    func stale(_ db: Database) throws -> [String] {
        try db.query(
            """
            SELECT post_id, changed_coders FROM adjudications WHERE changed_coders IS NOT NULL ORDER BY post_id
            """
        )
        .map { "\($0.int("post_id") ?? 0):\($0.text("changed_coders") ?? "")" }
    }

    func testSettlesOnlyWhenEveryAssignedCoderHasDecided() throws {
        let (_, db) = try study()
        // Posts 1-4 are double-coded; 5 belongs to alice alone, 6 to bob alone.
        let sample = try makeSample(
            db, name: "s", posts: [1, 2, 3, 4, 5, 6],
            assignments: ["alice": [1, 2, 3, 4, 5], "bob": [1, 2, 3, 4, 6]])
        let alice = try AnnotationStore(db: db, sample: sample, coder: "human:alice")
        let bob = try AnnotationStore(db: db, sample: sample, coder: "human:bob")
        let carol = try AnnotationStore(db: db, sample: sample, coder: HumanCoder.adjudicated)
        for post: Int64 in [1, 2, 3, 5] {
            try alice.save(postID: post, Decision(status: .coded, present: ["relevant"]))
        }
        try bob.save(postID: 1, Decision(status: .coded, present: ["relevant"]))
        try bob.save(postID: 2, Decision(status: .coded, present: []))
        try bob.save(postID: 3, Decision(status: .skipped))

        var plan = try Adjudication.plan(db, sample: sample, scheme: carol.scheme)
        XCTAssertEqual(plan.unanimous.map(\.postID), [1, 5])  // 5: its one assigned coder coded it
        XCTAssertEqual(Set(plan.disputed.keys), [2, 3])  // 3: bob skipped: for the adjudicator
        XCTAssertEqual(plan.waiting, [4: ["human:alice", "human:bob"], 6: ["human:bob"]])
        XCTAssertEqual(plan.waitingByCoder.map { "\($0.coder) \($0.posts)" }, ["human:alice 1", "human:bob 2"])
        XCTAssertEqual(try Adjudication.storeUnanimous(plan, store: carol), 2)
        XCTAssertEqual(try db.count("adjudications"), 2)
        XCTAssertEqual(try db.count("adjudication_basis", where: "post_id = 1"), 2)
        XCTAssertEqual(try db.count("adjudication_basis", where: "post_id = 5"), 1)

        // Bob codes post 6: it becomes ready and is settled on the next run; nothing else is re-written.
        try bob.save(postID: 6, Decision(status: .coded, present: ["relevant", "grief"]))
        plan = try Adjudication.plan(db, sample: sample, scheme: carol.scheme)
        XCTAssertEqual(plan.unanimousToSettle.map(\.postID), [6])
        XCTAssertEqual(try Adjudication.storeUnanimous(plan, store: carol), 1)
        XCTAssertEqual(try stale(db), [])
    }

    func testALaterChangeReopensTheSettlementAndOnlyARealChange() throws {
        let (_, db) = try study()
        let sample = try makeSample(db, name: "s", posts: [1, 2, 3])  // no assignments: the sample's coders
        let alice = try AnnotationStore(db: db, sample: sample, coder: "human:alice")
        let bob = try AnnotationStore(db: db, sample: sample, coder: "human:bob")
        let carol = try AnnotationStore(db: db, sample: sample, coder: HumanCoder.adjudicated)
        carol.adjudicator = "carol"
        for store in [alice, bob] {
            try store.save(postID: 1, Decision(status: .coded, present: ["relevant", "grief"]))
            try store.save(postID: 2, Decision(status: .coded, present: []))
        }
        try alice.save(postID: 3, Decision(status: .coded, present: ["relevant"]))
        try bob.save(postID: 3, Decision(status: .coded, present: ["relevant", "companion", "attachment"]))
        let plan = try Adjudication.plan(db, sample: sample, scheme: carol.scheme)
        XCTAssertEqual(try Adjudication.storeUnanimous(plan, store: carol), 2)
        try carol.save(postID: 3, Decision(status: .coded, present: ["relevant"]))  // by hand
        XCTAssertEqual(
            try db.scalarText("SELECT method || ':' || adjudicator FROM adjudications WHERE post_id = 3"),
            "adjudicator:carol")
        XCTAssertEqual(try stale(db), [])

        // Saving the same decision again, or changing it and back, is no change.
        try alice.save(postID: 1, Decision(status: .coded, present: ["grief", "relevant"]))
        try bob.save(postID: 2, Decision(status: .coded, present: ["relevant"]))
        XCTAssertEqual(try stale(db), ["2:human:bob"])
        XCTAssertNotNil(try db.scalarText("SELECT stale_since FROM adjudications WHERE post_id = 2"))
        try bob.save(postID: 2, Decision(status: .coded, present: []))
        XCTAssertEqual(try stale(db), [])
        XCTAssertNil(try db.scalarText("SELECT stale_since FROM adjudications WHERE post_id = 2"))

        // A real change, an undone decision, a skip, a new coder: each re-opens the post's settlement.
        try alice.save(postID: 1, Decision(status: .coded, present: ["relevant"]))
        try bob.save(postID: 1, nil)
        XCTAssertEqual(try stale(db), ["1:human:alice, human:bob"])
        try alice.save(postID: 3, Decision(status: .skipped))
        let dora = try AnnotationStore(db: db, sample: sample, coder: "human:dora")
        try dora.save(postID: 2, Decision(status: .coded, present: []))
        XCTAssertEqual(try stale(db), ["1:human:alice, human:bob", "2:human:dora", "3:human:alice"])
        // A hand edit in SQL that puts alice's post 1 back as it was: the trigger sees the progress row
        // change and compares again, so only bob's removed decision keeps the post open.
        try db.execute(
            """
            UPDATE codings SET value = 1 WHERE coder = 'human:alice' AND post_id = 1 AND category = 'grief';
            UPDATE annotation_progress SET updated_at = 'later' WHERE coder = 'human:alice' AND post_id = 1;
            """)
        XCTAssertEqual(try stale(db), ["1:human:bob", "2:human:dora", "3:human:alice"])

        // Validation against 'adjudicated' leaves the stale posts out and says how many.
        let (rows, left) = try Validation.computeReport(db, reference: "adjudicated", sample: sample)
        XCTAssertEqual(left, 3)
        XCTAssertTrue(rows.isEmpty)

        // The next adjudication: the plan lists them; post 2 is unanimous again (dora, alice, bob) and
        // is re-settled; posts 1 and 3 wait or go to the screen.
        try dora.save(postID: 2, Decision(status: .coded, present: []))
        try dora.save(postID: 1, Decision(status: .coded, present: ["relevant"]))
        try dora.save(postID: 3, Decision(status: .coded, present: ["relevant"]))
        let next = try Adjudication.plan(db, sample: sample, scheme: carol.scheme)
        XCTAssertEqual(next.stale.keys.sorted(), [1, 2, 3])
        XCTAssertEqual(next.waiting, [1: ["human:bob"]])
        XCTAssertEqual(next.unanimousToSettle.map(\.postID), [2])
        XCTAssertEqual(Set(next.disputed.keys), [3])
        XCTAssertEqual(try Adjudication.storeUnanimous(next, store: carol), 1)
        XCTAssertEqual(try stale(db), ["1:human:bob, human:dora", "3:human:alice, human:dora"])
        let after = try Adjudication.plan(db, sample: sample, scheme: carol.scheme)
        let summary = Adjudication.summary(after, settledNow: 1, resettled: 1)
        XCTAssertTrue(summary.contains("re-opened, to settle again"), summary)
        XCTAssertTrue(summary.contains("2 posts: 1 (human:bob, human:dora), 3 (human:alice, human:dora)"), summary)
        XCTAssertTrue(summary.contains("waiting for coders: 1 posts (human:bob 1)"), summary)
    }

    /// Settlements made before migration 15 get a basis from the decisions as they are at the upgrade.
    func testMigrationBackfillsEarlierSettlements() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        do {
            let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
            let sample = try makeSample(db, name: "s", posts: [1, 2])
            let alice = try AnnotationStore(db: db, sample: sample, coder: "human:alice")
            try alice.save(postID: 1, Decision(status: .coded, present: ["relevant"]))
            try AnnotationStore(db: db, sample: sample, coder: HumanCoder.adjudicated)
                .save(postID: 1, Decision(status: .coded, present: ["relevant"]))
            try db.execute(
                """
                DROP TRIGGER adjudication_stale_after_insert; DROP TRIGGER adjudication_stale_after_update;
                DROP TRIGGER adjudication_stale_after_delete; DROP VIEW adjudication_drift;
                DROP TABLE adjudication_basis; DROP TABLE adjudications;
                DELETE FROM schema_migrations WHERE version = 15;
                """)
        }
        let db = try Database(path: path)
        XCTAssertEqual(try db.scalarText("SELECT method FROM adjudications WHERE post_id = 1"), "backfill")
        XCTAssertEqual(
            try db.scalarText(
                """
                SELECT present FROM adjudication_basis WHERE post_id = 1 AND coder = 'human:alice'
                """), #"["relevant"]"#)
        let sample = try SampleRef.find(db, "s")
        try AnnotationStore(db: db, sample: sample, coder: "human:alice")
            .save(postID: 1, Decision(status: .coded, present: []))
        XCTAssertEqual(try stale(db), ["1:human:alice"])
    }
}
