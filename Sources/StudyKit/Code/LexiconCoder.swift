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
    /// Someone else's words (quotation marks, a reporting cue): counts the codebook's
    /// `reported_speech.weight` times the indicator's weight.
    public var reported = false
    /// The category's `ignore_within` phrase this match lies inside ("cold turkey"): not counted.
    public var ignoredWithin: String?
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
    let negationCues: [CueScalars]
    /// Reported-speech cue rules per language slot (as negationRules), their cues, and the weight.
    let reportedRules: [NegationRule?]
    let reportedCues: [CueScalars]
    let reportedWeight: Double
    let reportedQuotes: Bool
    /// Automaton patterns after the indicators' are `ignore_within` phrases: (category, language slot, phrase).
    let ignorePhrases: [(category: Int, language: Int, phrase: String)]
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
        negationCues = negationRules.map(CueScalars.init)
        reportedRules = [nil] + codebook.languages.map { codebook.reportedSpeech?.cues[$0] }
        reportedCues = reportedRules.map(CueScalars.init)
        reportedWeight = codebook.reportedSpeech?.weight ?? 1
        reportedQuotes = codebook.reportedSpeech?.quotationMarks ?? false
        categoryIDs = codebook.categories.map(\.id)
        thresholds = codebook.categories.map(\.threshold)
        noHits = codebook.categories.map {
            CategoryDecision(category: $0.id, value: false, confidence: 0, evidence: "[]")
        }

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
        var ignorePhrases: [(category: Int, language: Int, phrase: String)] = []
        for (c, category) in codebook.categories.enumerated() {
            for (language, phrases) in category.ignoreWithin {
                let slot =
                    language == anyLanguage ? 0 : (codebook.languages.firstIndex(of: language).map { $0 + 1 } ?? 0)
                for phrase in phrases {
                    let scalars = phrase.unicodeScalars
                    patterns.append(phrase)
                    patternIndicator.append(-1)
                    isAnchor.append(false)
                    boundaryStart.append(ScriptClass.isWord(scalars.first!.value))
                    boundaryEnd.append(ScriptClass.isWord(scalars.last!.value))
                    ignorePhrases.append((c, slot, phrase))
                }
            }
        }
        self.ignorePhrases = ignorePhrases
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
        return scalars.withUnsafeBufferPointer {
            hits(scalars: $0, text: text, languageIndex: languageIndex(for: language))
        }
    }

    func hits(scalars: UnsafeBufferPointer<UInt32>, text: String, languageIndex: Int?) -> [IndicatorHit] {
        var found: [IndicatorHit] = []
        var regexCandidates: [Int] = []
        var ignoreSpans: [(phrase: Int, start: Int, end: Int)] = []
        automaton.scan(scalars) { pattern, end in
            let p = Int(pattern)
            let indicator = patternIndicator[p]
            let language = indicator >= 0 ? indicatorLanguage[indicator] : ignorePhrases[p - indicators.count].language
            if let languageIndex, language != 0, language != languageIndex { return }
            if indicator >= 0 && patternIsAnchor[p] {
                if !regexCandidates.contains(indicator) { regexCandidates.append(indicator) }
                return
            }
            let start = end - Int(automaton.patternLengths[p])
            if patternBoundaryStart[p], start > 0, ScriptClass.isWord(scalars[start - 1]) { return }
            if patternBoundaryEnd[p], end < scalars.count, ScriptClass.isWord(scalars[end]) { return }
            if indicator < 0 {
                ignoreSpans.append((p - indicators.count, start, end))
            } else {
                found.append(IndicatorHit(indicator: indicator, start: start, end: end, negated: false))
            }
        }
        if !regexCandidates.isEmpty {
            found += regexHits(regexCandidates, text: text, scalarCount: scalars.count)
        }
        if !found.isEmpty && !codebook.ignore.isEmpty {
            let ignored = ignoredRanges(scalars)
            if !ignored.isEmpty {
                found.removeAll { hit in ignored.contains { !$0.isHashtag && $0.range.contains(hit.start) } }
                for i in found.indices
                where ignored.contains(where: { $0.isHashtag && $0.range.contains(found[i].start) }) {
                    found[i].inHashtag = true
                }
            }
        }
        if !ignoreSpans.isEmpty {
            for i in found.indices {
                let category = indicatorCategory[found[i].indicator]
                if let span = ignoreSpans.first(where: { span in
                    ignorePhrases[span.phrase].category == category && span.start <= found[i].start
                        && found[i].end <= span.end
                }) {
                    found[i].ignoredWithin = ignorePhrases[span.phrase].phrase
                }
            }
        }
        for i in found.indices where indicators[found[i].indicator].negatable {
            let language = indicatorLanguage[found[i].indicator]
            let ruleLanguage = language != 0 ? language : (languageIndex ?? 0)
            if let rule = negationRules[ruleLanguage] {
                found[i].negated = isNegated(
                    scalars, start: found[i].start, end: found[i].end, rule: rule,
                    cues: negationCues[ruleLanguage])
            }
        }
        if codebook.reportedSpeech != nil && !found.isEmpty {
            let quoted = reportedQuotes ? QuotedSpans.ranges(scalars) : []
            for i in found.indices where indicatorCategory[found[i].indicator] != gate {
                if quoted.contains(where: { $0.contains(found[i].start) }) {
                    found[i].reported = true
                    continue
                }
                let language = indicatorLanguage[found[i].indicator]
                let ruleLanguage = language != 0 ? language : (languageIndex ?? 0)
                if let rule = reportedRules[ruleLanguage] {
                    found[i].reported = isNegated(
                        scalars, start: found[i].start, end: found[i].end, rule: rule,
                        cues: reportedCues[ruleLanguage])
                }
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
                i + 1 < s.count, isTagScalar(s[i + 1]), i == 0 || !ScriptClass.isWord(s[i - 1])
            {
                var j = i + 1
                while j < s.count && isTagScalar(s[j]) { j += 1 }
                ranges.append((i..<j, v == 0x23))
                i = j
                continue
            }
            if v == 0x68 && ignore.contains(.urls), i + 7 < s.count, s[i + 1] == 0x74, s[i + 2] == 0x74,
                s[i + 3] == 0x70,
                (s[i + 4] == 0x3A && s[i + 5] == 0x2F && s[i + 6] == 0x2F)
                    || (s[i + 4] == 0x73 && s[i + 5] == 0x3A && s[i + 6] == 0x2F)
            {
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
                out.append(
                    IndicatorHit(
                        indicator: indicator, start: utf16ToScalar[match.range.location],
                        end: utf16ToScalar[match.range.location + match.range.length], negated: false))
            }
        }
        return out
    }

    /// Whether a cue of `rule` reaches the match at start..<end. Token rules look back over
    /// `window` tokens (and, when the cue is followed by a long-scope verb such as "used" in
    /// "never used it as a friend", back to the start of the clause); a verb that takes the
    /// negation between the cue and the match ("don't kill my friend") stops it. Character rules
    /// look for a cue inside the window of characters before or after the match.
    private func isNegated(
        _ s: UnsafeBufferPointer<UInt32>, start: Int, end: Int, rule: NegationRule,
        cues: CueScalars
    ) -> Bool {
        switch rule.unit {
        case .tokens:
            if !rule.before.isEmpty {
                var pos = start - 1
                var verbBetween = false
                var closer: (from: Int, to: Int)? = nil  // the token visited just before (nearer the match)
                let reach = cues.longScope.isEmpty ? rule.window : max(rule.window, Self.longScopeTokens)
                for step in 0..<reach {
                    while pos >= 0 && !isTokenScalar(s[pos]) {
                        if ScriptClass.isClauseBreak(s[pos]) {
                            pos = -1
                            break
                        }
                        pos -= 1
                    }
                    if pos < 0 { break }
                    let tokenEnd = pos + 1
                    while pos >= 0 && isTokenScalar(s[pos]) { pos -= 1 }
                    let tokenStart = pos + 1
                    if cues.before.contains(where: { equals(s, tokenStart, tokenEnd, $0) }) {
                        let inWindow = step < rule.window
                        let longScope =
                            closer.map { c in cues.longScope.contains { equals(s, c.from, c.to, $0) } } ?? false
                        if !verbBetween && (inWindow || longScope) { return true }
                    }
                    if cues.verbs.contains(where: { equals(s, tokenStart, tokenEnd, $0) }) { verbBetween = true }
                    closer = (tokenStart, tokenEnd)
                }
            }
            if !rule.after.isEmpty {
                var pos = end
                for _ in 0..<rule.window {
                    while pos < s.count && !isTokenScalar(s[pos]) {
                        if ScriptClass.isClauseBreak(s[pos]) {
                            pos = s.count
                            break
                        }
                        pos += 1
                    }
                    if pos >= s.count { break }
                    let tokenStart = pos
                    while pos < s.count && isTokenScalar(s[pos]) { pos += 1 }
                    if cues.after.contains(where: { equals(s, tokenStart, pos, $0) }) { return true }
                    if cues.verbs.contains(where: { equals(s, tokenStart, pos, $0) }) { return false }
                }
            }
            return false
        case .characters:
            if !rule.before.isEmpty {
                var from = start
                while from > 0 && start - from < rule.window && !ScriptClass.isClauseBreak(s[from - 1]) { from -= 1 }
                for cue in cues.before {
                    if let at = lastOccurrence(s, from, start, cue),
                        !cues.verbs.contains(where: { contains(s, at + cue.count, start, $0) })
                    {
                        return true
                    }
                }
            }
            if !rule.after.isEmpty {
                var to = end
                while to < s.count && to - end < rule.window && !ScriptClass.isClauseBreak(s[to]) { to += 1 }
                for cue in cues.after {
                    if let at = firstOccurrence(s, end, to, cue),
                        !cues.verbs.contains(where: { contains(s, end, at, $0) })
                    {
                        return true
                    }
                }
            }
            return false
        }
    }

    /// How far back (in tokens) a cue followed by a long-scope verb can reach within its clause.
    static let longScopeTokens = 12

    @inline(__always)
    private func isTokenScalar(_ v: UInt32) -> Bool { ScriptClass.isWord(v) || v == 0x27 || v == 0x2019 }

    /// The folded scalar at i, with typographic apostrophes made plain (as the cues are).
    @inline(__always)
    private func folded(_ s: UnsafeBufferPointer<UInt32>, _ i: Int) -> UInt32 {
        s[i] == 0x2019 ? 0x27 : ScriptClass.lower(s[i])
    }

    /// Whether s[from..<to] is exactly `cue`.
    private func equals(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int, _ cue: [UInt32]) -> Bool {
        guard to - from == cue.count else { return false }
        for k in 0..<cue.count where folded(s, from + k) != cue[k] { return false }
        return true
    }

    /// Whether `cue` occurs inside s[from..<to].
    private func contains(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int, _ cue: [UInt32]) -> Bool {
        firstOccurrence(s, from, to, cue) != nil
    }

    private func firstOccurrence(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int, _ cue: [UInt32]) -> Int? {
        guard !cue.isEmpty, to - from >= cue.count else { return nil }
        for start in from...(to - cue.count) where equals(s, start, start + cue.count, cue) { return start }
        return nil
    }

    private func lastOccurrence(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int, _ cue: [UInt32]) -> Int? {
        guard !cue.isEmpty, to - from >= cue.count else { return nil }
        for start in stride(from: to - cue.count, through: from, by: -1) where equals(s, start, start + cue.count, cue)
        {
            return start
        }
        return nil
    }

    // MARK: Decisions

    /// Codes one post: one decision per category, in codebook order. `thread` is the text of the
    /// thread the post replies in (a Reddit thread title, an X conversation's first post): when
    /// it is about the gate's theme and the post's own words are on the theme too (a gate
    /// indicator, or another category), the post is relevant through its thread.
    public func code(text: String, language: String?, thread: String? = nil) -> [CategoryDecision] {
        let scalars = LexiconText.scalars(text)
        let index = languageIndex(for: language)
        return scalars.withUnsafeBufferPointer { buffer in
            let found = hits(scalars: buffer, text: text, languageIndex: index)
            let threadRelevant = codebook.threadContext && thread.map { isAboutGate($0, languageIndex: index) } == true
            return decide(found, scalars: buffer, threadRelevant: threadRelevant)
        }
    }

    /// Only the present/absent values (the hot path of `code` and the benchmark).
    public func values(text: String, language: String?) -> [Bool] {
        code(text: text, language: language).map(\.value)
    }

    /// Whether a thread's text reaches the gate's threshold by itself.
    func isAboutGate(_ thread: String, languageIndex: Int?) -> Bool {
        guard let gate, !thread.isEmpty else { return false }
        let scalars = LexiconText.scalars(TextNormalizer.nfkc(thread))
        return scalars.withUnsafeBufferPointer { buffer in
            let weights = categoryWeights(
                hits(scalars: buffer, text: TextNormalizer.nfkc(thread), languageIndex: languageIndex))
            return weights.own[gate] >= thresholds[gate]
        }
    }

    /// Per category: the weight of its distinct counted indicators (each at its best: a reported
    /// occurrence counts `reportedWeight`, an own one fully), and the gate's weight from hashtags.
    func categoryWeights(_ found: [IndicatorHit]) -> (own: [Double], hashtagGate: Double) {
        // A post has few hits: linear searches over small arrays beat a dictionary here.
        var counted: [(indicator: Int, factor: Double)] = []
        var hashtagCounted: [Int] = []
        for hit in found where !hit.negated && hit.ignoredWithin == nil {
            if hit.inHashtag {
                if indicatorCategory[hit.indicator] == gate && !hashtagCounted.contains(hit.indicator) {
                    hashtagCounted.append(hit.indicator)
                }
                continue
            }
            let factor = hit.reported ? reportedWeight : 1
            if let k = counted.firstIndex(where: { $0.indicator == hit.indicator }) {
                counted[k].factor = max(counted[k].factor, factor)
            } else {
                counted.append((hit.indicator, factor))
            }
        }
        var weight = [Double](repeating: 0, count: categoryIDs.count)
        for (indicator, factor) in counted {
            weight[indicatorCategory[indicator]] += indicators[indicator].weight * factor
        }
        let hashtagGate = hashtagCounted.reduce(0.0) { $0 + indicators[$1].weight }
        return (weight, hashtagGate)
    }

    func decide(
        _ found: [IndicatorHit], scalars: UnsafeBufferPointer<UInt32>,
        threadRelevant: Bool = false
    ) -> [CategoryDecision] {
        let count = categoryIDs.count
        var (weight, hashtagGateWeight) = categoryWeights(found)
        var present = (0..<count).map { weight[$0] >= thresholds[$0] }
        // Hashtags alone do not make a post relevant; a hashtag and the post's own words do.
        if let gate, !present[gate], weight[gate] + hashtagGateWeight >= thresholds[gate],
            (0..<count).contains(where: { $0 != gate && present[$0] })
        {
            weight[gate] += hashtagGateWeight
            present[gate] = true
        }
        // A reply is relevant through its thread when its own words are on the theme.
        var throughThread = false
        if let gate, !present[gate], threadRelevant,
            weight[gate] > 0 || (0..<count).contains(where: { $0 != gate && present[$0] })
        {
            present[gate] = true
            throughThread = true
        }
        var confidence = (0..<count).map { present[$0] ? 1 - exp(-weight[$0]) : 0 }
        if let gate, throughThread { confidence[gate] = 1 - exp(-thresholds[gate]) }
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
            if i == gate && throughThread { items.append(#"{"rule":"thread"}"#) }
            for hit in perCategory[i] {
                let text = spanText(scalars, hit.start, hit.end)
                var item =
                    evidencePrefix[hit.indicator] + #"\#(hit.start),"end":\#(hit.end),"text":\#(jsonString(text))"#
                if hit.negated { item += #","negated":true"# }
                if hit.inHashtag { item += #","hashtag":true"# }
                if hit.reported { item += #","reported":true"# }
                if let phrase = hit.ignoredWithin { item += #","ignored_within":\#(jsonString(phrase))"# }
                items.append(item + "}")
            }
            return CategoryDecision(
                category: categoryIDs[i], value: present[i],
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

/// A cue rule's word lists as folded scalar arrays (typographic apostrophes made plain), so the
/// matcher compares them in place without building strings.
struct CueScalars {
    var before: [[UInt32]]
    var after: [[UInt32]]
    var verbs: [[UInt32]]
    var longScope: [[UInt32]]

    init(_ rule: NegationRule?) {
        func scalars(_ words: [String]) -> [[UInt32]] {
            words.map { word in word.unicodeScalars.map { $0 == "\u{2019}" ? 0x27 : ScriptClass.lower($0.value) } }
        }
        before = scalars(rule?.before ?? [])
        after = scalars(rule?.after ?? [])
        verbs = scalars(rule?.verbsTakingNegation ?? [])
        longScope = scalars(rule?.longScopeAfter ?? [])
    }
}

/// Where a post quotes someone: between paired quotation marks on one line (“…”, "…", «…», „…“,
/// 「…」, 『…』) and on Markdown quote lines (`> …`, or `&gt; …` as some exports escape it).
enum QuotedSpans {
    static let pairs: [(open: UInt32, close: UInt32)] = [
        (0x201C, 0x201D), (0x22, 0x22), (0xAB, 0xBB), (0x201E, 0x201C), (0x300C, 0x300D), (0x300E, 0x300F),
    ]

    static func ranges(_ s: UnsafeBufferPointer<UInt32>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var lineStart = 0
        while lineStart < s.count {
            var lineEnd = lineStart
            while lineEnd < s.count && s[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            while first < lineEnd && (s[first] == 0x20 || s[first] == 0x09) { first += 1 }
            let isQuoteLine =
                first < lineEnd
                && (s[first] == 0x3E
                    || (first + 3 < lineEnd && s[first] == 0x26 && s[first + 1] == 0x67 && s[first + 2] == 0x74
                        && s[first + 3] == 0x3B))
            if isQuoteLine {
                out.append(lineStart..<lineEnd)
            } else {
                var i = lineStart
                while i < lineEnd {
                    if let pair = pairs.first(where: { $0.open == s[i] }) {
                        var j = i + 1
                        while j < lineEnd && s[j] != pair.close { j += 1 }
                        if j < lineEnd {
                            out.append(i..<(j + 1))
                            i = j + 1
                            continue
                        }
                    }
                    i += 1
                }
            }
            lineStart = lineEnd + 1
        }
        return out
    }
}
