import Foundation
import XCTest

@testable import StudyKit

/// `aggregate` on the bundled sample study, through the real stages (ingest, dedupe,
/// language-detect with CLD2 and fastText, the lexicon coder of codebooks/keep4o.yaml).
final class AggregateSampleStudyTests: XCTestCase {
    /// The sample plants campaigns (near copies and reposts of ten templates) that push some
    /// categories: in the generator's ground truth, counting every copy raises the share of relevant
    /// posts coded rights_protest by 8.3 points, choice_deprivation by 6.5, relational_attachment by
    /// 5.4 and companion by 4.8 (python over data/sample/ground_truth.csv: share among relevant rows,
    /// all readable rows against rows whose kind is not a copy, repost, echo or near copy).
    /// The pipeline's with/without-duplicates tables must show those differences, same sign and at
    /// least 1 point, because copies now carry codings (inherited or their own).
    func testDuplicatesMoveTheSharesTheCampaignsPush() throws {
        let dir = try TemporaryDirectory()
        let paths = SampleStudyTests.files.map { Repository.path("data/sample/\($0)") }
        let (db, _) = try ingest(paths, in: dir)
        _ = try Deduplicator(database: db, options: DedupeOptions()).run()
        let modelPath = Repository.path(FastTextModel.defaultPath)
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw InputError(
                file: modelPath, line: nil, reason: "fastText model missing: run `make model` (make test does it first)"
            )
        }
        let identifier = LanguageIdentifier(
            options: LanguageDetectOptions(mode: .combined), fastText: try FastTextModel(path: modelPath))
        _ = try LanguageDetectStage(database: db, identifier: identifier, workers: 2).run()
        _ = try CodeStage(database: db).runLexicon(
            codebook: try CodebookLoader.load(path: Repository.path("codebooks/keep4o.yaml")),
            options: CodeOptions())
        // Copies are coded: inherited from their canonical post (exact copies, reposts) or their own (near).
        XCTAssertGreaterThan(
            try db.count(
                "codings",
                where:
                    #"evidence = '[{"rule":"inherited","from":' || "#
                    + #"(SELECT canonical_post_id FROM post_clusters k WHERE k.post_id = codings.post_id) || '}]'"#
            ), 100)
        XCTAssertEqual(
            try db.count("posts", where: "post_id NOT IN (SELECT post_id FROM codings)"), 0, "every post has codings")
        _ = try Aggregator(database: db).run()
        func share(_ set: String, _ category: String) throws -> Double {
            try XCTUnwrap(
                try db.query(
                    """
                    SELECT estimate FROM aggregate_estimates
                    WHERE posts_set = ? AND breakdown = 'all' AND category = ? AND method = 'naive'
                    """, [.text(set), .text(category)]
                ).first?.double("estimate"))
        }
        for category in ["rights_protest", "choice_deprivation", "relational_attachment", "companion"] {
            let difference = try share("all", category) - share("canonical", category)
            XCTAssertGreaterThan(difference, 0.01, "\(category): with duplicates minus without = \(difference)")
        }
    }
}
