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

    /// Per unit, how many coders chose each category (in `categories` order).
    func categoryCounts() -> [[Int]] {
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        return ratings.map { unit in
            var counts = [Int](repeating: 0, count: categories.count)
            for value in unit {
                if let value, let k = index[value] { counts[k] += 1 }
            }
            return counts
        }
    }

    /// The same matrix with units drawn by `indices` (for the bootstrap).
    func resampled(_ indices: [Int]) -> RatingMatrix {
        RatingMatrix(ratings: indices.map { ratings[$0] }, categories: categories)
    }
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
    public static func percentAgreement(_ m: RatingMatrix) -> Double {
        var sum = 0.0
        var units = 0
        for counts in m.categoryCounts() {
            let r = counts.reduce(0, +)
            guard r >= 2 else { continue }
            let agreeingPairs = counts.reduce(0) { $0 + $1 * ($1 - 1) }
            sum += Double(agreeingPairs) / Double(r * (r - 1))
            units += 1
        }
        return units == 0 ? .nan : sum / Double(units)
    }

    /// Gwet's classification probabilities π_k: the mean over rated units of the share of that
    /// unit's ratings in category k.
    static func classificationProbabilities(_ counts: [[Int]], categoryCount q: Int) -> [Double] {
        var pi = [Double](repeating: 0, count: q)
        var rated = 0
        for unit in counts {
            let r = unit.reduce(0, +)
            guard r >= 1 else { continue }
            rated += 1
            for k in 0..<q { pi[k] += Double(unit[k]) / Double(r) }
        }
        guard rated > 0 else { return pi.map { _ in .nan } }
        return pi.map { $0 / Double(rated) }
    }

    /// Fleiss' kappa generalised to missing ratings (Gwet 2014, eq. 2.8-2.9): chance agreement
    /// is Σ π_k².
    public static func fleissKappa(_ m: RatingMatrix) -> Double {
        let counts = m.categoryCounts()
        let pa = percentAgreement(m)
        let pi = classificationProbabilities(counts, categoryCount: m.categories.count)
        let pe = pi.reduce(0) { $0 + $1 * $1 }
        return chanceCorrected(pa, pe)
    }

    /// Gwet's AC1: chance agreement is Σ π_k(1 − π_k) / (q − 1). Defined even when every rating is
    /// the same category (then it is 1), which is why it is reported beside kappa for rare codes.
    public static func gwetAC1(_ m: RatingMatrix) -> Double {
        let q = m.categories.count
        guard q >= 2 else { return .nan }
        let counts = m.categoryCounts()
        let pa = percentAgreement(m)
        let pi = classificationProbabilities(counts, categoryCount: q)
        let pe = pi.reduce(0) { $0 + $1 * (1 - $1) } / Double(q - 1)
        return chanceCorrected(pa, pe)
    }

    /// Cohen's kappa for exactly two coders, over the units both coded (complete cases).
    public static func cohensKappa(_ m: RatingMatrix) -> Double {
        guard m.coderCount == 2 else { return .nan }
        let index = Dictionary(uniqueKeysWithValues: m.categories.enumerated().map { ($1, $0) })
        let q = m.categories.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: q), count: q)
        var n = 0
        for unit in m.ratings {
            guard let a = unit[0], let b = unit[1], let i = index[a], let j = index[b] else { continue }
            table[i][j] += 1
            n += 1
        }
        return cohensKappa(table: table, total: n)
    }

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

    /// Krippendorff's alpha for nominal data with any number of coders and missing values:
    /// α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, where o is the coincidence matrix over
    /// pairable values (units with at least two values) and n its total.
    public static func krippendorffAlphaNominal(_ m: RatingMatrix) -> Double {
        let q = m.categories.count
        var marginals = [Double](repeating: 0, count: q)
        var disagreeingCoincidences = 0.0
        for counts in m.categoryCounts() {
            let mu = counts.reduce(0, +)
            guard mu >= 2 else { continue }
            // Σ_{c≠k} n_uc n_uk / (m_u − 1) = (m_u² − Σ_c n_uc²) / (m_u − 1)
            let same = counts.reduce(0) { $0 + $1 * $1 }
            disagreeingCoincidences += Double(mu * mu - same) / Double(mu - 1)
            for k in 0..<q { marginals[k] += Double(counts[k]) }
        }
        let n = marginals.reduce(0, +)
        guard n > 1 else { return .nan }
        let expected = n * n - marginals.reduce(0) { $0 + $1 * $1 }
        guard expected > 0 else { return .nan }
        return 1 - (n - 1) * disagreeingCoincidences / expected
    }

    static func chanceCorrected(_ pa: Double, _ pe: Double) -> Double {
        guard pa.isFinite, pe.isFinite, pe < 1 else { return .nan }
        return (pa - pe) / (1 - pe)
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
        let n = m.unitCount
        if n > 0 {
            for _ in 0..<replicates {
                let indices = (0..<n).map { _ in Int(generator.next() % UInt64(n)) }
                let sample = m.resampled(indices)
                for (s, statistic) in statistics.enumerated() {
                    let v = statistic.compute(sample)
                    if v.isFinite { draws[s].append(v) }
                }
            }
        }
        var result: [AgreementStatistic: Estimate] = [:]
        for (s, statistic) in statistics.enumerated() {
            let value = statistic.compute(m)
            var sorted = draws[s]
            sorted.sort()
            if sorted.count * 2 < replicates || sorted.isEmpty {
                result[statistic] = Estimate(value: value, low: .nan, high: .nan)
            } else {
                let tail = (1 - level) / 2
                result[statistic] = Estimate(value: value, low: Self.quantile(sorted, tail), high: Self.quantile(sorted, 1 - tail))
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

/// A small, fast, seedable generator (Steele, Lea & Flood 2014) so that every sample and interval
/// is reproducible across platforms; Swift's SystemRandomNumberGenerator cannot be seeded.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// One well-mixed value from a key, for order-independent sampling.
    public static func mix(_ value: UInt64) -> UInt64 {
        var g = SplitMix64(seed: value)
        return g.next()
    }
}
