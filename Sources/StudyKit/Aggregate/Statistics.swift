import Foundation

/// The statistics `aggregate` reports. Pure functions (no database) so that tests can check each
/// against published worked examples and independent computations.
public enum Statistics {
    /// The standard normal quantile for a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// A proportion with its Wilson score interval (Wilson 1927; Newcombe 1998, method 3).
    public struct Proportion: Equatable, Sendable {
        public let count: Int
        public let n: Int
        public let share: Double
        public let low: Double
        public let high: Double
    }

    /// Wilson score interval for `count` successes in `n` trials; nil when n = 0 (no share exists).
    /// Unlike the Wald interval it stays inside [0, 1] and behaves for counts of 0 or n.
    public static func wilson(count: Int, n: Int, z: Double = z95) -> Proportion? {
        guard n > 0, count >= 0, count <= n else { return nil }
        let nn = Double(n), p = Double(count) / nn, z2 = z * z
        let denominator = 1 + z2 / nn
        let center = (p + z2 / (2 * nn)) / denominator
        let half = z * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot() / denominator
        // At the boundaries the exact limits are 0 and 1; rounding must not push them past.
        let low = count == 0 ? 0 : max(0, center - half)
        let high = count == n ? 1 : min(1, center + half)
        return Proportion(count: count, n: n, share: p, low: low, high: high)
    }

    /// A 2x2 table: a = both, b = first only, c = second only, d = neither.
    ///
    ///                 second yes   second no
    ///   first yes         a            b
    ///   first no          c            d
    public struct TwoByTwo: Equatable, Sendable {
        public let a: Int, b: Int, c: Int, d: Int
        public init(a: Int, b: Int, c: Int, d: Int) { (self.a, self.b, self.c, self.d) = (a, b, c, d) }
        public var n: Int { a + b + c + d }
    }

    /// Pearson's chi-square test of independence on a 2x2 table (no continuity correction) and its
    /// p value on 1 degree of freedom. nil when a margin is empty (the statistic is undefined).
    public static func chiSquare(_ t: TwoByTwo) -> (statistic: Double, p: Double)? {
        let (a, b, c, d) = (Double(t.a), Double(t.b), Double(t.c), Double(t.d))
        let n = a + b + c + d
        let margins = (a + b) * (c + d) * (a + c) * (b + d)
        guard margins > 0 else { return nil }
        let cross = a * d - b * c
        let statistic = n * cross * cross / margins
        return (statistic, chiSquareSurvivalOneDF(statistic))
    }

    /// P(X > x) for chi-square with 1 degree of freedom: erfc(sqrt(x / 2)).
    public static func chiSquareSurvivalOneDF(_ x: Double) -> Double {
        x <= 0 ? 1 : erfc((x / 2).squareRoot())
    }

    /// The phi coefficient (Pearson correlation of two binary variables); nil when a margin is empty.
    public static func phi(_ t: TwoByTwo) -> Double? {
        let (a, b, c, d) = (Double(t.a), Double(t.b), Double(t.c), Double(t.d))
        let margins = (a + b) * (c + d) * (a + c) * (b + d)
        guard margins > 0 else { return nil }
        return (a * d - b * c) / margins.squareRoot()
    }

    public struct OddsRatio: Equatable, Sendable {
        public let estimate: Double
        public let low: Double
        public let high: Double
        /// "woolf", or "woolf+0.5" when a zero cell forced the Haldane-Anscombe correction.
        public let method: String
    }

    /// Sample odds ratio ad/bc with Woolf's log interval. A zero cell would make it 0 or infinite,
    /// so then 0.5 is added to every cell (Haldane-Anscombe) and the method says so.
    public static func oddsRatio(_ t: TwoByTwo, z: Double = z95) -> OddsRatio? {
        guard t.n > 0 else { return nil }
        let corrected = t.a == 0 || t.b == 0 || t.c == 0 || t.d == 0
        let add = corrected ? 0.5 : 0
        let (a, b, c, d) = (Double(t.a) + add, Double(t.b) + add, Double(t.c) + add, Double(t.d) + add)
        let estimate = (a * d) / (b * c)
        let se = (1 / a + 1 / b + 1 / c + 1 / d).squareRoot()
        let logOR = log(estimate)
        return OddsRatio(
            estimate: estimate, low: exp(logOR - z * se), high: exp(logOR + z * se),
            method: corrected ? "woolf+0.5" : "woolf")
    }

    /// Wilson interval for a share `p` observed on an effective sample size `n`, which may be
    /// fractional (a weighted sample's p(1-p)/variance). (0, 1) when there is no information.
    public static func wilson(share p: Double, n: Double, z: Double = z95) -> (low: Double, high: Double) {
        guard n > 0, p.isFinite else { return (0, 1) }
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return (p <= 0 ? 0 : max(0, center - half), p >= 1 ? 1 : min(1, center + half))
    }
}

/// Locale-independent fixed-precision number text: the same bytes on every machine.
public enum FixedFormat {
    public static func decimal(_ value: Double?, places: Int = 4) -> String {
        guard let value, value.isFinite else { return "" }
        let scale = pow(10.0, Double(places))
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return value < 0 ? "-" + scientific(abs(value)) : scientific(value) }
        let units = UInt64(scaled)
        let whole = units / UInt64(scale)
        let fraction = units % UInt64(scale)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard places > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: places - digits.count) + digits
    }

    /// For p values: fixed 4 decimals, or "<0.0001" style is avoided in data; scientific with 3
    /// significant digits when below 0.0001 so tiny values keep information.
    public static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value >= 0.0001 || value == 0 { return decimal(value, places: 4) }
        return scientific(value)
    }

    static func scientific(_ value: Double) -> String {
        var exponent = Int(log10(value).rounded(.down))
        var mantissa = value / pow(10.0, Double(exponent))
        if (mantissa * 100).rounded() >= 1000 {
            mantissa /= 10
            exponent += 1
        }
        return decimal(mantissa, places: 2) + "e" + (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "")
            + String(abs(exponent))
    }
}
