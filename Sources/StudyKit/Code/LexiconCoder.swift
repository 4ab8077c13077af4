import Foundation

/// One coder decision for one category of one post: the shape every coder (lexicon, supervised,
/// human) writes to `codings`.
public struct CategoryDecision: Sendable, Equatable {
    public var category: String
    public var value: Bool
    /// Strength of the evidence that the category is present, 0…1 (see `LexiconCoder`).
    public var confidence: Double
    /// JSON array (deterministic key order) of the matched spans and applied rules.
    public var evidence: String
}

/// A matched indicator occurrence; offsets are in Unicode scalars of the NFKC text.
public struct IndicatorHit: Sendable, Equatable {
    public var indicator: Int
    public var start: Int
    public var end: Int
    public var negated: Bool
    /// Inside a hashtag: counts only towards the gate, and only when the post's own words carry
    /// another category ("not hashtags alone").
    public var inHashtag = false
}

/// Coder 1: multilingual indicator matching.
///
/// - One Aho-Corasick pass over the case-folded NFKC text finds every literal phrase and every
///   regex anchor; a regex runs only on posts where its anchor occurred.
/// - Latin-script phrases must sit on word boundaries (neighbours are not letters or digits);
///   CJK phrases match anywhere.
/// - A negation cue of the indicator's language within the window before the match (or after it,
///   for `after` cues such as Japanese `じゃない`) cancels it, unless the indicator opts out.
/// - The indicators used are those of the post's detected language plus the `any` set; when the
///   language is unknown or not in the codebook, every set is used.
/// - A category is present when the weights of its distinct non-negated indicators sum to at
///   least its threshold. Implications are then applied to a fixpoint, then the gate.
/// - Confidence = 1 − exp(−Σ weights) for present categories (an implied category takes its
///   source's confidence), 0 for absent ones: more and stronger indicators, more confidence.
public final class LexiconCoder: @unchecked Sendable {
    public let codebook: Codebook
    public let indicators: [Indicator]
    let automaton: LiteralAutomaton
    /// Per automaton pattern: indicator index, and whether it is a regex anchor.
    let patternIndicator: [Int]
    let patternIsAnchor: [Bool]
    let patternBoundaryStart: [Bool]
    let patternBoundaryEnd: [Bool]
    let indicatorCategory: [Int]
    /// 0 = `any`, i + 1 = codebook.languages[i].
    let indicatorLanguage: [Int]
    let regexes: [Int: NSRegularExpression]
    let negationRules: [NegationRule?]
    /// The cues of each rule as folded scalar arrays, compared without building strings.
    let negationCues: [(before: [[UInt32]], after: [[UInt32]])]
    let categoryIDs: [String]
    let thresholds: [Double]
    let noHits: [CategoryDecision]
    let categoryIndex: [String: Int]
    let implications: [(Int, Int)]
    let gate: Int?
    /// `{"indicator":"<id>","start":` per indicator, built once.
    let evidencePrefix: [String]

    public var coderName: String { codebook.lexiconCoderName }

    public init(codebook: Codebook) {
        self.codebook = codebook
        indicators = codebook.categories.flatMap(\.indicators)
        var categoryIndex: [String: Int] = [:]
        for (i, category) in codebook.categories.enumerated() { categoryIndex[category.id] = i }
        self.categoryIndex = categoryIndex
        indicatorCategory = indicators.map { categoryIndex[$0.category]! }
        indicatorLanguage = indicators.map { indicator in
            indicator.language == anyLanguage ? 0 : (codebook.languages.firstIndex(of: indicator.language)! + 1)
        }
        negationRules = [nil] + codebook.languages.map { codebook.negation[$0] }
        negationCues = negationRules.map { rule in
            let scalars = { (cues: [String]) in cues.map { cue in cue.unicodeScalars.map { $0 == "\u{2019}" ? 0x27 : ScriptClass.lower($0.value) } } }
            return (scalars(rule?.before ?? []), scalars(rule?.after ?? []))
        }
        categoryIDs = codebook.categories.map(\.id)
        thresholds = codebook.categories.map(\.threshold)
        noHits = codebook.categories.map { CategoryDecision(category: $0.id, value: false, confidence: 0, evidence: "[]") }

        var patterns: [String] = []
        var patternIndicator: [Int] = [], isAnchor: [Bool] = [], boundaryStart: [Bool] = [], boundaryEnd: [Bool] = []
        var regexes: [Int: NSRegularExpression] = [:]
        for (index, indicator) in indicators.enumerated() {
            let literal: String
            if let regex = indicator.regex {
                regexes[index] = try! NSRegularExpression(pattern: regex, options: [.caseInsensitive])
                literal = indicator.anchor!
            } else {
                literal = LexiconText.fold(indicator.phrase!)
            }
            let scalars = literal.unicodeScalars
            patterns.append(literal)
            patternIndicator.append(index)
            isAnchor.append(indicator.regex != nil)
            boundaryStart.append(ScriptClass.isWord(scalars.first!.value))
            boundaryEnd.append(ScriptClass.isWord(scalars.last!.value))
        }
        automaton = LiteralAutomaton(patterns: patterns)
        self.patternIndicator = patternIndicator
        patternIsAnchor = isAnchor
        patternBoundaryStart = boundaryStart
        patternBoundaryEnd = boundaryEnd
        self.regexes = regexes
        implications = codebook.implications.compactMap { implication in
            guard let from = categoryIndex[implication.from], let to = categoryIndex[implication.to] else { return nil }
            return (from, to)
        }
        gate = codebook.gate.flatMap { categoryIndex[$0] }
        evidencePrefix = indicators.map { #"{"indicator":\#(jsonString($0.id)),"start":"# }
    }

    /// The codebook language a detected tag maps to (`zh-Hans` → `zh`), or nil (use every set).
    public func languageIndex(for tag: String?) -> Int? {
        guard let tag, !tag.isEmpty, tag != "und" else { return nil }
        if let exact = codebook.languages.firstIndex(of: tag) { return exact + 1 }
        let primary = String(tag.split(separator: "-").first ?? "").lowercased()
        if let index = codebook.languages.firstIndex(of: primary) { return index + 1 }
        return nil
    }

    // MARK: Matching

    /// Every indicator occurrence in `text` (already NFKC) usable for a post in `language`.
    public func hits(text: String, language: String?) -> [IndicatorHit] {
        let scalars = LexiconText.scalars(text)
        return scalars.withUnsafeBufferPointer { hits(scalars: $0, text: text, languageIndex: languageIndex(for: language)) }
    }

    func hits(scalars: UnsafeBufferPointer<UInt32>, text: String, languageIndex: Int?) -> [IndicatorHit] {
        var found: [IndicatorHit] = []
        var regexCandidates: [Int] = []
        automaton.scan(scalars) { pattern, end in
            let p = Int(pattern)
            let indicator = patternIndicator[p]
            let language = indicatorLanguage[indicator]
            if let languageIndex, language != 0, language != languageIndex { return }
            if patternIsAnchor[p] {
                if !regexCandidates.contains(indicator) { regexCandidates.append(indicator) }
                return
            }
            let start = end - Int(automaton.patternLengths[p])
            if patternBoundaryStart[p], start > 0, ScriptClass.isWord(scalars[start - 1]) { return }
            if patternBoundaryEnd[p], end < scalars.count, ScriptClass.isWord(scalars[end]) { return }
            found.append(IndicatorHit(indicator: indicator, start: start, end: end, negated: false))
        }
        if !regexCandidates.isEmpty {
            found += regexHits(regexCandidates, text: text, scalarCount: scalars.count)
        }
        if !found.isEmpty && !codebook.ignore.isEmpty {
            let ignored = ignoredRanges(scalars)
            if !ignored.isEmpty {
                found.removeAll { hit in ignored.contains { !$0.isHashtag && $0.range.contains(hit.start) } }
                for i in found.indices where ignored.contains(where: { $0.isHashtag && $0.range.contains(found[i].start) }) {
                    found[i].inHashtag = true
                }
            }
        }
        for i in found.indices where indicators[found[i].indicator].negatable {
            let language = indicatorLanguage[found[i].indicator]
            let ruleLanguage = language != 0 ? language : (languageIndex ?? 0)
            if let rule = negationRules[ruleLanguage] {
                found[i].negated = isNegated(scalars, start: found[i].start, end: found[i].end, rule: rule,
                                             cues: negationCues[ruleLanguage])
            }
        }
        if found.count > 1 { found.sort { ($0.start, $0.end, $0.indicator) < ($1.start, $1.end, $1.indicator) } }
        return found
    }

    /// Scalar ranges of hashtags (`#` + word), mentions (`@` + handle) and links (`http(s)://…`
    /// up to white space), as the codebook's `ignore` asks.
    func ignoredRanges(_ s: UnsafeBufferPointer<UInt32>) -> [(range: Range<Int>, isHashtag: Bool)] {
        var ranges: [(range: Range<Int>, isHashtag: Bool)] = []
        let ignore = codebook.ignore
        var i = 0
        func isTagScalar(_ v: UInt32) -> Bool { ScriptClass.isWord(v) || ScriptClass.isCJK(v) || v == 0x5F }
        while i < s.count {
            let v = s[i]
            if (v == 0x23 && ignore.contains(.hashtags)) || (v == 0x40 && ignore.contains(.mentions)),
               i + 1 < s.count, isTagScalar(s[i + 1]), i == 0 || !ScriptClass.isWord(s[i - 1]) {
                var j = i + 1
                while j < s.count && isTagScalar(s[j]) { j += 1 }
                ranges.append((i..<j, v == 0x23))
                i = j
                continue
            }
            if v == 0x68 && ignore.contains(.urls), i + 7 < s.count, s[i + 1] == 0x74, s[i + 2] == 0x74, s[i + 3] == 0x70,
               (s[i + 4] == 0x3A && s[i + 5] == 0x2F && s[i + 6] == 0x2F) || (s[i + 4] == 0x73 && s[i + 5] == 0x3A && s[i + 6] == 0x2F) {
                var j = i
                while j < s.count && s[j] != 0x20 && s[j] != 0x0A && s[j] != 0x09 && s[j] != 0x3000 { j += 1 }
                ranges.append((i..<j, false))
                i = j
                continue
            }
            i += 1
        }
        return ranges
    }

    private func regexHits(_ candidates: [Int], text: String, scalarCount: Int) -> [IndicatorHit] {
        // NSRegularExpression speaks UTF-16; map its offsets back to scalar offsets.
        var utf16ToScalar: [Int] = []
        utf16ToScalar.reserveCapacity(text.utf16.count + 1)
        var scalarIndex = 0
        for scalar in text.unicodeScalars {
            utf16ToScalar.append(scalarIndex)
            if scalar.value > 0xFFFF { utf16ToScalar.append(scalarIndex) }
            scalarIndex += 1
        }
        utf16ToScalar.append(scalarIndex)
        let whole = NSRange(location: 0, length: text.utf16.count)
        var out: [IndicatorHit] = []
        for indicator in candidates.sorted() {
            for match in regexes[indicator]!.matches(in: text, options: [], range: whole) where match.range.length > 0 {
                out.append(IndicatorHit(indicator: indicator, start: utf16ToScalar[match.range.location],
                                        end: utf16ToScalar[match.range.location + match.range.length], negated: false))
            }
        }
        return out
    }

    private func isNegated(_ s: UnsafeBufferPointer<UInt32>, start: Int, end: Int, rule: NegationRule,
                           cues: (before: [[UInt32]], after: [[UInt32]])) -> Bool {
        switch rule.unit {
        case .tokens:
            if !rule.before.isEmpty {
                var pos = start - 1
                for _ in 0..<rule.window {
                    while pos >= 0 && !isTokenScalar(s[pos]) {
                        if ScriptClass.isClauseBreak(s[pos]) { pos = -1; break }
                        pos -= 1
                    }
                    if pos < 0 { break }
                    let tokenEnd = pos + 1
                    while pos >= 0 && isTokenScalar(s[pos]) { pos -= 1 }
                    if cues.before.contains(where: { equals(s, pos + 1, tokenEnd, $0) }) { return true }
                }
            }
            if !rule.after.isEmpty {
                var pos = end
                for _ in 0..<rule.window {
                    while pos < s.count && !isTokenScalar(s[pos]) {
                        if ScriptClass.isClauseBreak(s[pos]) { pos = s.count; break }
                        pos += 1
                    }
                    if pos >= s.count { break }
                    let tokenStart = pos
                    while pos < s.count && isTokenScalar(s[pos]) { pos += 1 }
                    if cues.after.contains(where: { equals(s, tokenStart, pos, $0) }) { return true }
                }
            }
            return false
        case .characters:
            if !rule.before.isEmpty {
                var from = start
                while from > 0 && start - from < rule.window && !ScriptClass.isClauseBreak(s[from - 1]) { from -= 1 }
                if cues.before.contains(where: { contains(s, from, start, $0) }) { return true }
            }
            if !rule.after.isEmpty {
                var to = end
                while to < s.count && to - end < rule.window && !ScriptClass.isClauseBreak(s[to]) { to += 1 }
                if cues.after.contains(where: { contains(s, end, to, $0) }) { return true }
            }
            return false
        }
    }

    @inline(__always)
    private func isTokenScalar(_ v: UInt32) -> Bool { ScriptClass.isWord(v) || v == 0x27 || v == 0x2019 }

    /// The folded scalar at i, with typographic apostrophes made plain (as the cues are).
    @inline(__always)
    private func folded(_ s: UnsafeBufferPointer<UInt32>, _ i: Int) -> UInt32 { s[i] == 0x2019 ? 0x27 : ScriptClass.lower(s[i]) }

    /// Whether s[from..<to] is exactly `cue`.
    private func equals(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int, _ cue: [UInt32]) -> Bool {
        guard to - from == cue.count else { return false }
        for k in 0..<cue.count where folded(s, from + k) != cue[k] { return false }
        return true
    }

    /// Whether `cue` occurs inside s[from..<to].
    private func contains(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int, _ cue: [UInt32]) -> Bool {
        guard !cue.isEmpty, to - from >= cue.count else { return false }
        for start in from...(to - cue.count) where equals(s, start, start + cue.count, cue) { return true }
        return false
    }

    // MARK: Decisions

    /// Codes one post: one decision per category, in codebook order.
    public func code(text: String, language: String?) -> [CategoryDecision] {
        let scalars = LexiconText.scalars(text)
        return scalars.withUnsafeBufferPointer { buffer in
            let found = hits(scalars: buffer, text: text, languageIndex: languageIndex(for: language))
            return decide(found, scalars: buffer)
        }
    }

    /// Only the present/absent values (the hot path of `code` and the benchmark).
    public func values(text: String, language: String?) -> [Bool] {
        code(text: text, language: language).map(\.value)
    }

    func decide(_ found: [IndicatorHit], scalars: UnsafeBufferPointer<UInt32>) -> [CategoryDecision] {
        let count = categoryIDs.count
        var weight = [Double](repeating: 0, count: count)
        var counted: [Int] = []  // distinct indicators: a post has few hits, a linear search is cheapest
        var hashtagGateWeight = 0.0
        var hashtagCounted: [Int] = []
        for hit in found where !hit.negated {
            if hit.inHashtag {
                if indicatorCategory[hit.indicator] == gate && !hashtagCounted.contains(hit.indicator) {
                    hashtagCounted.append(hit.indicator)
                    hashtagGateWeight += indicators[hit.indicator].weight
                }
                continue
            }
            if counted.contains(hit.indicator) { continue }
            counted.append(hit.indicator)
            weight[indicatorCategory[hit.indicator]] += indicators[hit.indicator].weight
        }
        var present = (0..<count).map { weight[$0] >= thresholds[$0] }
        // Hashtags alone do not make a post relevant; a hashtag and the post's own words do.
        if let gate, !present[gate], weight[gate] + hashtagGateWeight >= thresholds[gate],
           (0..<count).contains(where: { $0 != gate && present[$0] }) {
            weight[gate] += hashtagGateWeight
            present[gate] = true
        }
        var confidence = (0..<count).map { present[$0] ? 1 - exp(-weight[$0]) : 0 }
        var impliedBy = [Int?](repeating: nil, count: count)
        var changed = true
        while changed {
            changed = false
            for (from, to) in implications where present[from] && !present[to] {
                present[to] = true
                confidence[to] = confidence[from]
                impliedBy[to] = from
                changed = true
            }
        }
        var gated = [Bool](repeating: false, count: count)
        if let gate, !present[gate] {
            for i in 0..<count where i != gate && present[i] {
                present[i] = false
                confidence[i] = 0
                gated[i] = true
            }
        }
        if found.isEmpty && !present.contains(true) {
            return noHits
        }
        var perCategory = [[IndicatorHit]](repeating: [], count: count)
        for hit in found { perCategory[indicatorCategory[hit.indicator]].append(hit) }
        return (0..<count).map { i in
            var items: [String] = []
            if gated[i], let gate { items.append(#"{"rule":"gate","category":"\#(categoryIDs[gate])"}"#) }
            if let from = impliedBy[i] { items.append(#"{"rule":"implied_by","category":"\#(categoryIDs[from])"}"#) }
            for hit in perCategory[i] {
                let text = spanText(scalars, hit.start, hit.end)
                var item = evidencePrefix[hit.indicator] + #"\#(hit.start),"end":\#(hit.end),"text":\#(jsonString(text))"#
                if hit.negated { item += #","negated":true"# }
                if hit.inHashtag { item += #","hashtag":true"# }
                items.append(item + "}")
            }
            return CategoryDecision(category: categoryIDs[i], value: present[i],
                                    confidence: (confidence[i] * 1e6).rounded() / 1e6,
                                    evidence: "[" + items.joined(separator: ",") + "]")
        }
    }

    private func spanText(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        for i in from..<to { if let scalar = Unicode.Scalar(s[i]) { view.append(scalar) } }
        return String(view)
    }
}

