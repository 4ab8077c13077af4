import Foundation
import XCTest

@testable import StudyKit

/// `annotate kwic`: what the literal reader extracts, that the FTS5 index never changes what is
/// found (index and scan agree on every pattern, in several scripts), hand-counted matches, the
/// filters, and the index kept current by ingest inside its transaction.
final class KwicTests: XCTestCase {
    // MARK: literals of a regular expression

    func testRequiredLiteralsOfRegularExpressions() throws {
        XCTAssertEqual(PatternLiterals.required(regex: "bring\\s+back"), [["bring", "back"]])
        XCTAssertEqual(PatternLiterals.required(regex: "like a (friend|partner)"), [["like a "]])
        XCTAssertEqual(PatternLiterals.required(regex: "keep4o|寂しい"), [["keep4o"], ["寂しい"]])
        XCTAssertEqual(PatternLiterals.required(regex: "friends?hip"), [["friend", "hip"]])  // s optional
        XCTAssertEqual(PatternLiterals.required(regex: "gpt-?4o"), [["gpt", "4o"]])  // '-' optional
        XCTAssertEqual(PatternLiterals.required(regex: "no+t"), [["no", "t"]])  // o at least once
        XCTAssertEqual(PatternLiterals.required(regex: "ab{0,2}cd"), [["a", "cd"]])
        XCTAssertEqual(PatternLiterals.required(regex: "ab{2}cd"), [["ab", "cd"]])
        XCTAssertEqual(PatternLiterals.required(regex: "4\\.0 stars"), [["4.0 stars"]])
        XCTAssertEqual(PatternLiterals.required(regex: "\\bmiss(ing)? you\\b"), [["miss", " you"]])
        XCTAssertEqual(PatternLiterals.required(regex: "[Kk]eep ?4o"), [["eep", "4o"]])
        XCTAssertEqual(PatternLiterals.required(regex: "\\Qa.b*c\\E!"), [["a.b*c!"]])
        XCTAssertEqual(PatternLiterals.required(regex: "[0-9]o"), [["o"]])
        XCTAssertNil(PatternLiterals.required(regex: "(?x) like a friend"))  // free spacing
        XCTAssertNil(PatternLiterals.required(regex: "*oops"))
        XCTAssertEqual(
            PatternLiterals.trigramQuery([["bring", "back"]], caseSensitive: false),
            #""bri" "rin" "ing" "bac" "ack""#)
        XCTAssertEqual(
            PatternLiterals.trigramQuery([["keep4o"], ["寂しい"]], caseSensitive: false),
            #"("kee" "eep" "ep4" "p4o") OR ("寂しい")"#)
        XCTAssertNil(PatternLiterals.trigramQuery([["4o"]], caseSensitive: false), "under 3 characters")
        XCTAssertNil(
            PatternLiterals.trigramQuery([["keep4o"], ["o"]], caseSensitive: false),
            "one branch cannot narrow")
        XCTAssertEqual(
            PatternLiterals.trigramQuery([["say \"hi\""]], caseSensitive: false),
            #""say" "ay " "y """ " ""h" """hi" "hi""""#)
        XCTAssertNil(
            PatternLiterals.trigramQuery([["ⲁⲃⲅ"]], caseSensitive: false),
            "Coptic: cased, outside the agreed scripts")
        XCTAssertNotNil(PatternLiterals.trigramQuery([["ⲁⲃⲅ"]], caseSensitive: true))
        // The byte-level phrase search gives Unicode-scalar offsets, past multi-byte characters too.
        let friend = try KwicMatcher(KwicOptions(pattern: "Friend"))
        XCTAssertNotNil(friend.byteNeedle)
        XCTAssertEqual(
            friend.matches(in: "寂しい friend, FRIEND 👩‍👩‍👧 friend").map { [$0.0, $0.1] },
            [[4, 10], [12, 18], [25, 31]])
        XCTAssertNil(try KwicMatcher(KwicOptions(pattern: "café")).byteNeedle, "é has case: scalar path")
        XCTAssertEqual(
            try KwicMatcher(KwicOptions(pattern: "寂しい")).matches(in: "4o寂しい").map { [$0.0, $0.1] },
            [[2, 5]])
        XCTAssertEqual(KwicMatcher.splitAtDoubleS("strasse"), ["stra", "e"])
        XCTAssertEqual(KwicMatcher.splitAtDoubleS("miss you"), ["mi", " you"])
        XCTAssertEqual(KwicMatcher.splitAtDoubleS("SSx so"), ["x so"])
        XCTAssertEqual(KwicMatcher.sharpSVariants("miss you"), ["miss you", "miß you"])
        XCTAssertEqual(KwicMatcher.sharpSVariants("sss"), ["sss", "ßs", "sß"])
        XCTAssertEqual(KwicMatcher.sharpSVariants("assassins")?.count, 4)
        XCTAssertNil(KwicMatcher.sharpSVariants("ssss ssss"), "25 spellings: too many")
        XCTAssertEqual(
            PatternLiterals.trigramQuery(
                [["miss you"]], caseSensitive: false,
                variants: { KwicMatcher.sharpSVariants($0) ?? [$0] }),
            #"(("mis" "iss" "ss " "s y" " yo" "you") OR ("miß" "iß " "ß y" " yo" "you"))"#)
    }

    // MARK: search

    /// Hand-written posts in several scripts; expected matches counted by hand in the comments.
    func corpus() throws -> (TemporaryDirectory, Database) {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(
            in: dir,
            posts: [
                // 1
                TestPost(text: "Bring back GPT-4o, it was like a friend to me.", language: "en", auto: ["relevant"]),
                TestPost(
                    text: "GPT-4o was LIKE A FRIEND. like a friend!", language: "en",
                    auto: ["relevant", "companion"]),  // 2
                TestPost(text: "Not like a\nfriend at all", language: "en", auto: []),  // 3
                TestPost(
                    text: "4oがいなくなって寂しい。本当に寂しい", language: "ja",
                    auto: ["relevant", "grief"]),  // 4
                TestPost(text: "Die STRASSE ist leer ohne 4o. Straße", language: "de", auto: []),  // 5
                TestPost(text: "ΣΑΣ ευχαριστώ, σας", language: "el", auto: []),  // 6
                TestPost(text: "Café sans 4o. CAFÉ fermé", language: "fr", auto: []),  // 7
                TestPost(text: "Привет, ВЕРНИТЕ 4o! вернитЕ", language: "ru", auto: []),  // 8
                TestPost(text: "İstanbul'da 4o yok", language: "tr", auto: []),  // 9
                TestPost(text: "keep4o keep4o #keep4o", language: "en", auto: ["relevant"]),  // 10
                TestPost(text: "ok", language: "en", auto: []),  // 11
                TestPost(text: "Große Straße, leer", language: "de", auto: []),  // 12
            ])
        try db.execute("UPDATE posts SET platform = 'reddit' WHERE post_id = 10")
        return (dir, db)
    }

    /// post id → number of matches.
    func counts(_ result: KwicResult) -> [Int64: Int] {
        Dictionary(grouping: result.matches, by: \.postID).mapValues(\.count)
    }

    func testIndexAndScanFindTheSameMatchesCountedByHand() throws {
        let (_, db) = try corpus()
        XCTAssertEqual(try KeywordIndex.prepare(db), .build)
        XCTAssertEqual(try KeywordIndex.prepare(db), .none)
        let cases: [(pattern: String, regex: Bool, caseSensitive: Bool, expected: [Int64: Int], indexed: Bool)] = [
            ("like a friend", false, false, [1: 1, 2: 2], true),  // 3 has a line break, not a space
            ("LIKE A FRIEND", false, true, [2: 1], true),
            ("寂しい", false, false, [4: 2], true),
            ("café", false, false, [7: 2], true),  // É folds to é
            ("верните", false, false, [8: 2], true),
            ("σας", false, false, [6: 1], true),  // ΣΑΣ folds to σασ, not σας
            ("straße", false, false, [5: 1, 12: 1], true),  // a phrase: ß is not ss
            ("istanbul", false, false, [:], true),  // İ has no one-scalar lower case
            ("4o", false, false, [1: 1, 2: 1, 4: 1, 5: 1, 7: 1, 8: 1, 9: 1, 10: 3], false),
            ("like a (friend|partner)", true, false, [1: 1, 2: 2], true),
            ("bring\\s+back", true, false, [1: 1], true),
            ("[0-9]o", true, false, [1: 1, 2: 1, 4: 1, 5: 1, 7: 1, 8: 1, 9: 1, 10: 3], false),
            ("keep4o|寂しい", true, false, [4: 2, 10: 3], true),
            ("(?x) like\\ a\\ friend", true, false, [1: 1, 2: 2], false),
            // ICU ignores case by full folding: "strasse" also matches "Straße", and the index must still find it.
            ("strasse", true, false, [5: 2, 12: 1], true),
            ("miss|stras{2}e", true, false, [5: 1], true),  // ICU folds ß only in literal strings
            ("(?i)STRASSE", true, true, [5: 2, 12: 1], true),
            ("σας", true, false, [6: 2], false),  // ICU folds ς and σ alike: a scan
        ]
        for c in cases {
            var options = KwicOptions(pattern: c.pattern)
            options.isRegex = c.regex
            options.caseSensitive = c.caseSensitive
            let indexed = try Kwic.search(db, options)
            options.useIndex = false
            let scanned = try Kwic.search(db, options)
            XCTAssertEqual(counts(indexed), c.expected, c.pattern)
            XCTAssertEqual(indexed.matches, scanned.matches, "index and scan differ on \(c.pattern)")
            XCTAssertEqual(indexed.usedIndex, c.indexed, "\(c.pattern): \(indexed.method)")
            XCTAssertFalse(scanned.usedIndex)
            XCTAssertEqual(scanned.candidates, 12)
            if c.indexed { XCTAssertLessThan(indexed.candidates, 12, "\(c.pattern): the index narrowed nothing") }
        }
        // Offsets are Unicode scalars of text_nfkc; context is flattened and cut by display width.
        var options = KwicOptions(pattern: "寂しい")
        options.contextColumns = 6
        let match = try Kwic.search(db, options).matches[1]
        XCTAssertEqual([match.start, match.end], [16, 19])
        XCTAssertEqual(match.left, "本当に")
        XCTAssertEqual(match.right, "")
        options = KwicOptions(pattern: "friend")
        options.contextColumns = 8
        let broken = try Kwic.search(db, options).matches.first { $0.postID == 3 }
        XCTAssertEqual(broken?.left, " like a ", "the line break became a space")
    }

    func testFiltersLanguagePlatformCategoryAndCanonical() throws {
        let (_, db) = try corpus()
        func posts(_ configure: (inout KwicOptions) -> Void) throws -> [Int64] {
            var options = KwicOptions(pattern: "4o")
            configure(&options)
            return Array(Set(try Kwic.search(db, options).matches.map(\.postID))).sorted()
        }
        XCTAssertEqual(try posts { $0.languages = ["ja", "de"] }, [4, 5])
        XCTAssertEqual(try posts { $0.platforms = ["reddit"] }, [10])
        XCTAssertEqual(try posts { $0.category = "relevant" }, [1, 2, 4, 10])
        XCTAssertEqual(
            try posts {
                $0.category = "relevant"
                $0.categoryValue = 0
            }, [5, 7, 8, 9])
        XCTAssertEqual(
            try posts {
                $0.category = "companion"
                $0.coder = "lexicon:testbook@0.1"
            }, [2])
        try db.execute(
            """
            UPDATE post_clusters SET cluster_id = 1, canonical_post_id = 1, kind = 'near' WHERE post_id = 2
            """)
        XCTAssertEqual(
            try posts {
                $0.canonicalOnly = true
                $0.languages = ["en"]
            }, [1, 10])
        try db.execute("INSERT INTO codings VALUES (1, 'relevant', 1, 'lexicon:other@2', '[]', NULL, 1)")
        XCTAssertThrowsError(try posts { $0.category = "relevant" }) { error in
            XCTAssertTrue("\(error)".contains("choose one with --coder"), "\(error)")
        }
        var broken = KwicOptions(pattern: "(")
        broken.isRegex = true
        XCTAssertThrowsError(try Kwic.search(db, broken)) { error in
            XCTAssertEqual("\(error)", "'(' is not a valid regular expression (ICU syntax)")
        }
    }

    func testIngestKeepsTheIndexCurrentInsideItsTransaction() throws {
        let (dir, db) = try corpus()
        // Before kwic has run there is no index, and ingest does not build one.
        let first = try dir.write(
            "first.csv",
            """
            id,text,created_at,platform
            n1,first new friend post,2025-08-10T00:00:00Z,x

            """)
        _ = try Ingester(database: db, options: IngestOptions()).ingest(paths: [first])
        XCTAssertNil(try KeywordIndex.state(db))
        XCTAssertEqual(try KeywordIndex.prepare(db), .build)
        XCTAssertEqual(try KeywordIndex.state(db)?.posts, 13)

        let second = try dir.write(
            "second.csv",
            """
            id,text,created_at,platform
            n2,a second new friendship,2025-08-11T00:00:00Z,x

            """)
        _ = try Ingester(database: db, options: IngestOptions()).ingest(paths: [second])
        XCTAssertEqual(try KeywordIndex.state(db)?.posts, 14)
        XCTAssertEqual(try KeywordIndex.pendingWork(db), .none)
        let found = try Kwic.search(db, KwicOptions(pattern: "new friend"))
        XCTAssertTrue(found.usedIndex)
        XCTAssertEqual(found.matches.map(\.match), ["new friend", "new friend"])
        XCTAssertEqual(found.candidates, 2)

        // A failed transaction takes its index entries with it.
        struct Boom: Error {}
        XCTAssertThrowsError(
            try db.transaction {
                try db.run(
                    """
                    INSERT INTO posts(platform, external_id, created_at, created_unix, text, source_file_id,
                                      source_line)
                    VALUES ('x', 'n3', '2025-08-12T00:00:00Z', 0, 'zebra crossing', 1, 1)
                    """)
                try KeywordIndex.update(db)
                XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH '\"zeb\"'"), 1)
                throw Boom()
            })
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH '\"zeb\"'"), 0)
        XCTAssertEqual(try KeywordIndex.state(db)?.posts, 14)
        // Posts added without ingest's hook: kwic notices and catches up before searching.
        try db.run(
            """
            INSERT INTO posts(platform, external_id, created_at, created_unix, text, source_file_id, source_line)
            VALUES ('x', 'n4', '2025-08-12T00:00:00Z', 0, 'zebra crossing', 1, 1)
            """)
        XCTAssertEqual(try KeywordIndex.pendingWork(db), .update)
        XCTAssertEqual(try KeywordIndex.prepare(db), .update)
        XCTAssertEqual(try Kwic.search(db, KwicOptions(pattern: "zebra")).matches.count, 1)
    }

    func testCommandBuildsTheIndexOnceAndAlignsTheMatches() throws {
        let (dir, _) = try corpus()
        let path = dir.path("study.sqlite")
        func run(_ arguments: [String]) throws -> ProcessResult {
            try runAnnotate(["kwic", "--db", path] + arguments)
        }
        var r = try run(["4o", "--context", "12"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("building the keyword index"), r.err)
        XCTAssertTrue(r.out.hasPrefix("kwic phrase \"4o\": 10 matches in 8 posts (12 posts checked"), r.out)
        XCTAssertTrue(r.out.contains("via scan of every post: the phrase is shorter than 3 characters"), r.out)
        // Every line puts its match at the same display column, CJK and Cyrillic context included.
        let lines = r.out.components(separatedBy: "\n").filter { $0.contains("[4o]") }
        XCTAssertEqual(lines.count, 10)
        let columns = Set(lines.map { line in displayWidth(String(line[..<line.range(of: "[4o]")!.lowerBound])) })
        XCTAssertEqual(columns.count, 1, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasSuffix("[4o]がいなくなっ") }, lines.joined(separator: "\n"))

        r = try run(["寂しい", "--csv", dir.path("kwic.csv")])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(r.err.contains("building"), "built once")
        XCTAssertTrue(r.out.contains("via FTS5 trigram index: \"寂しい\""), r.out)
        let csv = try CSVTable.read(path: dir.path("kwic.csv"))
        XCTAssertEqual(
            csv[0].fields,
            [
                "post_id", "platform", "language", "created_at", "start", "end", "left", "match",
                "right",
            ])
        XCTAssertEqual(csv.dropFirst().map { $0.fields[4] + "-" + $0.fields[5] }, ["9-12", "16-19"])

        r = try run(["friend", "--regex", "--value", "2"])
        XCTAssertEqual(r.status, 64, r.err)
        XCTAssertTrue(r.err.contains("--value must be 0 or 1"), r.err)
    }
}
