/// Which detectors decide: both combined (the default), or one alone (for comparison, or when the
/// fastText model is not installed).
public enum DetectorMode: String, CaseIterable, Sendable {
    case combined
    case cld2
    case fasttext
}

/// Settings that shape the output; every one is recorded in the run's parameters.
public struct LanguageDetectOptions: Sendable, Equatable {
    public var mode: DetectorMode = .combined
    /// Below this confidence the language is stored as `und`. 0.40 is the lowest threshold at which
    /// the labels given on shared/data/langid/dev.tsv are right at least 95% of the time (measured
    /// when chosen: 0.954 with 93.8% labelled, 99.3% of sentences; with the final rules 0.962 with
    /// 94.8% labelled). See docs/language-detect.md for the table.
    public var minConfidence: Double = 0.40
    /// Weight of fastText's probability against CLD2's share of the text when combining. Measured on
    /// dev.tsv (before the Han rule): 0.7 to 0.8 is best (0.75: 0.9245; 0.5: 0.900; 0.9: 0.920).
    public var fastTextWeight: Double = 0.75

    public init(mode: DetectorMode = .combined, minConfidence: Double = 0.40) {
        self.mode = mode
        self.minConfidence = minConfidence
    }

    /// Texts shorter than this (in characters, after cleaning) are "short": an `und` among them is
    /// recorded as `too_short` rather than `uncertain`.
    public static let shortTextCharacters = 30
}

/// The language of one text, as stored in `post_languages`.
public struct LanguageDecision: Equatable, Sendable {
    /// BCP-47 style code (`en`, `ja`, `zh-Hans`, `zh-Hant`, `zh` when the Chinese variant cannot be
    /// told), or `und`.
    public let language: String
    /// The best guess before the confidence threshold (`und` only without letters or without any answer).
    public let guess: String
    public let confidence: Double
    /// `combined` (both detectors' top answer), `cld2` or `fasttext` (the combination followed that
    /// one where they disagreed, or it ran alone), `script` (decided by the writing system), `none`.
    public let detector: String
    /// The dominant writing system (ISO 15924: Latn, Cyrl, Jpan, Kore, Hani, …); nil without letters.
    public let script: String?
    /// Why the language is `und`: `no_letters`, `too_short` (under 30 characters) or `uncertain`.
    public let undReason: String?
    /// Characters left after cleaning (what the detectors saw).
    public let textCharacters: Int
}

/// Decides the language of texts with CLD2 and fastText, corrected by the writing system.
/// Safe to call from several threads at once.
public final class LanguageIdentifier: Sendable {
    public let options: LanguageDetectOptions
    public let fastText: FastTextModel?

    /// `fastText` is required unless the mode is `.cld2`.
    public init(options: LanguageDetectOptions, fastText: FastTextModel?) {
        precondition(options.mode == .cld2 || fastText != nil, "fastText model required for \(options.mode)")
        self.options = options
        self.fastText = fastText
    }

    /// Loads the model from `modelPath` when the mode needs it; the error says to run `make model`.
    public convenience init(options: LanguageDetectOptions, modelPath: String) throws {
        let model = options.mode == .cld2 ? nil : try FastTextModel(path: modelPath)
        self.init(options: options, fastText: model)
    }

    public func decide(_ text: String) -> LanguageDecision {
        decide(DetectionText(text))
    }

    public func decide(_ text: DetectionText) -> LanguageDecision {
        let characters = text.characterCount
        guard text.letterCount > 0 else {
            return LanguageDecision(
                language: "und", guess: "und", confidence: 0, detector: "none",
                script: nil, undReason: "no_letters", textCharacters: characters)
        }
        var language: String, confidence: Double, detector: String
        if let (scriptLanguage, share) = ScriptRules.language(of: text, detected: nil) {
            // The writing system decides whatever the detectors would say: do not ask them.
            (language, confidence, detector) = (scriptLanguage, share, "script")
        } else {
            (language, confidence, detector) = detectorsDecide(text)
            if let (scriptLanguage, share) = ScriptRules.language(of: text, detected: language) {
                if LanguageCode.base(scriptLanguage) != LanguageCode.base(language) { detector = "script" }
                language = scriptLanguage
                confidence = max(confidence, share)
            }
        }
        if LanguageCode.base(language) == "zh" {
            language = HanVariant.chineseCode(text.utf8)
        }
        let decided = confidence >= options.minConfidence && language != "und"
        let reason: String? =
            decided
            ? nil
            : characters < LanguageDetectOptions.shortTextCharacters ? "too_short" : "uncertain"
        return LanguageDecision(
            language: decided ? language : "und", guess: language,
            confidence: (confidence * 10_000).rounded() / 10_000,
            detector: detector, script: text.dominantScript, undReason: reason,
            textCharacters: characters)
    }

    /// The detectors' answer before script rules: (language, confidence 0...1, detector name).
    func detectorsDecide(_ text: DetectionText) -> (String, Double, String) {
        switch options.mode {
        case .cld2:
            let answer = CLD2Detector.detect(text)
            // CLD2's share of the text is no probability; halve it when CLD2 itself doubts.
            return (answer.top.language, answer.top.score * (answer.reliable ? 1 : 0.5), "cld2")
        case .fasttext:
            let top = fastText!.predict(text, k: 1).first ?? LanguageGuess(language: "und", score: 0)
            return (top.language, top.score, "fasttext")
        case .combined:
            let cld2 = CLD2Detector.detect(text)
            let fast = fastText!.predict(text, k: 3)
            return Self.combine(cld2: cld2.guesses, fastText: fast, fastTextWeight: options.fastTextWeight)
        }
    }

    /// Weighted sum per language of fastText's probability and CLD2's share of the text (over each
    /// one's top three); the highest wins. Chinese variants count as one language here (fastText
    /// says only `zh`); the variant is decided afterwards from the characters.
    static func combine(cld2: [LanguageGuess], fastText: [LanguageGuess], fastTextWeight w: Double) -> (
        String, Double, String
    ) {
        var scores: [(String, Double)] = []
        func add(_ language: String, _ value: Double) {
            let key = LanguageCode.base(language)
            if let index = scores.firstIndex(where: { $0.0 == key }) {
                scores[index].1 += value
            } else {
                scores.append((key, value))
            }
        }
        for guess in fastText { add(guess.language, w * guess.score) }
        for guess in cld2 { add(guess.language, (1 - w) * guess.score) }
        // Ties go to the first added, fastText's order: deterministic.
        guard var best = scores.first else { return ("und", 0, "combined") }
        for entry in scores.dropFirst() where entry.1 > best.1 { best = entry }
        let fastTop = fastText.first.map { LanguageCode.base($0.language) }
        let cldTop = cld2.first.map { LanguageCode.base($0.language) }
        let detector: String
        switch (fastTop == best.0, cldTop == best.0) {
        case (true, false): detector = "fasttext"
        case (false, true): detector = "cld2"
        default: detector = "combined"
        }
        return (best.0, min(1, best.1), detector)
    }
}

/// What the writing system says, whatever the detectors say (the detectors confuse short Chinese and
/// Japanese, and fastText answers nonsense for two Han characters).
enum ScriptRules {
    /// (language, share of letters in the deciding script), or nil when the script decides nothing.
    /// With `detected` nil the rules ask only the letters; whenever that gives an answer, every
    /// detector answer gives the same one, so the detectors need not run.
    static func language(of text: DetectionText, detected: String?) -> (String, Double)? {
        let letters = Double(text.letterCount)
        let kana = text.count(.kana), han = text.count(.han), hangul = text.count(.hangul)
        let detectedBase = detected.map(LanguageCode.base)
        // A detector that answered Chinese, Japanese or nothing for East Asian letters is overruled
        // by them even when they are not the majority.
        let confusable = detectedBase == "zh" || detectedBase == "ja" || detected == "und"
        // Kana is written only in Japanese.
        if kana > 0, kana + han >= hangul, (kana + han) * 2 >= text.letterCount || confusable {
            return ("ja", Double(kana + han) / letters)
        }
        // Hangul is written only in Korean.
        if hangul > 0, hangul >= han + kana, hangul * 2 >= text.letterCount || confusable || detectedBase == "ko" {
            return ("ko", Double(hangul + han) / letters)
        }
        // Han without kana: Chinese. (Every Japanese text in dev.tsv has kana; a kanji-only
        // Japanese phrase is read as Chinese, a known limit.)
        if han > 0, kana == 0, han * 2 >= text.letterCount || confusable {
            return ("zh", Double(han) / letters)
        }
        return nil
    }
}
