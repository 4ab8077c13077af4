import Foundation

/// Ratings of units by coders: `ratings[unit][coder]` is a category value, or nil when that coder
/// did not rate that unit (missing data). `categories` lists every admissible value, including
/// ones nobody used: Gwet's AC1 depends on the number of categories, so it must not be guessed
/// from the data.
public struct RatingMatrix: Sendable, Equatable {
    public var ratings: [[Int?]]
    public var categories: [Int]

    public init(ratings: [[Int?]], categories: [Int]) {
        self.ratings = ratings
        self.categories = categories
    }

    public var unitCount: Int { ratings.count }
    public var coderCount: Int { ratings.first?.count ?? 0 }

    /// Units rated by at least two coders: the only ones that carry information about agreement.
    public var pairableUnitCount: Int { ratings.reduce(0) { $0 + ($1.compactMap { $0 }.count >= 2 ? 1 : 0) } }
}

/// Agreement coefficients for nominal data. Pure functions: no I/O, no randomness except the
/// seeded bootstrap. Each returns `.nan` when the coefficient is undefined (for example kappa
/// when every rating is the same category, so chance agreement is 1): callers print "undefined".
///
/// Formulas follow Gwet, *Handbook of Inter-Rater Reliability* (4th ed., 2014), ch. 2 and 5, for
/// percent agreement, Fleiss' kappa and AC1 with missing ratings (the same definitions as the
/// irrCAC package), and Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", for
/// alpha via the coincidence matrix.
public enum Agreement {
    /// Gwet's p_a: over units rated by two or more coders, the share of agreeing coder pairs,
    /// averaged over units. For two coders with no missing data this is plain percent agreement.
    public static func percentAgreement(_ m: RatingMatrix) -> Double { UnitTerms(m).value(.percentAgreement) }

    /// Fleiss' kappa generalised to missing ratings (Gwet 2014, eq. 2.8-2.9): chance agreement is
    /// Σ π_k², where π_k is the mean over rated units of the share of the unit's ratings in k.
    public static func fleissKappa(_ m: RatingMatrix) -> Double { UnitTerms(m).value(.fleissKappa) }

    /// Gwet's AC1: chance agreement is Σ π_k(1 − π_k) / (q − 1). Defined even when every rating is
    /// the same category (then it is 1), which is why it is reported beside kappa for rare codes.
    public static func gwetAC1(_ m: RatingMatrix) -> Double { UnitTerms(m).value(.gwetAC1) }

    /// Cohen's kappa for exactly two coders, over the units both coded (complete cases).
    public static func cohensKappa(_ m: RatingMatrix) -> Double { UnitTerms(m).value(.cohensKappa) }

    /// Krippendorff's alpha for nominal data with any number of coders and missing values:
    /// α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, where o is the coincidence matrix over
    /// pairable values (units with at least two values) and n its total.
    public static func krippendorffAlphaNominal(_ m: RatingMatrix) -> Double { UnitTerms(m).value(.krippendorffAlpha) }

    /// Cohen's kappa from a q×q contingency table (rows: coder A, columns: coder B).
    public static func cohensKappa(table: [[Int]], total n: Int? = nil) -> Double {
        let n = n ?? table.joined().reduce(0, +)
        guard n > 0 else { return .nan }
        let q = table.count
        var observed = 0
        var pe = 0.0
        for k in 0..<q {
            observed += table[k][k]
            let row = table[k].reduce(0, +)
            let column = table.reduce(0) { $0 + $1[k] }
            pe += Double(row) * Double(column)
        }
        let po = Double(observed) / Double(n)
        return chanceCorrected(po, pe / (Double(n) * Double(n)))
    }

    static func chanceCorrected(_ pa: Double, _ pe: Double) -> Double {
        guard pa.isFinite, pe.isFinite, pe < 1 else { return .nan }
        return (pa - pe) / (1 - pe)
    }
}

/// Every coefficient here is a function of sums over units of per-unit terms. Computing those
/// terms once lets the bootstrap evaluate a resample by summing terms over drawn indices, with no
/// copying of ratings: O(units × categories) per replicate for all five statistics together.
struct UnitTerms {
    let q: Int
    let coders: Int
    /// Units with at least two ratings: their share of agreeing pairs, Σ_c≠k n_uc n_uk/(m_u − 1), and counts.
    var pairable: [Bool] = []
    var agreementShare: [Double] = []
    var disagreeingCoincidences: [Double] = []
    var counts: [[Int]] = []
    /// Units with at least one rating: their share of ratings in each category (for π_k).
    var rated: [Bool] = []
    var shares: [[Double]] = []
    /// Cohen's kappa: the cell (row × q + column) of units both of two coders rated, or −1.
    var cohenCell: [Int] = []

    init(_ m: RatingMatrix) {
        q = m.categories.count
        coders = m.coderCount
        let index = Dictionary(uniqueKeysWithValues: m.categories.enumerated().map { ($1, $0) })
        for unit in m.ratings {
            var c = [Int](repeating: 0, count: q)
            for value in unit { if let value, let k = index[value] { c[k] += 1 } }
            let r = c.reduce(0, +)
            pairable.append(r >= 2)
            agreementShare.append(r >= 2 ? Double(c.reduce(0) { $0 + $1 * ($1 - 1) }) / Double(r * (r - 1)) : 0)
            disagreeingCoincidences.append(r >= 2 ? Double(r * r - c.reduce(0) { $0 + $1 * $1 }) / Double(r - 1) : 0)
            counts.append(c)
            rated.append(r >= 1)
            shares.append(r >= 1 ? c.map { Double($0) / Double(r) } : [Double](repeating: 0, count: q))
            if coders == 2, let a = unit[0], let b = unit[1], let i = index[a], let j = index[b] {
                cohenCell.append(i * q + j)
            } else {
                cohenCell.append(-1)
            }
        }
    }

    var unitCount: Int { pairable.count }

    func value(_ statistic: AgreementStatistic) -> Double { values(Array(0..<unitCount), [statistic])[0] }

    /// The statistics over the units at `indices` (repeats allowed: a bootstrap resample).
    func values(_ indices: [Int], _ statistics: [AgreementStatistic]) -> [Double] {
        var paSum = 0.0, paUnits = 0, disagreeing = 0.0, ratedUnits = 0
        var marginals = [Double](repeating: 0, count: q)
        var pi = [Double](repeating: 0, count: q)
        var table = [Int](repeating: 0, count: q * q)
        var cohenUnits = 0
        for u in indices {
            if pairable[u] {
                paSum += agreementShare[u]
                paUnits += 1
                disagreeing += disagreeingCoincidences[u]
                for k in 0..<q { marginals[k] += Double(counts[u][k]) }
            }
            if rated[u] {
                ratedUnits += 1
                for k in 0..<q { pi[k] += shares[u][k] }
            }
            if cohenCell[u] >= 0 {
                table[cohenCell[u]] += 1
                cohenUnits += 1
            }
        }
        let pa = paUnits == 0 ? Double.nan : paSum / Double(paUnits)
        if ratedUnits > 0 { for k in 0..<q { pi[k] /= Double(ratedUnits) } }
        return statistics.map { statistic in
            switch statistic {
            case .percentAgreement:
                return pa
            case .fleissKappa:
                guard ratedUnits > 0 else { return .nan }
                return Agreement.chanceCorrected(pa, pi.reduce(0) { $0 + $1 * $1 })
            case .gwetAC1:
                guard ratedUnits > 0, q >= 2 else { return .nan }
                return Agreement.chanceCorrected(pa, pi.reduce(0) { $0 + $1 * (1 - $1) } / Double(q - 1))
            case .krippendorffAlpha:
                let n = marginals.reduce(0, +)
                guard n > 1 else { return .nan }
                let expected = n * n - marginals.reduce(0) { $0 + $1 * $1 }
                guard expected > 0 else { return .nan }
                return 1 - (n - 1) * disagreeing / expected
            case .cohensKappa:
                guard coders == 2, cohenUnits > 0 else { return .nan }
                let rows = (0..<q).map { i in (0..<q).map { j in table[i * q + j] } }
                return Agreement.cohensKappa(table: rows, total: cohenUnits)
            }
        }
    }
}

// MARK: - All statistics with bootstrap intervals

public enum AgreementStatistic: String, CaseIterable, Sendable {
    case percentAgreement = "percent_agreement"
    case cohensKappa = "cohens_kappa"
    case fleissKappa = "fleiss_kappa"
    case krippendorffAlpha = "krippendorff_alpha"
    case gwetAC1 = "gwet_ac1"

    public var label: String {
        switch self {
        case .percentAgreement: "agreement"
        case .cohensKappa: "Cohen κ"
        case .fleissKappa: "Fleiss κ"
        case .krippendorffAlpha: "Kripp. α"
        case .gwetAC1: "Gwet AC1"
        }
    }

    public func compute(_ m: RatingMatrix) -> Double {
        switch self {
        case .percentAgreement: Agreement.percentAgreement(m)
        case .cohensKappa: Agreement.cohensKappa(m)
        case .fleissKappa: Agreement.fleissKappa(m)
        case .krippendorffAlpha: Agreement.krippendorffAlphaNominal(m)
        case .gwetAC1: Agreement.gwetAC1(m)
        }
    }
}

public struct Estimate: Sendable, Equatable {
    public var value: Double
    /// Percentile bootstrap interval; nan when fewer than half the replicates were defined.
    public var low: Double
    public var high: Double
}

/// Percentile bootstrap over units: units are drawn with replacement (coders stay fixed), so the
/// interval reflects sampling of posts, the source of uncertainty in a content analysis.
public struct Bootstrap: Sendable {
    public var replicates: Int
    public var seed: UInt64
    public var level: Double

    public init(replicates: Int = 1000, seed: UInt64 = 4242, level: Double = 0.95) {
        self.replicates = replicates
        self.seed = seed
        self.level = level
    }

    /// Every statistic on `m` with its interval. One set of resamples is shared by all statistics,
    /// so the intervals are comparable and the cost is one pass of resampling.
    public func estimates(_ m: RatingMatrix, statistics: [AgreementStatistic] = AgreementStatistic.allCases)
        -> [AgreementStatistic: Estimate]
    {
        var generator = SplitMix64(seed: seed)
        var draws: [[Double]] = Array(repeating: [], count: statistics.count)
        let terms = UnitTerms(m)
        let n = m.unitCount
        if n > 0 {
            var indices = [Int](repeating: 0, count: n)
            for _ in 0..<replicates {
                for i in 0..<n { indices[i] = Int(generator.next() % UInt64(n)) }
                for (s, v) in terms.values(indices, statistics).enumerated() where v.isFinite { draws[s].append(v) }
            }
        }
        let point = terms.values(Array(0..<n), statistics)
        var result: [AgreementStatistic: Estimate] = [:]
        for (s, statistic) in statistics.enumerated() {
            let value = point[s]
            var sorted = draws[s]
            sorted.sort()
            if sorted.count * 2 < replicates || sorted.isEmpty {
                result[statistic] = Estimate(value: value, low: .nan, high: .nan)
            } else {
                let tail = (1 - level) / 2
                result[statistic] = Estimate(
                    value: value, low: Self.quantile(sorted, tail), high: Self.quantile(sorted, 1 - tail))
            }
        }
        return result
    }

    /// Linear interpolation between order statistics (Hyndman & Fan type 7, R's default).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
