import Foundation

public struct CoverageOptions: Sendable {
    public var samples = 300
    public var size = 200
    public var seed: UInt64 = 4242
    public var strategy = SampleStrategy.random
    /// As `aggregate run`'s --min-labeled.
    public var minimumLabelled = 10
    /// As `aggregate run`'s --min-informative.
    public var minimumInformative = Estimation.defaultMinimumInformative
    public init() {}
}

/// The proof that an interval means what it says: on a study whose true labels are known (the
/// sample study's generator wrote them down), draw many validation samples, use the true labels as
/// the reference, run the estimators `aggregate run` uses (`Estimation`), and count how often each
/// method's 95% interval covers the true value for the posts in scope.
public enum Coverage {
    public struct Line: Sendable {
        public let target: String  // "relevant", "companion | relevant", "log OR rights_protest ~ choice_deprivation"
        public let truth: Double
        /// Per method: share of samples whose interval covered the truth, mean interval width,
        /// mean estimate, and how many samples had an estimate.
        public var covered: [Estimation.Method: (coverage: Double, width: Double, mean: Double, estimated: Int)]
    }

    public struct Report: Sendable {
        public let population: Int
        public let frame: Int
        public let options: CoverageOptions
        public let coder: String
        public var lines: [Line]

        public func render() -> String {
            func percent(_ x: Double) -> String { FixedFormat.decimal(100 * x, places: 1) + "%" }
            var out =
                "coverage of 95% intervals: \(options.samples) "
                + "\(options.strategy == .random ? "simple random" : "stratified (language)") "
                + "validation samples of \(options.size) canonical posts (seed \(options.seed)), "
                + "true labels as the reference;\n"
                + "coder \(coder); truth over the \(population) canonical posts in scope (coded, known language); "
                + "the sample frame holds \(frame) canonical posts\n\n"
            out +=
                "| target | truth | naive | human | PPI++ | width naive | width human | width PPI++ | mean PPI++ "
                + "| PPI++ given |\n"
            out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            for line in lines {
                let n = line.covered[.naive], h = line.covered[.human], p = line.covered[.ppi]
                out +=
                    "| \(line.target) | \(FixedFormat.decimal(line.truth, places: 3)) | "
                    + "\(n.map { percent($0.coverage) } ?? "") | "
                    + "\(h.map { percent($0.coverage) } ?? "") | \(p.map { percent($0.coverage) } ?? "") | "
                    + "\(n.map { FixedFormat.decimal($0.width, places: 3) } ?? "") | "
                    + "\(h.map { FixedFormat.decimal($0.width, places: 3) } ?? "") | "
                    + "\(p.map { FixedFormat.decimal($0.width, places: 3) } ?? "") | "
                    + "\(p.map { FixedFormat.decimal($0.mean, places: 3) } ?? "") | "
                    + "\(percent(Double(p?.estimated ?? 0) / Double(max(options.samples, 1)))) |\n"
            }
            let shares = lines.filter { !$0.target.hasPrefix("log OR") }
            let worst = shares.compactMap { $0.covered[.ppi]?.coverage }.min() ?? 0
            out +=
                "\nlowest PPI++ coverage over the shares: \(percent(worst)); coverage counts the samples that gave an "
                + "estimate (PPI++ given: a share needs \(options.minimumInformative) labelled posts positive by the "
                + "reference or the coder in its denominator); naive intervals do not depend on the validation "
                + "sample, so they cover in every sample or in none\n"
            return out
        }
    }

    /// Reads the ground truth: (platform, external id) -> categories, from the generator's CSV
    /// (`platform,external_id,...,categories,broken_reason`; no field before `categories` holds a comma).
    static func groundTruth(_ path: String) throws -> [String: [String]] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw InputError(file: path, line: nil, reason: "cannot read the ground truth file")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { throw InputError(file: path, line: 1, reason: "empty file") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let platform = header.firstIndex(of: "platform"), let id = header.firstIndex(of: "external_id"),
            let categories = header.firstIndex(of: "categories")
        else {
            throw InputError(file: path, line: 1, reason: "needs the columns platform, external_id and categories")
        }
        var truth: [String: [String]] = [:]
        for (number, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count else {
                throw InputError(
                    file: path, line: number + 2, reason: "\(cells.count) fields, the header has \(header.count)")
            }
            truth["\(cells[platform]):\(cells[id])"] = cells[categories].split(separator: ";").map(String.init)
        }
        return truth
    }

    public static func simulate(_ db: Database, truthPath: String, options: CoverageOptions) throws -> Report {
        guard options.strategy != .uncertain else {
            throw StudyError(
                "--strategy uncertain has no inclusion probabilities: "
                    + "its samples cannot be simulated as validation samples"
            )
        }
        let truthByKey = try groundTruth(truthPath)
        try Aggregator.checkInputs(db)
        let coder = try Aggregator.primaryCoder(db, option: nil)
        let gateName = try Aggregator.codebook(db, coder: coder)?.gate ?? "relevant"
        let data = try Aggregator(database: db).load(coder: coder, gate: gateName)
        let k = data.categories.count
        let bit = Dictionary(uniqueKeysWithValues: data.categories.enumerated().map { ($1, $0) })
        var truth = [UInt64](repeating: 0, count: data.posts.count)
        var known = [Bool](repeating: false, count: data.posts.count)
        try db.forEachRow("SELECT post_id, platform, external_id FROM posts") { row in
            let id = try row.required(int: "post_id")
            guard
                let categories = truthByKey[
                    "\(try row.required(text: "platform")):\(try row.required(text: "external_id"))"]
            else { return }
            known[id] = true
            for c in categories { if let b = bit[c] { truth[id] |= 1 << UInt64(b) } }
        }
        let und = data.languages.firstIndex(of: "und").map(Int32.init)
        // The frame a validation sample is drawn from (canonical posts, as `annotate sample`), and the
        // posts in scope (the default of `aggregate run`: coded, known language).
        let frame = data.posts.indices.filter { data.posts[$0].exists && data.posts[$0].canonical && known[$0] }
        let population = frame.filter { data.posts[$0].coded && data.posts[$0].language != und }
        guard population.count > options.size else {
            throw StudyError(
                "only \(population.count) canonical posts with a known truth are in scope: "
                    + "too few for samples of \(options.size)"
            )
        }
        let predicted = population.map { data.posts[$0].positives }
        let inPopulation = Set(population)

        // True values: gate share over all posts in scope, other categories over truly gate-positive ones.
        let gatePositive = population.filter { truth[$0] & 1 != 0 }
        var lines: [Line] = []
        lines.append(
            Line(
                target: "\(data.categories[0]) (share of all posts)",
                truth: Double(gatePositive.count) / Double(population.count), covered: [:]))
        for c in 1..<k {
            let count = gatePositive.filter { truth[$0] & (1 << UInt64(c)) != 0 }.count
            lines.append(
                Line(
                    target: "\(data.categories[c]) (share of \(data.categories[0]))",
                    truth: Double(count) / Double(max(gatePositive.count, 1)), covered: [:]))
        }
        let pair = (bit["choice_deprivation"], bit["rights_protest"])
        var trueLogOR: Double?
        if let a = pair.0, let b = pair.1 {
            var t = (0.0, 0.0, 0.0, 0.0)
            for i in gatePositive {
                switch (truth[i] & (1 << UInt64(a)) != 0, truth[i] & (1 << UInt64(b)) != 0) {
                case (true, true): t.0 += 1
                case (true, false): t.1 += 1
                case (false, true): t.2 += 1
                case (false, false): t.3 += 1
                }
            }
            trueLogOR = log(t.0 * t.3 / (t.1 * t.2))
            lines.append(
                Line(
                    target: "log OR rights_protest ~ choice_deprivation (among \(data.categories[0]))",
                    truth: trueLogOR!, covered: [:]))
        }

        // Stratified draws: by language, as `annotate sample --strategy stratified --no-stratify-decision` allocates.
        var strata: [Int32: [Int]] = [:]
        for i in frame { strata[data.posts[i].language, default: []].append(i) }
        let allocation = Sampler.allocate(
            size: options.size,
            strata: Dictionary(uniqueKeysWithValues: strata.map { (String($0.key), $0.value.count) }),
            minimum: 5)

        var tally = [[Estimation.Method: (covered: Int, width: Double, sum: Double, estimated: Int)]](
            repeating: [:], count: lines.count)
        func record(_ line: Int, _ method: Estimation.Method, _ estimate: Double?, _ low: Double?, _ high: Double?) {
            guard let estimate, let low, let high else { return }
            var t = tally[line][method] ?? (0, 0, 0, 0)
            if low <= lines[line].truth && lines[line].truth <= high { t.covered += 1 }
            t.width += high - low
            t.sum += estimate
            t.estimated += 1
            tally[line][method] = t
        }
        var generator = SplitMix64(seed: options.seed)
        for _ in 0..<options.samples {
            var drawn: [(post: Int, weight: Double, stratum: Int)] = []
            switch options.strategy {
            case .random:
                for i in partialShuffle(frame, options.size, &generator) { drawn.append((i, 1, 0)) }
            case .stratified, .uncertain:  // uncertain is refused above
                for (h, key) in strata.keys.sorted().enumerated() {
                    let members = strata[key]!, take = allocation[String(key)] ?? 0
                    guard take > 0 else { continue }
                    for i in partialShuffle(members, take, &generator) {
                        drawn.append((i, Double(members.count) / Double(take), h))
                    }
                }
            }
            var labelled = Estimation.Labelled()
            for d in drawn.sorted(by: { $0.post < $1.post }) where inPopulation.contains(d.post) {
                labelled.append(
                    reference: truth[d.post], predicted: data.posts[d.post].positives, weight: d.weight,
                    stratum: d.stratum)
            }
            let design: PPI.Design = options.strategy == .random ? .simpleRandom : .stratified
            let results = Estimation.shares(
                predicted: predicted, labelled: labelled, design: design, categories: k,
                minimumLabelled: options.minimumLabelled, minimumInformative: options.minimumInformative)
            for c in 0..<k {
                for (method, r) in results[c] { record(c, method, r.estimate, r.low, r.high) }
            }
            if let a = pair.0, let b = pair.1, trueLogOR != nil {
                for m in Estimation.association(
                    a: a, b: b, predicted: predicted, labelled: labelled, design: design,
                    minimumLabelled: options.minimumLabelled, minimumInformative: options.minimumInformative)
                {
                    record(k, m.method, m.logOddsRatio, m.low.map(log), m.high.map(log))
                }
            }
        }
        for (i, methods) in tally.enumerated() {
            for (method, t) in methods {
                lines[i].covered[method] = (
                    Double(t.covered) / Double(max(t.estimated, 1)), t.width / Double(max(t.estimated, 1)),
                    t.sum / Double(max(t.estimated, 1)), t.estimated
                )
            }
        }
        return Report(population: population.count, frame: frame.count, options: options, coder: coder, lines: lines)
    }

    /// `count` distinct elements drawn uniformly (the first `count` of a Fisher-Yates shuffle).
    static func partialShuffle(_ items: [Int], _ count: Int, _ generator: inout SplitMix64) -> [Int] {
        var items = items
        let take = min(count, items.count)
        for i in 0..<take { items.swapAt(i, i + generator.index(below: items.count - i)) }
        return Array(items.prefix(take))
    }
}
