import Foundation

/// Fold assignment for cross-validating a coder on labelled posts.
public enum Folds {
    /// k folds such that every group (a dedupe cluster: near copies of one post) lies in one fold,
    /// and groups with a positive label are spread evenly over the folds (stratified by label).
    /// Groups are ordered by a seeded hash of their id, so the folds depend only on the seed and
    /// the data, never on row order. Returns the fold of each example.
    public static func groupedStratified(groups: [Int64], labels: [Bool], folds k: Int, seed: UInt64) -> [Int] {
        precondition(groups.count == labels.count && k >= 2)
        var positiveGroups: Set<Int64> = []
        for (group, label) in zip(groups, labels) where label { positiveGroups.insert(group) }
        let distinct = Array(Set(groups))
        func key(_ group: Int64) -> UInt64 { mixedKey(seed ^ UInt64(bitPattern: group) &* 0x9E37_79B9_7F4A_7C15) }
        let positives = distinct.filter { positiveGroups.contains($0) }.sorted { (key($0), $0) < (key($1), $1) }
        let negatives = distinct.filter { !positiveGroups.contains($0) }.sorted { (key($0), $0) < (key($1), $1) }
        var foldOfGroup: [Int64: Int] = [:]
        // Deal positives round-robin, then negatives continuing from where the positives stopped.
        for (i, group) in (positives + negatives).enumerated() { foldOfGroup[group] = i % k }
        return groups.map { foldOfGroup[$0]! }
    }
}

/// Confusion counts of a coder against a reference for one category.
public struct BinaryCounts: Sendable, Equatable {
    public var tp = 0, fp = 0, fn = 0, tn = 0
    public init() {}

    public init(predicted: [Bool], reference: [Bool]) {
        for (p, r) in zip(predicted, reference) { add(predicted: p, reference: r) }
    }

    public mutating func add(predicted: Bool, reference: Bool, times: Int = 1) {
        switch (predicted, reference) {
        case (true, true): tp += times
        case (true, false): fp += times
        case (false, true): fn += times
        case (false, false): tn += times
        }
    }

    public var count: Int { tp + fp + fn + tn }
    public var precision: Double { tp + fp == 0 ? .nan : Double(tp) / Double(tp + fp) }
    public var recall: Double { tp + fn == 0 ? .nan : Double(tp) / Double(tp + fn) }
    public var f1: Double { 2 * tp + fp + fn == 0 ? .nan : Double(2 * tp) / Double(2 * tp + fp + fn) }
    /// Cohen's kappa between the coder and the reference.
    public var kappa: Double { Agreement.cohensKappa(table: [[tp, fp], [fn, tn]]) }

    public func value(_ metric: ClassifierMetric) -> Double {
        switch metric {
        case .precision: return precision
        case .recall: return recall
        case .f1: return f1
        case .kappa: return kappa
        }
    }
}

public enum ClassifierMetric: String, CaseIterable, Sendable {
    case precision, recall, f1, kappa
}

/// Point estimates of precision, recall, F1 and kappa with percentile bootstrap intervals, the
/// bootstrap drawing whole groups (dedupe clusters) with replacement, so copies of one post move
/// together. An interval is nan when fewer than half the replicates define the metric.
public struct ClassifierScores: Sendable {
    public var counts: BinaryCounts
    public var estimates: [ClassifierMetric: Estimate]

    public static func compute(
        predicted: [Bool], reference: [Bool], groups: [Int64],
        bootstrap: Bootstrap
    ) -> ClassifierScores {
        let counts = BinaryCounts(predicted: predicted, reference: reference)
        // Per group: its confusion counts, so a replicate sums counts instead of visiting posts.
        var order: [Int64] = []
        var byGroup: [Int64: BinaryCounts] = [:]
        for i in predicted.indices {
            if byGroup[groups[i]] == nil {
                order.append(groups[i])
                byGroup[groups[i]] = BinaryCounts()
            }
            byGroup[groups[i]]!.add(predicted: predicted[i], reference: reference[i])
        }
        let units = order.map { byGroup[$0]! }
        var draws = [[Double]](repeating: [], count: ClassifierMetric.allCases.count)
        var generator = SplitMix64(seed: bootstrap.seed)
        if !units.isEmpty {
            for _ in 0..<bootstrap.replicates {
                var replicate = BinaryCounts()
                for _ in 0..<units.count {
                    let u = units[generator.index(below: units.count)]
                    replicate.tp += u.tp
                    replicate.fp += u.fp
                    replicate.fn += u.fn
                    replicate.tn += u.tn
                }
                for (m, metric) in ClassifierMetric.allCases.enumerated() {
                    let v = replicate.value(metric)
                    if v.isFinite { draws[m].append(v) }
                }
            }
        }
        var estimates: [ClassifierMetric: Estimate] = [:]
        for (m, metric) in ClassifierMetric.allCases.enumerated() {
            let sorted = draws[m].sorted()
            let tail = (1 - bootstrap.level) / 2
            if sorted.isEmpty || sorted.count * 2 < bootstrap.replicates {
                estimates[metric] = Estimate(value: counts.value(metric), low: .nan, high: .nan)
            } else {
                estimates[metric] = Estimate(
                    value: counts.value(metric), low: Bootstrap.quantile(sorted, tail),
                    high: Bootstrap.quantile(sorted, 1 - tail))
            }
        }
        return ClassifierScores(counts: counts, estimates: estimates)
    }
}
