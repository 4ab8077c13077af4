import Foundation
import XCTest

@testable import StudyKit

/// Tests of the `code` stage: codebook format and validation, the lexicon coder (negation, CJK,
/// gate, implications, evidence), the stage against real SQLite files, the supervised coder, and
/// the REFI-QDA / Markdown exports.
final class CodeTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    var tempDirectory: URL!

    override func setUpWithError() throws {
        tempDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("code-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tempDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tempDirectory)
    }

    /// A small codebook used by most tests; `extra` is appended to the categories list.
    func miniCodebook(_ extraCategories: String = "") throws -> Codebook {
        let yaml = """
            name: mini
            version: "0.1"
            languages: [en, zh, ja]
            gate: relevant
            implications:
              - companion implies attachment
            negation:
              en: {window: 3, before: [not, "don't", never]}
              zh: {window: 2, before: [不, 没]}
              ja: {window: 4, after: [じゃない, ない]}
            categories:
              - id: relevant
                theme: gate
                definition: About 4o.
                indicators:
                  any: [4o]
              - id: companion
                theme: relational
                label: {en: Companion, ja: 相棒・友達}
                definition: Treated as a friend.
                indicators:
                  en: [best friend, {phrase: "not a tool", negation: false, id: not_tool}]
                  zh: [朋友]
                  ja: [友達]
              - id: attachment
                theme: relational
                parent: companion
                definition: An emotional bond.
                indicators:
                  en: [i miss him, {phrase: tool, weight: 0.5}]
            \(extraCategories)
            """
        return try CodebookLoader.parse(yaml: yaml, path: "mini.yaml")
    }

    func decision(_ coder: LexiconCoder, _ text: String, _ language: String?, _ category: String) -> CategoryDecision {
        coder.code(text: TextNormalizer.nfkc(text), language: language).first { $0.category == category }!
    }

    // MARK: Codebook check

    func testEveryCodebookInTheRepositoryPassesItsOwnExamples() throws {
        let directory = Self.repoRoot.appendingPathComponent("codebooks")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        XCTAssertTrue(files.contains("keep4o.yaml"))
        for file in files {
            let codebook = try CodebookLoader.load(path: directory.appendingPathComponent(file).path)
            let result = CodebookCheck.run(codebook)
            XCTAssertGreaterThan(result.examples, 0, file)
            XCTAssertEqual(result.failures.map(\.description), [], file)
        }
    }

    func testKeep4oHasTheSchemeCategoriesAndExamplesInEnglishChineseJapanese() throws {
        let codebook = try CodebookLoader.load(path: Self.repoRoot.appendingPathComponent("codebooks/keep4o.yaml").path)
        XCTAssertEqual(
            codebook.categories.map(\.id),
            [
                "relevant", "more_than_tool", "companion", "relational_attachment",
                "instrumental_dependency", "grief", "choice_deprivation", "rights_protest",
                "gpt5_negative", "critique_of_attachment",
            ])
        XCTAssertEqual(codebook.gate, "relevant")
        XCTAssertEqual(codebook.lexiconCoderName, "lexicon:keep4o@1.1")
        for category in codebook.categories {
            XCTAssertEqual(category.definitions.map(\.language), ["en", "zh", "ja"], category.id)
            XCTAssertEqual(category.includes.map(\.language), ["en", "zh", "ja"], category.id)
            XCTAssertEqual(category.excludes.map(\.language), ["en", "zh", "ja"], category.id)
            let languages = Set((category.positiveExamples + category.negativeExamples).map(\.language))
            XCTAssertTrue(languages.isSuperset(of: ["en", "zh", "ja"]), "\(category.id) examples: \(languages)")
            XCTAssertFalse(category.negativeExamples.isEmpty, category.id)
            for language in ["en", "zh", "ja", "ko", "es", "fr", "de", "pt"] where category.id != "relevant" {
                XCTAssertTrue(
                    category.indicators.contains { $0.language == language },
                    "\(category.id) has no \(language) indicators")
            }
        }
    }

    func testCheckReportsAFailingExampleWithItsLine() throws {
        let codebook = try miniCodebook(
            """
              - id: grief
                definition: Mourning.
                examples:
                  positive:
                    - {lang: en, text: "4o is gone and I cried"}
                indicators:
                  en: [sobbing]
            """)
        let result = CodebookCheck.run(codebook)
        XCTAssertEqual(result.failures.count, 1)
        XCTAssertEqual(result.failures.first?.category, "grief")
        XCTAssertTrue(
            result.failures.first!.description.hasPrefix(
                "mini.yaml:35: category 'grief': positive example [en] coded absent"),
            result.failures.first!.description)
    }

    // MARK: Validation: one broken codebook per rule

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try CodebookLoader.parse(yaml: yaml, path: "codebooks/broken.yaml")
            return []
        } catch let error as CodebookError {
            return error.problems.map(\.description)
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    let header = """
        name: broken
        version: "1"
        languages: [en, ja]
        categories:

        """

    func testUnknownParentNamesFileLineAndParent() {
        let found = problems(
            header + """
                  - id: relevant
                    definition: About 4o.
                  - id: foo
                    parent: bar
                    definition: Something.
                """)
        XCTAssertEqual(found, ["codebooks/broken.yaml:7: category 'foo': parent 'bar' is not a category"])
    }

    func testParentCycle() {
        let found = problems(
            header + """
                  - id: a
                    parent: b
                    definition: A.
                  - id: b
                    parent: a
                    definition: B.
                """)
        XCTAssertEqual(
            found,
            [
                "codebooks/broken.yaml:5: category 'a': parents form a cycle",
                "codebooks/broken.yaml:8: category 'b': parents form a cycle",
            ])
    }

    func testDuplicateCategoryIDs() {
        let found = problems(
            header + """
                  - id: grief
                    definition: One.
                  - id: grief
                    definition: Two.
                """)
        XCTAssertEqual(found, ["codebooks/broken.yaml:7: category 'grief': duplicate id (first defined on line 5)"])
    }

    func testBadRegex() {
        let found = problems(
            header + """
                  - id: grief
                    definition: Mourning.
                    indicators:
                      en:
                        - {regex: "cr(y|ied", anchor: cr}
                """)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].hasPrefix("codebooks/broken.yaml:9: category 'grief': bad regex 'cr(y|ied'"), found[0])
    }

    func testRegexWithoutAnyLiteralNeedsAnAnchor() {
        let found = problems(
            header + """
                  - id: grief
                    definition: Mourning.
                    indicators:
                      en: [{regex: "(cry|sob)s?"}]
                """)
        XCTAssertEqual(
            found,
            [
                "codebooks/broken.yaml:8: category 'grief': regex '(cry|sob)s?' has no literal every match must "
                    + "contain; declare one with 'anchor:'"
            ])
    }

    func testEmptyDefinition() {
        let found = problems(
            header + """
                  - id: grief
                    definition: "  "
                """)
        XCTAssertEqual(found, ["codebooks/broken.yaml:6: category 'grief': definition is empty"])
    }

    func testDefinitionsPerLanguage() throws {
        XCTAssertEqual(
            problems(
                header + """
                      - id: grief
                        definition: {en: Mourning., ko: 애도}
                    """),
            [
                "codebooks/broken.yaml:6: category 'grief': definition in unsupported language 'ko' "
                    + "(codebook languages: en, ja)"
            ])
        XCTAssertEqual(
            problems(
                header + """
                      - id: grief
                        definition: {en: Mourning., ja: ""}
                    """), ["codebooks/broken.yaml:6: category 'grief': definition is empty"])
        let codebook = try CodebookLoader.parse(
            yaml: header + """
                  - id: grief
                    definition: {ja: 喪失を嘆く。, en: Mourning.}
                    include: {en: [crying], ja: [泣く]}
                """, path: "x.yaml")
        XCTAssertEqual(codebook.categories[0].definition, "喪失を嘆く。")
        XCTAssertEqual(codebook.categories[0].includes.map(\.rules), [["crying"], ["泣く"]])
        XCTAssertEqual(codebook.categories[0].definition("en"), "Mourning.")
        XCTAssertEqual(codebook.categories[0].include("ja"), ["泣く"])
        XCTAssertEqual(codebook.categories[0].exclude("ja"), [])
        let markdown = CodebookMarkdown.render(codebook)
        XCTAssertTrue(markdown.contains("[ja] 喪失を嘆く。\n\n[en] Mourning."), markdown)
    }

    func testExampleInUnsupportedLanguage() {
        let found = problems(
            header + """
                  - id: grief
                    definition: Mourning.
                    examples:
                      positive:
                        - {lang: ko, text: "눈물이 나요"}
                """)
        XCTAssertEqual(
            found,
            [
                "codebooks/broken.yaml:9: category 'grief': example in unsupported language 'ko' "
                    + "(codebook languages: en, ja)"
            ])
    }

    func testIndicatorsInUnsupportedLanguageUnknownKeysGateAndImplications() {
        let found = problems(
            """
            name: broken
            version: "1"
            languages: [en]
            gate: relevnt
            implications: [companion implies attachment]
            categories:
              - id: grief
                definitoin: typo
                definition: Mourning.
                indicators:
                  fr: [larmes]
                  en: [{phrase: cry, weight: 0}]
            """)
        XCTAssertEqual(
            found,
            [
                "codebooks/broken.yaml:4: gate: 'relevnt' is not a category",
                "codebooks/broken.yaml:5: implication: 'companion' is not a category",
                "codebooks/broken.yaml:5: implication: 'attachment' is not a category",
                "codebooks/broken.yaml:8: category: unknown key 'definitoin' (allowed: definition, examples, exclude, "
                    + "id, ignore_within, include, indicators, label, parent, theme, threshold)",
                "codebooks/broken.yaml:11: category 'grief': indicators in unsupported language 'fr' "
                    + "(codebook languages: en, or 'any')",
                "codebooks/broken.yaml:12: category 'grief': indicator weight must be above 0",
            ])
    }

    func testYAMLSyntaxErrorHasALine() {
        let found = problems(
            header + """
                  - id: grief
                    definition: [unclosed
                """)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(
            found[0].hasPrefix("codebooks/broken.yaml:8: YAML syntax:")
                || found[0].hasPrefix("codebooks/broken.yaml:7: YAML syntax:"), found[0])
    }

    func testMissingTopLevelFields() {
        let found = problems("description: nothing else\n")
        XCTAssertEqual(found.count, 4, "\(found)")
        XCTAssertTrue(found.allSatisfy { $0.hasPrefix("codebooks/broken.yaml:1: codebook:") }, "\(found)")
    }

    func testAnchorDerivation() {
        XCTAssertEqual(CodebookLoader.deriveAnchor(regex: "never just (a |an )?(tool|app)"), "never just")
        XCTAssertEqual(CodebookLoader.deriveAnchor(regex: "gpt-?5 is cold"), "5 is cold")
        XCTAssertNil(CodebookLoader.deriveAnchor(regex: "cold|robotic"))
        XCTAssertNil(CodebookLoader.deriveAnchor(regex: "(cold|robotic)s?"))
        XCTAssertEqual(CodebookLoader.deriveAnchor(regex: "[0-9]+ words"), "words")
        XCTAssertEqual(CodebookLoader.deriveAnchor(regex: "还我.{0,3}4o"), "还我")
    }

    // MARK: Lexicon coder

    func testEnglishNegationBeforeWithinWindowAndClause() throws {
        let coder = LexiconCoder(codebook: try miniCodebook())
        XCTAssertTrue(decision(coder, "4o was my best friend", "en", "companion").value)
        XCTAssertFalse(decision(coder, "4o was not my best friend", "en", "companion").value)
        XCTAssertFalse(decision(coder, "4o? It was never my best friend", "en", "companion").value)
        // The cue is 4 tokens away: outside the window of 3.
        XCTAssertTrue(decision(coder, "not that 4o was really my best friend", "en", "companion").value)
        // A clause break stops the window.
        XCTAssertTrue(decision(coder, "I was not ready. 4o, my best friend", "en", "companion").value)
        // Negated hits stay in the evidence, marked.
        let negated = decision(coder, "4o is not my best friend", "en", "companion")
        XCTAssertEqual(
            negated.evidence,
            #"[{"indicator":"companion.en.best_friend","start":13,"end":24,"text":"best friend","negated":true}]"#)
        // Typographic apostrophes count as the cue.
        XCTAssertFalse(decision(coder, "4o, I don’t have a best friend", "en", "companion").value)
        // An indicator can opt out: "not a tool" contains its own negation.
        XCTAssertTrue(decision(coder, "4o is not a tool", "en", "companion").value)
    }

    func testNegationAfterForJapaneseAndBeforeForChinese() throws {
        let coder = LexiconCoder(codebook: try miniCodebook())
        XCTAssertTrue(decision(coder, "4oは友達だった", "ja", "companion").value)
        XCTAssertFalse(decision(coder, "4oは友達じゃない", "ja", "companion").value)
        // The after-cue more than 4 characters away does not cancel.
        XCTAssertTrue(
            decision(coder, "4oは友達で、いつもそばにいない日はなかった", "ja", "companion").value)
        XCTAssertTrue(decision(coder, "4o是我的朋友", "zh", "companion").value)
        XCTAssertFalse(decision(coder, "4o不是朋友", "zh", "companion").value)
        // Japanese cues do not apply to a Chinese indicator: direction and cues are per language.
        XCTAssertTrue(decision(coder, "4o朋友ない", "zh", "companion").value)
    }

    func testCJKMatchesWithoutWordBoundariesLatinNeedsThem() throws {
        let coder = LexiconCoder(codebook: try miniCodebook())
        // Inside a run of Han characters, with no spaces.
        XCTAssertTrue(decision(coder, "我最好的朋友们都在4o里", "zh", "companion").value)
        // `4o` glued to Han characters still matches; glued to Latin letters it does not.
        XCTAssertTrue(decision(coder, "还我4o老公", "zh", "relevant").value)
        XCTAssertFalse(decision(coder, "keep4o", "en", "relevant").value)
        XCTAssertTrue(decision(coder, "gpt-4o!", "en", "relevant").value)
        // "best friends" and "bestfriend" are not "best friend".
        XCTAssertFalse(decision(coder, "4o bestfriend", "en", "companion").value)
        XCTAssertFalse(decision(coder, "4o best friends", "en", "companion").value)
        // Full-width letters are folded by NFKC, case by the automaton.
        XCTAssertTrue(decision(coder, "ＢＥＳＴ Friend ４o", "en", "companion").value)
        // Offsets are in Unicode scalars: two emoji (astral) count two, not four.
        let withEmoji = decision(coder, "😭😭 best friend 4o", "en", "companion")
        XCTAssertEqual(
            withEmoji.evidence, #"[{"indicator":"companion.en.best_friend","start":3,"end":14,"text":"best friend"}]"#)
    }

    func testIndicatorSetFollowsTheDetectedLanguageWithFallbackToAll() throws {
        let coder = LexiconCoder(codebook: try miniCodebook())
        // A Chinese indicator is not used for a post detected as Japanese…
        XCTAssertFalse(decision(coder, "4o朋友", "ja", "companion").value)
        // …but is for zh-Hans (primary subtag), und, unknown, or a language the codebook lacks.
        XCTAssertTrue(decision(coder, "4o朋友", "zh-Hans", "companion").value)
        XCTAssertTrue(decision(coder, "4o朋友", "und", "companion").value)
        XCTAssertTrue(decision(coder, "4o朋友", nil, "companion").value)
        XCTAssertTrue(decision(coder, "4o朋友", "ko", "companion").value)
        // `any` indicators apply to every language.
        XCTAssertTrue(decision(coder, "4o", "ja", "relevant").value)
    }

    func testGateAndImplications() throws {
        let coder = LexiconCoder(codebook: try miniCodebook())
        let codes = coder.code(text: "4o was my best friend", language: "en")
        XCTAssertEqual(codes.map(\.value), [true, true, true])
        let implied = codes[2]
        XCTAssertEqual(implied.evidence, #"[{"rule":"implied_by","category":"companion"}]"#)
        XCTAssertEqual(implied.confidence, codes[1].confidence)
        // Without the gate category nothing else is present, and the evidence says why.
        let gated = coder.code(text: "my best friend", language: "en")
        XCTAssertEqual(gated.map(\.value), [false, false, false])
        XCTAssertEqual(gated[1].confidence, 0)
        XCTAssertEqual(
            gated[1].evidence,
            #"[{"rule":"gate","category":"relevant"},"#
                + #"{"indicator":"companion.en.best_friend","start":3,"end":14,"text":"best friend"}]"#
        )
        XCTAssertEqual(
            gated[2].evidence, #"[{"rule":"gate","category":"relevant"},{"rule":"implied_by","category":"companion"}]"#)
    }

    func testHashtagsAloneDoNotCountMentionsAndLinksNever() throws {
        let yaml = try miniCodebook().source.replacingOccurrences(
            of: "gate: relevant", with: "gate: relevant\nignore: [hashtags, mentions, urls]")
        let coder = LexiconCoder(codebook: try CodebookLoader.parse(yaml: yaml, path: "mini.yaml"))
        // The hashtag alone: not relevant.
        XCTAssertEqual(coder.code(text: "what a day #4o", language: "en").map(\.value), [false, false, false])
        // The hashtag plus a category in the post's own words: relevant, and the evidence says how.
        let both = coder.code(text: "my best friend #4o", language: "en")
        XCTAssertEqual(both.map(\.value), [true, true, true])
        XCTAssertEqual(
            both[0].evidence, #"[{"indicator":"relevant.any.4o","start":16,"end":18,"text":"4o","hashtag":true}]"#)
        // A category never comes from a hashtag; mentions and links are ignored altogether.
        XCTAssertFalse(decision(coder, "4o #best friend", "en", "companion").value)
        XCTAssertFalse(decision(coder, "4o @best friend", "en", "companion").value)
        XCTAssertFalse(decision(coder, "gpt https://example.com/4o", "en", "relevant").value)
        XCTAssertTrue(decision(coder, "4o https://example.com/x", "en", "relevant").value)
        XCTAssertEqual(
            problems(
                header.replacingOccurrences(of: "categories:", with: "ignore: [emoji]\ncategories:") + """
                      - id: grief
                        definition: Mourning.
                    """), ["codebooks/broken.yaml:4: ignore: 'emoji' is not one of hashtags, mentions, urls"])
    }

    func testWeightsThresholdAndConfidence() throws {
        let coder = LexiconCoder(codebook: try miniCodebook())
        // One weak (0.5) indicator is below the threshold of 1; repeating it does not add up.
        XCTAssertFalse(decision(coder, "4o tool tool tool", "en", "attachment").value)
        let strong = decision(coder, "4o: i miss him, my tool", "en", "attachment")
        XCTAssertTrue(strong.value)
        XCTAssertEqual(strong.confidence, ((1 - exp(-1.5)) * 1e6).rounded() / 1e6, accuracy: 1e-9)
    }

    func testRegexIndicatorsRunOnAnchorAndReportScalarOffsets() throws {
        let codebook = try miniCodebook(
            """
              - id: gpt5_negative
                definition: GPT-5 described negatively.
                indicators:
                  en: [{regex: "gpt-?5 (is|feels) (so )?(cold|flat)", id: cold}]
            """)
        let coder = LexiconCoder(codebook: codebook)
        XCTAssertEqual(codebook.category("gpt5_negative")!.indicators[0].anchor, "gpt")
        let hit = decision(coder, "💔 4o vs GPT5 feels so cold", "en", "gpt5_negative")
        XCTAssertTrue(hit.value)
        XCTAssertEqual(
            hit.evidence, #"[{"indicator":"gpt5_negative.en.cold","start":8,"end":26,"text":"GPT5 feels so cold"}]"#)
        XCTAssertFalse(decision(coder, "4o vs gpt-5 is fine", "en", "gpt5_negative").value)
    }

    func testAutomatonFindsOverlappingPatterns() {
        let automaton = LiteralAutomaton(patterns: ["he", "she", "hers", "his", "朋友", "好朋友"])
        var found: [String] = []
        let text = LexiconText.scalars("ushers 好朋友")
        text.withUnsafeBufferPointer { buffer in
            automaton.scan(buffer) { pattern, end in found.append("\(pattern)@\(end)") }
        }
        XCTAssertEqual(found, ["1@4", "0@4", "2@6", "5@10", "4@10"])
    }

    // MARK: The stage on a real database

    func makeDatabase(posts: [(String, String?)]) throws -> Database {
        let db = try Database(path: tempDirectory.appendingPathComponent("study.sqlite").path)
        try db.run(
            "INSERT INTO runs(stage, tool_version, parameters, started_at, status) "
                + "VALUES ('ingest', 'test', '{}', '2025-08-08T00:00:00Z', 'completed')"
        )
        try db.run(
            """
            INSERT INTO source_files(path, fingerprint, size_bytes, format, run_id, records_read, records_stored,
                                     duplicate_ids, records_rejected)
            VALUES ('t.jsonl', 'f', 1, 'x-v2-json', 1, 0, 0, 0, 0)
            """)
        for (i, post) in posts.enumerated() {
            try db.run(
                """
                INSERT INTO posts(post_id, platform, external_id, created_at, created_unix, text, lang_hint,
                                  source_file_id, source_line)
                VALUES (?, 'x', ?, '2025-08-08T00:00:00Z', 1754611200, ?, ?, 1, ?)
                """, [.int(Int64(i + 1)), .text("id\(i + 1)"), .text(post.0), .from(post.1), .int(Int64(i + 1))])
        }
        return db
    }

    func testStageCodesAllPostsWithNotesWhenDedupeAndLanguageDetectHaveNotRun() throws {
        let db = try makeDatabase(posts: [("4o was my best friend", "en"), ("4o朋友", "ja"), ("nothing here", nil)])
        let codebook = try miniCodebook()
        let summary = try CodeStage(database: db).runLexicon(codebook: codebook, options: CodeOptions())
        XCTAssertEqual(summary.postsCoded, 3)
        XCTAssertEqual(summary.rowsWritten, 9)
        XCTAssertEqual(summary.notes.count, 2)
        XCTAssertEqual(
            // language unknown: 朋友 counts for post 2
            try db.scalarInt("SELECT count(*) FROM codings WHERE coder = 'lexicon:mini@0.1' AND value = 1"), 6)
        let run = try db.query("SELECT status, message, parameters, rows_in, rows_out FROM runs WHERE stage = 'code'")
            .first!
        XCTAssertEqual(run.text(0), "completed")
        XCTAssertTrue(run.text(1)!.contains("dedupe has not run"))
        XCTAssertTrue(run.text(1)!.contains("language unknown, all indicator sets used"))
        XCTAssertTrue(run.text(2)!.contains(#""primary_coder":"lexicon:mini@0.1""#))
        XCTAssertEqual(run.int(3), 3)
        XCTAssertEqual(run.int(4), 9)
        XCTAssertEqual(try StudySettings.value(db, "primary_coder"), "lexicon:mini@0.1")
        XCTAssertEqual(try db.scalarText("SELECT fingerprint FROM codebooks"), codebook.fingerprint)
        let row = try db.query("SELECT evidence, confidence FROM codings WHERE post_id = 1 AND category = 'companion'")
            .first!
        XCTAssertEqual(
            row.text(0), #"[{"indicator":"companion.en.best_friend","start":10,"end":21,"text":"best friend"}]"#)
        XCTAssertEqual(row.double(1)!, 0.632121, accuracy: 1e-6)
    }

    func testStageCodesCanonicalPostsOnlyAndUsesDetectedLanguages() throws {
        let db = try makeDatabase(posts: [("4o朋友", nil), ("4o朋友", nil), ("4o朋友", nil)])
        // The output of dedupe and language-detect, in their tables.
        try db.execute(
            """
            INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) VALUES
              (7, 'dedupe', 'test', '{}', 'now', 'completed'), (8, 'language-detect', 'test', '{}', 'now', 'completed');
            INSERT INTO post_clusters(post_id, cluster_id, kind, canonical_post_id, similarity, run_id)
              VALUES (1, 1, 'unique', 1, 1.0, 7), (2, 1, 'exact', 1, 1.0, 7), (3, 3, 'unique', 3, 1.0, 7);
            INSERT INTO post_languages(post_id, language, confidence, detector, script, guess, text_chars, run_id)
              VALUES (1, 'zh-Hans', 0.9, 'cld2', 'Hani', 'zh-Hans', 4, 8),
                     (2, 'zh-Hans', 0.9, 'cld2', 'Hani', 'zh-Hans', 4, 8),
                     (3, 'ja', 0.6, 'cld2', 'Hani', 'ja', 4, 8);
            """)
        let stage = CodeStage(database: db)
        let codebook = try miniCodebook()
        let summary = try stage.runLexicon(codebook: codebook, options: CodeOptions())
        XCTAssertEqual(summary.notes, [])
        // Post 2 is an exact copy of post 1: it is not coded but inherits post 1's codings.
        XCTAssertEqual(try db.scalarInt("SELECT count(DISTINCT post_id) FROM codings"), 3)
        XCTAssertEqual(
            try db.scalarText("SELECT DISTINCT evidence FROM codings WHERE post_id = 2"),
            #"[{"rule":"inherited","from":1}]"#)
        XCTAssertEqual(try db.scalarInt("SELECT value FROM codings WHERE post_id = 2 AND category = 'companion'"), 1)
        XCTAssertEqual(summary.postsCoded, 2)
        // Post 1 (Chinese) gets the Chinese indicator; post 3 (Japanese) does not.
        XCTAssertEqual(try db.scalarInt("SELECT value FROM codings WHERE post_id = 1 AND category = 'companion'"), 1)
        XCTAssertEqual(try db.scalarInt("SELECT value FROM codings WHERE post_id = 3 AND category = 'companion'"), 0)
        // --all codes the duplicate too; a re-run replaces the coder's rows instead of adding to them.
        var options = CodeOptions()
        options.allPosts = true
        options.primaryCoder = "adjudicated"
        _ = try stage.runLexicon(codebook: codebook, options: options)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM codings"), 9)
        XCTAssertEqual(try StudySettings.value(db, "primary_coder"), "adjudicated")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM codebooks"), 1)
    }

    func testCodingIsDeterministicWhateverTheThreadCount() throws {
        let texts = (0..<3000).map { i in
            [
                "4o was my best friend 😭", "4o不是朋友", "4oは友達じゃない", "i miss him, 4o",
                "random \(i)", "💔 GPT5 feels so cold, 4o",
            ][i % 6] + " #\(i)"
        }
        // With a regex indicator too: NSRegularExpression objects are shared by the threads.
        let codebook = try miniCodebook(
            """
              - id: gpt5_negative
                definition: GPT-5 described negatively.
                indicators:
                  en: [{regex: "gpt-?5 (is|feels) (so )?(cold|flat)", id: cold}]
            """)
        let coder = LexiconCoder(codebook: codebook)
        let posts = texts.enumerated().map { CodeStage.Post(id: Int64($0.offset), text: $0.element, language: nil) }
        let one = CodeStage.codeAll(posts, workers: 1) { coder.code(text: $0.text, language: $0.language) }
        let two = CodeStage.codeAll(posts, workers: 4) { coder.code(text: $0.text, language: $0.language) }
        XCTAssertEqual(one, two)
        XCTAssertEqual(one.filter { $0[3].value }.count, 500)
    }

    func testReportCountsPrevalenceAndTopIndicators() throws {
        let db = try makeDatabase(posts: [
            ("4o was my best friend", "en"), ("4o, best friend!", "en"), ("4o 朋友", "zh"),
            ("4o is not my best friend", "en"),
        ])
        let codebook = try miniCodebook()
        _ = try CodeStage(database: db).runLexicon(codebook: codebook, options: CodeOptions())
        let lines = try CodeReport.lines(db, coder: codebook.lexiconCoderName, codebook: codebook)
        let companion = lines.first { $0.category == "companion" }!
        XCTAssertEqual(companion.present, 3)
        XCTAssertEqual(companion.coded, 4)
        XCTAssertEqual(companion.topIndicators.map(\.0), ["companion.en.best_friend", "companion.zh.朋友"])
        XCTAssertEqual(companion.topIndicators.map(\.1), [2, 1])
        XCTAssertEqual(companion.negatedHits, 1)
        XCTAssertTrue(CodeReport.render(lines, coder: codebook.lexiconCoderName).contains("75.0%"))
    }

    // MARK: Supervised coder

    func testSupervisedTrainsFromCodingsRowsAndCodesTheDatabase() throws {
        let planted = SupervisedTests.plantedPosts(150, seed: 5)
        let db = try makeDatabase(posts: planted.map { ($0.text, nil) })
        let codebook = try CodebookLoader.parse(yaml: SupervisedTests.plantedYAML, path: "planted.yaml")
        for (i, post) in planted.enumerated() {
            for (category, value) in post.labels {
                try db.run(
                    "INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id) "
                        + "VALUES (?, ?, ?, 'adjudicated', NULL, NULL, NULL)",
                    [.int(Int64(i + 1)), .text(category), .int(value ? 1 : 0)])
            }
        }
        let loaded = try SupervisedTrainer.labelledPosts(db, coder: "adjudicated", codebook: codebook)
        XCTAssertEqual(loaded.count, planted.count)
        XCTAssertEqual(loaded[3].labels, planted[3].labels)
        XCTAssertEqual(
            SupervisedTrainer.labelsFingerprint(loaded),
            SupervisedTrainer.labelsFingerprint(
                planted.enumerated().map { i, p in
                    var q = p
                    q.key = "x:id\(i + 1)"
                    return q
                }))
        let builder = FeatureBuilder(kind: .charNGrams, codebook: codebook)
        let model = try SupervisedTrainer.train(
            loaded, vectors: [:], builder: builder, codebook: codebook,
            labelSource: "adjudicated", embedding: nil, settings: SupervisedSettings())
        let summary = try CodeStage(database: db).runSupervised(
            model: model, codebook: codebook, options: CodeOptions(),
            space: nil, vectors: [:])
        XCTAssertEqual(summary.coder, model.coderName)
        // The first coding run sets the primary coder; later runs keep it unless told otherwise.
        XCTAssertEqual(try StudySettings.value(db, "primary_coder"), model.coderName)
        _ = try CodeStage(database: db).runLexicon(codebook: codebook, options: CodeOptions())
        XCTAssertEqual(try StudySettings.value(db, "primary_coder"), model.coderName)
        let parameters = try db.scalarText("SELECT parameters FROM runs WHERE stage = 'code' ORDER BY run_id LIMIT 1")!
        XCTAssertTrue(parameters.contains(#""model_hash":"\#(model.hash)""#), parameters)
        XCTAssertTrue(parameters.contains(#""labels_fingerprint":"\#(model.labelsFingerprint)""#), parameters)
        // Human/adjudicated rows are untouched by the automatic coder's run.
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM codings WHERE coder = 'adjudicated'"), planted.count * 4)
        let agreement = try db.scalarInt(
            """
            SELECT count(*) FROM codings a JOIN codings s ON s.post_id = a.post_id AND s.category = a.category
            WHERE a.coder = 'adjudicated' AND s.coder = ? AND a.category = 'grief' AND a.value = s.value
            """, [.text(model.coderName)])!
        XCTAssertGreaterThan(Double(agreement) / Double(planted.count), 0.9, "in-sample agreement on a planted signal")
    }

    // MARK: Exports

    func testQDCExportImportRoundTripWithNonASCIINames() throws {
        let codebook = try CodebookLoader.parse(
            yaml: """
                name: jp
                version: "2"
                languages: [ja, en]
                categories:
                  - id: companion
                    theme: 関係性
                    label: {ja: "相棒・友達 <親友> & “家族”", en: Companion}
                    definition: "AIを友達・恋人・家族として扱う。"
                    include: [相棒, 親友]
                    exclude: [アシスタント]
                  - id: nickname
                    parent: companion
                    theme: 関係性
                    label: {ja: 愛称で呼ぶ}
                    definition: 個人的な名前で呼ぶ。
                  - id: grief
                    label: {ja: 悲嘆}
                    definition: 喪失を嘆く。
                """, path: "jp.yaml")
        let xml = QDCExchange.export(codebook)
        XCTAssertTrue(xml.contains(#"<CodeBook xmlns="urn:QDA-XML:codebook:1.0""#))
        XCTAssertTrue(xml.contains(#"name="相棒・友達 &lt;親友&gt; &amp; “家族”""#))
        XCTAssertEqual(xml, QDCExchange.export(codebook), "exports are byte-identical")
        let codes = try QDCExchange.parse(Data(xml.utf8), path: "jp.qdc")
        XCTAssertEqual(codes.map(\.name), ["関係性", "悲嘆"])
        XCTAssertEqual(codes[0].isCodable, false)
        XCTAssertEqual(codes[0].children.map(\.name), ["相棒・友達 <親友> & “家族”"])
        XCTAssertEqual(codes[0].children[0].children.map(\.name), ["愛称で呼ぶ"])
        XCTAssertTrue(
            codes[0].children[0].guid.range(
                of: "^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$", options: .regularExpression
            ) != nil)

        let yaml = QDCExchange.yamlSkeleton(codes, name: "jp", version: "2", language: "ja")
        let back = try CodebookLoader.parse(yaml: yaml, path: "roundtrip.yaml")
        XCTAssertEqual(back.categories.map(\.id), ["companion", "nickname", "grief"])
        XCTAssertEqual(
            back.categories.map(\.primaryLabel),
            ["相棒・友達 <親友> & “家族”", "愛称で呼ぶ", "悲嘆"])
        XCTAssertEqual(back.categories.map(\.parent), [nil, "companion", nil])
        XCTAssertEqual(back.categories.map(\.theme), ["関係性", "関係性", nil])
        XCTAssertEqual(back.categories[0].definition, "AIを友達・恋人・家族として扱う。")
        XCTAssertEqual(back.categories[0].include, ["相棒", "親友"])
        XCTAssertEqual(back.categories[0].exclude, ["アシスタント"])
    }

    func testQDCImportOfForeignCodesWithoutIDsAndBrokenXML() throws {
        let foreign = """
            <?xml version="1.0" encoding="utf-8"?>
            <CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
              <Code guid="A1" name="Trauer" isCodable="true"><Description>Verlust</Description></Code>
              <Code guid="A2" name="悲嘆" isCodable="true"/>
            </Codes></CodeBook>
            """
        let codes = try QDCExchange.parse(Data(foreign.utf8), path: "f.qdc")
        let back = try CodebookLoader.parse(
            yaml: QDCExchange.yamlSkeleton(codes, name: "f", version: "1", language: "de"), path: "f.yaml")
        XCTAssertEqual(back.categories.map(\.id), ["trauer", "code_"])
        XCTAssertEqual(back.categories[1].primaryLabel, "悲嘆")
        XCTAssertThrowsError(try QDCExchange.parse(Data("<CodeBook><Codes><Code".utf8), path: "bad.qdc")) { error in
            XCTAssertTrue(String(describing: error).hasPrefix("bad.qdc:1: "), String(describing: error))
        }
        // Hand-edited files broken after a complete code: Foundation's parser on Linux can report
        // success for these; every one must still be refused with its line.
        let broken = [
            "<CodeBook><Codes>\n<Code guid=\"a\" name=\"x\" isCodable=\"true\"/>\n</Codex></CodeBook>",
            "<CodeBook><Codes>\n<Code guid=\"a\" name=\"x\" isCodable=\"true\"/>\n"
                + "<Code guid=b name=\"y\"/></Codes></CodeBook>",
            "<CodeBook><Codes>\n<Code guid=\"a\" name=\"x\" isCodable=\"true\"/>\n</Codes></CodeBook>\n<CodeBook>",
        ]
        for xml in broken {
            XCTAssertThrowsError(try QDCExchange.parse(Data(xml.utf8), path: "edited.qdc"), xml) { error in
                XCTAssertTrue(String(describing: error).hasPrefix("edited.qdc:"), String(describing: error))
            }
        }
    }

    func testKeep4oExportsToQDCAndMarkdown() throws {
        let codebook = try CodebookLoader.load(path: Self.repoRoot.appendingPathComponent("codebooks/keep4o.yaml").path)
        let codes = try QDCExchange.parse(Data(QDCExchange.export(codebook).utf8), path: "keep4o.qdc")
        let back = try CodebookLoader.parse(
            yaml: QDCExchange.yamlSkeleton(codes, name: "keep4o", version: "1.0", language: "en"), path: "k.yaml")
        XCTAssertEqual(back.categories.map(\.id), codebook.categories.map(\.id))
        let markdown = CodebookMarkdown.render(codebook)
        XCTAssertTrue(markdown.hasPrefix("# Codebook `keep4o` version 1.1"))
        for category in codebook.categories { XCTAssertTrue(markdown.contains("(`\(category.id)`)"), category.id) }
        XCTAssertTrue(markdown.contains("`companion` implies `relational_attachment`."))
    }
}
