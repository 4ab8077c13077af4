import Foundation

/// PPI++ logistic regression with one covariate (intercept and slope): the log odds ratio of one
/// category on another, corrected for the coder's errors. For a simple random sample this is
/// ppi-python 0.2.3's `ppi_logistic_ci` step for step (same loss, the same lambda chain: estimate at
/// lambda 1, tune, re-estimate, tune again at that estimate, final estimate; the same Hessian and
/// sample covariances), except that the minimiser is Newton's method to machine precision where
/// ppi-python uses L-BFGS-B (their answers agree to 1e-8 on the peer tests).
///
/// Generalised in two ways ppi-python does not need: the covariate and the row weight may be
/// predicted too (`xhat`, `what`: for us the covariate is itself a category the coder predicts, and
/// the weight is the gate, so the regression is among gate-positive posts), and stratified samples
/// take design weights and the stratified variance of `PPI.Sample`.
extension PPI {
    public struct LogisticData: Sendable {
        /// Labelled posts: true covariate, label and row weight; and the coder's versions of them.
        public var x: [Double], y: [Double], w: [Double]
        public var xhat: [Double], yhat: [Double], what: [Double]
        /// The posts the estimate is about, as distinct (covariate, label, weight) rows of the coder's
        /// predictions with how many posts have each (ppi-python's X_unlabeled, Yhat_unlabeled).
        public var ux: [Double], uy: [Double], uw: [Double], ucount: [Double]

        public init(
            x: [Double], y: [Double], w: [Double], xhat: [Double], yhat: [Double], what: [Double],
            ux: [Double], uy: [Double], uw: [Double], ucount: [Double]
        ) {
            (self.x, self.y, self.w, self.xhat, self.yhat, self.what) = (x, y, w, xhat, yhat, what)
            (self.ux, self.uy, self.uw, self.ucount) = (ux, uy, uw, ucount)
        }
    }

    public struct LogisticEstimate: Sendable, Equatable {
        /// Intercept and slope (the slope of a 0/1 covariate is the log odds ratio).
        public let coefficients: [Double]
        public let standardErrors: [Double]
        public let lambda: Double
        public func low(_ k: Int) -> Double { coefficients[k] - Statistics.z95 * standardErrors[k] }
        public func high(_ k: Int) -> Double { coefficients[k] + Statistics.z95 * standardErrors[k] }
    }

    /// nil when the regression has no finite solution (a category never or always present among
    /// the posts, so the odds ratio is 0 or infinite) or fewer than 2 labelled posts.
    public static func logistic(_ data: LogisticData, sample: Sample, lambda fixed: Double? = nil) -> LogisticEstimate?
    {
        let model = LogisticModel(data: data, sample: sample)
        guard model.n >= 2, model.bigN > 0 else { return nil }
        let lambda: Double
        if let fixed {
            lambda = fixed
        } else {
            guard let first = model.solve(lambda: 1) else { return nil }
            let tuned = model.tunedLambda(at: first)
            guard let second = model.solve(lambda: tuned) else { return nil }
            lambda = model.tunedLambda(at: second)
        }
        guard let beta = model.solve(lambda: lambda) else { return nil }
        guard let se = model.standardErrors(at: beta, lambda: lambda) else { return nil }
        return LogisticEstimate(coefficients: [beta.0, beta.1], standardErrors: se, lambda: lambda)
    }
}

/// 2x2 symmetric matrices as (a, b, d) = [[a, b], [b, d]], and vectors as pairs: enough for one covariate.
private struct Sym2 {
    var a = 0.0, b = 0.0, d = 0.0
    static func outer(_ u: (Double, Double), _ v: (Double, Double)) -> Sym2 {
        // Symmetrised outer product (u v' + v u') / 2: every use here is symmetric.
        Sym2(a: u.0 * v.0, b: (u.0 * v.1 + u.1 * v.0) / 2, d: u.1 * v.1)
    }
    static func + (l: Sym2, r: Sym2) -> Sym2 { Sym2(a: l.a + r.a, b: l.b + r.b, d: l.d + r.d) }
    static func * (s: Double, m: Sym2) -> Sym2 { Sym2(a: s * m.a, b: s * m.b, d: s * m.d) }
    var determinant: Double { a * d - b * b }
    var inverse: Sym2? {
        let det = determinant
        guard det != 0, det.isFinite else { return nil }
        return Sym2(a: d / det, b: -b / det, d: a / det)
    }
    /// M S M for symmetric M and S.
    func sandwich(_ s: Sym2) -> Sym2 {
        let m00 = a * s.a + b * s.b, m01 = a * s.b + b * s.d, m10 = b * s.a + d * s.b, m11 = b * s.b + d * s.d
        return Sym2(a: m00 * a + m01 * b, b: m00 * b + m01 * d, d: m10 * b + m11 * d)
    }
    var trace: Double { a + d }
}

private func sigmoid(_ t: Double) -> Double { t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t)) }
private func log1pexp(_ t: Double) -> Double { t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)) }

private struct LogisticModel {
    let data: PPI.LogisticData
    let sample: PPI.Sample
    let n: Int
    let bigN: Double
    /// Labelled rows' design weights scaled to average 1 (ppi-python's `w / w.sum() * n`).
    let design: [Double]
    /// ppi-python's setting: the labelled rows' covariates and weights are observed (the coder's
    /// equal the true ones). Otherwise the coder's covariates follow another distribution than the
    /// true ones, and a Hessian averaged over them would not estimate the true one.
    let covariatesObserved: Bool

    init(data: PPI.LogisticData, sample: PPI.Sample) {
        self.data = data
        self.sample = sample
        n = data.y.count
        bigN = data.ucount.reduce(0, +)
        design = sample.shares.map { $0 * Double(data.y.count) }
        covariatesObserved = data.x == data.xhat && data.w == data.what
    }

    /// The rectified loss lambda/N sum_U w l(xhat, yhat) - lambda/n sum_L what l(xhat, yhat) + 1/n sum_L w l(x, y),
    /// its gradient and Hessian.
    func loss(_ beta: (Double, Double), lambda: Double) -> (value: Double, grad: (Double, Double), hess: Sym2) {
        var value = 0.0, g = (0.0, 0.0), h = Sym2()
        func add(_ x: Double, _ y: Double, _ weight: Double) {
            guard weight != 0 else { return }
            let t = beta.0 + beta.1 * x, mu = sigmoid(t)
            value += weight * (log1pexp(t) - y * t)
            g.0 += weight * (mu - y)
            g.1 += weight * (mu - y) * x
            h = h + (weight * mu * (1 - mu)) * Sym2(a: 1, b: x, d: x * x)
        }
        let nn = Double(n)
        for k in data.ux.indices { add(data.ux[k], data.uy[k], lambda * data.ucount[k] * data.uw[k] / bigN) }
        for i in 0..<n {
            add(data.xhat[i], data.yhat[i], -lambda * design[i] * data.what[i] / nn)
            add(data.x[i], data.y[i], design[i] * data.w[i] / nn)
        }
        return (value, g, h)
    }

    /// Newton's method with step halving; a gradient step where the Hessian is not positive definite.
    func solve(lambda: Double) -> (Double, Double)? {
        var beta = (0.0, 0.0)
        var current = loss(beta, lambda: lambda)
        for _ in 0..<200 {
            let g = current.grad
            if abs(g.0) + abs(g.1) < 1e-14 { break }
            var step: (Double, Double)
            if current.hess.a > 0, current.hess.determinant > 0, let inverse = current.hess.inverse {
                step = (inverse.a * g.0 + inverse.b * g.1, inverse.b * g.0 + inverse.d * g.1)
            } else {
                step = g
            }
            var scale = 1.0
            var next = loss((beta.0 - step.0, beta.1 - step.1), lambda: lambda)
            while next.value > current.value + 1e-15 * abs(current.value) && scale > 1e-10 {
                scale /= 2
                next = loss((beta.0 - scale * step.0, beta.1 - scale * step.1), lambda: lambda)
            }
            let moved = (beta.0 - scale * step.0, beta.1 - scale * step.1)
            let change = abs(moved.0 - beta.0) + abs(moved.1 - beta.1)
            beta = moved
            current = next
            if change < 1e-15 { break }
        }
        // A coefficient running off to infinity: the odds ratio is 0 or infinite (separation).
        guard beta.0.isFinite, beta.1.isFinite, abs(beta.0) < 25, abs(beta.1) < 25 else { return nil }
        return beta
    }

    struct Stats {
        var grads: [(Double, Double)] = []  // labelled, true values
        var gradsHat: [(Double, Double)] = []  // labelled, coder's values
        var unlabelled: [(Double, Double)] = []  // population rows (with ucount multiplicity)
        var inverseHessian = Sym2()
    }

    /// ppi-python's `_logistic_get_stats`: per-row gradients and the inverse Hessian averaged over
    /// labelled and population rows (over labelled rows only when lambda is 0). When the covariates
    /// are predicted too, the Hessian is the labelled rows' own (true covariates and weights): the
    /// population's predicted covariates would misstate it (a coder that finds half of a category
    /// halves that entry, and the interval would be far too wide).
    func stats(_ beta: (Double, Double), useUnlabelled requested: Bool) -> Stats? {
        var s = Stats()
        var hessian = Sym2()
        let nn = Double(n)
        let useUnlabelled = requested && covariatesObserved
        for k in data.ux.indices {
            let w = data.uw[k], mu = sigmoid(beta.0 + beta.1 * data.ux[k])
            s.unlabelled.append((w * (mu - data.uy[k]), w * data.ux[k] * (mu - data.uy[k])))
            if useUnlabelled {
                hessian =
                    hessian + (data.ucount[k] * w / (bigN + nn) * mu * (1 - mu))
                    * Sym2(a: 1, b: data.ux[k], d: data.ux[k] * data.ux[k])
            }
        }
        for i in 0..<n {
            let w = design[i] * data.w[i], mu = sigmoid(beta.0 + beta.1 * data.x[i])
            let wh = design[i] * data.what[i], muh = sigmoid(beta.0 + beta.1 * data.xhat[i])
            let divisor = useUnlabelled ? bigN + nn : nn
            hessian = hessian + (w / divisor * mu * (1 - mu)) * Sym2(a: 1, b: data.x[i], d: data.x[i] * data.x[i])
            s.grads.append((w * (mu - data.y[i]), w * data.x[i] * (mu - data.y[i])))
            s.gradsHat.append((wh * (muh - data.yhat[i]), wh * data.xhat[i] * (muh - data.yhat[i])))
        }
        guard let inverse = hessian.inverse else { return nil }
        s.inverseHessian = inverse
        return s
    }

    /// Covariance of labelled vectors u and v (symmetrised), as the variance of their mean times n:
    /// simple random, numpy's `np.cov` (divisor n - 1) when `sampleCovariance`, else divisor n;
    /// stratified, n times the stratified design covariance of their mean.
    func labelledCovariance(_ u: [(Double, Double)], _ v: [(Double, Double)], sampleCovariance: Bool) -> Sym2 {
        let nn = Double(n)
        func cov(_ a: [Double], _ b: [Double]) -> Double {
            let scaledA = a.map { $0 / nn }, scaledB = b.map { $0 / nn }
            let designCovariance = sample.covariance(scaledA, scaledB) * nn
            if sample.design == .simpleRandom && sampleCovariance { return designCovariance * nn / (nn - 1) }
            return designCovariance
        }
        let u0 = u.map(\.0), u1 = u.map(\.1), v0 = v.map(\.0), v1 = v.map(\.1)
        return Sym2(a: cov(u0, v0), b: (cov(u0, v1) + cov(u1, v0)) / 2, d: cov(u1, v1))
    }

    /// np.cov (divisor count - 1) of rows with multiplicities.
    static func weightedCovariance(_ rows: [((Double, Double), Double)]) -> Sym2 {
        let total = rows.reduce(0) { $0 + $1.1 }
        guard total > 1 else { return Sym2() }
        var m = (0.0, 0.0)
        for (r, c) in rows {
            m.0 += c * r.0
            m.1 += c * r.1
        }
        m = (m.0 / total, m.1 / total)
        var s = Sym2()
        for (r, c) in rows { s = s + c * Sym2.outer((r.0 - m.0, r.1 - m.1), (r.0 - m.0, r.1 - m.1)) }
        return (1 / (total - 1)) * s
    }

    /// ppi-python's `_calc_lam_glm` (optim_mode "overall", coord None, clipped to [0, 1]).
    func tunedLambda(at beta: (Double, Double)) -> Double {
        guard let s = stats(beta, useUnlabelled: true) else { return 0 }
        let crossCovariance = 2 * labelledCovariance(s.grads, s.gradsHat, sampleCovariance: false)
        var pooled = s.gradsHat.map { ($0, 1.0) }
        for k in s.unlabelled.indices { pooled.append((s.unlabelled[k], data.ucount[k])) }
        let hatVariance = Self.weightedCovariance(pooled)
        let numerator = s.inverseHessian.sandwich(crossCovariance).trace
        let denominator = 2 * (1 + Double(n) / bigN) * s.inverseHessian.sandwich(hatVariance).trace
        guard denominator > 0 else { return 0 }
        let lambda = numerator / denominator
        return lambda.isFinite ? min(1, max(0, lambda)) : 0
    }

    /// sqrt(diag(H^-1 (n/N cov(lambda ghat_U) + cov(g - lambda ghat)) H^-1) / n).
    func standardErrors(at beta: (Double, Double), lambda: Double) -> [Double]? {
        guard let s = stats(beta, useUnlabelled: lambda != 0) else { return nil }
        let unlabelledVariance = Self.weightedCovariance(
            s.unlabelled.indices.map {
                ((lambda * s.unlabelled[$0].0, lambda * s.unlabelled[$0].1), data.ucount[$0])
            })
        let difference = s.grads.indices.map {
            (s.grads[$0].0 - lambda * s.gradsHat[$0].0, s.grads[$0].1 - lambda * s.gradsHat[$0].1)
        }
        let labelledVariance = labelledCovariance(difference, difference, sampleCovariance: true)
        let sigma = s.inverseHessian.sandwich((Double(n) / bigN) * unlabelledVariance + labelledVariance)
        let nn = Double(n)
        let result = [(sigma.a / nn).squareRoot(), (sigma.d / nn).squareRoot()]
        return result.allSatisfy(\.isFinite) ? result : nil
    }
}
