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
                SELECT count(DISTINCT inclusion_probability) FROM sample_posts JOIN samples USING (sample_id) WHERE name = 'pilot'
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
}
