import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct LanguageDetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "language-detect",
        abstract: "Find the language of every post, with a confidence, into post_languages.",
        discussion: """
            Each post's text is cleaned for detection only (URLs, @mentions, emoji, hashtag marks and \
            names such as 4o or GPT-4o removed; the stored text is unchanged), then read by CLD2 and \
            by fastText's lid.176 model. \
            Their answers are combined (0.75 x fastText probability + 0.25 x CLD2's share of the text, \
            tuned on shared/data/langid/dev.tsv) and corrected by the writing system: kana means \
            Japanese, Hangul Korean, Han without kana Chinese, split into zh-Hans / zh-Hant when the \
            characters tell. Below --min-confidence, or with no letters at all, the language is 'und' \
            and und_reason says why. The platform's own tag is kept beside the result.

            The fastText model is fetched once by `make model` (data/models/lid.176.ftz); nothing is \
            downloaded at run time. Without it, --detector cld2 still works.

            Examples:
              language-detect                       # data/study.sqlite
              language-detect --report              # languages, und, hints
              language-detect --detector cld2 --min-confidence 0.5
              language-detect --evaluate ../shared/data/langid/dev.tsv
              language-detect --evaluate ../shared/data/real-posts/dev.jsonl
              language-detect --evaluate data/sample/ground_truth.csv
              sqlite3 data/study.sqlite \\
                "SELECT language, count(*) FROM post_languages GROUP BY 1"
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Which detector decides: both combined, or one alone.")
    var detector = DetectorMode.combined

    @Option(name: .long, help: "Below this confidence (0..1) the language is 'und'. Default measured on dev.tsv.")
    var minConfidence = LanguageDetectOptions().minConfidence

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The fastText model file, made by `make model` "
                + "(default: $STUDY_FASTTEXT_MODEL, else data/models/lid.176.ftz).",
            valueName: "file"))
    var model: String?

    @OptionGroup var performance: WorkerOptions

    @Flag(
        name: .long,
        help: "Print counts per language, the share of 'und' and agreement with platform hints; detect nothing.")
    var report = false

    @Option(
        name: .long,
        help: """
            Print accuracy of cld2, fasttext and combined on a labelled file: .tsv (lang, kind, text), \
            .jsonl (text, lang), or a sample ground_truth.csv joined with --db's posts. Writes nothing.
            """
    )
    var evaluate: [String] = []

    func validate() throws {
        if !(0...1).contains(minConfidence) { throw ValidationError("--min-confidence must be between 0 and 1") }
    }

    var modelPath: String { FastTextModel.resolvePath(option: model) }

    func run() throws {
        if report {
            print(try LanguageReport.render(database.open(.readOnly)))
            return
        }
        if !evaluate.isEmpty {
            try runEvaluation()
            return
        }
        let options = LanguageDetectOptions(mode: detector, minConfidence: minConfidence)
        let identifier = try LanguageIdentifier(options: options, modelPath: modelPath)
        let summary = try LanguageDetectStage(
            database: database.open(.readWrite), identifier: identifier,
            workers: performance.workers
        ).run()
        print(
            String(
                format:
                    "language-detect: %d posts in %.2f s (%.0f posts/s), %d und; run %d. See: language-detect --report",
                summary.posts, summary.seconds, Double(summary.posts) / max(summary.seconds, 1e-9),
                summary.undetermined, summary.runID))
    }

    private func runEvaluation() throws {
        let fastText = try FastTextModel(path: modelPath)
        for path in evaluate {
            let texts: [LabeledText]
            if path.hasSuffix(".tsv") {
                texts = try LanguageEvaluation.loadTSV(path: path)
            } else if path.hasSuffix(".jsonl") {
                texts = try LanguageEvaluation.loadJSONL(path: path)
            } else {
                texts = try LanguageEvaluation.loadGroundTruth(path: path, database: database.open(.readOnly))
                if texts.isEmpty {
                    throw InputError(
                        file: path, line: nil,
                        reason: "no labelled post of this file is in \(database.db); ingest the sample first (make)")
                }
            }
            let tallies = [DetectorMode.cld2, .fasttext, .combined].map { mode in
                let options = LanguageDetectOptions(mode: mode, minConfidence: minConfidence)
                let identifier = LanguageIdentifier(options: options, fastText: mode == .cld2 ? nil : fastText)
                return (mode, LanguageEvaluation.evaluate(texts, identifier: identifier, workers: performance.workers))
            }
            print(
                LanguageEvaluation.render(
                    title: "\(path): \(texts.count) texts (accuracy: every text given its best guess)",
                    tallies: tallies, minConfidence: minConfidence))
            print("")
        }
    }
}
