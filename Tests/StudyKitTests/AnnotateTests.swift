import Foundation
import XCTest

@testable import StudyKit

final class AnnotateTests: XCTestCase {
    // MARK: display width and wrapping

    func testDisplayWidth() {
        XCTAssertEqual(displayWidth("abc"), 3)
        XCTAssertEqual(displayWidth("日本語"), 6)  // CJK wide
        XCTAssertEqual(displayWidth("ｱ"), 1)  // halfwidth katakana
        XCTAssertEqual(displayWidth("ＡＢ"), 4)  // fullwidth Latin
        XCTAssertEqual(displayWidth("한국어"), 6)
        XCTAssertEqual(displayWidth("🥲"), 2)  // emoji presentation
        XCTAssertEqual(displayWidth("👩‍👩‍👧"), 2)  // ZWJ family: one cluster
        XCTAssertEqual(displayWidth("👍🏽"), 2)  // skin-tone modifier
        XCTAssertEqual(displayWidth("🇯🇵"), 2)  // flag
        XCTAssertEqual(displayWidth("❤️"), 2)  // text heart + VS16
        XCTAssertEqual(displayWidth("e\u{301}"), 1)  // combining acute
        XCTAssertEqual(displayWidth("cafe\u{301}"), 4)
        XCTAssertEqual(displayWidth("a\u{200B}b"), 2)  // zero-width space
    }

    func testWrapByWidthNotCharacters() {
        let cjk = String(repeating: "寂", count: 15)  // 30 columns
        let lines = wrap(cjk, width: 8)
        XCTAssertEqual(lines, ["寂寂寂寂", "寂寂寂寂", "寂寂寂寂", "寂寂寂"])
        XCTAssertTrue(wrap("one two three four", width: 9) == ["one two", "three", "four"])
        // A wide character never straddles the edge: width 5 holds two CJK characters, not two and a half.
        XCTAssertEqual(wrap("日本語です", width: 5), ["日本", "語で", "す"])
        // Emoji clusters stay whole.
        XCTAssertEqual(wrap("ab👩‍👩‍👧cd", width: 3), ["ab", "👩‍👩‍👧c", "d"])
        for line in wrap(standardTestPosts()[3].text + " " + standardTestPosts()[1].text, width: 11) {
            XCTAssertLessThanOrEqual(displayWidth(line), 11, line)
        }
        XCTAssertEqual(wrap("a\nb", width: 5), ["a", "b"])
    }

    // MARK: reducer and rendering

    func scheme() throws -> AnnotationScheme {
        try annotationCategories(
            from: StoredCodebook(name: "testbook", version: "0.1", fingerprint: "fp", yaml: testCodebookYAML))
    }

    func posts(_ n: Int) -> [SamplePost] {
        (1...n).map {
            SamplePost(
                postID: Int64($0), position: $0, platform: "x", language: "en", createdAt: "2025-08-08T10:00:00Z",
                text: "post \($0)")
        }
    }

    func testSchemeFromCodebookYAML() throws {
        let s = try scheme()
        XCTAssertEqual(s.categoryIDs, ["relevant", "companion", "attachment", "grief"])
        XCTAssertEqual(s.gate, "relevant")
        XCTAssertEqual(s.implications, [.init(from: "companion", to: "attachment")])
        XCTAssertEqual(s.categories[0].include, ["pleas to keep 4o"])
        XCTAssertEqual(
            try annotationCategories(
                from: StoredCodebook(name: "t", version: "1", fingerprint: "f", yaml: testCodebookYAML), language: "ja"
            ).categories[0].label, "関連")
    }

    func testReducerAppliesGateAndImplicationsAndUndo() throws {
        var state = CodingState(title: "t", posts: posts(3), scheme: try scheme(), decisions: [:], now: 0)
        var effects = state.reduce(.character("2"), now: 4)  // companion
        XCTAssertEqual(state.decisions[1]?.present, ["companion", "attachment", "relevant"])
        XCTAssertEqual(
            effects,
            [
                .save(
                    postID: 1,
                    decision: Decision(status: .coded, present: ["companion", "attachment", "relevant"], seconds: 4))
            ])
        XCTAssertNotNil(state.message?.range(of: "gate 'relevant' set"))
        _ = state.reduce(.character("3"), now: 5)  // clearing attachment clears companion
        XCTAssertEqual(state.decisions[1]?.present, ["relevant"])
        _ = state.reduce(.character("4"), now: 6)
        _ = state.reduce(.character("1"), now: 7)  // clearing the gate clears all
        XCTAssertEqual(state.decisions[1]?.present, [])
        XCTAssertEqual(state.decisions[1]?.seconds, 4)  // time to first decision
        effects = state.reduce(.character("u"), now: 8)
        XCTAssertEqual(state.decisions[1]?.present, ["relevant", "grief"])
        XCTAssertEqual(effects.count, 1)
        _ = state.reduce(.character("n"), now: 9)
        XCTAssertEqual(state.index, 1)
        effects = state.reduce(.character("n"), now: 12)  // untouched post: coded, nothing present
        XCTAssertEqual(effects, [.save(postID: 2, decision: Decision(status: .coded, present: [], seconds: 3))])
        effects = state.reduce(.character("s"), now: 13)
        XCTAssertEqual(state.decisions[3]?.status, .skipped)
        XCTAssertEqual(state.index, 2)  // stays on the last post
        _ = state.reduce(.character("u"), now: 14)
        XCTAssertNil(state.decisions[3])
        _ = state.reduce(.character("m"), now: 15)
        for c in "unclear" { _ = state.reduce(.character(c), now: 15) }
        _ = state.reduce(.backspace, now: 15)
        effects = state.reduce(.enter, now: 16)
        XCTAssertEqual(effects, [.saveNote(postID: 3, note: "unclea")])
        _ = state.reduce(.character("q"), now: 17)
        XCTAssertTrue(state.quit)
    }

    func testResumesAtFirstUndecidedPost() throws {
        let decided: [Int64: Decision] = [1: Decision(status: .coded), 2: Decision(status: .skipped)]
        XCTAssertEqual(CodingState(title: "t", posts: posts(4), scheme: try scheme(), decisions: decided).index, 2)
        let all = CodingState(title: "t", posts: posts(2), scheme: try scheme(), decisions: decided)
        XCTAssertEqual(all.index, 1)
        XCTAssertNotNil(all.message)
    }

    func testRenderFitsTerminalAndIsBlind() throws {
        var p = posts(2)
        p[0].text = String(repeating: "GPT-4oがいなくなって本当に寂しい👩‍👩‍👧 ", count: 30)
        p[0].language = "ja"
        var state = CodingState(title: "pilot · human:alice", posts: p, scheme: try scheme(), decisions: [:])
        for (w, h) in [(80, 24), (40, 12), (120, 40), (20, 8)] {
            let lines = state.render(width: w, height: h)
            XCTAssertEqual(lines.count, h)
            for line in lines { XCTAssertLessThanOrEqual(displayWidth(line), w, "\(w)x\(h): \(line)") }
        }
        let screen = state.render(width: 80, height: 24).joined(separator: "\n")
        XCTAssertTrue(screen.contains("post 1 of 2"))
        XCTAssertTrue(screen.contains(" · ja · 2025-08-08 10:00"))
        XCTAssertTrue(screen.contains("lines 1-"), screen)
        XCTAssertFalse(screen.contains("lexicon"))
        _ = state.reduce(.character("?"), now: 1)
        XCTAssertTrue(state.render(width: 80, height: 24).joined().contains("About the retirement of GPT-4o."))
        state.votes = [1: [CoderVote(coder: "human:bob", present: ["relevant"])]]
        XCTAssertTrue(state.render(width: 80, height: 24).joined(separator: "\n").contains("bob:1"))
    }

    func testKeyDecoder() {
        var decoder = KeyDecoder()
        XCTAssertEqual(decoder.feed(Array("1n".utf8)), [.character("1"), .character("n")])
        XCTAssertEqual(decoder.feed([0x1B, 0x5B]), [])
        XCTAssertEqual(decoder.feed([0x41, 0x0D, 0x7F, 0x03]), [.up, .enter, .backspace, .interrupt])
        XCTAssertEqual(decoder.feed(Array("日".utf8).prefix(2).map { $0 }), [])
        XCTAssertEqual(decoder.feed([Array("日".utf8)[2]]), [.character("日")])
        XCTAssertEqual(decoder.feed([0x1B]), [])
        XCTAssertEqual(decoder.feed([], flush: true), [.escape])
    }

    // MARK: sampling

    func testSampleIsReproducibleStratifiedAndSplit() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "pilot", size: 20)
        options.seed = 11
        options.minPerStratum = 3
        options.coders = ["alice", "bob"]
        options.overlap = 0.5
        let summary = try Sampler.draw(db, options)
        XCTAssertEqual(summary.population, 59)  // post 60 is a duplicate
        XCTAssertEqual(summary.strata.reduce(0) { $0 + $1.sampled }, 20)
        // Every grief post (the rare category) is drawn: its strata get their minimum first.
        XCTAssertEqual(try db.count("sample_posts", where: "post_id IN (5, 23, 39)"), 3)
        XCTAssertEqual(try db.count("sample_posts", where: "post_id = 60"), 0)
        XCTAssertEqual(try db.count("sample_assignments", where: "coder = 'human:alice' AND shared = 1"), 10)
        XCTAssertEqual(try db.count("sample_assignments", where: "coder = 'human:alice'"), 15)
        XCTAssertEqual(try db.count("sample_assignments", where: "coder = 'human:bob'"), 15)
        let weights = try db.query("SELECT sum(weight) FROM sample_posts").first!.double(0)!
        XCTAssertEqual(weights, 59, accuracy: 1e-9)  // design weights add up to the population

        // Same seed in another database: the same posts in the same order.
        let dir2 = try TemporaryDirectory()
        let db2 = try makeAnnotateStudy(in: dir2, posts: standardTestPosts())
        _ = try Sampler.draw(db2, options)
        let order = "SELECT post_id, stratum FROM sample_posts ORDER BY position"
        XCTAssertEqual(try db.query(order).map { $0.values }, try db2.query(order).map { $0.values })
        // A different seed draws differently; the same name with other options is refused.
        options.name = "other"
        options.seed = 12
        _ = try Sampler.draw(db2, options)
        XCTAssertNotEqual(
            try db2.query("SELECT post_id FROM sample_posts WHERE sample_id = 1 ORDER BY position").map { $0.values },
            try db2.query("SELECT post_id FROM sample_posts WHERE sample_id = 2 ORDER BY position").map { $0.values })
        options.name = "pilot"
        XCTAssertThrowsError(try Sampler.draw(db2, options))
        options.relevantOnly = true
        options.name = "relevant"
        _ = try Sampler.draw(db2, options)
        XCTAssertEqual(
            try db2.count(
                "sample_posts s JOIN codings c ON c.post_id = s.post_id AND c.coder = 'lexicon:testbook@0.1' "
                    + "AND c.category = 'relevant'",
                where: "s.sample_id = 3 AND c.value = 0"), 0)
    }

    func testAllocation() {
        XCTAssertEqual(
            // 3+2+3, then 2 by largest remainder (1.35, 0.65)
            Sampler.allocate(size: 10, strata: ["a": 100, "b": 2, "c": 50], minimum: 3), ["a": 4, "b": 2, "c": 4])
        XCTAssertEqual(
            Sampler.allocate(size: 4, strata: ["a": 100, "b": 2, "c": 50], minimum: 3), ["a": 1, "b": 2, "c": 1])
        XCTAssertEqual(Sampler.allocate(size: 500, strata: ["a": 100, "b": 2], minimum: 3), ["a": 100, "b": 2])
    }

    // MARK: the whole round: code, export/import, agreement, adjudicate, validate

    func testCodeExportImportAgreementAdjudicateValidate() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "pilot", size: 12)
        options.stratifyByDecision = false
        _ = try Sampler.draw(db, options)
        let sample = try SampleRef.find(db, "pilot")
        let alice = try AnnotationStore(db: db, sample: sample, coder: "human:alice")
        let bob = try AnnotationStore(db: db, sample: sample, coder: "human:bob")
        let posts = try alice.posts()
        XCTAssertEqual(posts.count, 12)
        // alice copies the automated coder except on the first post; bob agrees with alice except on two posts.
        let auto = Dictionary(
            grouping: try db.query(
                "SELECT post_id, category FROM codings WHERE coder = 'lexicon:testbook@0.1' AND value = 1"),
            by: { Int64($0.int(0)!) }
        ).mapValues { Set($0.map { $0.text(1)! }) }
        var expectedDisagreements: Set<String> = []
        for (i, post) in posts.enumerated() {
            let a: Set<String> = i == 0 ? ["relevant", "grief"] : auto[post.postID] ?? []
            try alice.save(postID: post.postID, Decision(status: .coded, present: a, seconds: 2))
            if i == 11 {
                try bob.save(postID: post.postID, Decision(status: .skipped))
                continue
            }
            let b: Set<String> =
                i == 1 ? a.symmetricDifference(["relevant"]) : i == 2 ? a.union(["relevant", "grief"]) : a
            try bob.save(postID: post.postID, Decision(status: .coded, present: b))
            for category in a.symmetricDifference(b) { expectedDisagreements.insert("\(post.postID):\(category)") }
        }
        XCTAssertEqual(try db.count("codings", where: "coder = 'human:alice'"), 12 * 4)  // zeros stored too
        XCTAssertEqual(try db.count("codings", where: "coder = 'human:bob'"), 11 * 4)  // skipped: no codings
        XCTAssertEqual(try db.count("annotation_progress", where: "coder = 'human:bob' AND status = 'skipped'"), 1)

        // CSV round trip: export bob, re-import into a new coder, identical decisions.
        let csv = try AnnotationCSV.export(bob)
        let path = try dir.write("bob.csv", csv)
        XCTAssertTrue(
            csv.hasPrefix(
                "post_id,platform,language,created_at,status,relevant,companion,attachment,grief,note,text\r\n"))
        let carol = try AnnotationStore(db: db, sample: sample, coder: "human:carol")
        let imported = try AnnotationCSV.importFile(path, into: carol)
        XCTAssertEqual(imported.coded, 11)
        XCTAssertEqual(imported.skipped, 1)
        XCTAssertEqual(
            try carol.decisions().mapValues { "\($0.status)\($0.present.sorted())" },
            try bob.decisions().mapValues { "\($0.status)\($0.present.sorted())" })
        let bad = try dir.write("bad.csv", csv.replacingOccurrences(of: ",coded,1,", with: ",coded,yes,"))
        XCTAssertThrowsError(try AnnotationCSV.importFile(bad, into: carol)) { error in
            XCTAssertTrue("\(error)".contains("bad.csv:"), "\(error)")
            XCTAssertTrue("\(error)".contains("'yes' is not 0, 1 or empty"), "\(error)")
        }
        try db.execute(
            "DELETE FROM codings WHERE coder = 'human:carol'; "
                + "DELETE FROM annotation_progress WHERE coder = 'human:carol'"
        )

        // Agreement: the relevant category has two disagreements, grief one.
        let report = try AgreementReport.compute(db, sample: sample, bootstrap: Bootstrap(replicates: 200, seed: 3))
        XCTAssertEqual(report.coders, ["human:alice", "human:bob"])
        XCTAssertEqual(Set(report.disagreements.map { "\($0.postID):\($0.category)" }), expectedDisagreements)
        XCTAssertTrue(expectedDisagreements.contains("\(posts[1].postID):relevant"))
        let relevant = report.results.first { $0.category == "relevant" }!
        XCTAssertEqual(relevant.units, 11)
        // Recompute independently from the stored rows.
        let matrix = RatingMatrix(
            ratings: try posts.map { p in
                try ["human:alice", "human:bob"].map { coder in
                    try db.query(
                        "SELECT c.value FROM codings c JOIN annotation_progress a ON a.post_id = c.post_id "
                            + "AND a.coder = c.coder AND a.status = 'coded' "
                            + "WHERE c.post_id = ? AND c.coder = ? AND c.category = 'relevant'",
                        [.int(p.postID), .text(coder)]
                    ).first?.int(0)
                }
            }, categories: [0, 1])
        XCTAssertEqual(relevant.estimates[.cohensKappa]!.value, Agreement.cohensKappa(matrix), accuracy: 1e-12)
        try report.store(db, sample: sample, parameters: [:])
        XCTAssertEqual(try db.count("agreement_results", where: "category = '*'"), 5)
        XCTAssertTrue(report.render().contains("Disagreements (\(report.disagreements.count))"))

        // Adjudicate: unanimous posts are settled automatically, disputed ones are left for the screen.
        let adjudicated = try AnnotationStore(db: db, sample: sample, coder: HumanCoder.adjudicated)
        let plan = try Adjudication.plan(db, sample: sample, scheme: adjudicated.scheme)
        // Bob's skipped post goes to the adjudicator with the disagreements.
        XCTAssertEqual(plan.disputed.count, Set(report.disagreements.map(\.postID)).count + 1)
        XCTAssertEqual(plan.disputed[posts[11].postID]?.map(\.status), [.coded, .skipped])
        XCTAssertEqual(plan.unanimous.count, 12 - plan.disputed.count)
        XCTAssertEqual(try Adjudication.storeUnanimous(plan, store: adjudicated), plan.unanimous.count)
        for post in plan.disputed.keys {
            try adjudicated.save(postID: post, Decision(status: .coded, present: auto[post] ?? []))
        }
        XCTAssertEqual(try db.count("adjudications", where: "method = 'adjudicator'"), plan.disputed.count)
        XCTAssertEqual(try db.count("adjudications", where: "method = 'unanimous'"), plan.unanimous.count)

        // Validate: the adjudicated labels equal the automated coder's except alice's first post.
        let rows = try Validation.compute(db, reference: "adjudicated", sample: sample)
        let micro = rows.first { $0.category == "*" }!
        XCTAssertEqual(micro.units, 48)
        let first = posts[0].postID
        let expectedDifferences = (auto[first] ?? []).symmetricDifference(
            plan.disputed[first] == nil ? ["relevant", "grief"] : auto[first] ?? []
        ).count
        XCTAssertEqual(micro.fp + micro.fn, expectedDifferences)
        let grief = rows.first { $0.category == "grief" }!
        XCTAssertEqual(grief.tp + grief.fp + grief.fn + grief.tn, 12)
        try Validation.store(db, rows: rows, reference: "adjudicated", parameters: [:])
        XCTAssertEqual(try db.count("validation_confusion"), 5)
        XCTAssertTrue(Validation.render(rows, reference: "adjudicated").contains("lexicon:testbook@0.1"))
    }

    /// A database already migrated past 6 by a build without annotate (aggregate's 7 landed first)
    /// still gets annotate's tables when opened by a build that has them.
    func testLowerMigrationLandingLaterIsApplied() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        do {
            let db = try Database(path: path)
            let tables = [
                "samples", "sample_posts", "sample_assignments", "annotation_progress", "annotation_notes",
                "agreement_results", "validation_confusion",
            ]
            for table in tables { try db.execute("DROP TABLE \(table)") }
            try db.run("DELETE FROM schema_migrations WHERE version = 6")
            XCTAssertGreaterThan(try db.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0, 6)
        }
        let db = try Database(path: path)
        XCTAssertEqual(try db.count("schema_migrations", where: "version = 6"), 1)
        XCTAssertEqual(try db.count("samples"), 0)
        XCTAssertEqual(try db.count("schema_migrations"), Schema.migrations.count)
    }

    func testValidationMetricsByHand() {
        var row = ValidationRow(coder: "a", category: "c")
        (row.tp, row.fp, row.fn, row.tn) = (20, 5, 10, 15)
        XCTAssertEqual(row.precision, 0.8, accuracy: 1e-12)
        XCTAssertEqual(row.recall, 20.0 / 30.0, accuracy: 1e-12)
        XCTAssertEqual(row.f1, 40.0 / 55.0, accuracy: 1e-12)
        XCTAssertEqual(row.kappa, 0.4, accuracy: 1e-12)  // the Wikipedia table again
        XCTAssertTrue(ValidationRow(coder: "a", category: "c").precision.isNaN)
    }
}
