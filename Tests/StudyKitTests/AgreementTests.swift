import Foundation
import XCTest

@testable import StudyKit

final class AgreementTests: XCTestCase {
    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders
    /// (A-D) × 12 units, nominal values 1-5, with missing values. The same data is irrCAC's
    /// `cac_raw4raters` (documented in irrCAC/raw.py).
    static let krippendorff2011: RatingMatrix = {
        let a: [Int?] = [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil]
        let b: [Int?] = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3]
        let c: [Int?] = [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil]
        let d: [Int?] = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil]
        return RatingMatrix(ratings: (0..<12).map { [a[$0], b[$0], c[$0], d[$0]] }, categories: [1, 2, 3, 4, 5])
    }()

    func testKrippendorffAlphaWorkedExampleWithMissingValues() {
        // Krippendorff (2011) reports alpha_nominal = 0.743. Checked by hand from his coincidence
        // matrix: n = 40 pairable values, n_c = (9, 13, 10, 5, 3), Σ_{c≠k} o_ck = 8, so
        // α = 1 − 39 · 8 / (40² − (81 + 169 + 100 + 25 + 9)) = 1 − 312/1216 = 113/152 = 0.7434...
        let alpha = Agreement.krippendorffAlphaNominal(Self.krippendorff2011)
        XCTAssertEqual(alpha, 113.0 / 152.0, accuracy: 1e-12)
        XCTAssertEqual(alpha, 0.743, accuracy: 0.0005)
    }

    func testGwetAC1AndFleissOnIrrCACDocumentedExample() {
        // irrCAC documentation (raw.py docstring, CAC(cac_raw4raters)): AC1 = 0.77544 with
        // pa = 0.81818, pe = 0.19032; Fleiss' kappa = 0.76117 with pe = 0.23872 (5 digits).
        let m = Self.krippendorff2011
        XCTAssertEqual(Agreement.percentAgreement(m), 0.81818, accuracy: 0.000005)
        XCTAssertEqual(Agreement.gwetAC1(m), 0.77544, accuracy: 0.000005)
        XCTAssertEqual(Agreement.fleissKappa(m), 0.76117, accuracy: 0.000005)
        // pa by hand: 11 units with ≥2 ratings; units 1,3,4,5,7,9,10,11 agree fully (8 × 1),
        // unit 2 (2,2,3,2): 6/12, unit 6 (1,2,3,4): 0, unit 8 (1,1,2,1): 6/12 → (8 + 1) / 11.
        XCTAssertEqual(Agreement.percentAgreement(m), 9.0 / 11.0, accuracy: 1e-12)
    }

    func testCohensKappaTextbookTable() {
        // Wikipedia, "Cohen's kappa", worked example: 50 proposals, both yes 20, A yes/B no 5,
        // A no/B yes 10, both no 15. p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
        XCTAssertEqual(Agreement.cohensKappa(table: [[20, 5], [10, 15]]), 0.4, accuracy: 1e-12)
        let m = Self.matrix(fromTable: [[20, 5], [10, 15]])
        XCTAssertEqual(Agreement.cohensKappa(m), 0.4, accuracy: 1e-12)
        XCTAssertEqual(Agreement.percentAgreement(m), 0.7, accuracy: 1e-12)
        // AC1 on the same table by hand: π_yes = (25/50 + 30/50)/2 = 0.55,
        // p_e = 2 · 0.55 · 0.45 / (2 − 1) = 0.495, AC1 = (0.7 − 0.495)/(1 − 0.495) = 0.205/0.505.
        XCTAssertEqual(Agreement.gwetAC1(m), 0.205 / 0.505, accuracy: 1e-12)
    }

    func testPerfectAgreement() {
        let m = RatingMatrix(ratings: [[1, 1], [0, 0], [1, 1], [0, 0]], categories: [0, 1])
        for statistic in AgreementStatistic.allCases {
            XCTAssertEqual(statistic.compute(m), 1, accuracy: 1e-12, statistic.rawValue)
        }
    }

    func testAllSameCategoryKappaUndefinedAC1Defined() {
        let m = RatingMatrix(ratings: Array(repeating: [0, 0, 0], count: 10), categories: [0, 1])
        XCTAssertEqual(Agreement.percentAgreement(m), 1)
        XCTAssertTrue(Agreement.fleissKappa(m).isNaN)
        XCTAssertTrue(Agreement.krippendorffAlphaNominal(m).isNaN)
        XCTAssertTrue(
            Agreement.cohensKappa(RatingMatrix(ratings: Array(repeating: [0, 0], count: 5), categories: [0, 1])).isNaN)
        XCTAssertEqual(Agreement.gwetAC1(m), 1, accuracy: 1e-12)
    }

    func testMissingDataUnitsWithOneRatingCarryNoAgreement() {
        // Adding units that only one coder rated must not change alpha (they are not pairable),
        // and no pairable units at all leaves every coefficient undefined.
        let base = RatingMatrix(ratings: [[1, 1], [0, 1], [0, 0], [1, 1], [0, 0]], categories: [0, 1])
        var withSingles = base
        withSingles.ratings += [[1, nil], [nil, 0], [nil, nil]]
        XCTAssertEqual(
            Agreement.krippendorffAlphaNominal(base), Agreement.krippendorffAlphaNominal(withSingles), accuracy: 1e-12)
        XCTAssertEqual(Agreement.percentAgreement(base), Agreement.percentAgreement(withSingles), accuracy: 1e-12)
        XCTAssertEqual(Agreement.cohensKappa(base), Agreement.cohensKappa(withSingles), accuracy: 1e-12)
        let none = RatingMatrix(ratings: [[1, nil], [nil, 0]], categories: [0, 1])
        for statistic in AgreementStatistic.allCases {
            XCTAssertTrue(statistic.compute(none).isNaN, statistic.rawValue)
        }
    }

    func testBootstrapIsReproducibleAndBracketsEstimate() {
        let m = Self.randomMatrix(seed: 7, units: 60, coders: 3, categories: 2, missing: 0.1)
        let a = Bootstrap(replicates: 300, seed: 1).estimates(m)
        let b = Bootstrap(replicates: 300, seed: 1).estimates(m)
        // (NaN ≠ NaN, so compare the printed values: Cohen's kappa is undefined for 3 coders)
        XCTAssertEqual(AgreementStatistic.allCases.map { "\(a[$0]!)" }, AgreementStatistic.allCases.map { "\(b[$0]!)" })
        XCTAssertTrue(a[.cohensKappa]!.value.isNaN)
        for (statistic, e) in a where statistic != .cohensKappa {
            XCTAssertLessThan(e.low, e.value, statistic.rawValue)
            XCTAssertGreaterThan(e.high, e.value, statistic.rawValue)
        }
        let other = Bootstrap(replicates: 300, seed: 2).estimates(m)
        XCTAssertNotEqual(a[.krippendorffAlpha]!.low, other[.krippendorffAlpha]!.low)
    }

    /// The same seeded random data through the PyPI packages krippendorff (0.9.0) and irrCAC
    /// (0.4.4), which implement the coefficients independently; they must agree to 1e-9.
    func testAgainstPythonKrippendorffAndIrrCAC() throws {
        var datasets: [RatingMatrix] = []
        var seed: UInt64 = 100
        for coders in 2...5 {
            for categories in 2...4 {
                for missing in [0.0, 0.25] {
                    seed += 1
                    datasets.append(
                        Self.randomMatrix(
                            seed: seed, units: 25 + Int(seed % 40), coders: coders,
                            categories: categories, missing: missing))
                }
            }
        }
        datasets.append(Self.krippendorff2011)
        let peers = try Self.runPeer(datasets)
        XCTAssertEqual(peers.count, datasets.count)
        var compared = 0
        for (m, peer) in zip(datasets, peers) {
            func check(_ ours: Double, _ key: String) {
                guard let theirs = peer[key] else { return XCTFail("peer gave no \(key)") }
                guard let theirs else { return XCTAssertTrue(ours.isNaN, "\(key): peer undefined, ours \(ours)") }
                XCTAssertEqual(ours, theirs, accuracy: 1e-9, "\(key) on \(m.unitCount)×\(m.coderCount)")
                compared += 1
            }
            check(Agreement.percentAgreement(m), "percent_agreement")
            check(Agreement.fleissKappa(m), "fleiss_kappa")
            check(Agreement.gwetAC1(m), "gwet_ac1")
            check(Agreement.krippendorffAlphaNominal(m), "krippendorff_alpha")
            if peer["cohens_kappa"] != nil { check(Agreement.cohensKappa(m), "cohens_kappa") }
        }
        XCTAssertGreaterThan(compared, 4 * datasets.count)
    }

    // MARK: helpers

    static func matrix(fromTable table: [[Int]]) -> RatingMatrix {
        var ratings: [[Int?]] = []
        for (i, row) in table.enumerated() {
            for (j, count) in row.enumerated() {
                // category 1 = "yes" is row/column 0
                ratings += Array(repeating: [1 - i, 1 - j], count: count)
            }
        }
        return RatingMatrix(ratings: ratings, categories: [0, 1])
    }

    /// Ratings with real structure: each unit has a true category (skewed toward 0) that each coder
    /// reports with probability 0.75, else a random category; some ratings are missing.
    static func randomMatrix(seed: UInt64, units: Int, coders: Int, categories: Int, missing: Double) -> RatingMatrix {
        var g = SplitMix64(seed: seed)
        func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        var ratings: [[Int?]] = []
        for _ in 0..<units {
            let truth = uniform() < 0.6 ? 0 : Int(g.next() % UInt64(categories))
            var unit: [Int?] = []
            for _ in 0..<coders {
                if uniform() < missing {
                    unit.append(nil)
                    continue
                }
                unit.append(uniform() < 0.75 ? truth : Int(g.next() % UInt64(categories)))
            }
            // every unit keeps at least one rating, like a real sample
            if unit.allSatisfy({ $0 == nil }) { unit[0] = truth }
            ratings.append(unit)
        }
        return RatingMatrix(ratings: ratings, categories: Array(0..<categories))
    }

    static func runPeer(_ datasets: [RatingMatrix]) throws -> [[String: Double?]] {
        let dir = try TemporaryDirectory()
        let json = datasets.map { m -> [String: Any] in
            ["ratings": m.ratings.map { $0.map { $0.map { $0 as Any } ?? NSNull() } }, "categories": m.categories]
        }
        let input = dir.path("datasets.json")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: input))
        let output = try outputOf(
            "/usr/bin/env", ["python3", Repository.path("Tests/StudyKitTests/Helpers/agreement_peer.py"), input])
        let parsed = try JSONSerialization.jsonObject(with: output) as! [[String: Any]]
        return parsed.map { $0.mapValues { ($0 as? NSNumber)?.doubleValue } }
    }
}
