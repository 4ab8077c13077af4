import Foundation
import XCTest

@testable import StudyKit

/// The pure parts of the coding screen (keys, scrolling, definition view, colours, key map) and the
/// codebook-iteration reports: validate --errors, agreement --disagreements, import without status.
final class AnnotateReviewTests: XCTestCase {
    func scheme() throws -> AnnotationScheme {
        try annotationCategories(
            from: StoredCodebook(
                name: "testbook", version: "0.1", fingerprint: "fp",
                yaml: testCodebookYAML))
    }

    func testKeyDecoderReadsScrollingKeysAndMouseWheel() {
        var decoder = KeyDecoder()
        XCTAssertEqual(
            decoder.feed(Array("\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~".utf8)),
            [.pageUp, .pageDown, .home, .end, .home, .end])
        XCTAssertEqual(decoder.feed(Array("\u{1B}OA\u{1B}OB\t\u{1B}[Z".utf8)), [.up, .down, .tab, .backTab])
        XCTAssertEqual(
            decoder.feed(Array("\u{1B}[<64;10;5M\u{1B}[<65;10;5M\u{1B}[<0;3;3M\u{1B}[<0;3;3m".utf8)),
            [.wheelUp, .wheelDown])  // clicks are ignored
        XCTAssertEqual(
            decoder.feed([0x1B, 0x5B, 0x4D, 96, 40, 40, 0x1B, 0x5B, 0x4D, 97, 40, 40]),
            [.wheelUp, .wheelDown])  // the older X10 encoding
        XCTAssertEqual(decoder.feed(Array("\u{1B}[6".utf8)), [])  // split across reads
        XCTAssertEqual(decoder.feed(Array("~x".utf8)), [.pageDown, .character("x")])
        XCTAssertEqual(decoder.feed(Array("\u{1B}[1;5C".utf8)), [.right])  // Ctrl-Right: still right
        XCTAssertEqual(decoder.feed(Array("\u{1B}[15~q".utf8)), [.character("q")])  // F5: ignored
    }

    /// Every line of a post can be brought into view at every size, by pages and by lines, and the
    /// view never runs past the end.
    func testScrollingReachesEveryLineAtEverySize() throws {
        let text = (1...90).map { "line \($0) " + String(repeating: "word ", count: $0 % 7) }.joined(separator: "\n")
        let post = SamplePost(
            postID: 1, position: 1, platform: "x", language: "en", createdAt: "2025-08-08T10:00:00Z",
            text: text)
        for (w, h) in [(80, 24), (40, 12), (100, 30), (20, 8), (120, 40)] {
            var state = CodingState(title: "t", posts: [post], scheme: try scheme(), decisions: [:])
            state.viewport = ScreenSize(columns: w, rows: h)
            let total = wrap(text, width: w).count
            var seen = Set<String>()
            while true {
                let lines = state.render(width: w, height: h)
                XCTAssertEqual(lines.count, h)
                for line in lines { XCTAssertLessThanOrEqual(displayWidth(line), w, "\(w)x\(h): \(line)") }
                seen.formUnion(lines)
                let before = state.scroll
                _ = state.reduce(.pageDown, now: 0)
                if state.scroll == before { break }
                XCTAssertGreaterThan(state.scroll, before)
            }
            XCTAssertEqual(seen.filter { $0.hasPrefix("line ") }.count, 90, "\(w)x\(h)")
            let bottom = state.scroll
            _ = state.reduce(.pageDown, now: 0)
            _ = state.reduce(.down, now: 0)
            XCTAssertEqual(state.scroll, bottom, "never past the end")
            XCTAssertEqual(bottom, max(0, total - state.layout(width: w, height: h).bodyRows))
            _ = state.reduce(.home, now: 0)
            XCTAssertEqual(state.scroll, 0)
            _ = state.reduce(.up, now: 0)
            XCTAssertEqual(state.scroll, 0, "never before the start")
            _ = state.reduce(.wheelDown, now: 0)
            XCTAssertEqual(state.scroll, min(3, bottom))
        }
    }

    func testDefinitionViewSaysHowToReturnAndSitsBesideThePostWhenWide() throws {
        let post = SamplePost(
            postID: 1, position: 1, platform: "x", language: "en", createdAt: "2025-08-08T10:00:00Z",
            text: "They pulled 4o and I lost a friend")
        var state = CodingState(title: "t", posts: [post], scheme: try scheme(), decisions: [:])
        _ = state.reduce(.character("?"), now: 0)
        let narrow = state.render(width: 80, height: 24).joined(separator: "\n")
        XCTAssertTrue(narrow.contains("? or Esc: back to the post"))
        XCTAssertTrue(narrow.contains("1 Relevant (relevant)"))
        XCTAssertTrue(narrow.contains("Include: pleas to keep 4o"))
        XCTAssertTrue(narrow.contains("Rules: clearing it clears every category"))
        XCTAssertFalse(narrow.contains("lost a friend"))
        _ = state.reduce(.escape, now: 0)
        XCTAssertFalse(state.showDefinition)
        _ = state.reduce(.character("?"), now: 0)
        state.viewport = ScreenSize(columns: 130, rows: 30)
        _ = state.reduce(.character("j"), now: 0)
        let wide = state.render(width: 130, height: 30)
        XCTAssertTrue(
            wide.contains { $0.contains("lost a friend") && $0.contains("2 Companion (companion)") },
            wide.joined(separator: "\n"))
        let pane = state.definitionLines(width: 63, forPane: true).joined(separator: " ")
        XCTAssertTrue(pane.contains("'companion' implies 'attachment'"), pane)
        for line in wide { XCTAssertLessThanOrEqual(displayWidth(line), 130, line) }
        _ = state.reduce(.character("?"), now: 0)
        XCTAssertFalse(state.render(width: 130, height: 30).joined().contains("Companion (companion)"))
    }

    func testColoursFollowNoColor() {
        XCTAssertTrue(TerminalUI.coloursWanted(["TERM": "xterm"]))
        XCTAssertFalse(TerminalUI.coloursWanted(["TERM": "xterm", "NO_COLOR": "1"]))
        XCTAssertTrue(
            TerminalUI.coloursWanted(["TERM": "xterm", "NO_COLOR": ""]),
            "no-color.org: an empty NO_COLOR is as if unset")
        XCTAssertFalse(TerminalUI.coloursWanted(["TERM": "dumb"]))
        let line = ScreenLine(segments: [("> ", .highlight), ("[x]", TextStyle.highlight.adding(.present))])
        XCTAssertEqual(line.terminalText(colour: false), "> [x]")
        XCTAssertEqual(line.terminalText(colour: true), "\u{1B}[7m> \u{1B}[0m\u{1B}[7;32m[x]\u{1B}[0m")
        XCTAssertEqual(ScreenLine(segments: [("abcdef", .plain), ("ghi", .title)]).truncated(to: 7).text, "abcdef…")
    }

    /// The keyboard map in `?` and the one in docs/annotate.md are the same.
    func testEveryKeyIsDocumented() throws {
        let docs = try String(contentsOfFile: Repository.path("docs/annotate.md"), encoding: .utf8)
        for entry in codingKeyMap {
            XCTAssertTrue(
                docs.contains("| \(entry.keys) | \(entry.action) |"),
                "docs/annotate.md lacks the row for \(entry.keys)")
        }
    }

    // MARK: codebook iteration

    func testImportWithoutStatusColumn() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        let sample = try makeSample(db, name: "s", posts: [1, 2, 3, 4])
        let store = try AnnotationStore(db: db, sample: sample, coder: "human:erin")
        let file = try dir.write(
            "erin.csv",
            """
            post_id,relevant,companion,attachment,grief,note
            1,1,0,0,1,
            2,0,0,0,0,
            3,,,,,looked twice
            4,1,,,,

            """)
        let summary = try AnnotationCSV.importFile(file, into: store)
        XCTAssertEqual([summary.coded, summary.skipped, summary.untouched], [3, 0, 1])
        let decisions = try store.decisions()
        XCTAssertEqual(decisions[1]?.present, ["relevant", "grief"])
        XCTAssertEqual(decisions[2]?.present, [])
        XCTAssertNil(decisions[3])
        XCTAssertEqual(decisions[4]?.present, ["relevant"])  // empty cells of a coded row are 0
        XCTAssertEqual(try store.notes()[3], "looked twice")
    }

    func mistakesStudy() throws -> (TemporaryDirectory, Database, SampleRef) {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(
            in: dir,
            posts: [
                TestPost(text: "My AI friend is gone", language: "en", auto: ["relevant", "companion", "attachment"]),
                TestPost(text: "Grieving 4o today", language: "en", auto: ["relevant"]),
                TestPost(text: "Not a friend, just a tool", language: "en", auto: ["relevant"]),
            ])
        // The automated coder's evidence as the lexicon coder writes it.
        try db.execute(
            #"""
            UPDATE codings SET evidence = '[{"indicator":"companion.en.friend","start":6,"end":12,"text":"friend"}]'
                WHERE post_id = 1 AND category = 'companion';
            UPDATE codings SET evidence = '[{"rule":"implied_by","category":"companion"}]'
                WHERE post_id = 1 AND category = 'attachment';
            UPDATE codings
                SET evidence = '[{"indicator":"companion.en.friend","start":6,"end":12,"text":"friend","negated":true}]'
                WHERE post_id = 3 AND category = 'companion';
            """#)
        let sample = try makeSample(db, name: "s", posts: [1, 2, 3])
        let reference = try AnnotationStore(db: db, sample: sample, coder: "human:rita")
        try reference.save(postID: 1, Decision(status: .coded, present: ["relevant"]))
        try reference.saveNote(postID: 1, "a friend app, not 4o")
        try reference.save(postID: 2, Decision(status: .coded, present: ["relevant", "grief"]))
        try reference.save(postID: 3, Decision(status: .coded, present: ["relevant"]))
        return (dir, db, sample)
    }

    func testValidateErrorsListsFalsePositivesAndNegativesWithEvidenceAndNotes() throws {
        let (dir, db, sample) = try mistakesStudy()
        var options = MistakeOptions()
        options.reference = "rita"
        options.sample = sample
        let report = try Validation.mistakes(db, options)
        // By hand: post 1 companion and attachment are false positives, post 2 grief a false negative.
        XCTAssertEqual(
            report.mistakes.map { "\($0.category):\($0.kind.rawValue):\($0.postID)" },
            ["attachment:false positive:1", "companion:false positive:1", "grief:false negative:2"])
        XCTAssertEqual(report.totals["lexicon:testbook@0.1"]?.fp, 2)
        XCTAssertEqual(report.totals["lexicon:testbook@0.1"]?.fn, 1)
        let companion = report.mistakes[1]
        XCTAssertEqual(companion.evidence, [#""friend" (companion.en.friend, 6-12)"#])
        XCTAssertEqual(companion.markedText, "My AI ⟦friend⟧ is gone")
        XCTAssertEqual(companion.referenceNote, "a friend app, not 4o")
        XCTAssertEqual(report.mistakes[0].evidence, ["implied by 'companion'"])
        XCTAssertEqual(
            EvidenceReader.describe(#"[{"indicator":"x","start":0,"end":3,"text":"not","negated":true}]"#),
            [#""not" (x, 0-3, negated: does not count)"#])
        XCTAssertEqual(
            EvidenceReader.mark("abc", #"[{"indicator":"x","start":0,"end":3,"text":"zzz"}]"#), "abc",
            "a span whose text does not match the post is not marked")

        let text = Validation.renderMistakes(report, reference: "human:rita", width: 100)
        XCTAssertTrue(
            text.contains("lexicon:testbook@0.1 against 'human:rita': 2 false positives, 1 false negatives"),
            text)
        XCTAssertTrue(
            text.contains(
                """
                == companion · false positive · lexicon:testbook@0.1 · post 1 · x · en · 2025-08-01
                    My AI ⟦friend⟧ is gone
                  evidence: "friend" (companion.en.friend, 6-12)
                  reference note: a friend app, not 4o

                """), text)

        options.category = "grief"
        XCTAssertEqual(try Validation.mistakes(db, options).mistakes.map(\.postID), [2])
        options.category = nil
        options.limit = 1
        let limited = try Validation.mistakes(db, options)
        XCTAssertEqual(limited.mistakes.count, 1)
        XCTAssertEqual(limited.totals["lexicon:testbook@0.1"]?.fp, 2, "totals count every mistake")

        options.limit = nil
        let all = try Validation.mistakes(db, options)
        let path = try dir.write("errors.csv", Validation.mistakesCSV(all, reference: "human:rita"))
        let rows = try CSVTable.read(path: path)
        XCTAssertEqual(
            rows[0].fields,
            [
                "coder", "reference", "category", "error", "post_id", "platform", "language",
                "created_at", "evidence", "evidence_json", "reference_note", "text",
            ])
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows[2].fields[3], "false_positive")
        XCTAssertEqual(rows[2].fields[8], #""friend" (companion.en.friend, 6-12)"#)
        XCTAssertEqual(rows[2].fields[10], "a friend app, not 4o")
        XCTAssertEqual(rows[3].fields[11], "Grieving 4o today")
    }

    func testAgreementDisagreementsCSVForATeamMeeting() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(
            in: dir,
            posts: [
                TestPost(text: "She was my friend, \"truly\"", language: "en", auto: []),
                TestPost(text: "4oがいない", language: "ja", auto: []),
            ])
        let sample = try makeSample(db, name: "s", posts: [1, 2])
        let alice = try AnnotationStore(db: db, sample: sample, coder: "human:alice")
        let bob = try AnnotationStore(db: db, sample: sample, coder: "human:bob")
        try alice.save(postID: 1, Decision(status: .coded, present: ["relevant", "companion", "attachment"]))
        try alice.saveNote(postID: 1, "friend, so companion")
        try bob.save(postID: 1, Decision(status: .coded, present: ["relevant"]))
        try alice.save(postID: 2, Decision(status: .coded, present: ["relevant"]))
        try bob.save(postID: 2, Decision(status: .coded, present: ["relevant"]))
        let report = try AgreementReport.compute(db, sample: sample, bootstrap: Bootstrap(replicates: 10, seed: 1))
        let path = try dir.write("d.csv", try report.disagreementsCSV(db, sample: sample))
        let rows = try CSVTable.read(path: path).map(\.fields)
        XCTAssertEqual(
            rows,
            [
                [
                    "post_id", "platform", "language", "created_at", "category", "alice", "bob", "alice_note",
                    "bob_note",
                    "text",
                ],
                [
                    "1", "x", "en", "2025-08-01T12:00:00Z", "companion", "1", "0", "friend, so companion", "",
                    "She was my friend, \"truly\"",
                ],
                [
                    "1", "x", "en", "2025-08-01T12:00:00Z", "attachment", "1", "0", "friend, so companion", "",
                    "She was my friend, \"truly\"",
                ],
            ])
    }
}
