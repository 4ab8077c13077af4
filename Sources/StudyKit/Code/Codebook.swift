import Foundation

/// A versioned codebook: the categories a post is coded for, with the rules and examples that
/// define them and the per-language indicators the lexicon coder matches. Researchers write it as
/// YAML (`codebooks/*.yaml`, see `CodebookLoader`); everything here is plain data.
public struct Codebook: Sendable {
    public var name: String
    public var version: String
    public var description: String
    /// Languages the codebook is written for (BCP-47 primary tags such as `en`, `zh`, `ja`), in order.
    public var languages: [String]
    public var categories: [CodebookCategory]
    /// The gate category: when it is absent, every other category is absent too.
    public var gate: String?
    public var implications: [Implication]
    /// Negation cues per language (`any` is not allowed here: cues are language-specific).
    public var negation: [String: NegationRule]
    /// Parts of a post whose matches do not count (the scheme codes the post's own words, not its
    /// hashtags, mentions or links): any of `hashtags`, `mentions`, `urls`.
    public var ignore: Set<IgnoredSpan> = []
    /// Matches in quotation marks or after a reporting cue ("their companion", "so-called") count
    /// for less: the words are someone else's. Nil: every match counts fully.
    public var reportedSpeech: ReportedSpeech?
    /// A reply whose own words are on the theme is relevant (the gate) when its thread is: the
    /// codebook's `thread_context: true`. Off by default.
    public var threadContext = false
    /// The YAML source and its SHA-256, stored with every run.
    public var source: String
    public var fingerprint: String
    public var path: String

    /// The name codings carry, e.g. `lexicon:keep4o@1.0`.
    public var lexiconCoderName: String { "lexicon:\(name)@\(version)" }

    public func category(_ id: String) -> CodebookCategory? { categories.first { $0.id == id } }

    /// Themes in first-seen order (the grouping used by exports).
    public var themes: [String] {
        var seen: [String] = []
        for category in categories { if let theme = category.theme, !seen.contains(theme) { seen.append(theme) } }
        return seen
    }
}

public enum IgnoredSpan: String, Sendable, CaseIterable {
    case hashtags, mentions, urls
}

/// The pseudo-language of indicators that apply to posts in every language (`4o`, `#keep4o`).
public let anyLanguage = "any"

public struct CodebookCategory: Sendable {
    public var id: String
    /// Label per language, in the codebook's language order.
    public var labels: [(language: String, label: String)]
    public var theme: String?
    public var parent: String?
    /// Definition and rules per language (written once, they belong to the first language).
    public var definitions: [(language: String, text: String)]
    public var includes: [(language: String, rules: [String])]
    public var excludes: [(language: String, rules: [String])]
    /// The definition and rules in the first language that has them.
    public var definition: String { definitions.first?.text ?? "" }
    public var include: [String] { includes.first?.rules ?? [] }
    public var exclude: [String] { excludes.first?.rules ?? [] }
    /// Sum of the weights of distinct matched indicators needed to code the category present.
    public var threshold: Double
    public var positiveExamples: [CodebookExample]
    public var negativeExamples: [CodebookExample]
    public var indicators: [Indicator]
    /// Phrases inside which this category's indicators do not count ("cold" in "cold turkey",
    /// "companion" in "AI companion apps"), per language (`any` = every language).
    public var ignoreWithin: [(language: String, phrases: [String])] = []
    public var line: Int

    public func label(_ language: String) -> String? { labels.first { $0.language == language }?.label }
    /// The definition and rules in `language`, else in the first language that has them
    /// (what an annotation screen in that language shows).
    public func definition(_ language: String) -> String {
        definitions.first { $0.language == language }?.text ?? definition
    }
    public func include(_ language: String) -> [String] { includes.first { $0.language == language }?.rules ?? include }
    public func exclude(_ language: String) -> [String] { excludes.first { $0.language == language }?.rules ?? exclude }
    /// The label in the first language that has one, else the id.
    public var primaryLabel: String { labels.first?.label ?? id }
}

public struct CodebookExample: Sendable {
    public var text: String
    public var language: String
    public var line: Int
}

/// One indicator: a literal phrase, or a regular expression guarded by a literal anchor.
public struct Indicator: Sendable {
    /// Full id: `<category>.<language>.<local id>`, e.g. `companion.en.best_friend`.
    public var id: String
    public var category: String
    public var language: String
    public var phrase: String?
    public var regex: String?
    /// The literal whose presence lets the regex run (declared, or derived from the regex).
    public var anchor: String?
    public var weight: Double
    /// When false, negation cues near the match do not cancel it.
    public var negatable: Bool
    public var line: Int
}

public struct Implication: Sendable {
    public var from: String
    public var to: String
}

/// Negation cues of one language. A cue among the `window` tokens before the match (or, for
/// `after` cues, the `window` characters after it, as in Japanese `友達じゃない`) cancels the match.
public struct NegationRule: Sendable {
    public enum Unit: String, Sendable { case tokens, characters }
    public var before: [String]
    public var after: [String]
    public var window: Int
    public var unit: Unit
    /// Verbs that take the negation when they stand between the cue and the match: in "don't
    /// kill my friend" or "can't lose my best friend" the verb is negated, not the friend.
    public var verbsTakingNegation: [String] = []
    /// Verbs after which a cue reaches to the end of the clause: "never used it as a friend".
    public var longScopeAfter: [String] = []

    public init(
        before: [String], after: [String], window: Int, unit: Unit,
        verbsTakingNegation: [String] = [], longScopeAfter: [String] = []
    ) {
        self.before = before
        self.after = after
        self.window = window
        self.unit = unit
        self.verbsTakingNegation = verbsTakingNegation
        self.longScopeAfter = longScopeAfter
    }
}

/// Someone else's words: a match inside quotation marks (“…”, "…", «…», 「…」, 『…』, „…“)
/// or a Markdown quote line (`> …`), or with a reporting cue in its window ("their companion",
/// "so-called friend"; cues per language, in the same window shape as negation), counts `weight`
/// times its own weight. The gate category is exempt: quoting someone about 4o is still about 4o.
public struct ReportedSpeech: Sendable {
    public var weight: Double
    public var quotationMarks: Bool
    public var cues: [String: NegationRule]
}

/// One problem in a codebook file, with the line it is on.
public struct CodebookProblem: Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A codebook that failed to load: every problem found, one per line.
public struct CodebookError: UserFacingError {
    public let problems: [CodebookProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
