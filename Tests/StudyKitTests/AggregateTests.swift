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

    /// Wilson on a fractional effective sample size is the same formula: at integer n it equals the
    /// count form (Newcombe's 81/263), and it stays inside [0, 1] at the edges.
    func testWilsonOnAnEffectiveSampleSize() throws {
        let counted = try XCTUnwrap(Statistics.wilson(count: 81, n: 263))
        let effective = Statistics.wilson(share: 81.0 / 263.0, n: 263)
        XCTAssertEqual(effective.low, counted.low, accuracy: 1e-12)
        XCTAssertEqual(effective.high, counted.high, accuracy: 1e-12)
        XCTAssertEqual(Statistics.wilson(share: 0, n: 12.5).low, 0)
        XCTAssertEqual(Statistics.wilson(share: 1, n: 12.5).high, 1)
        XCTAssertLessThan(
            Statistics.wilson(share: 0.3, n: 50.5).high - Statistics.wilson(share: 0.3, n: 50.5).low,
            Statistics.wilson(share: 0.3, n: 20.5).high - Statistics.wilson(share: 0.3, n: 20.5).low)
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
    struct Estimate {
        let n: Int
        let count: Int?
        let share: Double?
        let low: Double?
        let high: Double?
        let labelled: Int
    }

    func estimate(
        _ db: Database, set: String = "canonical", _ breakdown: String, _ stratum: String, _ category: String,
        method: String = "naive"
    ) throws -> Estimate {
        let rows = try db.query(
            """
            SELECT n_labeled, n_unlabeled, count, estimate, ci_low, ci_high FROM aggregate_estimates
            WHERE posts_set = ? AND breakdown = ? AND stratum = ? AND category = ? AND method = ?
            """, [.text(set), .text(breakdown), .text(stratum), .text(category), .text(method)])
        let r = try XCTUnwrap(rows.first, "\(set) \(breakdown) \(stratum) \(category) \(method)")
        return Estimate(
            n: try r.required(int: "n_unlabeled"), count: r.int("count"), share: r.double("estimate"),
            low: r.double("ci_low"), high: r.double("ci_high"), labelled: try r.required(int: "n_labeled"))
    }

    func testNaivePrevalenceCountsDenominatorsAndIntervals() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        let summary = try Aggregator(database: db).run()
        XCTAssertEqual(summary.coder, AggregateFixture.coder, "the coder of the last code run when no setting exists")
        XCTAssertEqual(summary.categories.first, "relevant", "the gate comes first")
        XCTAssertNil(summary.validation)
        // Canonical, known language: posts 1 2 5 6 7 8 10 11 coded; 1 2 5 6 7 10 relevant.
        let gate = try estimate(db, "all", "all", "relevant")
        XCTAssertEqual(gate.n, 8)
        XCTAssertEqual(gate.count, 6)
        // scipy binomtest(6, 8).proportion_ci(method='wilson') = (0.409275, 0.928521)
        XCTAssertEqual(try XCTUnwrap(gate.low), 0.409275, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(gate.high), 0.928521, accuracy: 1e-6)
        let mtt = try estimate(db, "all", "all", "more_than_tool")
        XCTAssertEqual(mtt.n, 6)
        XCTAssertEqual(mtt.count, 3)
        let companion = try estimate(db, "all", "all", "companion")
        XCTAssertEqual(companion.count, 2)
        // scipy binomtest(2, 6) Wilson: (0.096771, 0.700007)
        XCTAssertEqual(try XCTUnwrap(companion.low), 0.096771, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(companion.high), 0.700007, accuracy: 1e-6)
        // With duplicates: posts 3 and 4 join; 10 coded, 8 relevant, choice_deprivation 2 3 4 7.
        let withCopies = try estimate(db, set: "all", "all", "all", "choice_deprivation")
        XCTAssertEqual(withCopies.n, 8)
        XCTAssertEqual(withCopies.count, 4)
        XCTAssertEqual(try estimate(db, "all", "all", "choice_deprivation").count, 2)
        // By language: und is left out by default.
        XCTAssertEqual(try estimate(db, "language", "en", "relevant").n, 5)
        XCTAssertEqual(try estimate(db, "language", "ja", "relevant").count, 2)
        XCTAssertEqual(try db.count("aggregate_estimates", where: "stratum = 'und'"), 0)
        XCTAssertEqual(try estimate(db, "platform", "reddit", "relevant").count, 3)
        // Four days: daily bins; 2025-08-08 has no posts but is in the timeline, with no share.
        let days = try db.query("SELECT DISTINCT stratum FROM aggregate_estimates WHERE breakdown = 'day' ORDER BY 1")
            .map { $0.text("stratum")! }
        XCTAssertEqual(days, ["2025-08-06", "2025-08-07", "2025-08-08", "2025-08-09"])
        let empty = try estimate(db, "day", "2025-08-08", "companion")
        XCTAssertEqual(empty.n, 0)
        XCTAssertNil(empty.share)
        XCTAssertNil(empty.low)
        XCTAssertEqual(try estimate(db, "day", "2025-08-09", "relevant").n, 4)
        // No validation sample: only naive rows, and the manifest says so.
        XCTAssertEqual(try db.count("aggregate_estimates", where: "method <> 'naive'"), 0)
        XCTAssertEqual(
            try db.scalarText("SELECT value FROM aggregate_manifest WHERE key = 'methods'"),
            "naive (uncorrected: no labelled validation sample)")
        let denominator = try db.scalarText(
            """
            SELECT denominator FROM aggregate_estimates
            WHERE posts_set = 'canonical' AND breakdown = 'all' AND category = 'companion'
            """)
        XCTAssertEqual(
            denominator,
            "canonical posts (one per duplicate cluster) coded relevant by lexicon:keep4o@1.0, with a known language")
    }

    func testIncludeUndAndDuplicatesFlags() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        var options = AggregateOptions()
        options.includeUnknownLanguage = true
        options.includeDuplicates = true
        _ = try Aggregator(database: db, options: options).run()
        XCTAssertEqual(try estimate(db, set: "all", "all", "all", "relevant").n, 11)
        XCTAssertEqual(try estimate(db, set: "all", "language", "und", "rights_protest").count, 1)
        // The primary set decides the co-occurrence table: 9 relevant posts with copies and und.
        XCTAssertEqual(try db.scalarInt("SELECT n FROM aggregate_cooccurrence LIMIT 1"), 9)
        XCTAssertEqual(try db.scalarText("SELECT value FROM aggregate_manifest WHERE key = 'primary_posts_set'"), "all")
    }

    /// The validation sample (AggregateFixture.reference: posts 1 2 5 7 8 11 labelled, 6 drawn but not)
    /// against the coder, on the 8 canonical posts in scope.
    /// Gate: Y = 1 1 1 1 1 0 (reference), Yhat = 1 1 1 1 0 0 (coder), 6 of the 8 posts coded relevant
    /// (mean 0.75). cov(Y, Yhat) = (4 * 1/6 * 1/3 - 1/6 * 2/3 + 5/6 * 2/3) / 6 = 1/9; pooled predictions
    /// 10 ones of 14, variance (40/14) / 13; lambda = (1/9) / ((1 + 6/8) * 40/182) = 13/45.
    /// PPI++ = 0.75 lambda + mean(Y - lambda Yhat) = 5/6 + lambda (0.75 - 4/6) = 5/6 + 13/540 = 463/540.
    /// Labels alone: 5 of 6, Wilson (scipy binomtest(5, 6): 0.436497, 0.969947).
    func testCorrectedEstimatesFromTheValidationSample() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir, validation: true)
        var options = AggregateOptions()
        options.minimumLabelled = 2
        options.minimumInformative = 0  // the hand-computed example is smaller than PPI++ would accept
        let summary = try Aggregator(database: db, options: options).run()
        XCTAssertEqual(summary.validation?.name, "validation")
        XCTAssertEqual(summary.validation?.labelled, 6)
        XCTAssertTrue(
            summary.notes.contains { $0.contains("6 of 7 posts labelled by adjudicated (1 count as unlabelled)") },
            "\(summary.notes)")
        let ppi = try estimate(db, "all", "all", "relevant", method: "ppi")
        XCTAssertEqual(try XCTUnwrap(ppi.share), 463.0 / 540.0, accuracy: 1e-12)
        XCTAssertEqual(ppi.labelled, 6)
        XCTAssertEqual(ppi.n, 2, "the 2 posts in scope without a label")
        XCTAssertEqual(
            try db.query(
                "SELECT lambda FROM aggregate_estimates WHERE method = 'ppi' AND breakdown = 'all' "
                    + "AND category = 'relevant' AND posts_set = 'canonical'"
            ).first?.double("lambda") ?? -1,
            13.0 / 45.0, accuracy: 1e-12)
        let human = try estimate(db, "all", "all", "relevant", method: "human")
        XCTAssertEqual(try XCTUnwrap(human.share), 5.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(human.low), 0.436497, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(human.high), 0.969947, accuracy: 1e-6)
        // rights_protest among gate-positive posts: the reference's relevant labelled posts 1 2 5 7 8 have
        // rights_protest on 2 and 5 (2 of 5); the coder's on 2 only; over the 8 posts, the coder has
        // (gate, rights_protest) = neither 2 (8, 11), gate only 4 (1 5 6 7), both 2 (2, 10).
        let humanRights = try estimate(db, "all", "all", "rights_protest", method: "human")
        XCTAssertEqual(try XCTUnwrap(humanRights.share), 0.4, accuracy: 1e-12)
        XCTAssertEqual(humanRights.labelled, 5)
        let expected = try XCTUnwrap(
            PPI.ratio(
                j: [0, 1, 1, 0, 0, 0], g: [1, 1, 1, 1, 1, 0], jhat: [0, 1, 0, 0, 0, 0],
                ghat: [1, 1, 1, 1, 0, 0], sample: .simpleRandom(6),
                population: PPI.PairCounts(neither: 2, gateOnly: 4, jointOnly: 0, both: 2)))
        XCTAssertEqual(
            try XCTUnwrap(try estimate(db, "all", "all", "rights_protest", method: "ppi").share),
            min(1, max(0, expected.estimate)), accuracy: 1e-12)
        // Copies are not in the sample frame: the all-posts tables stay naive.
        XCTAssertEqual(try db.count("aggregate_estimates", where: "posts_set = 'all' AND method <> 'naive'"), 0)
        // The association three ways: the coder's table, the labelled posts' own table, PPI++ logistic.
        let methods = try db.query(
            "SELECT method, both_yes, a_only, b_only, neither, odds_ratio FROM aggregate_association ORDER BY method")
        XCTAssertEqual(methods.map { $0.text("method")! }, ["human", "naive", "ppi"])
        XCTAssertEqual(
            [
                methods[0].int("both_yes"), methods[0].int("a_only"), methods[0].int("b_only"),
                methods[0].int("neither"),
            ], [1, 1, 1, 2])
        XCTAssertEqual(try XCTUnwrap(methods[0].double("odds_ratio")), 2, accuracy: 1e-12, "(1 * 2) / (1 * 1)")
        XCTAssertNil(methods[2].int("both_yes"), "PPI has no table of counts")
        // Too few labels (the default minimum, 10): the rows say how many there are and have no estimate.
        _ = try Aggregator(database: db).run()
        let few = try estimate(db, "all", "all", "relevant", method: "ppi")
        XCTAssertNil(few.share)
        XCTAssertEqual(few.labelled, 6)
    }

    func testCooccurrenceAssociationAndPublishedScope() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        _ = try Aggregator(database: db).run()
        let co = try XCTUnwrap(
            try db.query(
                "SELECT n, count_a, count_b, count_both, share_b_given_a, share_a_given_b FROM aggregate_cooccurrence "
                    + "WHERE category_a = 'companion' AND category_b = 'more_than_tool'"
            ).first)
        XCTAssertEqual([co.int("n"), co.int("count_a"), co.int("count_b"), co.int("count_both")], [6, 2, 3, 2])
        XCTAssertEqual(co.double("share_b_given_a"), 1.0)
        XCTAssertEqual(try XCTUnwrap(co.double("share_a_given_b")), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(try db.count("aggregate_cooccurrence"), 6, "4 non-gate categories: 6 pairs")
        // choice_deprivation x rights_protest over the 6 relevant canonical posts: 1 both, 1 / 1 only, 3 neither.
        // scipy: chi2_contingency([[1,1],[1,3]], correction=False) -> 0.375, p 0.540291;
        // odds_ratio -> 3 (0.083762, 107.447309).
        let a = try XCTUnwrap(try db.query("SELECT * FROM aggregate_association WHERE method = 'naive'").first)
        XCTAssertEqual([a.int("both_yes"), a.int("a_only"), a.int("b_only"), a.int("neither")], [1, 1, 1, 3])
        XCTAssertEqual(try XCTUnwrap(a.double("chi_square")), 0.375, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(a.double("p_value")), 0.540291, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(a.double("odds_ratio")), 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(a.double("log_odds_ratio")), log(3), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(a.double("or_ci_low")), 0.083762, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(a.double("or_ci_high")), 107.447309, accuracy: 1e-5)
        XCTAssertEqual(a.text("or_method"), "woolf")
        XCTAssertEqual(try db.count("aggregate_association"), 1, "no validation sample: the naive row only")
        // Published figures (WIRED's, from Lai's X posts of 6-14 Aug 2025), on that scope: the X posts
        // 1 2 7 8 11 of those days, 3 of them relevant (1 2 7), more_than_tool on 1.
        let published = try db.query("SELECT * FROM aggregate_published ORDER BY category")
        XCTAssertEqual(published.map { $0.text("category")! }, ["companion", "more_than_tool"])
        let mtt = published[1]
        XCTAssertEqual(mtt.double("published_share"), 0.33)
        XCTAssertTrue(mtt.text("source")!.contains("WIRED") && mtt.text("source")!.contains("Lai"), mtt.text("source")!)
        XCTAssertEqual(mtt.text("published_scope"), "1,482 X posts, 6-14 Aug 2025")
        XCTAssertTrue(
            mtt.text("our_scope")!.hasPrefix("the published scope (x, 2025-08-06 to 2025-08-14)"),
            mtt.text("our_scope")!)
        XCTAssertEqual(mtt.int("n"), 3)
        XCTAssertEqual(try XCTUnwrap(mtt.double("naive_share")), 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertNil(mtt.double("ppi_share"))
    }

    func testStudyWindowPlatformLanguageAndBins() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        var options = AggregateOptions()
        options.platforms = ["reddit"]
        _ = try Aggregator(database: db, options: options).run()
        // Reddit's canonical known-language posts: 5, 6, 10, all relevant.
        let gate = try estimate(db, "all", "all", "relevant")
        XCTAssertEqual(gate.n, 3)
        XCTAssertEqual(gate.count, 3)
        XCTAssertEqual(try db.count("aggregate_estimates", where: "breakdown = 'platform' AND stratum = 'x'"), 0)
        // No X posts in scope: the published comparison says it is not on the published scope.
        XCTAssertTrue(
            try XCTUnwrap(try db.scalarText("SELECT our_scope FROM aggregate_published LIMIT 1"))
                .hasPrefix("all posts in scope: the data has no posts of the published scope"))
        XCTAssertEqual(
            try db.scalarText("SELECT value FROM aggregate_manifest WHERE key = 'parameters.platforms'"), "reddit")

        options = AggregateOptions()
        options.since = "2025-08-07"
        options.until = "2025-08-07"
        options.languages = ["en"]
        options.bin = .week
        _ = try Aggregator(database: db, options: options).run()
        XCTAssertEqual(try estimate(db, "all", "all", "relevant").n, 1, "post 5 only: canonical, English, 7 August")
        // Weeks start on Monday: 7 August 2025 (a Thursday) is in the week of 4 August.
        XCTAssertEqual(try estimate(db, "week", "2025-08-04", "relevant").n, 1)
        XCTAssertEqual(try db.scalarText("SELECT value FROM aggregate_manifest WHERE key = 'time_bin'"), "week")
        XCTAssertEqual(
            try db.scalarText("SELECT value FROM aggregate_manifest WHERE key = 'scope'"),
            "with a known language, language en, posted from 2025-08-07 to 2025-08-07 (UTC)")

        options = AggregateOptions()
        options.since = "2025-13-01"
        XCTAssertThrowsError(try Aggregator(database: db, options: options).run()) { error in
            XCTAssertEqual(String(describing: error), "--since '2025-13-01' is not a UTC date YYYY-MM-DD")
        }
    }

    func testTimeBinsAreChosenFromTheSpanAndCoverEveryBin() throws {
        XCTAssertEqual(TimeBin.automatic(spanDays: 120), .day)
        XCTAssertEqual(TimeBin.automatic(spanDays: 121), .week)
        XCTAssertEqual(TimeBin.automatic(spanDays: 840), .week)
        XCTAssertEqual(TimeBin.automatic(spanDays: 841), .month)
        let day = try XCTUnwrap(parseUTCDay("2025-08-07"))
        XCTAssertEqual(TimeBin.label(TimeBin.week.start(of: day)), "2025-08-04")
        XCTAssertEqual(TimeBin.label(TimeBin.month.start(of: day)), "2025-08-01")
        // A 2020-2026 corpus: 6 years in months, not 2,000 days.
        let bins = TimeBin.month.bins(
            from: try XCTUnwrap(parseUTCDay("2020-03-15")), through: try XCTUnwrap(parseUTCDay("2026-02-13")))
        XCTAssertEqual(bins.count, 72)
        XCTAssertEqual(TimeBin.label(bins.last!), "2026-02-01")
        XCTAssertEqual(
            TimeBin.week.bins(from: day, through: day + 13).map(TimeBin.label),
            ["2025-08-04", "2025-08-11", "2025-08-18"])
        XCTAssertNil(parseUTCDay("2025-02-30"))
        XCTAssertNil(parseUTCDay("7 Aug 2025"))
    }

    func testWarningsForMissingAndStaleCodingsAndAnotherCodebook() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir, validation: true)
        try db.run("DELETE FROM codings WHERE post_id = 10 AND coder = ?", [.text(AggregateFixture.coder)])
        try db.run(
            "INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) "
                + "VALUES (9, 'dedupe', 'test', '{}', 'now', 'completed')"
        )
        try db.run("UPDATE samples SET codebook_fingerprint = 'another'")
        let summary = try Aggregator(database: db).run()
        let manifest = Dictionary(
            uniqueKeysWithValues: try db.query("SELECT key, value FROM aggregate_manifest").map {
                ($0.text("key")!, $0.text("value")!)
            })
        XCTAssertEqual(
            manifest["warnings.missing_codings"],
            "1 canonical posts and 0 copies in scope have no codings by lexicon:keep4o@1.0 and are left out: "
                + "re-run `code` (make re-codes)"
        )
        XCTAssertEqual(
            manifest["warnings.stale_codings"],
            "the codings of lexicon:keep4o@1.0 are older than the last dedupe run: "
                + "re-run `code` (make re-codes), then aggregate"
        )
        XCTAssertTrue(
            manifest["warnings.reference_codebook"]?.contains("codebook another, the coder with cb1") == true,
            "\(manifest)")
        XCTAssertEqual(summary.notes.filter { $0.contains("re-run `code`") }.count, 2)
    }

    func testValidationSampleChoiceAndTrainingSamples() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir, validation: true)
        var options = AggregateOptions()
        options.minimumLabelled = 2
        // A training sample whose inclusion probabilities are stored can validate, and the run says so.
        try db.run("UPDATE samples SET purpose = 'training', strategy = 'stratified'")
        XCTAssertNil(
            try ValidationSample.load(
                db, name: nil, referenceCoder: "adjudicated", categories: AggregateFixture.categories),
            "by default only samples drawn for validation are used")
        options.validationSample = "validation"
        let summary = try Aggregator(database: db, options: options).run()
        XCTAssertTrue(
            summary.notes.contains {
                $0.contains("was drawn for training (stratified); its inclusion probabilities are stored")
            },
            "\(summary.notes)")
        // One post whose chance is unknown (an active-learning pick): refused, naming the sample.
        try db.run("UPDATE sample_posts SET inclusion_probability = NULL WHERE post_id = 6")
        XCTAssertThrowsError(try Aggregator(database: db, options: options).run()) { error in
            XCTAssertTrue(
                String(describing: error).contains(
                    "sample 'validation' (training, stratified) has 1 posts whose chance"), "\(error)")
        }
        options.validationSample = "nope"
        XCTAssertThrowsError(try Aggregator(database: db, options: options).run()) { error in
            XCTAssertEqual(
                String(describing: error), "--validation-sample: no sample named 'nope' (samples: validation)")
        }
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
        let first = try db.count("aggregate_estimates")
        try db.run(
            "INSERT INTO study_settings(key, value) VALUES ('primary_coder', ?)", [.text(AggregateFixture.coder)])
        let second = try Aggregator(database: db).run()
        XCTAssertEqual(try db.count("aggregate_estimates"), first)
        XCTAssertEqual(try db.count("aggregate_estimates", where: "run_id <> \(second.runID)"), 0)
        XCTAssertEqual(try db.count("runs", where: "stage = 'aggregate' AND status = 'completed'"), 2)
        let parameters = try XCTUnwrap(try db.scalarText("SELECT parameters FROM runs WHERE run_id = \(second.runID)"))
        XCTAssertTrue(parameters.contains(#""reference_coder":"adjudicated""#), parameters)
    }

    func testManifestNamesTheBuildPackagesAndModelFiles() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        try db.run(
            "INSERT INTO study_settings(key, value) VALUES ('primary_coder', ?)", [.text(AggregateFixture.coder)])
        let fastText = String(repeating: "a", count: 64)
        let modelFile = String(repeating: "b", count: 64)
        try StageRun.begin(db, stage: "language-detect", parameters: ["fasttext_model_sha256": fastText])
            .finish(rowsIn: 0, rowsOut: 0, rejects: 0)
        // Another coder's model file must not be credited to the primary coder.
        try StageRun.begin(db, stage: "code", parameters: ["coder": "supervised:other", "model_file_sha256": "c"])
            .finish(rowsIn: 0, rowsOut: 0, rejects: 0)
        try StageRun.begin(
            db, stage: "code", parameters: ["coder": AggregateFixture.coder, "model_file_sha256": modelFile]
        )
        .finish(rowsIn: 0, rowsOut: 0, rejects: 0)
        try StageRun.begin(db, stage: "embed", parameters: ["model": "multilingual-e5-small", "input_profile": "{}"])
            .finish(rowsIn: 0, rowsOut: 0, rejects: 0)
        _ = try Aggregator(database: db).run()
        let manifest = Dictionary(
            uniqueKeysWithValues: try db.query("SELECT key, value FROM aggregate_manifest")
                .map { ($0.text("key")!, $0.text("value")!) })
        XCTAssertEqual(manifest["tool_version"], BuildInfo.toolVersion)
        XCTAssertEqual(manifest["packages.swift-argument-parser"], "1.8.2")
        XCTAssertEqual(manifest["packages.Yams"], "6.2.2")
        XCTAssertEqual(manifest["models.fasttext_sha256"], fastText)
        XCTAssertEqual(manifest["models.coder_file_sha256"], modelFile)
        XCTAssertEqual(manifest["models.embedding"], "multilingual-e5-small")
        // The test executable lives in this checkout's .build, so the commit is known.
        XCTAssertEqual(manifest["tool_git_commit"]?.count, 40)
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

    func testExportsAreByteIdenticalAndShowNaiveAndCorrectedSideBySide() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir, validation: true)
        var options = AggregateOptions()
        options.minimumLabelled = 2
        var outputs: [[String: Data]] = []
        for round in 0..<2 {
            // a new run each time: new run ids must not leak into exports
            _ = try Aggregator(database: db, options: options).run()
            let out = dir.path("out\(round)")
            try Exporter(database: db).export(to: out, formats: TableFormat.allCases, charts: true)
            outputs.append(try files(under: out))
        }
        XCTAssertEqual(Set(outputs[0].keys), Set(outputs[1].keys))
        XCTAssertTrue(outputs[0].keys.contains("csv/prevalence_by_day.csv"))
        XCTAssertTrue(outputs[0].keys.contains("charts/timeline.svg"))
        XCTAssertTrue(outputs[0].keys.contains("charts/prevalence_corrected.svg"))
        XCTAssertTrue(outputs[0].keys.contains("json/manifest.json"))
        XCTAssertEqual(outputs[0].count, 8 * 3 + 1 + 1 + 3, "csv, tex, json per table; md; manifest; three charts")
        for (name, data) in outputs[0] { XCTAssertEqual(data, outputs[1][name], "\(name) differs between runs") }

        // CSV through libcsv: text quoted, numbers bare; naive, PPI++ and labels alone on one row.
        let csv = String(decoding: outputs[0]["csv/prevalence_overall.csv"]!, as: UTF8.self)
        XCTAssertTrue(
            csv.hasPrefix(
                "\"category\",\"n_posts\",\"naive\",\"naive_low\",\"naive_high\",\"ppi\",\"ppi_low\",\"ppi_high\","
                    + "\"human\",\"human_low\",\"human_high\",\"n_labeled\",\"lambda\"\n"
                    + "\"relevant\",8,0.7500,0.4093,0.9285,0.8574,"), csv)
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: outputs[0]["json/association.json"]!) as? [String: Any])
        let manifest = try XCTUnwrap(json["manifest"] as? [String: String])
        XCTAssertEqual(manifest["coder"], AggregateFixture.coder)
        XCTAssertEqual(manifest["codebook"], "keep4o@1.0")
        XCTAssertEqual(manifest["validation_sample"], "validation")
        XCTAssertEqual(manifest["inputs.data_fingerprint"]?.count, 64)
        XCTAssertNil(manifest["run_id"])
        let md = String(decoding: outputs[0]["md/tables.md"]!, as: UTF8.self)
        XCTAssertTrue(md.contains("| category | n_posts | naive | naive_low | naive_high | ppi |"), md)
        XCTAssertTrue(md.contains("naive: the coder alone (Wilson 95% interval), uncorrected. ppi: PPI++"), md)
        let tex = String(decoding: outputs[0]["tex/prevalence_overall.tex"]!, as: UTF8.self)
        XCTAssertTrue(tex.contains("\\toprule") && tex.contains("more\\_than\\_tool & 6 & 0.5000"), tex)
        let svg = String(decoding: outputs[0]["charts/prevalence_by_language.svg"]!, as: UTF8.self)
        XCTAssertTrue(
            svg.hasPrefix("<?xml") && svg.contains("en (n=4)") && svg.contains("(uncorrected)")
                && svg.hasSuffix("</svg>\n"))
        let corrected = String(decoding: outputs[0]["charts/prevalence_corrected.svg"]!, as: UTF8.self)
        XCTAssertTrue(corrected.contains("PPI++ (corrected)") && corrected.contains("coder alone (uncorrected)"))
    }

    func testWithoutAValidationSampleEveryTableSaysUncorrected() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        _ = try Aggregator(database: db).run()
        let tables = try Exporter(database: db).tables()
        for table in tables where table.name != "published_comparison" {
            XCTAssertTrue(
                table.caption.contains("Uncorrected") || table.caption.contains("uncorrected"),
                "\(table.name): \(table.caption)")
        }
        let overall = try XCTUnwrap(tables.first { $0.name == "prevalence_overall" })
        XCTAssertEqual(overall.columns, ["category", "n_posts", "naive", "naive_low", "naive_high"])
        XCTAssertTrue(
            overall.caption.contains("no validation sample: draw one with `annotate sample --purpose validation`"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("out/charts/prevalence_corrected.svg")))
    }

    func testExportWithoutARunSaysSo() throws {
        let dir = try TemporaryDirectory()
        let db = try AggregateFixture.make(in: dir)
        XCTAssertThrowsError(try Exporter(database: db).export(to: dir.path("out"), formats: [.csv], charts: false)) {
            error in
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
        XCTAssertTrue(
            out.contains("| platform | n | mean_id |\n|---|---|---|\n| reddit | 3 | 7.0000 |\n| x | 8 | 5.6250 |\n"),
            out)
        XCTAssertTrue(
            out.contains("print(\"not run\")\n```\n\n```sql"), "other code blocks are copied, not run: \(out)")
        XCTAssertTrue(out.contains("> **Error:** no such table: nowhere"), out)
        XCTAssertTrue(out.contains("| 1 | a;b\\|c |"), out)
        XCTAssertTrue(out.contains("_… 8 more rows not shown (limit 3)._"), out)
        XCTAssertEqual(
            out, NotebookRunner(database: db, rowLimit: 3).render(notebook), "deterministic, and the temp table is gone"
        )
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
        XCTAssertEqual(
            missing.err,
            "Error: posts is empty: run the `ingest` stage first (it writes posts); aggregate reads its output\n")

        _ = try AggregateFixture.make(in: dir, validation: true)
        let db = dir.path("study.sqlite")
        let run = try runTool("aggregate", ["run", "--db", db, "--min-labeled", "2", "--pair", "companion:grief"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("8 in the primary denominator"), run.out)
        XCTAssertTrue(run.out.contains("note: association pair companion:grief skipped"), run.out)
        // Every category three ways on the terminal.
        XCTAssertTrue(
            run.out.contains("naive (coder alone)") && run.out.contains("PPI++ (corrected)")
                && run.out.contains("human (labels alone)"), run.out)
        XCTAssertTrue(run.out.contains("relevant                  0.750 [0.409, 0.929]   0.857 ["), run.out)
        let badDay = try runTool("aggregate", ["run", "--db", db, "--until", "14/08/2025"])
        XCTAssertEqual(badDay.status, 64)
        XCTAssertTrue(badDay.err.contains("--until '14/08/2025' is not a UTC date YYYY-MM-DD"), badDay.err)
        let badBin = try runTool("aggregate", ["run", "--db", db, "--bin", "year"])
        XCTAssertTrue(badBin.err.contains("'day', 'week' or 'month'"), badBin.err)

        let export = try runTool(
            "aggregate", ["export", "--db", db, "--format", "md", "--no-charts", "--out", dir.path("out")])
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("out/md/tables.md")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("out/charts")))
        let notebook = try dir.write("nb.md", "# N\n\n```sql\nSELECT count(*) AS posts FROM posts\n```\n")
        let rendered = try runTool("aggregate", ["notebook", "--db", db, "--out", dir.path("nbout"), notebook])
        XCTAssertEqual(rendered.status, 0, rendered.err)
        XCTAssertEqual(
            try String(contentsOfFile: dir.path("nbout/nb.md"), encoding: .utf8),
            "# N\n\n```sql\nSELECT count(*) AS posts FROM posts\n```\n\n| posts |\n|---|\n| 11 |\n\n")
        let badFormat = try runTool("aggregate", ["export", "--db", db, "--format", "xlsx", "--out", dir.path("x")])
        XCTAssertNotEqual(badFormat.status, 0)
        // The enum option lists its choices.
        XCTAssertTrue(badFormat.err.contains("'xlsx' is invalid for '--format <format>'"), badFormat.err)
        XCTAssertTrue(badFormat.err.contains("'csv', 'md', 'tex' or 'json'"), badFormat.err)
    }
}
