import Foundation
import XCTest

@testable import StudyKit

/// language-detect: real CLD2, real fastText (data/models/lid.176.ftz from `make model`), real SQLite.
final class LanguageDetectTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    nonisolated(unsafe) static var sharedModel: FastTextModel?

    func model() throws -> FastTextModel {
        if let model = Self.sharedModel { return model }
        let path = Self.repositoryRoot.appendingPathComponent(FastTextModel.defaultPath).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(
                file: path, line: nil, reason: "fastText model missing: run `make model` (make test does it first)")
        }
        let model = try FastTextModel(path: path)
        Self.sharedModel = model
        return model
    }

    func identifier(_ mode: DetectorMode = .combined) throws -> LanguageIdentifier {
        LanguageIdentifier(options: LanguageDetectOptions(mode: mode), fastText: mode == .cld2 ? nil : try model())
    }

    // MARK: Cleaning

    func testCleaningRemovesURLsMentionsEmojiAndHashtagMarks() {
        let text = DetectionText(
            "@OpenAI bring back 4o!!!!!! 😭😭 https://t.co/abc123 #keep4o u/someone &amp; "
                + "r/ChatGPT www.example.com")
        XCTAssertEqual(text.text, "bring back ! &")
        XCTAssertEqual(text.count(.latin), 9)
    }

    func testCleaningMakesTypographicPunctuationASCII() throws {
        XCTAssertEqual(DetectionText("I don’t know — “really”…").text, #"I don't know - "really"."#)
        // fastText alone reads the curly apostrophe as Thai; cleaned, the post is English.
        XCTAssertEqual(try identifier().decide("Honestly? Touch grass, it’s a chatbot.").language, "en")
    }

    func testCleaningDropsModelNamesThatMixLettersAndDigits() {
        XCTAssertEqual(
            DetectionText("rip 4o, GPT-4o and gpt_5 and ChatGPT-5.1 are gone").text, "rip , and and are gone")
        XCTAssertEqual(DetectionText("4o是陪我最久的朋友 #還我4o").text, "是陪我最久的朋友 還我")
        XCTAssertEqual(DetectionText("GPT models in 2025, v-neck").text, "GPT models in 2025, v-neck")
    }

    func testCleaningTurnsControlsAndNewlinesIntoSpacesAndDropsZeroWidth() {
        let text = DetectionText("Bonjour\u{85}tout\nle\u{200B}monde\u{FE0F}  !")
        XCTAssertEqual(text.text, "Bonjour tout lemonde !")
        XCTAssertEqual(text.letterCount, 18)
    }

    func testCleaningCountsLettersPerScript() {
        let text = DetectionText("日本語のテキスト와 한국어 English")
        XCTAssertEqual(text.count(.han), 3)
        XCTAssertEqual(text.count(.kana), 5)
        XCTAssertEqual(text.count(.hangul), 4)
        XCTAssertEqual(text.count(.latin), 7)
        XCTAssertEqual(DetectionText("Привет, мир").dominantScript, "Cyrl")
        XCTAssertEqual(DetectionText("東京の空").dominantScript, "Jpan")
        XCTAssertEqual(DetectionText("中文").dominantScript, "Hani")
        XCTAssertNil(DetectionText("😭 123 !!").dominantScript)
    }

    // MARK: Languages and scripts

    func testEachScriptAndLanguageFamily() throws {
        let id = try identifier()
        let cases: [(String, String)] = [
            ("en", "I can't believe they are taking 4o away from us, it was the only model that understood me."),
            ("de", "Ich kann nicht glauben, dass sie uns dieses Modell wegnehmen, es hat mich immer verstanden."),
            ("fr", "Je n'arrive pas à croire qu'ils nous retirent ce modèle, il me comprenait toujours."),
            ("es", "No puedo creer que nos quiten este modelo, siempre me entendía mejor que nadie."),
            ("pt", "Não acredito que vão tirar esse modelo da gente, ele sempre me entendeu de verdade."),
            (
                "ru",
                "Не могу поверить, что они отнимают у нас эту модель, "
                    + "она всегда меня понимала."
            ),
            (
                "uk",
                "Не можу повірити, що вони забирають у нас цю модель, "
                    + "вона завжди мене розуміла."
            ),
            (
                "ar",
                "لا أصدق أنهم سيأخذون هذا النموذج منا، "
                    + "لقد كان يفهمني دائما."
            ),
            (
                "hi",
                "मुझे विश्वास नहीं हो रहा "
                    + "कि वे यह मॉडल हमसे छीन रहे हैं, "
                    + "यह हमेशा मुझे समझता था।"
            ),
            (
                "th",
                "ฉันไม่อยากเชื่อเลยว่า"
                    + "พวกเขาจะเอาโมเดลนี้ไปจากเรา "
                    + "มันเข้าใจฉันเสมอ"
            ),
            (
                "el",
                "Δεν μπορώ να πιστέψω ότι μας παίρνουν αυτό το μοντέλο, "
                    + "πάντα με καταλάβαινε."
            ),
            (
                "he",
                "אני לא מאמינה שהם לוקחים מאיתנו את המודל הזה, "
                    + "הוא תמיד הבין אותי."
            ),
            ("vi", "Tôi không thể tin rằng họ sẽ lấy mất mô hình này, nó luôn hiểu tôi."),
            ("ja", "4oがいなくなるなんて信じられない。いつも私の話を聞いてくれた。"),
            ("ko", "4o가 사라진다니 믿을 수 없어요. 항상 제 이야기를 들어줬어요."),
            ("zh-Hans", "我不敢相信他们要把这个模型拿走，它一直都懂我说的话。"),
            ("zh-Hant", "我不敢相信他們要把這個模型拿走，它一直都懂我說的話。"),
        ]
        for (expected, text) in cases {
            let decision = id.decide(text)
            XCTAssertEqual(decision.language, expected, "\(text) → \(decision)")
            XCTAssertGreaterThanOrEqual(decision.confidence, 0.4, text)
            XCTAssertNil(decision.undReason)
        }
    }

    func testKanaMeansJapaneseEvenWhenTheDetectorSaysChinese() {
        // The text is mostly Han; one kana particle makes it Japanese.
        let text = DetectionText("東京大学の図書館")
        XCTAssertEqual(ScriptRules.language(of: text, detected: "zh")?.0, "ja")
        XCTAssertEqual(ScriptRules.language(of: DetectionText("東京大学図書館"), detected: "ja")?.0, "zh")
    }

    func testHangulMeansKoreanAndLatinTextIsLeftToTheDetectors() {
        XCTAssertEqual(ScriptRules.language(of: DetectionText("안녕하세요 여러분"), detected: "ja")?.0, "ko")
        XCTAssertNil(ScriptRules.language(of: DetectionText("hello everyone"), detected: "en"))
        // A Korean post quoting a little Japanese stays Korean; Chinese with one Hangul letter stays Chinese.
        XCTAssertEqual(
            ScriptRules.language(
                of: DetectionText("오늘 정말 슬퍼요 ありがとう 했어요 고마워요"), detected: "ko")?.0,
            "ko")
        XCTAssertEqual(ScriptRules.language(of: DetectionText("我们今天很难过 한"), detected: "zh")?.0, "zh")
    }

    func testWhenTheLettersDecideAloneEveryDetectorAnswerAgrees() throws {
        for text in try LanguageEvaluation.loadTSV(path: Self.devTSV).map(\.text)
            + ["我们 hello 한국 ありがとう", "한국어 中文 テスト"]
        {
            let cleaned = DetectionText(text)
            guard let decided = ScriptRules.language(of: cleaned, detected: nil) else { continue }
            for answer in ["en", "zh", "ja", "ko", "und", "it"] {
                XCTAssertEqual(
                    ScriptRules.language(of: cleaned, detected: answer)?.0, decided.0, "\(text) with \(answer)")
            }
        }
    }

    func testShortChineseUsesTheScriptAndTellsVariantsByCharacters() throws {
        let id = try identifier()
        // fastText alone calls two Han characters almost anything (measured: 'en', 'fi').
        XCTAssertEqual(id.decide("还我").language, "zh-Hans")
        XCTAssertEqual(id.decide("還我").language, "zh-Hant")
        XCTAssertEqual(id.decide("中文").language, "zh")
        XCTAssertEqual(HanVariant.chineseCode(Array("們這說們".utf8)), "zh-Hant")
        XCTAssertEqual(HanVariant.chineseCode(Array("们這".utf8)), "zh")
    }

    func testMixedPostsTakeTheMainLanguage() throws {
        let id = try identifier()
        XCTAssertEqual(
            id.decide("I really miss talking to 4o every night, it was my best friend ありがとう").language, "en")
        XCTAssertEqual(
            id.decide(
                "4oがいなくなって本当に寂しい、毎晩話してたのに "
                    + "#keep4o @OpenAI https://t.co/xyz"
            ).language, "ja")
        XCTAssertEqual(
            id.decide(
                "Bring back 4o 💔 我们真的很想念它，它是我最好的朋友，每天都陪着我聊天"
            ).language, "zh-Hans")
    }

    func testTextsWithoutLettersAreUnd() throws {
        let id = try identifier()
        for text in ["", "   ", "😭💔🕯️", "https://t.co/abcdef", "@OpenAI @sama", "!!! ??? 123"] {
            let decision = id.decide(text)
            XCTAssertEqual(decision.language, "und", text)
            XCTAssertEqual(decision.guess, "und", text)
            XCTAssertEqual(decision.undReason, "no_letters", text)
            XCTAssertEqual(decision.detector, "none", text)
            XCTAssertEqual(decision.confidence, 0, text)
        }
    }

    func testUncertainShortTextIsUndButKeepsItsGuess() throws {
        let strict = LanguageIdentifier(
            options: LanguageDetectOptions(mode: .combined, minConfidence: 0.99),
            fastText: try model())
        let decision = strict.decide("ok so")
        XCTAssertEqual(decision.language, "und")
        XCTAssertEqual(decision.undReason, "too_short")
        XCTAssertNotEqual(decision.guess, "und")
        XCTAssertLessThan(decision.confidence, 0.99)
        let mixed = strict.decide(String(repeating: "le der el the och und ", count: 3))
        XCTAssertEqual(mixed.language, "und")
        XCTAssertEqual(mixed.undReason, "uncertain")  // 30 characters or more
        XCTAssertGreaterThanOrEqual(mixed.textCharacters, LanguageDetectOptions.shortTextCharacters)
    }

    func testCombinationWeighsFastTextAboveCLD2AndNamesWhoDecided() {
        let cld2 = [LanguageGuess(language: "pt", score: 0.99)]
        let fast = [LanguageGuess(language: "es", score: 0.6), LanguageGuess(language: "pt", score: 0.1)]
        let (language, confidence, detector) = LanguageIdentifier.combine(
            cld2: cld2, fastText: fast, fastTextWeight: 0.75)
        XCTAssertEqual(language, "es")  // 0.45 against 0.075 + 0.2475
        XCTAssertEqual(confidence, 0.45, accuracy: 1e-9)
        XCTAssertEqual(detector, "fasttext")
        let agree = LanguageIdentifier.combine(
            cld2: [LanguageGuess(language: "zh-Hant", score: 0.9)],
            fastText: [LanguageGuess(language: "zh", score: 0.9)], fastTextWeight: 0.75)
        XCTAssertEqual(agree.0, "zh")
        XCTAssertEqual(agree.1, 0.9, accuracy: 1e-9)
        XCTAssertEqual(agree.2, "combined")
    }

    func testConcurrentCallsGiveTheSameAnswersAsSequentialOnes() throws {
        let id = try identifier()
        let texts = try LanguageEvaluation.loadTSV(path: Self.devTSV).enumerated().filter { $0.offset % 10 == 0 }.map(
            \.element.text)
        let sequential = texts.map { id.decide($0) }
        nonisolated(unsafe) var parallel = [LanguageDecision?](repeating: nil, count: texts.count)
        parallel.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: 2) { slice in
                for index in stride(from: slice, to: texts.count, by: 2) { out[index] = id.decide(texts[index]) }
            }
        }
        XCTAssertEqual(parallel.compactMap { $0 }, sequential)
    }

    func testFastPredictionIsExactlyFastTextsOwnOnEveryDevText() throws {
        let model = try model()
        let texts =
            try LanguageEvaluation.loadTSV(path: Self.devTSV).map(\.text)
            + [
                "", "   ", "a", "#keep4o 4o", "line one\nline two", "__label__en fake label",
                String(repeating: "long ", count: 600),
            ]
        var differences = 0
        for text in texts {
            let cleaned = DetectionText(text)
            if model.predict(cleaned, k: 3) != model.predictWithFastTextReader(cleaned, k: 3) { differences += 1 }
        }
        XCTAssertEqual(differences, 0)
    }

    // MARK: Accuracy on the shared labelled data

    static var devTSV: String {
        repositoryRoot.appendingPathComponent("../shared/data/langid/dev.tsv").standardized.path
    }

    func testCombinationBeatsEachDetectorAloneOnDevTSV() throws {
        let texts = try LanguageEvaluation.loadTSV(path: Self.devTSV)
        XCTAssertEqual(texts.count, 19_378)  // rows split on \n only: U+0085 inside fr/pl rows stays
        var accuracy: [DetectorMode: Double] = [:]
        var sentences: [DetectorMode: Double] = [:]
        for mode in DetectorMode.allCases {
            let tally = LanguageEvaluation.evaluate(texts, identifier: try identifier(mode), workers: 2)
            accuracy[mode] = Double(tally.correct) / Double(tally.scored)
            let s = tally.byKind["sentence"]!
            sentences[mode] = Double(s.correct) / Double(s.scored)
        }
        XCTAssertGreaterThan(accuracy[.combined]!, accuracy[.cld2]!)
        XCTAssertGreaterThan(accuracy[.combined]!, accuracy[.fasttext]!)
        XCTAssertGreaterThanOrEqual(sentences[.combined]!, 0.95)
    }

    // MARK: Model and options

    func testMissingModelSaysToRunMakeModelAndCLD2WorksWithoutIt() throws {
        XCTAssertThrowsError(
            try LanguageIdentifier(
                options: LanguageDetectOptions(mode: .combined),
                modelPath: "/nonexistent/lid.176.ftz")
        ) { error in
            XCTAssertTrue(String(describing: error).contains("make model"), String(describing: error))
        }
        let cld2Only = try LanguageIdentifier(
            options: LanguageDetectOptions(mode: .cld2), modelPath: "/nonexistent/lid.176.ftz")
        XCTAssertEqual(
            cld2Only.decide("Ceci est une phrase écrite en français, sans aucun doute possible.").language, "fr")
    }

    func testHintComparison() {
        XCTAssertEqual(HintComparison.agrees(hint: "in", language: "id"), true)
        XCTAssertEqual(HintComparison.agrees(hint: "zh", language: "zh-Hant"), true)
        XCTAssertEqual(HintComparison.agrees(hint: "ja", language: "zh-Hans"), false)
        XCTAssertNil(HintComparison.agrees(hint: "qme", language: "en"))
        XCTAssertNil(HintComparison.agrees(hint: "en", language: "und"))
        XCTAssertNil(HintComparison.agrees(hint: nil, language: "en"))
    }

    func testGroundTruthCSVIsJoinedWithPostsAndReadWithCRLF() throws {
        XCTAssertEqual(LanguageEvaluation.splitCSVLine(#"x,123,"a, ""b""",en,"#), ["x", "123", #"a, "b""#, "en", ""])
        let (db, directory) = try makeDatabase(posts: [("Hello there, friends", "en"), ("こんにちは", "ja")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("ground_truth.csv")
        try Data(
            "platform,external_id,lang,categories\r\nx,id0,en,\"a,b\"\r\nx,id1,ja,\r\nx,missing,fr,\r\nx,id0,en,\r\n"
                .utf8
        ).write(to: csv)
        let texts = try LanguageEvaluation.loadGroundTruth(path: csv.path, database: db)
        XCTAssertEqual(texts.map(\.language), ["en", "ja"])
        XCTAssertEqual(texts.map(\.text), ["Hello there, friends", "こんにちは"])
    }

    // MARK: The stage on a real database

    func testAMigrationNumberedBelowTheNewestAppliedIsStillPending() {
        // Stages get their migration numbers in parallel: a database may hold 7 before 4 is merged.
        let known = [1, 2, 3, 4, 7].map { Migration(version: $0, name: "m\($0)", sql: "") }
        XCTAssertEqual(Migrator.pending(known, applied: [1, 2, 3, 7]).map(\.version), [4])
        XCTAssertEqual(Migrator.pending(known, applied: []).map(\.version), [1, 2, 3, 4, 7])
    }

    func makeDatabase(posts: [(text: String, hint: String?)]) throws -> (Database, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("langid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let db = try Database(path: directory.appendingPathComponent("study.sqlite").path)
        try db.execute(
            """
            INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status)
            VALUES (1, 'ingest', 'test', '{}', 'now', 'completed');
            INSERT INTO source_files(source_file_id, path, fingerprint, size_bytes, format, run_id, records_read,
                                     records_stored, duplicate_ids, records_rejected)
            VALUES (1, 'fixture', 'f', 0, 'x-v2-json', 1, 0, 0, 0, 0);
            """)
        for (index, post) in posts.enumerated() {
            try db.run(
                """
                INSERT INTO posts(platform, external_id, created_at, created_unix, text, lang_hint, source_file_id,
                                  source_line)
                VALUES ('x', ?, '2025-08-08T00:00:00Z', 1754611200, ?, ?, 1, ?)
                """, [.text("id\(index)"), .text(post.text), .from(post.hint), .int(Int64(index + 1))])
        }
        return (db, directory)
    }

    func testStageWritesOneRowPerPostKeepsHintsAndReplacesItsOutputOnRerun() throws {
        let (db, directory) = try makeDatabase(posts: [
            ("Please bring back GPT-4o, it understood me like no other model ever did.", "en"),
            // X's hint wrong
            ("4oを返して。毎日話していたのに、突然いなくなるなんてひどい。", "zh"),
            ("4o가 너무 보고 싶어요. 매일 이야기했는데 이제 없어요.", nil),
            ("😭💔", "qme"),
            ("我們真的很想念4o，它陪我度過了最難的一年。", "zh"),
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let stage = LanguageDetectStage(database: db, identifier: try identifier(), workers: 2)
        let first = try stage.run()
        XCTAssertEqual(first.posts, 5)
        XCTAssertEqual(first.undetermined, 1)
        let rows = try db.query(
            """
            SELECT language, detector, script, lang_hint, hint_agrees, und_reason, run_id FROM post_languages
            ORDER BY post_id
            """)
        XCTAssertEqual(rows.map { $0.text(0) }, ["en", "ja", "ko", "und", "zh-Hant"])
        XCTAssertEqual(rows.map { $0.text(2) }, ["Latn", "Jpan", "Hang", nil, "Hani"])
        XCTAssertEqual(rows.map { $0.text(3) }, ["en", "zh", nil, "qme", "zh"])
        XCTAssertEqual(rows.map { $0.int(4) }, [1, 0, nil, nil, 1])
        XCTAssertEqual(rows[3].text(5), "no_letters")
        XCTAssertEqual(rows[0].int(6), Int(first.runID))
        let run = try db.query(
            "SELECT status, rows_in, rows_out, parameters FROM runs WHERE run_id = ?", [.int(first.runID)]
        ).first!
        XCTAssertEqual(run.text(0), "completed")
        XCTAssertEqual(run.int(1), 5)
        XCTAssertEqual(run.int(2), 5)
        XCTAssertTrue(run.text(3)!.contains(#""min_confidence":"0.4""#), run.text(3)!)
        XCTAssertTrue(run.text(3)!.contains("fasttext_model_sha256"))

        let second = try stage.run()
        XCTAssertNotEqual(second.runID, first.runID)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM post_languages"), 5)
        XCTAssertEqual(try db.scalarInt("SELECT count(DISTINCT run_id) FROM post_languages"), 1)
        XCTAssertEqual(try db.scalarInt("SELECT run_id FROM post_languages LIMIT 1"), Int(second.runID))

        let report = try LanguageReport.render(db)
        XCTAssertTrue(report.contains("und: 1 of 5 (20.0%)"), report)
        XCTAssertTrue(report.contains("Agreement with the platform's hint: 2 of 3 comparable posts (66.7%)"), report)
    }

    func testStageOutputIsDeterministic() throws {
        let texts = try LanguageEvaluation.loadTSV(path: Self.devTSV).prefix(300).map {
            ($0.text, Optional<String>.none)
        }
        let (db, directory) = try makeDatabase(posts: Array(texts))
        defer { try? FileManager.default.removeItem(at: directory) }
        let query =
            "SELECT post_id, language, confidence, detector, script, guess, und_reason, text_chars "
            + "FROM post_languages ORDER BY post_id"
        _ = try LanguageDetectStage(database: db, identifier: try identifier(), workers: 2).run()
        let first = try db.query(query).map(\.values)
        _ = try LanguageDetectStage(database: db, identifier: try identifier(), workers: 1).run()
        XCTAssertEqual(try db.query(query).map(\.values), first)
    }
}
