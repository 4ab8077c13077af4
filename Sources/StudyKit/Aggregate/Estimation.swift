import Foundation

/// The three estimates of every share `aggregate` reports, for one set of posts (a domain: the
/// whole corpus, a language, a platform, a time bin):
/// - naive: the coder's own share with a Wilson interval, as if the coder made no errors;
/// - human: the reference labels of the validation sample alone (Wilson interval, on the effective
///   sample size when the sample is weighted);
/// - ppi: PPI++ (coder on every post, corrected with the labels).
/// Pure functions over masks (bit 0: the gate; bit i: category i), shared by `aggregate run` and
/// `aggregate simulate-coverage`, so the coverage simulation measures exactly what the tables report.
public enum Estimation {
    public enum Method: String, CaseIterable, Sendable { case naive, human, ppi }

    /// PPI++'s interval is a normal approximation: it needs labelled posts on which the coder can be
    /// seen to err. In the denominator of a share, at least this many labelled posts must be positive
    /// by the reference or by the coder, else PPI++ gives no estimate (the labels-alone share, with its
    /// Wilson interval, stays). Measured by `make eval-coder` on real posts (validation samples of 40):
    /// without the rule, PPI++ covered 30% for a category with 2 positives in 54 relevant posts.
    public static let defaultMinimumInformative = 5

    public struct Result: Sendable, Equatable {
        public var estimate: Double?
        public var low: Double?
        public var high: Double?
        public var labelled: Int
        public var unlabelled: Int
        public var count: Int?
        public var lambda: Double?
    }

    /// The labelled posts of a domain, in a fixed order: reference mask, design weight and stratum.
    public struct Labelled: Sendable {
        public var reference: [UInt64] = []
        public var predicted: [UInt64] = []
        public var weight: [Double] = []
        public var stratum: [Int] = []
        public init() {}
        public mutating func append(reference: UInt64, predicted: UInt64, weight: Double, stratum: Int) {
            self.reference.append(reference)
            self.predicted.append(predicted)
            self.weight.append(weight)
            self.stratum.append(stratum)
        }
        public var count: Int { reference.count }
    }

    /// Per category (gate first), the estimate of each method. `predicted` holds the coder's masks of
    /// every post of the domain (labelled ones included); `design` is nil without a validation
    /// sample. Shares of non-gate categories are over gate-positive posts (for naive: those the coder
    /// calls gate-positive; for human and ppi: those the reference would). Human and ppi need at
    /// least `minimumLabelled` labelled posts in their denominator, else they have no estimate.
    public static func shares(
        predicted: [UInt64], labelled: Labelled, design: PPI.Design?, categories k: Int,
        minimumLabelled: Int, minimumInformative: Int = defaultMinimumInformative
    ) -> [[Method: Result]] {
        let bigN = predicted.count
        var gateCount = 0
        var positives = [Int](repeating: 0, count: k)
        var pairs = [PPI.PairCounts](repeating: PPI.PairCounts(), count: k)
        for mask in predicted {
            let gate = mask & 1 != 0
            if gate { gateCount += 1 }
            for c in 1..<max(k, 1) {
                let joint = gate && mask & (1 << UInt64(c)) != 0
                if joint { positives[c] += 1 }
                pairs[c].add(gate: gate, joint: joint)
            }
        }
        let n = labelled.count
        let sample = design.map { PPI.Sample(design: $0, weight: labelled.weight, stratum: labelled.stratum) }
        func bit(_ masks: [UInt64], _ c: Int) -> [Double] { masks.map { $0 & (1 << UInt64(c)) != 0 ? 1 : 0 } }
        let g = bit(labelled.reference, 0), gh = bit(labelled.predicted, 0)
        let labelledGatePositive = Int(g.reduce(0, +))

        var results: [[Method: Result]] = []
        // The gate: a plain share of all posts.
        var gate: [Method: Result] = [.naive: naive(count: gateCount, n: bigN)]
        if let sample {
            gate[.human] = Result(labelled: n, unlabelled: 0, count: labelledGatePositive)
            gate[.ppi] = Result(labelled: n, unlabelled: bigN - n)
            if n >= minimumLabelled {
                let population = PPI.Moments(count: bigN, positives: gateCount)
                if let h = PPI.mean(y: g, yhat: gh, sample: sample, population: population, lambda: 0) {
                    gate[.human] = human(h, labelledInDenominator: n, count: labelledGatePositive)
                }
                if informative(g, gh) >= minimumInformative,
                    let p = PPI.mean(y: g, yhat: gh, sample: sample, population: population)
                {
                    gate[.ppi] = corrected(p, labelled: n, unlabelled: bigN - n)
                }
            }
        }
        results.append(gate)
        // Every other category: a ratio, its share of gate-positive posts.
        for c in 1..<max(k, 1) {
            var row: [Method: Result] = [.naive: naive(count: positives[c], n: gateCount)]
            if let sample {
                let j = zip(bit(labelled.reference, c), g).map { $0 * $1 }
                let jh = zip(bit(labelled.predicted, c), gh).map { $0 * $1 }
                let count = Int(j.reduce(0, +))
                row[.human] = Result(labelled: labelledGatePositive, unlabelled: 0, count: count)
                row[.ppi] = Result(labelled: n, unlabelled: bigN - n)
                if labelledGatePositive >= minimumLabelled {
                    if let h = PPI.ratio(
                        j: j, g: g, jhat: jh, ghat: gh, sample: sample, population: pairs[c], lambda: 0)
                    {
                        row[.human] = human(h, labelledInDenominator: labelledGatePositive, count: count)
                    }
                    if informative(j, jh) >= minimumInformative,
                        let p = PPI.ratio(j: j, g: g, jhat: jh, ghat: gh, sample: sample, population: pairs[c])
                    {
                        row[.ppi] = corrected(p, labelled: n, unlabelled: bigN - n)
                    }
                }
            }
            results.append(row)
        }
        return results
    }

    /// Labelled posts positive by the reference or by the coder.
    static func informative(_ y: [Double], _ yhat: [Double]) -> Int {
        zip(y, yhat).reduce(0) { $0 + ($1.0 != 0 || $1.1 != 0 ? 1 : 0) }
    }

    static func naive(count: Int, n: Int) -> Result {
        let w = Statistics.wilson(count: count, n: n)
        return Result(estimate: w?.share, low: w?.low, high: w?.high, labelled: 0, unlabelled: n, count: count)
    }

    /// Labels alone: the weighted share with a Wilson interval on the effective sample size
    /// p(1-p)/se^2 (for a simple random sample, the number of labelled posts in the denominator).
    static func human(_ e: PPI.Estimate, labelledInDenominator n: Int, count: Int) -> Result {
        let p = min(1, max(0, e.estimate))
        let variance = e.standardError * e.standardError
        let effective = variance > 0 && p > 0 && p < 1 ? p * (1 - p) / variance : Double(n)
        let w = Statistics.wilson(share: p, n: effective)
        return Result(estimate: p, low: w.low, high: w.high, labelled: n, unlabelled: 0, count: count)
    }

    /// PPI++ with its normal interval; the estimate and the interval are kept inside [0, 1] (the
    /// true share is, so clipping never loses coverage).
    static func corrected(_ e: PPI.Estimate, labelled: Int, unlabelled: Int) -> Result {
        Result(
            estimate: min(1, max(0, e.estimate)), low: min(1, max(0, e.low)), high: min(1, max(0, e.high)),
            labelled: labelled, unlabelled: unlabelled, count: nil, lambda: e.lambda)
    }

    // MARK: Association

    public struct Association: Sendable, Equatable {
        public var method: Method
        public var labelled: Int, unlabelled: Int
        public var table: Statistics.TwoByTwo?
        public var logOddsRatio: Double?, standardError: Double?
        public var oddsRatio: Double?, low: Double?, high: Double?
        public var chiSquare: Double?, pValue: Double?
        public var orMethod: String?
        public var lambda: Double?
    }

    /// The log odds ratio of category b given category a among gate-positive posts: naive (the
    /// coder's 2x2 table, Woolf), human (the labelled posts' table; weighted logistic regression
    /// for a stratified sample) and ppi (PPI++ logistic regression of b on a, weighted by the gate).
    public static func association(
        a: Int, b: Int, predicted: [UInt64], labelled: Labelled, design: PPI.Design?,
        minimumLabelled: Int, minimumInformative: Int = defaultMinimumInformative
    ) -> [Association] {
        func has(_ mask: UInt64, _ c: Int) -> Bool { mask & (1 << UInt64(c)) != 0 }
        func table(_ masks: [UInt64]) -> Statistics.TwoByTwo {
            var cells = (0, 0, 0, 0)
            for m in masks where has(m, 0) {
                switch (has(m, a), has(m, b)) {
                case (true, true): cells.0 += 1
                case (true, false): cells.1 += 1
                case (false, true): cells.2 += 1
                case (false, false): cells.3 += 1
                }
            }
            return Statistics.TwoByTwo(a: cells.0, b: cells.1, c: cells.2, d: cells.3)
        }
        func woolf(_ method: Method, _ t: Statistics.TwoByTwo, labelled: Int, unlabelled: Int) -> Association {
            let or = Statistics.oddsRatio(t), chi = Statistics.chiSquare(t)
            let se = or.map { _ in
                let add = t.a == 0 || t.b == 0 || t.c == 0 || t.d == 0 ? 0.5 : 0
                return
                    (1 / (Double(t.a) + add) + 1 / (Double(t.b) + add) + 1 / (Double(t.c) + add) + 1
                    / (Double(t.d) + add)).squareRoot()
            }
            return Association(
                method: method, labelled: labelled, unlabelled: unlabelled, table: t,
                logOddsRatio: or.map { log($0.estimate) }, standardError: se, oddsRatio: or?.estimate,
                low: or?.low, high: or?.high, chiSquare: chi?.statistic, pValue: chi?.p, orMethod: or?.method)
        }
        let naiveTable = table(predicted)
        var result = [woolf(.naive, naiveTable, labelled: 0, unlabelled: naiveTable.n)]
        guard let design else { return result }
        let labelledTable = table(labelled.reference)
        let n = labelled.count
        let sample = PPI.Sample(design: design, weight: labelled.weight, stratum: labelled.stratum)
        func column(_ masks: [UInt64], _ c: Int) -> [Double] { masks.map { has($0, c) ? 1 : 0 } }
        var cells: [String: (Double, Double, Double, Double)] = [:]
        for m in predicted {
            let key = (has(m, a) ? 4 : 0) + (has(m, b) ? 2 : 0) + (has(m, 0) ? 1 : 0)
            cells[String(key), default: (has(m, a) ? 1 : 0, has(m, b) ? 1 : 0, has(m, 0) ? 1 : 0, 0)].3 += 1
        }
        let grouped = cells.sorted { $0.key < $1.key }.map(\.value)
        let data = PPI.LogisticData(
            x: column(labelled.reference, a), y: column(labelled.reference, b), w: column(labelled.reference, 0),
            xhat: column(labelled.predicted, a), yhat: column(labelled.predicted, b),
            what: column(labelled.predicted, 0),
            ux: grouped.map(\.0), uy: grouped.map(\.1), uw: grouped.map(\.2), ucount: grouped.map(\.3))
        func logistic(_ method: Method, lambda: Double?, orMethod: String) -> Association {
            var row = Association(
                method: method, labelled: method == .human ? labelledTable.n : n,
                unlabelled: method == .human ? 0 : predicted.count - n, orMethod: orMethod)
            if method == .human { row.table = labelledTable }
            // Within the gate (by the reference or the coder), enough posts with a, and with b.
            func informativeInGate(_ v: [Double], _ vhat: [Double]) -> Int {
                v.indices.reduce(0) {
                    $0 + ((data.w[$1] != 0 || data.what[$1] != 0) && (v[$1] != 0 || vhat[$1] != 0) ? 1 : 0)
                }
            }
            let enough =
                method == .human
                || (informativeInGate(data.x, data.xhat) >= minimumInformative
                    && informativeInGate(data.y, data.yhat) >= minimumInformative)
            guard labelledTable.n >= minimumLabelled, enough, let e = PPI.logistic(data, sample: sample, lambda: lambda)
            else {
                return row
            }
            let beta = e.coefficients[1], se = e.standardErrors[1]
            row.logOddsRatio = beta
            row.standardError = se
            row.oddsRatio = exp(beta)
            row.low = exp(e.low(1))
            row.high = exp(e.high(1))
            row.pValue = se > 0 ? Statistics.chiSquareSurvivalOneDF((beta / se) * (beta / se)) : nil
            row.lambda = e.lambda
            return row
        }
        if design == .simpleRandom {
            var human = woolf(.human, labelledTable, labelled: labelledTable.n, unlabelled: 0)
            if labelledTable.n < minimumLabelled {
                human = Association(method: .human, labelled: labelledTable.n, unlabelled: 0, table: labelledTable)
            }
            result.append(human)
        } else {
            result.append(logistic(.human, lambda: 0, orMethod: "weighted-logistic"))
        }
        result.append(logistic(.ppi, lambda: nil, orMethod: "ppi-logistic"))
        return result
    }
}
