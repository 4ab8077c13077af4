import Foundation
import XCTest

@testable import StudyKit

/// `annotate sample --purpose validation|training`: validation samples give every canonical post the
/// same chance; every sample stores each post's inclusion probability.
final class SamplePurposeTests: XCTestCase {
    func testValidationSampleIsSimpleRandomWithItsProbabilitiesStored() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "validation", size: 20)
        options.purpose = .validation
        let summary = try Sampler.draw(db, options)
        XCTAssertEqual(summary.population, 59)
        XCTAssertEqual(summary.strata.map(\.stratum), ["all"], "one stratum: a simple random sample")
        let row = try XCTUnwrap(
            try db.query("SELECT purpose, strategy, parameters FROM samples WHERE name = 'validation'").first)
        XCTAssertEqual(row.text("purpose"), "validation")
        XCTAssertEqual(row.text("strategy"), "random")
        XCTAssertTrue(row.text("parameters")!.contains(#""purpose":"validation""#))
        // Every drawn post had the chance 20/59.
        let probabilities = Set(
            try db.query("SELECT inclusion_probability FROM sample_posts").compactMap {
                $0.double("inclusion_probability")
            })
        XCTAssertEqual(probabilities.count, 1)
        XCTAssertEqual(try XCTUnwrap(probabilities.first), 20.0 / 59.0, accuracy: 1e-12)
        // The rare 'grief' posts get no special treatment: the draw does not look at the coder.
        var training = SampleOptions(name: "pilot", size: 20)
        training.minPerStratum = 3
        _ = try Sampler.draw(db, training)
        XCTAssertEqual(try db.scalarText("SELECT strategy FROM samples WHERE name = 'pilot'"), "stratified")
        XCTAssertEqual(try db.scalarText("SELECT purpose FROM samples WHERE name = 'pilot'"), "training")
        // A stratified sample's probabilities differ by stratum and are each stratum's sampled / population.
        XCTAssertEqual(
            try db.count(
                "sample_posts s JOIN samples USING (sample_id)",
                where:
                    "name = 'pilot' AND abs(inclusion_probability - 1.0 * stratum_sampled / stratum_population) > 1e-12"
            ), 0)
        XCTAssertGreaterThan(
            try db.scalarInt(
                """
                SELECT count(DISTINCT inclusion_probability) FROM sample_posts JOIN samples USING (sample_id)
                WHERE name = 'pilot'
                """) ?? 0, 1)
        // A training sample drawn before purposes existed keeps its parameters: the same command finds it.
        let again = try Sampler.draw(db, training)
        XCTAssertTrue(again.alreadyExisted)
        XCTAssertFalse(
            try XCTUnwrap(try db.scalarText("SELECT parameters FROM samples WHERE name = 'pilot'")).contains("purpose"))
    }

    func testValidationSamplesRefuseRelevantOnly() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "v", size: 10)
        options.purpose = .validation
        options.relevantOnly = true
        XCTAssertThrowsError(try Sampler.draw(db, options)) { error in
            XCTAssertTrue(
                String(describing: error).contains("a validation sample must give every post a chance"), "\(error)")
        }
    }

    /// Migration 9 on a study made before it: old samples become stratified training samples, their
    /// inclusion probabilities filled from their strata.
    func testMigrationNineFillsOldSamples() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        _ = try Sampler.draw(db, SampleOptions(name: "old", size: 12))
        try db.execute(
            """
            UPDATE sample_posts SET inclusion_probability = NULL;
            DELETE FROM schema_migrations WHERE version = 9;
            """)
        // Re-applying 9's statements after dropping its columns is what an old database goes through.
        try db.execute(
            """
            ALTER TABLE sample_posts DROP COLUMN inclusion_probability;
            ALTER TABLE samples DROP COLUMN strategy;
            ALTER TABLE samples DROP COLUMN purpose;
            """)
        try db.execute(AnnotateSchema.samplePurposeSQL)
        XCTAssertEqual(try db.scalarText("SELECT purpose || '/' || strategy FROM samples"), "training/stratified")
        XCTAssertEqual(try db.count("sample_posts", where: "abs(inclusion_probability * weight - 1) > 1e-12"), 0)
    }

    func testUncertainSamplingDrawsThePostsTheSupervisedCoderIsLeastSureOf() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        let coder = "supervised:testbook@0.1+0123456789ab"
        let canonical = try db.query(
            "SELECT post_id FROM post_clusters WHERE post_id = canonical_post_id ORDER BY post_id"
        ).map { try $0.required(int64: "post_id") }
        // Post k (in post order) gets p = threshold + 0.01 * (k + 1) on one category, alternating sides,
        // and a sure decision (p = 0.99) on another: the least sure are the first posts.
        for (k, post) in canonical.enumerated() {
            let p = 0.4 + (k % 2 == 0 ? 1 : -1) * 0.01 * Double(k + 1)
            try db.run(
                "INSERT INTO codings VALUES (?, 'relevant', ?, ?, ?, ?, 1)",
                [
                    .int(post), .int(p >= 0.4 ? 1 : 0), .text(coder),
                    .text(#"[{"model":"supervised","p":\#(p),"threshold":0.4}]"#), .double(p),
                ])
            try db.run(
                "INSERT INTO codings VALUES (?, 'grief', 1, ?, ?, 0.99, 1)",
                [.int(post), .text(coder), .text(#"[{"model":"supervised","p":0.99,"threshold":0.3}]"#)])
        }
        var options = SampleOptions(name: "next", size: 5)
        options.strategy = .uncertain
        options.purpose = .validation
        XCTAssertThrowsError(try Sampler.draw(db, options), "uncertainty samples can never validate a coder")
        options.purpose = .training
        let summary = try Sampler.draw(db, options)
        XCTAssertEqual(summary.population, canonical.count)
        let drawn = try db.query(
            "SELECT post_id, inclusion_probability FROM sample_posts ORDER BY position")
        XCTAssertEqual(drawn.map { $0.int64("post_id") }, Array(canonical.prefix(5)))
        XCTAssertTrue(drawn.allSatisfy { $0.double("inclusion_probability") == nil }, "nobody knows their chance")
        XCTAssertEqual(try db.scalarText("SELECT strategy FROM samples WHERE name = 'next'"), "uncertain")
        // The next draw leaves out the posts already in a sample.
        options.name = "after"
        _ = try Sampler.draw(db, options)
        let second = try db.query(
            "SELECT post_id FROM sample_posts JOIN samples USING (sample_id) WHERE name = 'after' ORDER BY position"
        ).map { $0.int64("post_id") }
        XCTAssertEqual(second, Array(canonical.dropFirst(5).prefix(5)))
    }
}
