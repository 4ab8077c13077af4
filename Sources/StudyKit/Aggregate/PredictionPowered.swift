import Foundation

/// Prediction-powered inference (PPI; Angelopoulos, Bates, Fannjiang, Jordan and Zrnic, Science 2023)
/// with power tuning (PPI++; Angelopoulos, Duchi and Zrnic, 2023): the automated coder's output on
/// every post, corrected by the difference between human labels and the coder on a random sample.
///
/// For a simple random validation sample every formula here is the one of the PyPI package
/// ppi-python 0.2.3 (`ppi_mean_ci`, `ppi_logistic_ci` with `lam=None`), checked to 1e-6 by
/// PredictionPoweredPeerTests. Deliberate differences: when the coder's predictions do not vary,
/// power tuning has nothing to work with and lambda is 0 (ppi-python divides by zero and returns
/// NaN). Stratified samples, which ppi-python does not handle, use inverse-probability (Hajek)
/// weights and the usual stratified linearisation variance (see `Design`).
public enum PPI {
    /// How the labelled posts were drawn from the posts the estimate is about.
    public enum Design: String, Sendable {
        /// Every post had the same chance: ppi-python's formulas exactly.
        case simpleRandom = "simple-random"
        /// Simple random samples within strata, with known inclusion probabilities: Hajek-weighted
        /// rectifier, variance sum over strata of n_h/(n_h-1) times the within-stratum spread of the
        /// linearised values (Cochran 1977, ch. 5; what R's survey package computes), and lambda
        /// chosen to minimise that variance.
        case stratified
    }

    /// An estimate with its normal-theory 95% interval.
    public struct Estimate: Sendable, Equatable {
        public let estimate: Double
        public let standardError: Double
        /// The power-tuning weight given to the coder (0: labels alone, 1: plain PPI).
        public let lambda: Double
        public var low: Double { estimate - Statistics.z95 * standardError }
        public var high: Double { estimate + Statistics.z95 * standardError }
    }

    /// Count, mean and variance (divisor n, as numpy's default) of the coder's predictions over the
    /// posts an estimate is about: ppi-python's `Yhat_unlabeled`, summarised.
    public struct Moments: Sendable, Equatable {
        public let count: Int
        public let mean: Double
        public let variance: Double

        public init(count: Int, mean: Double, variance: Double) {
            (self.count, self.mean, self.variance) = (count, mean, variance)
        }

        public init(_ values: [Double]) {
            let n = Double(values.count)
            let mean = values.isEmpty ? 0 : values.reduce(0, +) / n
            let variance = values.isEmpty ? 0 : values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            self.init(count: values.count, mean: mean, variance: variance)
        }

        /// Binary predictions: `positives` of `count` posts are 1.
        public init(count: Int, positives: Int) {
            let p = count > 0 ? Double(positives) / Double(count) : 0
            self.init(count: count, mean: p, variance: p * (1 - p))
        }
    }

    /// Binary predictions of a gate G and a joint indicator J (category and gate) over the posts,
    /// as counts of the four cells, so that any a*J + b*G has known moments.
    public struct PairCounts: Sendable, Equatable {
        public var neither = 0, gateOnly = 0, jointOnly = 0, both = 0
        public init() {}
        public init(neither: Int, gateOnly: Int, jointOnly: Int, both: Int) {
            (self.neither, self.gateOnly, self.jointOnly, self.both) = (neither, gateOnly, jointOnly, both)
        }
        public mutating func add(gate: Bool, joint: Bool) {
            switch (gate, joint) {
            case (false, false): neither += 1
            case (true, false): gateOnly += 1
            case (false, true): jointOnly += 1
            case (true, true): both += 1
            }
        }
        public var count: Int { neither + gateOnly + jointOnly + both }

        /// Moments of joint - theta * gate (divided by `scale`) over the posts.
        func moments(theta: Double, scale: Double = 1) -> Moments {
            let cells: [(Int, Double)] = [(neither, 0), (gateOnly, -theta), (jointOnly, 1), (both, 1 - theta)]
            let n = Double(count)
            guard n > 0 else { return Moments(count: 0, mean: 0, variance: 0) }
            let mean = cells.reduce(0) { $0 + Double($1.0) * $1.1 } / n
            let variance = cells.reduce(0) { $0 + Double($1.0) * ($1.1 - mean) * ($1.1 - mean) } / n
            return Moments(count: count, mean: mean / scale, variance: variance / (scale * scale))
        }
        var gateMean: Double { count > 0 ? Double(gateOnly + both) / Double(count) : 0 }
        var jointMean: Double { count > 0 ? Double(jointOnly + both) / Double(count) : 0 }
    }

    /// The labelled posts: for each, the reference label, the coder's prediction, the design weight
    /// (1 / inclusion probability) and the stratum it was drawn in.
    public struct Sample: Sendable {
        public var design: Design
        public var weight: [Double]
        public var stratum: [Int]

        public init(design: Design, weight: [Double], stratum: [Int]) {
            precondition(weight.count == stratum.count)
            (self.design, self.weight, self.stratum) = (design, weight, stratum)
        }

        /// A simple random sample of n posts.
        public static func simpleRandom(_ n: Int) -> Sample {
            Sample(design: .simpleRandom, weight: Array(repeating: 1, count: n), stratum: Array(repeating: 0, count: n))
        }

        public var count: Int { weight.count }

        /// Weights normalised to sum to 1 (Hajek): the share each labelled post stands for.
        var shares: [Double] {
            let total = weight.reduce(0, +)
            return weight.map { $0 / total }
        }

        /// Only the posts where `keep` is true (a domain: a language, a platform, a time bin).
        public func subset(_ keep: [Bool]) -> Sample {
            let idx = keep.indices.filter { keep[$0] }
            return Sample(design: design, weight: idx.map { weight[$0] }, stratum: idx.map { stratum[$0] })
        }

        /// Sum over strata of c_h * sum_i (a_i - mean_h a)(b_i - mean_h b), for values already scaled by
        /// their Hajek share: the design (co)variance of sum_i a_i. Simple random: c = 1 (ppi-python's
        /// population variance); stratified: c_h = n_h / (n_h - 1), a stratum with one labelled post is
        /// centred on 0, the mean of linearised values ("adjust", as R's survey package offers).
        func covariance(_ a: [Double], _ b: [Double]) -> Double {
            var groups: [Int: (n: Int, sa: Double, sb: Double)] = [:]
            for i in a.indices {
                let g = groups[stratum[i]] ?? (0, 0, 0)
                groups[stratum[i]] = (g.n + 1, g.sa + a[i], g.sb + b[i])
            }
            var sums: [Int: Double] = [:]
            for i in a.indices {
                let g = groups[stratum[i]]!
                let (ma, mb) = g.n > 1 || design == .simpleRandom ? (g.sa / Double(g.n), g.sb / Double(g.n)) : (0, 0)
                sums[stratum[i], default: 0] += (a[i] - ma) * (b[i] - mb)
            }
            var total = 0.0
            for (h, sum) in sums.sorted(by: { $0.key < $1.key }) {
                let n = Double(groups[h]!.n)
                let c = design == .simpleRandom || n < 2 ? 1 : n / (n - 1)
                total += c * sum
            }
            return total
        }
    }

    // MARK: Means

    /// PPI++ estimate of the share (mean) of the reference label over the posts that `population`
    /// summarises. `y` and `yhat` are the labelled posts' reference labels and predictions.
    /// nil with fewer than 2 labelled posts or no population.
    public static func mean(
        y: [Double], yhat: [Double], sample: Sample, population: Moments,
        lambda fixed: Double? = nil
    ) -> Estimate? {
        precondition(y.count == yhat.count && y.count == sample.count)
        guard y.count >= 2, population.count > 0 else { return nil }
        let lambda = fixed ?? tunedLambda(y: y, yhat: yhat, sample: sample, population: population)
        return linear(y: y, yhat: yhat, sample: sample, population: population, lambda: lambda)
    }

    /// lambda * (population mean of yhat) + weighted mean of (y - lambda * yhat), and its standard error.
    static func linear(y: [Double], yhat: [Double], sample: Sample, population: Moments, lambda: Double) -> Estimate {
        let shares = sample.shares
        var rectifier = 0.0
        for i in y.indices { rectifier += shares[i] * (y[i] - lambda * yhat[i]) }
        let residual = y.indices.map { shares[$0] * ((y[$0] - lambda * yhat[$0]) - rectifier) }
        let rectifierVariance = sample.covariance(residual, residual)
        let imputedVariance = lambda * lambda * population.variance / Double(population.count)
        return Estimate(
            estimate: lambda * population.mean + rectifier,
            standardError: (imputedVariance + rectifierVariance).squareRoot(), lambda: lambda)
    }

    /// The lambda that minimises the estimate's variance, clipped to [0, 1].
    /// Simple random: ppi-python's `_calc_lam_glm` for the mean, cov(y, yhat) / ((1 + n/N) var(yhat)),
    /// with the covariance over labelled posts (divisor n) and the variance over labelled and
    /// population predictions pooled (divisor n + N - 1). Stratified: B / (C + var_N(yhat) / N), with
    /// B and C the design covariance of the linearised y and yhat and the design variance of yhat.
    static func tunedLambda(y: [Double], yhat: [Double], sample: Sample, population: Moments) -> Double {
        let n = Double(y.count), bigN = Double(population.count)
        let lambda: Double
        switch sample.design {
        case .simpleRandom:
            let my = y.reduce(0, +) / n, mh = yhat.reduce(0, +) / n
            var cov = 0.0, ssLabelled = 0.0
            for i in y.indices {
                cov += (y[i] - my) * (yhat[i] - mh)
                ssLabelled += (yhat[i] - mh) * (yhat[i] - mh)
            }
            cov /= n
            // Pooled sum of squares of labelled and population predictions around their joint mean.
            let pooledMean = (n * mh + bigN * population.mean) / (n + bigN)
            let ss =
                ssLabelled + bigN * population.variance
                + n * (mh - pooledMean) * (mh - pooledMean) + bigN * (population.mean - pooledMean)
                * (population.mean - pooledMean)
            let pooledVariance = ss / (n + bigN - 1)
            let denominator = (1 + n / bigN) * pooledVariance
            lambda = denominator > 0 ? cov / denominator : 0
        case .stratified:
            let shares = sample.shares
            var ybar = 0.0, hbar = 0.0
            for i in y.indices {
                ybar += shares[i] * y[i]
                hbar += shares[i] * yhat[i]
            }
            let a = y.indices.map { shares[$0] * (y[$0] - ybar) }
            let b = y.indices.map { shares[$0] * (yhat[$0] - hbar) }
            let denominator = sample.covariance(b, b) + population.variance / bigN
            lambda = denominator > 0 ? sample.covariance(a, b) / denominator : 0
        }
        return lambda.isFinite ? min(1, max(0, lambda)) : 0
    }

    // MARK: Ratios

    /// PPI++ for a ratio of means, E[J] / E[G]: the share of gate-positive posts that have a
    /// category (J = category and gate). The ratio is the M-estimator solving E[J - theta G] = 0;
    /// as ppi-python does for its GLMs, lambda is tuned on the linearised values J - theta G at the
    /// lambda = 1 estimate, and the variance is the delta method's: that of the PPI mean of
    /// (J - theta G) / E[G]. `j`, `g`, `jhat`, `ghat` are the labelled posts' values.
    public static func ratio(
        j: [Double], g: [Double], jhat: [Double], ghat: [Double], sample: Sample,
        population: PairCounts, lambda fixed: Double? = nil
    ) -> Estimate? {
        guard j.count >= 2, population.count > 0 else { return nil }
        let shares = sample.shares
        func theta(_ lambda: Double) -> (theta: Double, gate: Double)? {
            var rj = 0.0, rg = 0.0
            for i in j.indices {
                rj += shares[i] * (j[i] - lambda * jhat[i])
                rg += shares[i] * (g[i] - lambda * ghat[i])
            }
            let numerator = lambda * population.jointMean + rj, gate = lambda * population.gateMean + rg
            guard gate > 0 else { return nil }
            return (numerator / gate, gate)
        }
        func linearised(_ t: Double, scale: Double) -> ([Double], [Double]) {
            (j.indices.map { (j[$0] - t * g[$0]) / scale }, j.indices.map { (jhat[$0] - t * ghat[$0]) / scale })
        }
        let lambda: Double
        if let fixed {
            lambda = fixed
        } else {
            guard let first = theta(1) else { return nil }
            let (z, zhat) = linearised(first.theta, scale: 1)
            lambda = tunedLambda(y: z, yhat: zhat, sample: sample, population: population.moments(theta: first.theta))
        }
        guard let final = theta(lambda) else { return nil }
        let (z, zhat) = linearised(final.theta, scale: final.gate)
        let spread = linear(
            y: z, yhat: zhat, sample: sample,
            population: population.moments(theta: final.theta, scale: final.gate), lambda: lambda)
        return Estimate(estimate: final.theta, standardError: spread.standardError, lambda: lambda)
    }
}
