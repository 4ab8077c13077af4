import Foundation
import XCTest

@testable import StudyKit

/// Prediction-powered estimates: a worked example by hand, ppi-python 0.2.3 on 20 seeded data sets
/// of each kind, a numpy transcription for stratified samples, and coverage against simulated truth.
final class PredictionPoweredTests: XCTestCase {
    /// Four labelled posts, Y = 1 0 1 1 (human), Yhat = 1 0 0 1 (coder); ten posts to estimate over,
    /// five of them coded 1 (mean 0.5, variance 0.25).
    ///
    /// Plain PPI (lambda = 1): 0.5 + mean(Y - Yhat) = 0.5 + (0 + 0 + 1 + 0) / 4 = 0.75.
    ///   Y - Yhat = 0 0 1 0: mean 0.25, variance (divisor n) 0.25 * 0.75 = 0.1875.
    ///   se^2 = 1^2 * 0.25 / 10 + 0.1875 / 4 = 0.025 + 0.046875 = 0.071875, se = 0.2680951.
    ///   interval 0.75 -+ 1.959964 * 0.2680951 = 0.75 -+ 0.5254568: [0.2245432, 1.2754568].
    /// Power-tuned (PPI++): cov(Y, Yhat) over the labelled posts, divisor 4:
    ///   (0.25 * 0.5 + 0.75 * 0.5 - 0.25 * 0.5 + 0.25 * 0.5) / 4 = 0.5 / 4 = 0.125.
    ///   Pooled predictions (4 labelled + 10): 7 ones of 14, sum of squares 14 * 0.25 = 3.5,
    ///   variance 3.5 / 13. lambda = 0.125 / ((1 + 4/10) * 3.5/13) = 1.625 / 4.9 = 0.3316327.
    ///   The estimate stays 0.75 (labelled and population predictions both average 0.5).
    ///   Y - lambda Yhat = 0.6683673 0 1 0.6683673: mean 0.5841837, squared deviations
    ///   0.0070870 0.3412705 0.1729033 0.0070870, variance 0.5283478 / 4 = 0.1320870.
    ///   se^2 = 0.3316327^2 * 0.025 + 0.1320870 / 4 = 0.0027495 + 0.0330217 = 0.0357712,
    ///   se = 0.1891328, interval 0.75 -+ 0.3706935: [0.3793065, 1.1206935].
    func testWorkedExampleByHand() throws {
        let y: [Double] = [1, 0, 1, 1], yhat: [Double] = [1, 0, 0, 1]
        let population = PPI.Moments(count: 10, positives: 5)
        let plain = try XCTUnwrap(
            PPI.mean(y: y, yhat: yhat, sample: .simpleRandom(4), population: population, lambda: 1))
        XCTAssertEqual(plain.estimate, 0.75, accuracy: 1e-12)
        XCTAssertEqual(plain.standardError, 0.071875.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(plain.low, 0.2245432, accuracy: 1e-7)
        XCTAssertEqual(plain.high, 1.2754568, accuracy: 1e-7)
        let tuned = try XCTUnwrap(PPI.mean(y: y, yhat: yhat, sample: .simpleRandom(4), population: population))
        XCTAssertEqual(tuned.lambda, 1.625 / 4.9, accuracy: 1e-12)
        XCTAssertEqual(tuned.estimate, 0.75, accuracy: 1e-12)
        XCTAssertEqual(tuned.standardError, 0.1891328, accuracy: 1e-7)
        XCTAssertEqual(tuned.low, 0.3793065, accuracy: 1e-7)
        XCTAssertEqual(tuned.high, 1.1206935, accuracy: 1e-7)
        // lambda = 0 is the labels alone: mean 0.75, se sqrt(0.75 * 0.25 / 4).
        let human = try XCTUnwrap(
            PPI.mean(y: y, yhat: yhat, sample: .simpleRandom(4), population: population, lambda: 0))
        XCTAssertEqual(human.standardError, (0.75 * 0.25 / 4).squareRoot(), accuracy: 1e-12)
        XCTAssertNil(
            PPI.mean(y: [1], yhat: [1], sample: .simpleRandom(1), population: population), "one label is no sample")
    }

    /// The ratio at lambda = 0 is the share among labelled gate-positive posts, with the binomial
    /// standard error over them: J = 1 1 0 0 0, G = 1 1 1 0 0 -> 2/3, se sqrt(2/3 * 1/3 / 3).
    func testRatioWithoutTheCoderIsTheLabelledShare() throws {
        let j: [Double] = [1, 1, 0, 0, 0], g: [Double] = [1, 1, 1, 0, 0]
        var population = PPI.PairCounts()
        for _ in 0..<20 { population.add(gate: true, joint: true) }
        for _ in 0..<30 { population.add(gate: false, joint: false) }
        let r = try XCTUnwrap(
            PPI.ratio(j: j, g: g, jhat: j, ghat: g, sample: .simpleRandom(5), population: population, lambda: 0))
        XCTAssertEqual(r.estimate, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(r.standardError, (2.0 / 9.0 / 3.0).squareRoot(), accuracy: 1e-12)
        // A perfect coder (predictions equal labels): plain PPI is the population's own ratio, 20/20.
        let perfect = try XCTUnwrap(
            PPI.ratio(j: j, g: g, jhat: j, ghat: g, sample: .simpleRandom(5), population: population, lambda: 1))
        XCTAssertEqual(perfect.estimate, 1.0, accuracy: 1e-12)
    }

    // MARK: ppi-python

    struct Generator {
        var g: SplitMix64
        init(_ seed: UInt64) { g = SplitMix64(seed: seed) }
        mutating func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        mutating func bernoulli(_ p: Double) -> Double { uniform() < p ? 1 : 0 }
    }

    /// A coder that finds a true 1 with probability `sensitivity` and calls a true 0 a 1 with `falsePositive`.
    static func predict(_ truth: Double, _ sensitivity: Double, _ falsePositive: Double, _ r: inout Generator) -> Double
    {
        truth == 1 ? r.bernoulli(sensitivity) : r.bernoulli(falsePositive)
    }

    static let designs: [(n: Int, bigN: Int, prevalence: Double, sensitivity: Double, falsePositive: Double)] = [
        (20, 300, 0.3, 0.9, 0.05), (30, 2000, 0.1, 0.7, 0.02), (50, 500, 0.5, 0.8, 0.2), (60, 5000, 0.25, 0.95, 0.01),
        (80, 1000, 0.05, 0.6, 0.03), (100, 3000, 0.4, 0.85, 0.1), (120, 800, 0.2, 0.5, 0.05),
        (150, 4000, 0.35, 0.75, 0.15),
        (200, 2600, 0.3, 0.85, 0.03), (200, 10000, 0.15, 0.9, 0.08), (250, 1500, 0.6, 0.7, 0.3),
        (300, 6000, 0.45, 0.9, 0.02),
        (40, 400, 0.3, 0.99, 0.01), (70, 700, 0.7, 0.6, 0.4), (90, 9000, 0.2, 0.8, 0.05), (110, 1100, 0.12, 0.65, 0.1),
        (160, 2000, 0.5, 0.55, 0.45), (180, 3600, 0.08, 0.9, 0.01), (220, 2200, 0.28, 0.8, 0.12),
        (400, 8000, 0.33, 0.88, 0.04),
    ]

    func testMeanMatchesPPIPython() throws {
        var datasets: [[String: Any]] = [], ours: [(PPI.Estimate, PPI.Estimate)] = []
        for (k, d) in Self.designs.enumerated() {
            var r = Generator(UInt64(1000 + k))
            var y: [Double] = [], yhat: [Double] = [], unlabelled: [Double] = []
            // Every fourth data set has scores (probabilities) instead of 0/1 predictions.
            let scores = k % 4 == 3
            func prediction(_ truth: Double) -> Double {
                scores
                    ? min(1, max(0, 0.2 + 0.6 * truth + 0.3 * (r.uniform() - 0.5)))
                    : Self.predict(truth, d.sensitivity, d.falsePositive, &r)
            }
            for _ in 0..<d.n {
                let t = r.bernoulli(d.prevalence)
                y.append(t)
                yhat.append(prediction(t))
            }
            for _ in 0..<d.bigN { unlabelled.append(prediction(r.bernoulli(d.prevalence))) }
            datasets.append(["kind": "mean", "Y": y, "Yhat": yhat, "Yhat_unlabeled": unlabelled])
            let population = PPI.Moments(unlabelled)
            ours.append(
                (
                    try XCTUnwrap(PPI.mean(y: y, yhat: yhat, sample: .simpleRandom(d.n), population: population)),
                    try XCTUnwrap(
                        PPI.mean(y: y, yhat: yhat, sample: .simpleRandom(d.n), population: population, lambda: 1))
                ))
        }
        let peers = try Self.runPeer(datasets)
        XCTAssertEqual(peers.count, 20)
        for (k, (peer, (tuned, plain))) in zip(peers, ours).enumerated() {
            let t = try XCTUnwrap(peer["tuned"] as? [String: Double]),
                p = try XCTUnwrap(peer["plain"] as? [String: Double])
            XCTAssertEqual(tuned.lambda, try XCTUnwrap(t["lambda"]), accuracy: 1e-9, "lambda, data set \(k)")
            XCTAssertEqual(
                tuned.estimate, try XCTUnwrap(t["estimate"]), accuracy: 1e-6, "PPI++ estimate, data set \(k)")
            XCTAssertEqual(tuned.low, try XCTUnwrap(t["low"]), accuracy: 1e-6, "PPI++ low, data set \(k)")
            XCTAssertEqual(tuned.high, try XCTUnwrap(t["high"]), accuracy: 1e-6, "PPI++ high, data set \(k)")
            XCTAssertEqual(plain.estimate, try XCTUnwrap(p["estimate"]), accuracy: 1e-6, "PPI estimate, data set \(k)")
            XCTAssertEqual(plain.low, try XCTUnwrap(p["low"]), accuracy: 1e-6, "PPI low, data set \(k)")
            XCTAssertEqual(plain.high, try XCTUnwrap(p["high"]), accuracy: 1e-6, "PPI high, data set \(k)")
        }
        // Tuning is not a no-op on these data: some lambdas are well inside (0, 1).
        XCTAssertTrue(ours.contains { $0.0.lambda > 0.05 && $0.0.lambda < 0.95 })
    }

    /// The same designs with at least 100 labelled posts and a prevalence of at least 0.15: with fewer
    /// events the rectified logistic equations can have no finite solution (the correction pushes a
    /// fitted probability below 0), which ppi-python does not detect; there we return nil and check
    /// that ppi-python's answer ran off too.
    func testLogisticMatchesPPIPython() throws {
        var datasets: [[String: Any]] = [], ours: [(PPI.LogisticEstimate?, PPI.LogisticEstimate?)] = []
        for (k, d) in Self.designs.enumerated() {
            var r = Generator(UInt64(2000 + k))
            // b depends on a with log odds ratio 0.8 (intercept from the prevalence); the coder errs on both.
            let intercept = log(max(d.prevalence, 0.15) / (1 - max(d.prevalence, 0.15)))
            func draw() -> (Double, Double, Double, Double) {
                let a = r.bernoulli(0.35)
                let b = r.bernoulli(1 / (1 + exp(-(intercept + 0.8 * a))))
                return (
                    a, b, Self.predict(a, d.sensitivity, d.falsePositive, &r),
                    Self.predict(b, d.sensitivity, d.falsePositive, &r)
                )
            }
            var x: [Double] = [], y: [Double] = [], yhat: [Double] = []
            for _ in 0..<max(d.n, 100) {
                let (a, b, _, bh) = draw()
                x.append(a)
                y.append(b)
                yhat.append(bh)
            }
            // Population rows grouped into distinct (x, yhat) with counts: the same data as one row each.
            var cells: [String: (Double, Double, Double)] = [:]
            var ux: [Double] = [], uy: [Double] = []
            // At most 3,000 population rows: ppi-python's fit loops over them in Python, and the sizes
            // that matter for the formulas are already covered.
            for _ in 0..<min(d.bigN, 3000) {
                let (_, _, ah, bh) = draw()
                ux.append(ah)
                uy.append(bh)
                cells["\(ah),\(bh)", default: (ah, bh, 0)].2 += 1
            }
            let grouped = cells.values.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            datasets.append([
                "kind": "logistic", "X": x.map { [1, $0] }, "Y": y, "Yhat": yhat,
                "X_unlabeled": ux.map { [1, $0] }, "Yhat_unlabeled": uy,
            ])
            let ones = Array(repeating: 1.0, count: x.count)
            let data = PPI.LogisticData(
                x: x, y: y, w: ones, xhat: x, yhat: yhat, what: ones,
                ux: grouped.map(\.0), uy: grouped.map(\.1), uw: grouped.map { _ in 1 }, ucount: grouped.map(\.2))
            ours.append(
                (
                    PPI.logistic(data, sample: .simpleRandom(x.count)),
                    PPI.logistic(data, sample: .simpleRandom(x.count), lambda: 1)
                ))
        }
        let peers = try Self.runPeer(datasets)
        var compared = 0
        for (k, (peer, (tuned, plain))) in zip(peers, ours).enumerated() {
            for (name, estimate) in [("tuned", tuned), ("plain", plain)] {
                let theirs = try XCTUnwrap(peer[name] as? [String: [Double]])
                let low = try XCTUnwrap(theirs["low"]), high = try XCTUnwrap(theirs["high"])
                guard let mine = estimate else {
                    let centre = (low[1] + high[1]) / 2
                    XCTAssertTrue(
                        !centre.isFinite || abs(centre) > 20,
                        "\(name), data set \(k): ours has no solution, ppi-python's slope \(centre)")
                    continue
                }
                compared += 1
                for c in 0..<2 {
                    // ppi_logistic_ci's interval is centred on its final estimate.
                    XCTAssertEqual(
                        mine.coefficients[c], (low[c] + high[c]) / 2, accuracy: 1e-6,
                        "\(name) coefficient \(c), data set \(k)")
                    XCTAssertEqual(mine.low(c), low[c], accuracy: 1e-6, "\(name) low \(c), data set \(k)")
                    XCTAssertEqual(mine.high(c), high[c], accuracy: 1e-6, "\(name) high \(c), data set \(k)")
                }
            }
            if let plain {
                let plainEstimate = try XCTUnwrap((peer["plain"] as? [String: [Double]])?["estimate"])
                XCTAssertEqual(
                    plain.coefficients[1], plainEstimate[1], accuracy: 1e-6, "lam=1 point estimate, data set \(k)")
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 36, "at least 18 of the 20 data sets have a finite fit in both variants")
    }

    // MARK: Stratified samples

    /// A population in three strata with different prevalences and coder quality; stratum 2 is small
    /// and oversampled, as a validation sample stratified by language would be.
    struct StratifiedPopulation {
        var truth: [Double] = [], prediction: [Double] = [], stratum: [Int] = []
        var members: [[Int]] = []
        init(seed: UInt64) {
            var r = Generator(seed)
            let strata: [(size: Int, prevalence: Double, sensitivity: Double, falsePositive: Double)] =
                [(3000, 0.2, 0.9, 0.05), (1500, 0.5, 0.7, 0.1), (300, 0.05, 0.5, 0.2)]
            for (h, s) in strata.enumerated() {
                for _ in 0..<s.size {
                    let t = r.bernoulli(s.prevalence)
                    truth.append(t)
                    prediction.append(PredictionPoweredTests.predict(t, s.sensitivity, s.falsePositive, &r))
                    stratum.append(h)
                }
            }
            members = strata.indices.map { h in stratum.indices.filter { stratum[$0] == h } }
        }
        var share: Double { truth.reduce(0, +) / Double(truth.count) }

        /// `perStratum` posts from each stratum, without replacement.
        func draw(_ perStratum: [Int], _ r: inout Generator) -> (y: [Double], yhat: [Double], sample: PPI.Sample) {
            var y: [Double] = [], yhat: [Double] = [], weight: [Double] = [], strata: [Int] = []
            for (h, k) in perStratum.enumerated() {
                var members = self.members[h]
                for i in 0..<k {
                    let j = i + Int(r.uniform() * Double(members.count - i))
                    members.swapAt(i, j)
                    y.append(truth[members[i]])
                    yhat.append(prediction[members[i]])
                    weight.append(Double(members.count) / Double(k))
                    strata.append(h)
                }
            }
            return (y, yhat, PPI.Sample(design: .stratified, weight: weight, stratum: strata))
        }
    }

    func testStratifiedMatchesAnIndependentNumpyTranscription() throws {
        let population = StratifiedPopulation(seed: 77)
        var datasets: [[String: Any]] = [], ours: [PPI.Estimate] = []
        var r = Generator(78)
        for k in 0..<10 {
            let (y, yhat, sample) = population.draw([20 + k * 3, 15 + k, k % 3 == 0 ? 1 : 6], &r)
            let lambda: Double? = k % 5 == 4 ? 1 : nil
            datasets.append([
                "kind": "stratified", "y": y, "yhat": yhat, "weight": sample.weight, "stratum": sample.stratum,
                "population": population.prediction, "lam": lambda.map { $0 as Any } ?? NSNull(),
            ])
            ours.append(
                try XCTUnwrap(
                    PPI.mean(
                        y: y, yhat: yhat, sample: sample, population: PPI.Moments(population.prediction), lambda: lambda
                    )))
        }
        let peers = try Self.runPeer(datasets)
        for (k, (peer, mine)) in zip(peers, ours).enumerated() {
            let theirs = try XCTUnwrap(peer as? [String: Double])
            XCTAssertEqual(mine.lambda, try XCTUnwrap(theirs["lambda"]), accuracy: 1e-9, "data set \(k)")
            XCTAssertEqual(mine.estimate, try XCTUnwrap(theirs["estimate"]), accuracy: 1e-9, "data set \(k)")
            XCTAssertEqual(mine.low, try XCTUnwrap(theirs["low"]), accuracy: 1e-9, "data set \(k)")
            XCTAssertEqual(mine.high, try XCTUnwrap(theirs["high"]), accuracy: 1e-9, "data set \(k)")
        }
    }

    /// 400 stratified samples (40 + 40 + 40 posts: the small stratum weighs 300/40, the large one
    /// 3000/40): the weighted PPI++ interval covers the population share about 95% of the time,
    /// while the same estimator without the design weights is biased towards the oversampled
    /// stratum and covers far less.
    func testStratifiedCoverageAgainstSimulatedTruth() throws {
        let population = StratifiedPopulation(seed: 91)
        let truth = population.share
        let moments = PPI.Moments(population.prediction)
        var r = Generator(92)
        var covered = 0, coveredUnweighted = 0
        let replicates = 400
        for _ in 0..<replicates {
            let (y, yhat, sample) = population.draw([40, 40, 40], &r)
            let weighted = try XCTUnwrap(PPI.mean(y: y, yhat: yhat, sample: sample, population: moments))
            if weighted.low <= truth && truth <= weighted.high { covered += 1 }
            let naive = try XCTUnwrap(PPI.mean(y: y, yhat: yhat, sample: .simpleRandom(y.count), population: moments))
            if naive.low <= truth && truth <= naive.high { coveredUnweighted += 1 }
        }
        let coverage = Double(covered) / Double(replicates)
        XCTAssertGreaterThanOrEqual(coverage, 0.92, "weighted coverage \(coverage)")
        XCTAssertLessThanOrEqual(
            coverage, 0.99, "weighted coverage \(coverage): far above 95% means the variance is too large")
        XCTAssertLessThan(
            Double(coveredUnweighted) / Double(replicates), coverage - 0.05,
            "ignoring the weights must cost coverage here, or the test shows nothing")
    }

    // MARK: helpers

    static func runPeer(_ datasets: [[String: Any]]) throws -> [[String: Any]] {
        let dir = try TemporaryDirectory()
        let input = dir.path("datasets.json")
        try JSONSerialization.data(withJSONObject: datasets).write(to: URL(fileURLWithPath: input))
        let output = try outputOf(
            "/usr/bin/env", ["python3", Repository.path("Tests/StudyKitTests/Helpers/ppi_peer.py"), input])
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
    }

    /// PPI++'s normal interval needs labelled posts on which the coder can be seen to err: with fewer
    /// than `minimumInformative` labelled posts positive by the reference or the coder, a share gets
    /// no PPI++ estimate (the labels-alone share stays); with enough, it does.
    func testPPIGivesNoEstimateWithoutEnoughInformativeLabels() {
        // 200 posts, all relevant (bit 0); the coder puts category 1 on posts 0..<20.
        let predicted = (0..<200).map { UInt64(1) | ($0 < 20 ? 2 : 0) }
        func labelled(_ positives: Int) -> Estimation.Labelled {
            var l = Estimation.Labelled()
            // 40 labelled posts (10..<50): the reference puts category 1 on the first `positives`.
            for (i, post) in (10..<50).enumerated() {
                l.append(reference: 1 | (i < positives ? 2 : 0), predicted: predicted[post], weight: 1, stratum: 0)
            }
            return l
        }
        // Coder-positive labelled posts: 10..<20, 10 of them; so make the coder agree on none of those
        // by labelling elsewhere: use posts 100..<140 instead, where the coder says 0.
        func rare(_ positives: Int) -> Estimation.Labelled {
            var l = Estimation.Labelled()
            for (i, post) in (100..<140).enumerated() {
                l.append(reference: 1 | (i < positives ? 2 : 0), predicted: predicted[post], weight: 1, stratum: 0)
            }
            return l
        }
        let few = Estimation.shares(
            predicted: predicted, labelled: rare(4), design: .simpleRandom, categories: 2, minimumLabelled: 10)
        XCTAssertNil(few[1][.ppi]?.estimate, "4 informative labelled posts: no PPI++ estimate")
        XCTAssertNotNil(few[1][.human]?.estimate, "the labels alone still give a share")
        XCTAssertNotNil(few[0][.ppi]?.estimate, "the gate has 40 informative posts")
        let enough = Estimation.shares(
            predicted: predicted, labelled: rare(5), design: .simpleRandom, categories: 2, minimumLabelled: 10)
        XCTAssertNotNil(enough[1][.ppi]?.estimate, "5 informative labelled posts are enough")
        let overlap = Estimation.shares(
            predicted: predicted, labelled: labelled(0), design: .simpleRandom, categories: 2, minimumLabelled: 10)
        XCTAssertNotNil(overlap[1][.ppi]?.estimate, "10 posts the coder calls positive count too")
        let lowered = Estimation.shares(
            predicted: predicted, labelled: rare(1), design: .simpleRandom, categories: 2, minimumLabelled: 10,
            minimumInformative: 0)
        XCTAssertNotNil(lowered[1][.ppi]?.estimate)
    }
}
