import Foundation
import XCTest

@testable import StudyKit

#if canImport(Glibc)
    import Glibc
#endif

/// The coding screen through a real pseudo-terminal: scrolling a long post, the context line, the
/// definition view, colours, and adjudication with notes; each test checks the rows it stored.
final class AnnotateScreenTests: XCTestCase {
    static let pageDown = "\u{1B}[6~", pageUp = "\u{1B}[5~", home = "\u{1B}[H", end = "\u{1B}[F"
    static let down = "\u{1B}[B", wheelDown = "\u{1B}[<65;10;5M", wheelUp = "\u{1B}[<64;10;5M"

    /// The numbered lines ("L07") in the frame.
    func visibleLines(_ frame: [String]) -> [Int] {
        frame.compactMap { line in
            guard let range = line.range(of: #"L[0-9]{2} "#, options: .regularExpression) else { return nil }
            return Int(line[range].dropFirst().dropLast())
        }
    }

    func testScrollingBringsEveryLineOfALongPostIntoViewAt80x24() throws {
        let dir = try TemporaryDirectory()
        // 60 short lines: more than three screens of body at 80x24.
        let long = (1...60).map { String(format: "L%02d ", $0) + "the model was there for me every night" }
            .joined(separator: "\n")
        let db = try makeAnnotateStudy(
            in: dir,
            posts: (0..<3).map { _ in
                TestPost(text: long, language: "en", auto: [])
            })
        try makeSample(db, name: "long", posts: [1, 2, 3])
        let arguments = ["code", "--db", dir.path("study.sqlite"), "--sample", "long", "--coder", "alice"]
        let session = try PseudoTerminalProcess(binary: annotateBinary(), arguments: arguments, columns: 80, rows: 24)
        try session.waitFor("lines 1-")
        var seen = Set<Int>()
        var pages = 0
        func check(_ frame: [String]) {
            XCTAssertEqual(frame.count, 24)
            for line in frame { XCTAssertLessThanOrEqual(displayWidth(line), 80, line) }
            for label in ["[ ] Relevant", "[ ] Companion", "[ ] Attachment", "[ ] Grief"] {
                XCTAssertTrue(frame.contains { $0.contains(label) }, "the category list stays visible: \(label)")
            }
            XCTAssertTrue(
                frame.contains { $0.contains(" of 60 (") },
                "position marker:\n\(frame.joined(separator: "\n"))")
            seen.formUnion(visibleLines(frame))
        }
        check(session.lastFrame)
        let rows = visibleLines(session.lastFrame).count
        XCTAssertGreaterThanOrEqual(rows, 5)
        XCTAssertLessThan(rows * 3, 60, "the post is longer than three screens")
        while !session.screen.contains("of 60 (100%)") {
            session.send(Self.pageDown)
            pages += 1
            try session.waitFor("lines \(min(60 - rows + 1, pages * (rows - 1) + 1))-")
            check(session.lastFrame)
            XCTAssertLessThan(pages, 30)
        }
        XCTAssertEqual(seen, Set(1...60), "every line was brought into view")
        XCTAssertGreaterThan(pages, 3)
        XCTAssertTrue(session.screen.contains("L60 "))

        // Home, then one line with the arrow, three with the wheel, a page with Space, back with b and the wheel.
        session.send(Self.home)
        try session.waitFor("lines 1-\(rows) of 60")
        XCTAssertEqual(visibleLines(session.lastFrame).min(), 1)
        session.send(Self.down)
        try session.waitFor("lines 2-\(rows + 1) of 60")
        session.send(Self.wheelDown)
        try session.waitFor("lines 5-\(rows + 4) of 60")
        session.type(" ")
        try session.waitFor("lines \(5 + rows - 1)-")
        session.type("b")
        try session.waitFor("lines 5-\(rows + 4) of 60")
        session.send(Self.wheelUp)
        try session.waitFor("lines 2-\(rows + 1) of 60")
        session.send(Self.end)
        try session.waitFor("of 60 (100%)")
        XCTAssertEqual(visibleLines(session.lastFrame).max(), 60)
        XCTAssertEqual(try db.count("annotation_progress"), 0, "scrolling decides nothing")

        // Colours are on without NO_COLOR: the highlighted category is in reverse video.
        XCTAssertTrue(session.output.contains("\u{1B}[7m"), "SGR reverse video for the highlight")
        XCTAssertTrue(session.output.contains("\u{1B}[?1007h"), "alternate-scroll mode: the wheel as arrow keys")

        // A decision after scrolling is stored for the post on screen; the next post starts at its top.
        session.type("4")
        try session.waitFor("[x] Grief")
        session.type("n")
        try session.waitFor("post 2 of 3")
        XCTAssertEqual(visibleLines(session.lastFrame).min(), 1)
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)
        let stored = try db.query(
            """
            SELECT category FROM codings WHERE coder = 'human:alice' AND post_id = 1 AND value = 1 ORDER BY category
            """
        ).compactMap { $0.text("category") }
        XCTAssertEqual(stored, ["grief", "relevant"])  // grief, and the gate with it
    }

    func testContextLineDefinitionViewAndNoColor() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(
            in: dir,
            posts: [
                TestPost(
                    text: "Petition: bring back GPT-4o\nSign and share, everyone.", language: "en",
                    auto: ["relevant"]),
                TestPost(text: "The parent comment says 4o understood them", language: "en", auto: ["relevant"]),
                TestPost(
                    text: "Same here, it felt like a friend who listened.", language: "en",
                    auto: ["relevant", "companion"]),
            ])
        // Post 3 answers post 2 in the thread started by post 1, and has two copies elsewhere.
        try db.execute(
            """
            UPDATE posts SET conversation_id = 'ext1' WHERE post_id IN (2, 3);
            UPDATE posts SET replied_to_id = 'ext2' WHERE post_id = 3;
            INSERT INTO clusters(cluster_id, canonical_post_id, size, first_at, last_at, languages, kinds, run_id)
                VALUES (3, 3, 3, 'x', 'x', '{}', '{}', 1);
            """)
        try makeSample(db, name: "ctx", posts: [3, 1])
        let arguments = ["code", "--db", dir.path("study.sqlite"), "--sample", "ctx", "--coder", "dora"]
        var session = try PseudoTerminalProcess(
            binary: annotateBinary(), arguments: arguments, columns: 80, rows: 24,
            environment: ["NO_COLOR=1"])
        try session.waitFor("post 1 of 2")
        let frame = session.lastFrame
        XCTAssertEqual(frame[1], "#3 · x · en · 2025-08-03 12:00 · cluster of 3 · new")
        XCTAssertEqual(frame[2], "thread: Petition: bring back GPT-4o")
        XCTAssertEqual(frame[3], "reply to: The parent comment says 4o understood them")
        XCTAssertTrue(session.screen.contains("Same here, it felt like a friend who listened."))

        // ? replaces the post with the definition and says how to return; the keys are below it.
        session.type("?")
        try session.waitFor("? or Esc: back to the post")
        XCTAssertTrue(session.screen.contains("Relevant (relevant)"))
        XCTAssertTrue(session.screen.contains("About the retirement of GPT-4o."))
        XCTAssertFalse(session.screen.contains("felt like a friend"))
        session.send(Self.end)
        try session.waitFor("quit (every decision is already saved)")
        session.send("\u{1B}")  // a lone Esc (the screen waits 150 ms for more)
        try session.waitFor("felt like a friend")
        XCTAssertFalse(session.screen.contains("? or Esc"))
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)
        XCTAssertFalse(session.output.contains("\u{1B}[7m"), "NO_COLOR: no reverse video")
        XCTAssertNil(
            session.output.range(of: "\u{1B}\\[[0-9;]*m", options: .regularExpression),
            "NO_COLOR: no SGR at all")

        // At 120 columns the definition goes beside the post; j changes it, the post stays.
        session = try PseudoTerminalProcess(binary: annotateBinary(), arguments: arguments, columns: 120, rows: 30)
        try session.waitFor("post 1 of 2")
        session.type("?")
        try session.waitFor("? or Esc: close the definition")
        XCTAssertTrue(session.screen.contains("felt like a friend"))
        XCTAssertTrue(session.screen.contains("About the retirement of GPT-4o."))
        session.type("j")
        try session.waitFor("The model is described as a friend or partner.")
        XCTAssertTrue(session.screen.contains("felt like a friend"))
        for line in session.lastFrame { XCTAssertLessThanOrEqual(displayWidth(line), 120, line) }
        session.type("2")  // companion: its implication and the gate follow
        try session.waitFor("[x] Companion")
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)
        let stored = try db.query(
            """
            SELECT category FROM codings WHERE coder = 'human:dora' AND post_id = 3 AND value = 1 ORDER BY category
            """
        ).compactMap { $0.text("category") }
        XCTAssertEqual(stored, ["attachment", "companion", "relevant"])
    }

    func testAdjudicationPrefillsShowsNotesJumpsAndReopensAfterAChange() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(
            in: dir,
            posts: (0..<4).map { i in
                TestPost(
                    text: "Post \(i + 1): they took 4o away and I miss talking to it", language: "en",
                    auto: ["relevant"])
            })
        let sample = try makeSample(db, name: "pilot", posts: [1, 2, 3, 4])
        let alice = try AnnotationStore(db: db, sample: sample, coder: "human:alice")
        let bob = try AnnotationStore(db: db, sample: sample, coder: "human:bob")
        try alice.save(postID: 1, Decision(status: .coded, present: ["relevant", "companion", "attachment"]))
        try alice.saveNote(postID: 1, "calls it her friend")
        try bob.save(postID: 1, Decision(status: .coded, present: ["relevant", "grief"]))
        try bob.saveNote(postID: 1, "reads as mourning")
        try alice.save(postID: 2, Decision(status: .coded, present: ["relevant"]))
        try bob.save(postID: 2, Decision(status: .coded, present: ["relevant"]))
        try alice.save(postID: 3, Decision(status: .coded, present: ["relevant"]))
        try bob.save(postID: 3, Decision(status: .skipped))
        try alice.save(postID: 4, Decision(status: .coded, present: []))  // bob has not coded post 4 yet
        let arguments = ["adjudicate", "--db", dir.path("study.sqlite"), "--sample", "pilot", "--coder", "carol"]

        var session = try PseudoTerminalProcess(binary: annotateBinary(), arguments: arguments, columns: 100, rows: 30)
        try session.waitFor("post 1 of 2")
        var screen = session.screen
        XCTAssertTrue(screen.contains("#1 · x · en"), screen)
        XCTAssertTrue(screen.contains("coders differ on 3"), screen)
        XCTAssertTrue(screen.contains("alice: calls it her friend"), screen)
        XCTAssertTrue(screen.contains("bob: reads as mourning"), screen)
        func row(_ label: String) -> String { session.lastFrame.first { $0.contains(label) } ?? "" }
        XCTAssertTrue(row("Relevant").contains("[x] Relevant"), "pre-filled: both coders set it")
        XCTAssertTrue(row("Relevant").hasSuffix("alice:1 bob:1"), row("Relevant"))
        XCTAssertTrue(row("Companion").contains("[ ] Companion"))
        XCTAssertTrue(row("Companion").hasSuffix("alice:1 bob:0 ≠"), row("Companion"))
        XCTAssertTrue(row("Grief").hasSuffix("alice:0 bob:1 ≠"), row("Grief"))
        XCTAssertTrue(row("Companion").hasPrefix(">2"), "the highlight starts on the first disagreement")
        session.type("\t")
        try session.waitFor(">3 [ ] Attachment")
        session.type("\t")
        try session.waitFor(">4 [ ] Grief")
        session.type("\t")
        try session.waitFor(">2 [ ] Companion")  // wraps around
        session.send("\u{1B}[Z")  // Shift-Tab
        try session.waitFor(">4 [ ] Grief")
        session.type("\r")  // Enter toggles the highlighted category
        try session.waitFor("[x] Grief")
        session.type("n")
        try session.waitFor("post 2 of 2")
        screen = session.screen
        XCTAssertTrue(screen.contains("#3 · x · en"), screen)
        XCTAssertTrue(screen.contains("skipped by bob"), screen)
        XCTAssertTrue(row("Relevant").contains("[ ] Relevant"), "nothing pre-filled when a coder skipped")
        XCTAssertTrue(row("Relevant").hasSuffix("alice:1 bob:-"), row("Relevant"))
        session.type("1")
        try session.waitFor("[x] Relevant")
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)
        XCTAssertTrue(
            session.output.contains("disagreements: 2 posts, 2 settled, 0 left"),
            String(session.output.suffix(400)))
        XCTAssertTrue(session.output.contains("waiting for coders: 1 posts (human:bob 1)"))
        XCTAssertTrue(session.output.contains("unanimous: 1 posts, 1 settled (1 just now)"))

        func settled(_ post: Int64) throws -> [String] {
            try db.query(
                """
                SELECT category FROM codings WHERE coder = 'adjudicated' AND post_id = ? AND value = 1 ORDER BY category
                """, [.int(post)]
            ).compactMap { $0.text("category") }
        }
        XCTAssertEqual(try settled(1), ["grief", "relevant"])
        XCTAssertEqual(try settled(2), ["relevant"])
        XCTAssertEqual(try settled(3), ["relevant"])
        XCTAssertEqual(
            try db.count("codings", where: "coder = 'adjudicated' AND post_id = 4"), 0,
            "post 4 waits for bob")
        let methods = try db.query("SELECT post_id, method, adjudicator FROM adjudications ORDER BY post_id")
            .map { "\($0.int("post_id") ?? 0):\($0.text("method") ?? ""):\($0.text("adjudicator") ?? "-")" }
        XCTAssertEqual(methods, ["1:adjudicator:carol", "2:unanimous:-", "3:adjudicator:carol"])
        XCTAssertEqual(
            try db.scalarText(
                """
                SELECT present FROM adjudication_basis WHERE post_id = 1 AND coder = 'human:bob'
                """), #"["grief","relevant"]"#)

        // Bob changes his mind on post 1 after it was settled: the settlement is re-opened and listed.
        try bob.save(postID: 1, Decision(status: .coded, present: ["relevant", "grief", "companion", "attachment"]))
        XCTAssertEqual(try db.scalarText("SELECT changed_coders FROM adjudications WHERE post_id = 1"), "human:bob")
        let status = try Process.runToEnd(
            annotateBinary(),
            [
                "adjudicate", "--db", dir.path("study.sqlite"),
                "--sample", "pilot", "--status",
            ])
        XCTAssertTrue(
            status.contains(
                "re-opened, to settle again (a coder changed their coding after it was settled): "
                    + "1 posts: 1 (human:bob)"), status)
        session = try PseudoTerminalProcess(binary: annotateBinary(), arguments: arguments, columns: 100, rows: 30)
        try session.waitFor("post 1 of 2")
        XCTAssertTrue(session.screen.contains("re-opened (human:bob changed)"), session.screen)
        XCTAssertTrue(row("Companion").contains("[x] Companion"), "pre-filled with what both coders now say")
        XCTAssertTrue(row("Grief").contains("[ ] Grief"), "still in dispute")
        XCTAssertTrue(row("Grief").hasSuffix("alice:0 bob:1 ≠"), row("Grief"))
        session.type("n")  // settle it as pre-filled
        try session.waitFor("post 2 of 2")
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)
        XCTAssertNil(try db.scalarText("SELECT changed_coders FROM adjudications WHERE post_id = 1"))
        XCTAssertEqual(try settled(1), ["attachment", "companion", "relevant"])
        XCTAssertEqual(try db.scalarText("SELECT method FROM adjudications WHERE post_id = 1"), "adjudicator")
    }
}

extension Process {
    /// Runs a binary to the end and returns its standard output (standard error is kept out).
    static func runToEnd(_ binary: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
