import Foundation

/// Feature vectors of many posts in compressed sparse rows: row `i` is the pairs
/// `(indices[k], values[k])` for `k` in `offsets[i]..<offsets[i + 1]`. Dense features (embeddings)
/// are rows that list every index; sparse ones (hashed character n-grams) list only the non-zeros.
public struct FeatureRows: Sendable {
    public private(set) var indices: [Int32] = []
    public private(set) var values: [Float] = []
    public private(set) var offsets: [Int] = [0]
    public let dimension: Int

    public init(dimension: Int) { self.dimension = dimension }

    public var count: Int { offsets.count - 1 }

    public mutating func append(sparse pairs: [(Int, Float)]) {
        for (index, value) in pairs {
            indices.append(Int32(index))
            values.append(value)
        }
        offsets.append(indices.count)
    }

    public mutating func append(dense row: [Float]) {
        precondition(row.count == dimension, "a dense row must have \(dimension) values")
        for (index, value) in row.enumerated() {
            indices.append(Int32(index))
            values.append(value)
        }
        offsets.append(indices.count)
    }

    /// The rows at `positions`, in that order.
    public func subset(_ positions: [Int]) -> FeatureRows {
        var out = FeatureRows(dimension: dimension)
        for i in positions {
            out.indices.append(contentsOf: indices[offsets[i]..<offsets[i + 1]])
            out.values.append(contentsOf: values[offsets[i]..<offsets[i + 1]])
            out.offsets.append(out.indices.count)
        }
        return out
    }

    @inline(__always)
    func dot(_ row: Int, _ weights: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        for k in offsets[row]..<offsets[row + 1] { sum += Double(values[k]) * weights[Int(indices[k])] }
        return sum
    }

    /// The columns some row has a value in, ascending.
    func usedColumns() -> [Int] {
        Set(indices).sorted().map(Int.init)
    }

    /// The same rows with column c renamed position[c] in a space of `dimension` columns.
    func remapped(_ position: [Int32: Int32], dimension: Int) -> FeatureRows {
        FeatureRows(indices: indices.map { position[$0]! }, values: values, offsets: offsets, dimension: dimension)
    }

    init(indices: [Int32], values: [Float], offsets: [Int], dimension: Int) {
        self.indices = indices
        self.values = values
        self.offsets = offsets
        self.dimension = dimension
    }

    /// Row `row` as (index, value) pairs.
    public func row(_ row: Int) -> [(Int, Float)] {
        (offsets[row]..<offsets[row + 1]).map { (Int(indices[$0]), values[$0]) }
    }
}

/// A fitted binary logistic regression: P(y = 1 | x) = σ(x·weights + bias).
public struct LogisticFit: Sendable, Equatable {
    public var weights: [Double]
    public var bias: Double
    /// L-BFGS iterations used, and the largest gradient component at the end (for diagnostics).
    public var iterations: Int
    public var gradientNorm: Double

    public func logit(_ x: [(Int, Float)]) -> Double {
        var z = bias
        for (i, v) in x { z += weights[i] * Double(v) }
        return z
    }

    public func logits(_ rows: FeatureRows) -> [Double] {
        weights.withUnsafeBufferPointer { w in (0..<rows.count).map { rows.dot($0, w) + bias } }
    }
}

/// L2-regularised logistic regression fitted exactly (to a tight gradient tolerance) by L-BFGS, so
/// that the same data give the same coefficients as any other exact solver: the tests compare
/// with scikit-learn's `LogisticRegression(C=1/l2, solver="lbfgs")` on seeded data.
///
/// Minimises Σᵢ sᵢ·[log(1 + e^{zᵢ}) − yᵢ·zᵢ] + (l2 / 2)·‖w‖², zᵢ = xᵢ·w + b, where sᵢ are
/// sample weights (1 by default); the intercept b is not penalised (as in scikit-learn).
public enum LogisticRegression {
    public struct Settings: Sendable {
        public var l2 = 1.0
        public var maxIterations = 2000
        /// Stop when every gradient component is below this (relative to the summed sample weights).
        public var gradientTolerance = 1e-10
        public var history = 10
        public init() {}
    }

    public static func fit(
        _ rows: FeatureRows, _ labels: [Bool], sampleWeights: [Double]? = nil,
        settings: Settings = Settings()
    ) -> LogisticFit {
        precondition(rows.count == labels.count, "one label per row")
        // Hashed n-grams use few of their 2^18 columns: a column no row uses keeps weight 0 (the
        // penalty pulls it there and nothing pushes), so fit on the used columns only.
        let used = rows.usedColumns()
        if used.count < rows.dimension / 2 {
            var position: [Int32: Int32] = [:]
            for (k, column) in used.enumerated() { position[Int32(column)] = Int32(k) }
            let compact = rows.remapped(position, dimension: used.count)
            let model = fitAllColumns(compact, labels, sampleWeights: sampleWeights, settings: settings)
            var weights = [Double](repeating: 0, count: rows.dimension)
            for (k, column) in used.enumerated() { weights[column] = model.weights[k] }
            return LogisticFit(
                weights: weights, bias: model.bias, iterations: model.iterations,
                gradientNorm: model.gradientNorm)
        }
        return fitAllColumns(rows, labels, sampleWeights: sampleWeights, settings: settings)
    }

    static func fitAllColumns(
        _ rows: FeatureRows, _ labels: [Bool], sampleWeights: [Double]?,
        settings: Settings
    ) -> LogisticFit {
        let n = rows.count, d = rows.dimension
        let s = sampleWeights ?? [Double](repeating: 1, count: n)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let scale = max(1, s.reduce(0, +))
        // θ = (w₀ … w_{d−1}, b)
        func objective(_ theta: [Double], _ gradient: inout [Double]) -> Double {
            for j in 0..<gradient.count { gradient[j] = 0 }
            var f = 0.0
            // Raw buffers: this loop is the whole cost of training (and of the tests, in debug builds).
            theta.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    rows.indices.withUnsafeBufferPointer { indices in
                        rows.values.withUnsafeBufferPointer { values in
                            rows.offsets.withUnsafeBufferPointer { offsets in
                                let b = t[d]
                                for i in 0..<n {
                                    var z = b
                                    for k in offsets[i]..<offsets[i + 1] { z += Double(values[k]) * t[Int(indices[k])] }
                                    // log(1 + e^z) without overflow.
                                    let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
                                    f += s[i] * (softplus - y[i] * z)
                                    let residual = s[i] * (sigmoid(z) - y[i])
                                    for k in offsets[i]..<offsets[i + 1] {
                                        g[Int(indices[k])] += residual * Double(values[k])
                                    }
                                    g[d] += residual
                                }
                            }
                        }
                    }
                    for j in 0..<d {
                        f += 0.5 * settings.l2 * t[j] * t[j]
                        g[j] += settings.l2 * t[j]
                    }
                }
            }
            return f
        }
        let result = LBFGS.minimise(dimension: d + 1, settings: settings, scale: scale, objective)
        return LogisticFit(
            weights: Array(result.x[0..<d]), bias: result.x[d], iterations: result.iterations,
            gradientNorm: result.gradientNorm)
    }

    @inline(__always)
    public static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex objectives.
enum LBFGS {
    struct Result {
        var x: [Double]
        var iterations: Int
        var gradientNorm: Double
    }

    static func minimise(
        dimension: Int, settings: LogisticRegression.Settings, scale: Double,
        _ objective: ([Double], inout [Double]) -> Double
    ) -> Result {
        var x = [Double](repeating: 0, count: dimension)
        var g = [Double](repeating: 0, count: dimension)
        var f = objective(x, &g)
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        var newX = x, newG = g
        while iterations < settings.maxIterations {
            let gMax = g.reduce(0) { max($0, abs($1)) }
            if gMax <= settings.gradientTolerance * scale { break }
            iterations += 1
            // Two-loop recursion: direction = −H·g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[k] = rhoHistory[k] * dot(sHistory[k], q)
                axpy(-alphas[k], yHistory[k], &q)
            }
            if let lastS = sHistory.last, let lastY = yHistory.last {
                let gamma = dot(lastS, lastY) / dot(lastY, lastY)
                for j in 0..<q.count { q[j] *= gamma }
            } else {
                let norm = sqrt(dot(g, g))
                for j in 0..<q.count { q[j] /= max(norm, 1e-300) }
            }
            for k in 0..<sHistory.count {
                let beta = rhoHistory[k] * dot(yHistory[k], q)
                axpy(alphas[k] - beta, sHistory[k], &q)
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                sHistory.removeAll()
                yHistory.removeAll()
                rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
            }
            var step = 1.0
            var newF = 0.0
            var accepted = false
            for _ in 0..<60 {
                for j in 0..<dimension { newX[j] = x[j] + step * direction[j] }
                newF = objective(newX, &newG)
                if newF <= f + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            if !accepted { break }  // no decrease possible at double precision: converged
            var sVec = [Double](repeating: 0, count: dimension), yVec = sVec
            for j in 0..<dimension {
                sVec[j] = newX[j] - x[j]
                yVec[j] = newG[j] - g[j]
            }
            let sy = dot(sVec, yVec)
            if sy > 1e-12 * sqrt(dot(yVec, yVec) * dot(sVec, sVec)) {
                sHistory.append(sVec)
                yHistory.append(yVec)
                rhoHistory.append(1 / sy)
                if sHistory.count > settings.history {
                    sHistory.removeFirst()
                    yHistory.removeFirst()
                    rhoHistory.removeFirst()
                }
            }
            let improvement = f - newF
            swap(&x, &newX)
            swap(&g, &newG)
            f = newF
            if improvement <= 1e-16 * max(1, abs(f)) && g.reduce(0, { max($0, abs($1)) }) <= 1e-6 * scale { break }
        }
        return Result(x: x, iterations: iterations, gradientNorm: g.reduce(0) { max($0, abs($1)) })
    }

    @inline(__always)
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var sum = 0.0
                for j in 0..<a.count { sum += a[j] * b[j] }
                return sum
            }
        }
    }

    @inline(__always)
    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for j in 0..<x.count { y[j] += alpha * x[j] }
            }
        }
    }
}

/// Platt scaling: P(y = 1) = σ(a·z + b) fitted on held-out logits z, so that probabilities mean
/// what they say (they feed prevalence estimates). Fitted by the same exact logistic regression
/// on the one feature z, unpenalised.
public struct PlattScaling: Sendable, Equatable, Codable {
    public var a: Double
    public var b: Double

    public static let identity = PlattScaling(a: 1, b: 0)

    public static func fit(logits: [Double], labels: [Bool]) -> PlattScaling {
        var rows = FeatureRows(dimension: 1)
        for z in logits { rows.append(dense: [Float(z)]) }
        var settings = LogisticRegression.Settings()
        settings.l2 = 1e-6  // only to keep a perfectly separable fold finite
        let model = LogisticRegression.fit(rows, labels, settings: settings)
        return PlattScaling(a: model.weights[0], b: model.bias)
    }

    public func probability(_ logit: Double) -> Double { LogisticRegression.sigmoid(a * logit + b) }
}

/// The decision threshold on probabilities that gives the best F1 on held-out predictions.
public enum F1Threshold {
    /// Midpoints between consecutive distinct probabilities are the candidates; ties in F1 go to
    /// the higher threshold (fewer positives). With no positive label, 0.5.
    public static func choose(probabilities: [Double], labels: [Bool]) -> Double {
        let positives = labels.filter { $0 }.count
        guard positives > 0, positives < labels.count else { return 0.5 }
        let order = probabilities.indices.sorted {
            (probabilities[$0], labels[$0] ? 0 : 1) > (probabilities[$1], labels[$1] ? 0 : 1)
        }
        var best = (f1: -1.0, threshold: 0.5)
        var tp = 0, fp = 0
        var k = 0
        while k < order.count {
            let p = probabilities[order[k]]
            // Everything with probability ≥ p is called present.
            while k < order.count && probabilities[order[k]] == p {
                if labels[order[k]] { tp += 1 } else { fp += 1 }
                k += 1
            }
            let f1 = Double(2 * tp) / Double(2 * tp + fp + (positives - tp))
            let next = k < order.count ? probabilities[order[k]] : 0
            let threshold = (p + next) / 2
            if f1 > best.f1 + 1e-12 { best = (f1, threshold) }
        }
        return best.threshold
    }
}
