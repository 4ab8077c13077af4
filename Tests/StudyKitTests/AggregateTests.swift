import Foundation
import XCTest
@testable import StudyKit

/// Statistics against published worked examples and independent computations (scipy 1.17).
final class AggregateStatisticsTests: XCTestCase {
    /// Newcombe (1998), Table II, method 3 (Wilson score): 81/263, 15/148, 0/20, 1/29. Values to 6
    /// decimals from scipy.stats.binomtest(x, n).proportion_ci(method='wilson'), which agree with
    /// Newcombe's printed 4-decimal limits (0.2553-0.3662, 0.0624-0.1605, 0-0.1611, 0.0061-0.1718).
    func testWilsonMatchesNewcombe() throws {
        let cases: [(Int, Int, Double, Double)] = [
            (81, 263, 0.255289, 0.366210), (15, 148, 0.062386, 0.160487),
            (0, 20, 0.000000, 0.161125), (1, 29, 0.006113, 0.171755),
        ]
        for (x, n, low, high) in cases {
            let p = try XCTUnwrap(Statistics.wilson(count: x, n: n))
            XCTAssertEqual(p.low, low, accuracy: 1e-6, "\(x)/\(n)")
            XCTAssertEqual(p.high, high, accuracy: 1e-6, "\(x)/\(n)")
            XCTAssertEqual(p.share, Double(x) / Double(n))
        }
        XCTAssertNil(Statistics.wilson(count: 0, n: 0), "no share without a denominator")
        XCTAssertEqual(Statistics.wilson(count: 5, n: 5)?.high, 1)
    }

    /// Agresti, Categorical Data Analysis (2nd ed.), Table 2.3: Physicians' Health Study, aspirin and
    /// myocardial infarction (placebo 189 MI / 10845 none; aspirin 104 / 10933). Agresti reports
    /// X^2 = 25.01, odds ratio 1.832 with 95% interval (1.44, 2.33). More decimals from
    /// scipy.stats.chi2_contingency(t, correction=False) and scipy.stats.contingency.odds_ratio(t, kind='sample').
    func testChiSquareAndOddsRatioOnAgrestiAspirinTable() throws {
        let t = Statistics.TwoByTwo(a: 189, b: 10845, c: 104, d: 10933)
        let chi = try XCTUnwrap(Statistics.chiSquare(t))
        XCTAssertEqual(chi.statistic, 25.013884, accuracy: 1e-5)
        XCTAssertEqual(chi.p, 5.691897e-07, accuracy: 1e-11)
        let or = try XCTUnwrap(Statistics.oddsRatio(t))
        XCTAssertEqual(or.estimate, 1.832054, accuracy: 1e-6)
        XCTAssertEqual(or.low, 1.440042, accuracy: 1e-6)
        XCTAssertEqual(or.high, 2.330780, accuracy: 1e-6)
        XCTAssertEqual(or.method, "woolf")
        XCTAssertEqual(try XCTUnwrap(Statistics.phi(t)), 0.033665, accuracy: 1e-6)  // (ad-bc)/sqrt(margins), numpy
    }

    /// A small table (12, 5 / 3, 20) from scipy: chi2 13.810742, p 0.00020218, OR 16 (3.229363, 79.272605).
    func testChiSquareSmallTableAndEmptyMargins() throws {
        let t = Statistics.TwoByTwo(a: 12, b: 5, c: 3, d: 20)
        let chi = try XCTUnwrap(Statistics.chiSquare(t))
        XCTAssertEqual(chi.statistic, 13.810742, accuracy: 1e-6)
        XCTAssertEqual(chi.p, 0.00020218, accuracy: 1e-8)
        let or = try XCTUnwrap(Statistics.oddsRatio(t))
        XCTAssertEqual(or.estimate, 16, accuracy: 1e-9)
        XCTAssertEqual(or.low, 3.229363, accuracy: 1e-6)
        XCTAssertEqual(or.high, 79.272605, accuracy: 1e-5)
        XCTAssertNil(Statistics.chiSquare(.init(a: 0, b: 0, c: 3, d: 4)), "an empty margin has no test")
        XCTAssertNil(Statistics.phi(.init(a: 0, b: 0, c: 3, d: 4)))
        // A zero cell: Haldane-Anscombe, (2.5 * 4.5) / (0.5 * 3.5), by hand.
        let zero = try XCTUnwrap(Statistics.oddsRatio(.init(a: 2, b: 0, c: 3, d: 4)))
        XCTAssertEqual(zero.estimate, 2.5 * 4.5 / (0.5 * 3.5), accuracy: 1e-12)
        XCTAssertEqual(zero.method, "woolf+0.5")
    }

    /// Rogan-Gladen by hand: (0.30 + 0.90 - 1) / (0.80 + 0.90 - 1) = 0.20 / 0.70.
    func testRoganGladenByHand() throws {
        XCTAssertEqual(try XCTUnwrap(Statistics.roganGladen(observed: 0.30, sensitivity: 0.80, specificity: 0.90)), 0.2 / 0.7, accuracy: 1e-12)
        XCTAssertEqual(Statistics.roganGladen(observed: 0.05, sensitivity: 0.80, specificity: 0.90), 0, "clipped below at 0")
        XCTAssertEqual(Statistics.roganGladen(observed: 0.95, sensitivity: 0.80, specificity: 0.99), 1, "clipped above at 1")
        XCTAssertNil(Statistics.roganGladen(observed: 0.3, sensitivity: 0.5, specificity: 0.5), "a chance-level coder cannot be corrected")
    }

    func testBootstrapIsSeededAndBracketsThePoint() throws {
        // 40 validation posts: 18 tp, 2 fn, 3 fp, 17 tn -> se 0.9, sp 0.85; observed 0.4 -> (0.4 - 0.15) / 0.75.
        let pairs = Array(repeating: (true, true), count: 18) + Array(repeating: (false, true), count: 2)
            + Array(repeating: (true, false), count: 3) + Array(repeating: (false, false), count: 17)
        let a = Statistics.roganGladenBootstrap(observed: 0.4, pairs: pairs, replicates: 1000, seed: 4242)
        let b = Statistics.roganGladenBootstrap(observed: 0.4, pairs: pairs, replicates: 1000, seed: 4242)
        let c = Statistics.roganGladenBootstrap(observed: 0.4, pairs: pairs, replicates: 1000, seed: 7)
        XCTAssertEqual(a, b, "same seed, same interval")
        XCTAssertNotEqual(a.low, c.low, "another seed, another draw")
        XCTAssertEqual(a.confusion, Statistics.Confusion(tp: 18, fp: 3, fn: 2, tn: 17))
        let point = try XCTUnwrap(a.corrected)
        XCTAssertEqual(point, 0.25 / 0.75, accuracy: 1e-12)
        XCTAssertLessThan(try XCTUnwrap(a.low), point)
        XCTAssertGreaterThan(try XCTUnwrap(a.high), point)
        XCTAssertEqual(a.replicatesUsed, 1000)
    }

    /// numpy.percentile([1, 2, 3, 4, 10], [2.5, 50, 97.5]) = [1.1, 3.0, 9.4] (linear, type 7).
    func testQuantileMatchesNumpy() {
        let v: [Double] = [1, 2, 3, 4, 10]
        XCTAssertEqual(Statistics.quantile(sorted: v, 0.025), 1.1, accuracy: 1e-12)
        XCTAssertEqual(Statistics.quantile(sorted: v, 0.5), 3.0, accuracy: 1e-12)
        XCTAssertEqual(Statistics.quantile(sorted: v, 0.975), 9.4, accuracy: 1e-12)
    }

    func testFixedFormatIsLocaleIndependent() {
        XCTAssertEqual(FixedFormat.decimal(0.25), "0.2500")
        XCTAssertEqual(FixedFormat.decimal(1.0 / 3.0), "0.3333")
        XCTAssertEqual(FixedFormat.decimal(2.0 / 3.0), "0.6667")
        XCTAssertEqual(FixedFormat.decimal(-0.00001), "0.0000", "no negative zero")
        XCTAssertEqual(FixedFormat.decimal(-1.5, places: 0), "-2")
        XCTAssertEqual(FixedFormat.decimal(12345.6789, places: 2), "12345.68")
        XCTAssertEqual(FixedFormat.decimal(nil), "")
        XCTAssertEqual(FixedFormat.decimal(.nan), "")
        XCTAssertEqual(FixedFormat.pValue(5.691897e-07), "5.69e-07")
        XCTAssertEqual(FixedFormat.pValue(0.5402913746), "0.5403")
    }
}

/// The stage on a hand-countable fixture (AggregateFixture).
final class AggregateStageTests: XCTestCase {
    func prevalence(_ db: Database, set: String = "canonical", _ breakdown: String, _ stratum: String, _ category: String) throws -> (Int, Int, Double?, Double?, Double?) {
        let rows = try db.query("SELECT n, count, share, ci_low, ci_high FROM aggregate_prevalence WHERE posts_set = ? AND breakdown = ? AND stratum = ? AND category = ?",
                                [.text(set), .text(breakdown), .text(stratum), .text(category)])
        let r = try XCTUnwrap(rows.first, "\(set) \(breakdown) \(stratum) \(category)")
        return (r.int(0)!, r.int(1)!, r.double(2), r.double(3), r.double(4))
    }

    func testPrevalenceCountsDenominatorsAndIntervals() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        let summary = try Aggregator(database: db).run()
        XCTAssertEqual(summary.coder, AggregateFixture.coder, "the coder of the last code run when no setting exists")
        XCTAssertEqual(summary.categories.first, "relevant", "the gate comes first")
        // Canonical, known language: posts 1 2 5 6 7 8 10 11 coded; 1 2 5 6 7 10 relevant.
        let gate = try prevalence(db, "all", "all", "relevant")
        XCTAssertEqual(gate.0, 8); XCTAssertEqual(gate.1, 6)
        // scipy binomtest(6, 8).proportion_ci(method='wilson') = (0.409275, 0.928521)
        XCTAssertEqual(try XCTUnwrap(gate.3), 0.409275, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(gate.4), 0.928521, accuracy: 1e-6)
        let mtt = try prevalence(db, "all", "all", "more_than_tool")
        XCTAssertEqual(mtt.0, 6); XCTAssertEqual(mtt.1, 3)
        let companion = try prevalence(db, "all", "all", "companion")
        XCTAssertEqual(companion.1, 2)
        // scipy binomtest(2, 6) Wilson: (0.096771, 0.700007)
        XCTAssertEqual(try XCTUnwrap(companion.3), 0.096771, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(companion.4), 0.700007, accuracy: 1e-6)
        // With duplicates: posts 3 and 4 join; 10 coded, 8 relevant, choice_deprivation 2 3 4 7.
        let withCopies = try prevalence(db, set: "all", "all", "all", "choice_deprivation")
        XCTAssertEqual(withCopies.0, 8); XCTAssertEqual(withCopies.1, 4)
        XCTAssertEqual(try prevalence(db, "all", "all", "choice_deprivation").1, 2)
        // By language: und is left out by default.
        XCTAssertEqual(try prevalence(db, "language", "en", "relevant").0, 5)
        XCTAssertEqual(try prevalence(db, "language", "ja", "relevant").1, 2)
        XCTAssertEqual(try db.count("aggregate_prevalence", where: "stratum = 'und'"), 0)
        XCTAssertEqual(try prevalence(db, "platform", "reddit", "relevant").1, 3)
        // Days: 2025-08-08 has no posts but is in the timeline, with no share.
        let days = try db.query("SELECT DISTINCT stratum FROM aggregate_prevalence WHERE breakdown = 'day' ORDER BY 1").map { $0.text(0)! }
        XCTAssertEqual(days, ["2025-08-06", "2025-08-07", "2025-08-08", "2025-08-09"])
        let empty = try prevalence(db, "day", "2025-08-08", "companion")
        XCTAssertEqual(empty.0, 0); XCTAssertNil(empty.2); XCTAssertNil(empty.3)
        XCTAssertEqual(try prevalence(db, "day", "2025-08-09", "relevant").0, 4)
        // Denominators are stated on every row.
        let denominator = try db.scalarText("SELECT denominator FROM aggregate_prevalence WHERE posts_set = 'canonical' AND breakdown = 'all' AND category = 'companion'")
        XCTAssertEqual(denominator, "canonical posts (one per duplicate cluster) coded relevant by lexicon:keep4o@1.0, with a known language")
    }

    func testIncludeUndAndDuplicatesFlags() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        var options = AggregateOptions()
        options.includeUnknownLanguage = true
        options.includeDuplicates = true
        _ = try Aggregator(database: db, options: options).run()
        XCTAssertEqual(try prevalence(db, set: "all", "all", "all", "relevant").0, 11)
        XCTAssertEqual(try prevalence(db, set: "all", "language", "und", "rights_protest").1, 1)
        // The primary set decides the co-occurrence table: 9 relevant posts with copies and und.
        XCTAssertEqual(try db.scalarInt("SELECT n FROM aggregate_cooccurrence LIMIT 1"), 9)
        XCTAssertEqual(try db.scalarText("SELECT value FROM aggregate_manifest WHERE key = 'primary_posts_set'"), "all")
    }

    func testCooccurrenceAndAssociation() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        _ = try Aggregator(database: db).run()
        let co = try XCTUnwrap(try db.query("SELECT n, count_a, count_b, count_both, share_b_given_a, share_a_given_b FROM aggregate_cooccurrence WHERE category_a = 'companion' AND category_b = 'more_than_tool'").first)
        XCTAssertEqual([co.int(0), co.int(1), co.int(2), co.int(3)], [6, 2, 3, 2])
        XCTAssertEqual(co.double(4), 1.0)
        XCTAssertEqual(try XCTUnwrap(co.double(5)), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(try db.count("aggregate_cooccurrence"), 6, "4 non-gate categories: 6 pairs")
        // choice_deprivation x rights_protest over the 6 relevant canonical posts: 1 both, 1 / 1 only, 3 neither.
        // scipy: chi2_contingency([[1,1],[1,3]], correction=False) -> 0.375, p 0.540291; odds_ratio -> 3 (0.083762, 107.447309).
        let a = try XCTUnwrap(try db.query("SELECT both_yes, a_only, b_only, neither, chi_square, p_value, odds_ratio, or_ci_low, or_ci_high, or_method FROM aggregate_association").first)
        XCTAssertEqual([a.int(0), a.int(1), a.int(2), a.int(3)], [1, 1, 1, 3])
        XCTAssertEqual(try XCTUnwrap(a.double(4)), 0.375, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(a.double(5)), 0.540291, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(a.double(6)), 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(a.double(7)), 0.083762, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(a.double(8)), 107.447309, accuracy: 1e-5)
        XCTAssertEqual(a.text(9), "woolf")
        // Published comparison: ours next to 33% and 22%.
        let published = try db.query("SELECT category, published_share, n, our_share FROM aggregate_published ORDER BY category")
        XCTAssertEqual(published.map { $0.text(0)! }, ["companion", "more_than_tool"])
        XCTAssertEqual(published[1].double(1), 0.33)
        XCTAssertEqual(published[1].double(3), 0.5)
    }

    /// Validation by hand (AggregateFixture.reference against the automatic codes):
    /// relevant: tp 4 (1 2 5 7), fn 1 (8), tn 1 (11) -> se 0.8, sp 1; observed 6/8 -> 0.75 / 0.8 = 0.9375.
    /// rights_protest over auto-relevant validation posts 1 2 5 7: tp 1 (2), fn 1 (5), tn 2 -> se 0.5, sp 1;
    /// observed 2/6 -> (1/3) / 0.5 = 2/3. more_than_tool: tp 1, fp 1, fn 1, tn 1 -> se + sp = 1: no correction.
    func testRoganGladenCorrectionFromTheValidationSample() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir, validation: true)
        var options = AggregateOptions()
        options.bootstrapReplicates = 200
        _ = try Aggregator(database: db, options: options).run()
        func row(_ category: String) throws -> Row {
            try XCTUnwrap(try db.query("SELECT validation_posts, tp, fp, fn, tn, sensitivity, specificity, observed_share, corrected_share, ci_low, ci_high FROM aggregate_corrected WHERE category = ?", [.text(category)]).first)
        }
        let relevant = try row("relevant")
        XCTAssertEqual([relevant.int(0), relevant.int(1), relevant.int(2), relevant.int(3), relevant.int(4)], [6, 4, 0, 1, 1])
        XCTAssertEqual(try XCTUnwrap(relevant.double(8)), 0.9375, accuracy: 1e-12)
        let rights = try row("rights_protest")
        XCTAssertEqual([rights.int(0), rights.int(1), rights.int(2), rights.int(3), rights.int(4)], [4, 1, 0, 1, 2])
        XCTAssertEqual(try XCTUnwrap(rights.double(8)), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertNil(try row("more_than_tool").double(8))
        let companion = try row("companion")
        XCTAssertEqual(try XCTUnwrap(companion.double(8)), 1.0 / 3.0, accuracy: 1e-12, "a perfect coder needs no correction")
        let low = try XCTUnwrap(relevant.double(9)), high = try XCTUnwrap(relevant.double(10))
        XCTAssertLessThanOrEqual(low, 0.9375); XCTAssertGreaterThanOrEqual(high, 0.9375)
        XCTAssertLessThanOrEqual(high, 1)
    }

    func testMissingUpstreamTableNamesTheStage() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        try db.execute("DELETE FROM post_languages")
        XCTAssertThrowsError(try Aggregator(database: db).run()) { error in
            XCTAssertTrue(String(describing: error).contains("post_languages"), "\(error)")
            XCTAssertTrue(String(describing: error).contains("language-detect"), "\(error)")
        }
        let dir2 = try TemporaryDirectory()
        let bare = try Database(path: dir2.path("study.sqlite"))
        XCTAssertThrowsError(try Aggregator(database: bare).run()) { error in
            XCTAssertTrue(String(describing: error).contains("`ingest`"), "\(error)")
        }
    }

    func testRerunReplacesOutputAndRecordsTheRun() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        _ = try Aggregator(database: db).run()
        let first = try db.count("aggregate_prevalence")
        try db.run("INSERT INTO study_settings(key, value) VALUES ('primary_coder', ?)", [.text(AggregateFixture.coder)])
        let second = try Aggregator(database: db).run()
        XCTAssertEqual(try db.count("aggregate_prevalence"), first)
        XCTAssertEqual(try db.count("aggregate_prevalence", where: "run_id <> \(second.runID)"), 0)
        XCTAssertEqual(try db.count("runs", where: "stage = 'aggregate' AND status = 'completed'"), 2)
        let parameters = try XCTUnwrap(try db.scalarText("SELECT parameters FROM runs WHERE run_id = \(second.runID)"))
        XCTAssertTrue(parameters.contains(#""seed":"4242""#), parameters)
    }
}

final class AggregateExportTests: XCTestCase {
    func files(under directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)!
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = (directory as NSString).appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return result
    }

    func testExportsAreByteIdenticalAcrossRuns() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir, validation: true)
        var outputs: [[String: Data]] = []
        for round in 0..<2 {
            _ = try Aggregator(database: db).run()  // a new run each time: new run ids must not leak into exports
            let out = dir.path("out\(round)")
            try Exporter(database: db).export(to: out, formats: TableFormat.allCases, charts: true)
            outputs.append(try files(under: out))
        }
        XCTAssertEqual(Set(outputs[0].keys), Set(outputs[1].keys))
        XCTAssertTrue(outputs[0].keys.contains("csv/prevalence_by_language.csv"))
        XCTAssertTrue(outputs[0].keys.contains("charts/timeline.svg"))
        XCTAssertTrue(outputs[0].keys.contains("json/manifest.json"))
        XCTAssertEqual(outputs[0].count, 9 * 3 + 1 + 1 + 2, "csv, tex, json per table; md; manifest; charts")
        for (name, data) in outputs[0] { XCTAssertEqual(data, outputs[1][name], "\(name) differs between runs") }

        // CSV through libcsv: text quoted, numbers bare; read back with our libcsv parser shape by eye.
        let csv = String(decoding: outputs[0]["csv/prevalence_overall.csv"]!, as: UTF8.self)
        XCTAssertTrue(csv.hasPrefix("\"category\",\"n\",\"count\",\"share\",\"ci_low\",\"ci_high\"\n\"relevant\",8,6,0.7500,0.4093,0.9285\n"), csv)
        // JSON parses, has the manifest and sorted keys.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: outputs[0]["json/association.json"]!) as? [String: Any])
        let manifest = try XCTUnwrap(json["manifest"] as? [String: String])
        XCTAssertEqual(manifest["coder"], AggregateFixture.coder)
        XCTAssertEqual(manifest["codebook"], "keep4o@1.0")
        XCTAssertEqual(manifest["parameters.seed"], "4242")
        XCTAssertEqual(manifest["inputs.data_fingerprint"]?.count, 64)
        XCTAssertNil(manifest["run_id"])
        let md = String(decoding: outputs[0]["md/tables.md"]!, as: UTF8.self)
        XCTAssertTrue(md.contains("| category | n | count | share | ci_low | ci_high |\n|---|---:|---:|---:|---:|---:|\n| relevant | 8 | 6 | 0.7500 |"), md)
        XCTAssertTrue(md.contains("Denominator for the other categories: canonical posts"), md)
        let tex = String(decoding: outputs[0]["tex/prevalence_overall.tex"]!, as: UTF8.self)
        XCTAssertTrue(tex.contains("\\toprule") && tex.contains("more\\_than\\_tool & 6 & 3 & 0.5000"), tex)
        let svg = String(decoding: outputs[0]["charts/prevalence_by_language.svg"]!, as: UTF8.self)
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("en (n=4)") && svg.hasSuffix("</svg>\n"))
    }

    func testExportWithoutARunSaysSo() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        XCTAssertThrowsError(try Exporter(database: db).export(to: dir.path("out"), formats: [.csv], charts: false)) { error in
            XCTAssertTrue(String(describing: error).contains("aggregate run"), "\(error)")
        }
    }
}

final class NotebookTests: XCTestCase {
    func testBlocksRunInOrderWithTablesErrorsAndCaps() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        let notebook = """
            # Title

            Some prose; with a semicolon.

            ```sql
            CREATE TEMP TABLE t AS SELECT post_id, platform FROM posts;
            -- the last query is shown
            SELECT platform, count(*) AS n, avg(post_id) AS mean_id FROM t GROUP BY platform ORDER BY platform;
            ```

            ```python
            print("not run")
            ```

            ```sql
            SELECT nope FROM nowhere
            ```

            ```sql
            SELECT post_id, 'a;b|c' AS s FROM posts ORDER BY post_id
            ```
            """
        let out = NotebookRunner(database: db, rowLimit: 3).render(notebook)
        XCTAssertTrue(out.contains("| platform | n | mean_id |\n|---|---|---|\n| reddit | 3 | 7.0000 |\n| x | 8 | 5.6250 |\n"), out)
        XCTAssertTrue(out.contains("print(\"not run\")\n```\n\n```sql"), "other code blocks are copied, not run: \(out)")
        XCTAssertTrue(out.contains("> **Error:** no such table: nowhere"), out)
        XCTAssertTrue(out.contains("| 1 | a;b\\|c |"), out)
        XCTAssertTrue(out.contains("_… 8 more rows not shown (limit 3)._"), out)
        XCTAssertEqual(out, NotebookRunner(database: db, rowLimit: 3).render(notebook), "deterministic, and the temp table is gone")
        XCTAssertEqual(try db.count("posts"), 11)
        XCTAssertTrue(out.hasPrefix("# Title\n\nSome prose; with a semicolon.\n"))
    }
}

final class AggregateCommandTests: XCTestCase {
    func testRunExportNotebookAndErrorsFromTheCommandLine() throws {
        let dir = try TemporaryDirectory()
        // Without the upstream tables: one line naming the stage to run first, exit 1.
        let bare = dir.path("bare.sqlite")
        _ = try Database(path: bare)
        let missing = try runTool("aggregate", ["run", "--db", bare])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.err, "Error: posts is empty: run the `ingest` stage first (it writes posts); aggregate reads its output\n")

        _ = try AggregateFixture.make(in: dir, validation: true)
        let db = dir.path("study.sqlite")
        let run = try runTool("aggregate", ["run", "--db", db, "--bootstrap", "100", "--pair", "companion:grief"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("8 in the primary denominator"), run.out)
        XCTAssertTrue(run.out.contains("note: association pair companion:grief skipped"), run.out)
        let export = try runTool("aggregate", ["export", "--db", db, "--format", "md", "--no-charts", "--out", dir.path("out")])
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("out/md/tables.md")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("out/charts")))
        let notebook = try dir.write("nb.md", "# N\n\n```sql\nSELECT count(*) AS posts FROM posts\n```\n")
        let rendered = try runTool("aggregate", ["notebook", "--db", db, "--out", dir.path("nbout"), notebook])
        XCTAssertEqual(rendered.status, 0, rendered.err)
        XCTAssertEqual(try String(contentsOfFile: dir.path("nbout/nb.md"), encoding: .utf8),
                       "# N\n\n```sql\nSELECT count(*) AS posts FROM posts\n```\n\n| posts |\n|---|\n| 11 |\n\n")
        let badFormat = try runTool("aggregate", ["export", "--db", db, "--format", "xlsx", "--out", dir.path("x")])
        XCTAssertNotEqual(badFormat.status, 0)
        // The enum option lists its choices.
        XCTAssertTrue(badFormat.err.contains("'xlsx' is invalid for '--format <format>'"), badFormat.err)
        XCTAssertTrue(badFormat.err.contains("'csv', 'md', 'tex' or 'json'"), badFormat.err)
    }
}
