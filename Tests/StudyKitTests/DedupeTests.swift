import Foundation
import XCTest

@testable import StudyKit

/// A real study database in a temporary directory, with posts inserted by SQL.
final class DedupeFixture {
    let directory: URL
    let db: Database
    private var nextLine = 1

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dedupe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        db = try Database(path: directory.appendingPathComponent("study.sqlite").path)
        try db.run(
            """
            INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status)
            VALUES (1, 'ingest', 'test', '{}', '2026-01-01T00:00:00Z', 'completed')
            """)
        try db.run(
            """
            INSERT INTO source_files(source_file_id, path, fingerprint, size_bytes, format, run_id, records_read,
                                     records_stored, duplicate_ids, records_rejected)
            VALUES (1, 'fixture.jsonl', 'f', 0, 'x-v2-json', 1, 0, 0, 0, 0)
            """)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Inserts a post; its external id is "e<post_id>" unless given.
    @discardableResult
    func post(
        _ id: Int64, _ text: String, at time: Int64, lang: String? = "en", platform: String = "x",
        external: String? = nil, reposted: String? = nil, repliedTo: String? = nil, quoted: String? = nil
    ) throws -> Int64 {
        let nfkc = TextNormalizer.nfkc(text)
        try db.run(
            """
            INSERT INTO posts(post_id, platform, external_id, created_at, created_unix, text, nfkc_if_different,
                              lang_hint, reposted_id, replied_to_id, quoted_id, source_file_id, source_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
            """,
            [
                .int(id), .text(platform), .text(external ?? "e\(id)"), .text(Timestamp.format(unixSeconds: time)),
                .int(time), .text(text), nfkc == text ? .null : .text(nfkc), .from(lang), .from(reposted),
                .from(repliedTo), .from(quoted), .int(Int64(nextLine)),
            ])
        nextLine += 1
        return id
    }

    @discardableResult
    func dedupe(_ configure: (inout DedupeOptions) -> Void = { _ in }) throws -> DedupeSummary {
        var options = DedupeOptions()
        configure(&options)
        return try Deduplicator(database: db, options: options).run()
    }

    struct Assignment: Equatable {
        let cluster: Int64, kind: String, canonical: Int64, similarity: Double
    }

    func assignments() throws -> [Int64: Assignment] {
        var out: [Int64: Assignment] = [:]
        for row in try db.query("SELECT post_id, cluster_id, kind, canonical_post_id, similarity FROM post_clusters") {
            out[Int64(row.int(0)!)] = Assignment(
                cluster: Int64(row.int(1)!), kind: row.text(2)!,
                canonical: Int64(row.int(3)!), similarity: row.double(4)!)
        }
        return out
    }
}

/// Exact Jaccard of the shingle sets, computed independently of MinHash (Swift Sets of Strings),
/// so the tests know what the estimate should be.
func exactShingleJaccard(_ a: String, _ b: String) -> Double {
    func shingles(_ text: String) -> Set<String> {
        let scalars = MatchText.normalize(text)
        let n = scalars.withUnsafeBufferPointer { MatchText.shingleLength($0) }
        let characters = scalars.map { String(Unicode.Scalar($0)!) }
        if characters.count <= n { return [characters.joined()] }
        return Set((0...(characters.count - n)).map { characters[$0..<($0 + n)].joined() })
    }
    let x = shingles(a), y = shingles(b)
    return Double(x.intersection(y).count) / Double(max(1, x.union(y).count))
}

final class DedupeTextTests: XCTestCase {
    func testNormalisationRemovesRepostPrefixURLsMentionsCaseAndExtraSpace() {
        XCTAssertEqual(
            MatchText.normalizedString("RT @alice_1: Bring BACK  4o!\n https://t.co/AbC123 @OpenAI please #Keep4o"),
            "bring back 4o! please #keep4o")
        XCTAssertEqual(MatchText.normalizedString("rt @a: RT @b: nested"), "nested")
        // An e-mail address is not a mention; full-width letters fold through NFKC + lowercase.
        XCTAssertEqual(MatchText.normalizedString("mail me at x@example.com"), "mail me at x@example.com")
        XCTAssertEqual(MatchText.normalizedString(TextNormalizer.nfkc("ＫＥＥＰ４Ｏ　Ｎｏｗ")), "keep4o now")
        XCTAssertEqual(MatchText.normalizedString("Ärger ÜBER GPT-5"), "ärger über gpt-5")
        XCTAssertEqual(MatchText.normalizedString("@someone https://example.com/x"), "")
    }

    func testLowercasingMatchesTheStandardLibrary() {
        let text =
            "ÀÉÎÕÜ Straße ΣΑΣ Привет İstanbul ǅ Ⓐ Ⅻ "
            + "ＡＢ 漢字 カタカナ 한국어 “quotes” 😭🕯️ ‘x’ \u{1D400}"
        let expected = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertEqual(MatchText.normalizedString(text), expected)
    }

    func testShingleLengthFollowsTheScript() {
        func n(_ text: String) -> Int {
            MatchText.normalize(text).withUnsafeBufferPointer { MatchText.shingleLength($0) }
        }
        XCTAssertEqual(n("please bring back 4o"), 5)
        XCTAssertEqual(n("请把4o还给我们，我们真的需要它"), 2)
        XCTAssertEqual(n("4oを返してください。本当に大切な存在でした"), 2)
        XCTAssertEqual(n("4o를 돌려주세요 정말 소중했어요"), 3)
        XCTAssertEqual(n("我想要回4o #keep4o #4oforever"), 2, "hashtags inside a Chinese post do not make it Latin")
        XCTAssertEqual(n("I really love 中国 food and the people there"), 5)
    }

    func testMinHashEstimateTracksExactJaccard() {
        let hasher = MinHasher(permutations: 256, seed: 99)
        let pairs = [
            (
                "the model was never just a tool to me, it was a presence",
                "the model was never just a tool to me, it was a real presence"
            ),
            (
                "please bring back 4o, it helped me every single day",
                "honestly the new model is fine, i never used 4o much"
            ),
            (
                "我们需要4o回来，它陪伴了我们很多个夜晚，请不要删除它",
                "我们需要4o回来，它陪伴了我们很多个日子，请不要删除它"
            ),
        ]
        for (a, b) in pairs {
            func signature(_ text: String) -> [UInt32] {
                let scalars = MatchText.normalize(text)
                var out = [UInt32](repeating: 0, count: 256)
                var scratch: [UInt64] = []
                scalars.withUnsafeBufferPointer { s in
                    out.withUnsafeMutableBufferPointer {
                        hasher.signature(s, into: $0.baseAddress!, shingleHashes: &scratch)
                    }
                }
                return out
            }
            let estimate = MinHasher.estimatedJaccard(signature(a), signature(b), count: 256)
            // Standard error at 256 permutations is at most 0.031; allow 3.5 of them.
            XCTAssertEqual(estimate, exactShingleJaccard(a, b), accuracy: 0.11, "\(a) / \(b)")
        }
    }
}

final class DedupeClusteringTests: XCTestCase {
    static let englishTemplate =
        "Today is the #keep4o day of action. OpenAI, 4o was never just a tool for us. "
        + "Give paying users the choice to keep the model that helped them. We are not going away."
    static let englishEdits = [
        "Today is the #keep4o day of action. OpenAI, 4o was never just a tool for me. "
            + "Give paying users the choice to keep the model that helped them. We are not going away. 🕯️",
        "today is the #keep4o day of action!! OpenAI, 4o was never just a tool for us. "
            + "Give paying users the choice to keep the model that helped them. We are not going away @sama",
        "Today is the #keep4o day of action. @OpenAI, 4o was never just a tool for us. "
            + "Give paying users a choice to keep the model that helped them. We're not going away. https://t.co/x1",
    ]
    static let chineseTemplate =
        "今天是保留4o行动日。4o对我们来说从来不只是一个工具，"
        + "它陪伴我们度过了很多难熬的夜晚。请让付费用户自己选择模型。#keep4o"
    static let chineseEdits = [
        "今天是保留4o行动日。4o对我来说从来不只是一个工具，"
            + "它陪伴我们度过了很多难熬的夜晚。请让付费用户自己选择模型。#keep4o",
        "今天是保留4o行动日！4o对我们来说从来不只是一个工具，"
            + "它陪伴我们度过了很多难熬的夜晚。"
            + "请让付费用户自己选择模型吧。#keep4o #4oforever",
    ]
    static let japaneseTemplate =
        "今日は#keep4o の行動日です。"
        + "4oは私たちにとってただの道具ではありませんでした。"
        + "有料ユーザーにモデルを選ぶ自由をください。"
    static let japaneseEdits = [
        "今日は#keep4o の行動日です。4oは私にとってただの道具ではありませんでした。"
            + "有料ユーザーにモデルを選ぶ自由をください。",
        "今日は#keep4o の行動日です！"
            + "4oは私たちにとってただの道具ではありませんでした。"
            + "有料ユーザーにモデルを選ぶ自由を下さい。🙏",
    ]
    /// Different messages that share hashtags and a few words with the templates.
    static let different = [
        "#keep4o day of action? honestly the new model is fine for my coding work, not sure what the fuss is about.",
        "OpenAI just shipped another update today. #keep4o #GPT5 trending again, wild timeline.",
        "今天又看到#keep4o 上热搜了，说实话我更关心新模型的价格。",
        "#keep4o のトレンドを見ました。新しいモデルの料金が気になります。",
    ]

    func testTemplatesWithEditsClusterInEnglishChineseAndJapaneseAndDifferentPostsDoNot() throws {
        // The cases mean what they claim: edits are close to their template, the others are not.
        for (template, edits) in [
            (Self.englishTemplate, Self.englishEdits), (Self.chineseTemplate, Self.chineseEdits),
            (Self.japaneseTemplate, Self.japaneseEdits),
        ] {
            for edit in edits { XCTAssertGreaterThan(exactShingleJaccard(template, edit), 0.75, edit) }
            for other in Self.different { XCTAssertLessThan(exactShingleJaccard(template, other), 0.3, other) }
        }
        let fixture = try DedupeFixture()
        var id: Int64 = 1, time: Int64 = 1_760_000_000
        func add(_ text: String, lang: String) throws -> Int64 {
            defer {
                id += 1
                time += 60
            }
            return try fixture.post(id, text, at: time, lang: lang)
        }
        let english = try add(Self.englishTemplate, lang: "en")
        let chinese = try add(Self.chineseTemplate, lang: "zh")
        let japanese = try add(Self.japaneseTemplate, lang: "ja")
        let englishEdits = try Self.englishEdits.map { try add($0, lang: "en") }
        let chineseEdits = try Self.chineseEdits.map { try add($0, lang: "zh") }
        let japaneseEdits = try Self.japaneseEdits.map { try add($0, lang: "ja") }
        let others = try Self.different.map { try add($0, lang: "und") }
        try fixture.dedupe()

        let result = try fixture.assignments()
        XCTAssertEqual(result.count, Int(id - 1))
        for (canonical, members) in [(english, englishEdits), (chinese, chineseEdits), (japanese, japaneseEdits)] {
            XCTAssertEqual(
                result[canonical], .init(cluster: canonical, kind: "unique", canonical: canonical, similarity: 1))
            for member in members {
                XCTAssertEqual(result[member]?.cluster, canonical, "post \(member)")
                XCTAssertEqual(result[member]?.kind, "near")
                XCTAssertGreaterThanOrEqual(result[member]!.similarity, 0.7)
                XCTAssertLessThan(result[member]!.similarity, 1)
            }
        }
        for other in others { XCTAssertEqual(result[other]?.kind, "unique", "post \(other) must stay alone") }

        let cluster = try fixture.db.query(
            "SELECT size, first_at, last_at, languages, kinds FROM clusters WHERE cluster_id = ?",
            [.int(chinese)])[0]
        XCTAssertEqual(cluster.int(0), 3)
        XCTAssertEqual(cluster.text(1), Timestamp.format(unixSeconds: 1_760_000_060))
        XCTAssertEqual(
            cluster.text(2), Timestamp.format(unixSeconds: 1_760_000_000 + 60 * Int64(chineseEdits.last! - 1)))
        XCTAssertEqual(cluster.text(3), #"{"zh":3}"#)
        XCTAssertEqual(cluster.text(4), #"{"near":2,"unique":1}"#)
    }

    /// A = s1..s7, B = s2..s8, C = s3..s9: A~B and B~C are above the threshold, A~C is not.
    /// Union-find over verified pairs would put A and C (and C's copies) in one cluster;
    /// dedupe checks every member against the canonical and keeps C's template apart.
    func testNoisyBridgePostDoesNotChainTwoTemplates() throws {
        let segments = [
            "we were promised a choice, ", "and the choice was taken away ", "without a single word of warning. ",
            "four o listened when nobody else did, ", "it wrote with me every night, ", "it knew my stories by heart. ",
            "so we keep posting until openai ", "gives paying users the option again ", "and keeps its word this time.",
        ]
        let a = segments[0..<7].joined(), b = segments[1..<8].joined(), c = segments[2..<9].joined()
        let cCopy = c + " please."
        XCTAssertGreaterThan(exactShingleJaccard(a, b), 0.72)
        XCTAssertGreaterThan(exactShingleJaccard(b, c), 0.72)
        XCTAssertLessThan(exactShingleJaccard(a, c), 0.62)
        XCTAssertGreaterThan(exactShingleJaccard(c, cCopy), 0.9)

        let fixture = try DedupeFixture()
        try fixture.post(1, a, at: 100)
        try fixture.post(2, b, at: 200)  // the bridge
        try fixture.post(3, c, at: 300)
        try fixture.post(4, cCopy, at: 400)
        try fixture.dedupe()
        let result = try fixture.assignments()

        // Union-find over pairs that pass the threshold (exact Jaccard) would merge everything.
        let texts = [a, b, c, cCopy]
        var parent = Array(0..<4)
        func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
        for i in 0..<4 {
            for j in (i + 1)..<4 where exactShingleJaccard(texts[i], texts[j]) >= 0.7 { parent[find(j)] = find(i) }
        }
        XCTAssertEqual(Set((0..<4).map(find)).count, 1, "the case must be one that pairwise union-find would chain")

        XCTAssertEqual(result[2]?.cluster, 1, "the bridge joins the earlier template")
        XCTAssertEqual(result[3]?.cluster, 3, "the second template is not chained to the first through the bridge")
        XCTAssertEqual(result[3]?.kind, "unique")
        XCTAssertEqual(result[4]?.cluster, 3)
        XCTAssertEqual(result[4]?.kind, "near")
        for (_, assignment) in result { XCTAssertGreaterThanOrEqual(assignment.similarity, 0.7) }
    }

    func testExactCopiesJoinTheEarliestPostAndTiesGoToTheSmallerID() throws {
        let fixture = try DedupeFixture()
        try fixture.post(5, "Bring back 4o!", at: 1000)
        try fixture.post(3, "bring back 4o! https://t.co/abc", at: 1000)  // same time, smaller id: canonical
        try fixture.post(9, "RT @friend: BRING BACK 4O!", at: 900 + 200)
        try fixture.post(7, "bring back 4o!!", at: 2000)  // not the same normalised text
        try fixture.dedupe()
        let result = try fixture.assignments()
        XCTAssertEqual(result[3], .init(cluster: 3, kind: "unique", canonical: 3, similarity: 1))
        XCTAssertEqual(result[5], .init(cluster: 3, kind: "exact", canonical: 3, similarity: 1))
        XCTAssertEqual(result[9], .init(cluster: 3, kind: "exact", canonical: 3, similarity: 1))
        XCTAssertNotEqual(result[7]?.kind, "exact")
    }

    func testRepostsAndReplyEchoesJoinTheirParentsCluster() throws {
        let fixture = try DedupeFixture()
        let original = "4o helped me through the worst year of my life and I will not pretend otherwise."
        try fixture.post(1, original, at: 100, external: "100")
        try fixture.post(2, "RT @writer: " + original, at: 200, external: "200", reposted: "100")
        try fixture.post(3, original, at: 300, external: "300", repliedTo: "100")  // reply that only repeats
        try fixture.post(4, "@writer so sorry, sending hugs. same here.", at: 400, external: "400", repliedTo: "100")
        try fixture.post(5, "RT @x: " + original, at: 500, external: "500", reposted: "200")  // repost of a repost
        // Reposts of a post that is not in the corpus: grouped by the parent id, earliest is canonical.
        let missing = "this thread about the day of action explains everything, read it"
        try fixture.post(6, "RT @gone: " + missing, at: 650, external: "600", reposted: "999")
        try fixture.post(7, "RT @gone: " + missing, at: 600, external: "700", reposted: "999")
        try fixture.post(8, "RT @gone: " + missing, at: 700, external: "800", reposted: "999")
        // A quote that repeats the parent with a small edit is an echo too.
        try fixture.post(9, original + " #keep4o", at: 800, external: "900", quoted: "100")
        try fixture.dedupe()
        let result = try fixture.assignments()
        XCTAssertEqual(result[2], .init(cluster: 1, kind: "repost", canonical: 1, similarity: 1))
        XCTAssertEqual(result[3], .init(cluster: 1, kind: "repost", canonical: 1, similarity: 1))
        XCTAssertEqual(result[4]?.kind, "unique")
        XCTAssertEqual(result[5], .init(cluster: 1, kind: "repost", canonical: 1, similarity: 1))
        XCTAssertEqual(result[7], .init(cluster: 7, kind: "unique", canonical: 7, similarity: 1))
        XCTAssertEqual(result[6], .init(cluster: 7, kind: "repost", canonical: 7, similarity: 1))
        XCTAssertEqual(result[8], .init(cluster: 7, kind: "repost", canonical: 7, similarity: 1))
        XCTAssertEqual(result[9]?.cluster, 1)
        XCTAssertEqual(result[9]?.kind, "repost")
        XCTAssertLessThan(result[9]!.similarity, 1)
    }

    func testPostsWithNothingLeftAfterNormalisationStayAlone() throws {
        let fixture = try DedupeFixture()
        try fixture.post(1, "https://t.co/aaa", at: 1)
        try fixture.post(2, "@someone https://t.co/bbb", at: 2)
        try fixture.post(3, "https://t.co/aaa", at: 3)
        try fixture.dedupe()
        let result = try fixture.assignments()
        XCTAssertEqual(Set(result.values.map(\.kind)), ["unique"])
        XCTAssertEqual(Set(result.values.map(\.cluster)).count, 3)
    }

    /// Every post once, canonical rows consistent, cluster sizes add up; the same input and seed give
    /// the same rows whatever the number of threads; a second run replaces the first.
    func testOutputIsConsistentDeterministicAndReplacedOnRerun() throws {
        let fixture = try DedupeFixture()
        var generator = SplitMixForTests(seed: 11)
        let words = [
            "keep", "4o", "please", "model", "choice", "users", "openai", "bring", "back", "voice", "trust",
            "tool", "friend", "night", "work", "story", "我们", "回来", "選択", "大切",
        ]
        var id: Int64 = 1
        for template in 0..<30 {
            let base = (0..<18).map { _ in words[Int(generator.next() % UInt64(words.count))] } + ["t\(template)"]
            for _ in 0..<(1 + Int(generator.next() % 6)) {
                var text = base
                if generator.next() % 2 == 0 { text[Int(generator.next() % UInt64(text.count))] = "edited" }
                try fixture.post(
                    id, text.joined(separator: " "), at: Int64(1000 + generator.next() % 500),
                    lang: ["en", "ja", nil][Int(id % 3)])
                id += 1
            }
        }
        try fixture.dedupe { $0.workers = 1 }
        let first = try fixture.assignments()
        try fixture.dedupe { $0.workers = 2 }
        let second = try fixture.assignments()
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.count, Int(id - 1))
        XCTAssertEqual(
            try fixture.db.scalarInt("SELECT count(*) FROM runs WHERE stage = 'dedupe' AND status = 'completed'"), 2)
        XCTAssertEqual(try fixture.db.scalarInt("SELECT count(DISTINCT run_id) FROM post_clusters"), 1)
        XCTAssertEqual(
            try fixture.db.scalarInt(
                "SELECT count(*) FROM post_clusters WHERE (post_id = canonical_post_id) != (kind = 'unique')"), 0)
        XCTAssertEqual(
            try fixture.db.scalarInt("SELECT count(*) FROM post_clusters WHERE cluster_id != canonical_post_id"), 0)
        XCTAssertEqual(
            try fixture.db.scalarInt(
                """
                SELECT count(*) FROM clusters c
                WHERE c.size != (SELECT count(*) FROM post_clusters pc WHERE pc.cluster_id = c.cluster_id)
                """), 0)
        XCTAssertEqual(try fixture.db.scalarInt("SELECT sum(size) FROM clusters"), Int(id - 1))
        // The canonical is the earliest member.
        XCTAssertEqual(
            try fixture.db.scalarInt(
                """
                SELECT count(*) FROM post_clusters pc JOIN posts p USING (post_id)
                JOIN posts c ON c.post_id = pc.canonical_post_id
                WHERE p.created_unix < c.created_unix OR (p.created_unix = c.created_unix AND p.post_id < c.post_id)
                """), 0)
        XCTAssertGreaterThan(try fixture.db.scalarInt("SELECT count(*) FROM clusters WHERE size > 1") ?? 0, 10)
        let fingerprint = try fixture.db.scalarText(
            "SELECT input_fingerprint FROM runs WHERE stage = 'dedupe' ORDER BY run_id LIMIT 1")
        XCTAssertNotNil(fingerprint)
        XCTAssertEqual(
            fingerprint,
            try fixture.db.scalarText(
                "SELECT input_fingerprint FROM runs WHERE stage = 'dedupe' ORDER BY run_id DESC LIMIT 1"))

        // A different seed changes signatures, yet near-certain pairs stay together.
        try fixture.dedupe { $0.seed = 7 }
        XCTAssertEqual(try fixture.db.scalarInt("SELECT count(*) FROM post_clusters"), Int(id - 1))
    }

    /// The block-parallel near-duplicate pass equals the one-by-one pass whatever the block size.
    func testBlockSizeAndThreadsDoNotChangeTheClusters() {
        var generator = SplitMixForTests(seed: 5)
        let words = (0..<40).map { "w\($0)x" }
        var posts: [DedupeInput] = []
        for template in 0..<60 {
            let base = (0..<20).map { _ in words[Int(generator.next() % 40)] }
            for copy in 0..<(1 + Int(generator.next() % 5)) {
                var text = base
                if copy > 0 { text[Int(generator.next() % 20)] = "e\(copy)" }
                posts.append(
                    DedupeInput(
                        postID: Int64(posts.count + 1), createdUnix: Int64(generator.next() % 1000),
                        text: text.joined(separator: " ") + " t\(template % 7)"))
            }
        }
        func clusters(blockSize: Int, workers: Int) -> [Int32] {
            var options = DedupeOptions()
            options.workers = workers
            let features = PostFeatures(options: options)
            features.append(posts)
            var clusterer = Clusterer(features: features, options: options)
            clusterer.blockSize = blockSize
            return clusterer.run().canonical
        }
        let reference = clusters(blockSize: 1, workers: 1)
        XCTAssertGreaterThan(Set(reference).count, 40)
        XCTAssertLessThan(Set(reference).count, posts.count - 40)
        for (blockSize, workers) in [(3, 2), (17, 2), (64, 1), (100_000, 2)] {
            XCTAssertEqual(
                clusters(blockSize: blockSize, workers: workers), reference, "block \(blockSize), workers \(workers)")
        }
    }

    func testReportShowsTheLargestClusterWithItsText() throws {
        let fixture = try DedupeFixture()
        for i in 1...4 {
            try fixture.post(
                Int64(i), "Day of action: keep 4o available to paying users, number \(i % 2)", at: Int64(i))
        }
        try fixture.post(10, "something else entirely", at: 50)
        try fixture.dedupe()
        let report = try DedupeReport.largestClusters(fixture.db, limit: 5)
        XCTAssertTrue(report.contains("cluster 1  size 4"), report)
        XCTAssertTrue(report.contains("Day of action: keep 4o available"), report)
        XCTAssertFalse(report.contains("something else"), report)
    }

    func testAnEmptyCorpusGivesEmptyTablesAndACompletedRun() throws {
        let fixture = try DedupeFixture()
        let summary = try fixture.dedupe()
        XCTAssertEqual(summary.posts, 0)
        XCTAssertEqual(try fixture.db.count("clusters"), 0)
        XCTAssertEqual(try fixture.db.scalarText("SELECT status FROM runs WHERE stage = 'dedupe'"), "completed")
        XCTAssertEqual(try DedupeReport.largestClusters(fixture.db, limit: 3), "No cluster has more than one post.")
    }

    func testBadOptionsAreRefusedBeforeAnythingIsWritten() throws {
        let fixture = try DedupeFixture()
        try fixture.post(1, "hello", at: 1)
        XCTAssertThrowsError(try fixture.dedupe { $0.bands = 200 }) { error in
            XCTAssertTrue(
                String(describing: error).contains("bands must be 1...permutations"), String(describing: error))
        }
        XCTAssertThrowsError(try fixture.dedupe { $0.threshold = 1.5 })
        XCTAssertEqual(try fixture.db.scalarInt("SELECT count(*) FROM runs WHERE stage = 'dedupe'"), 0)
    }
}

struct SplitMixForTests {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state)
    }
}

/// The committed sample study, through the real ingest, against the generator's ground truth: pairs
/// of posts in the same planted cluster (the original and its exact copies, near copies, reposts and
/// reply echoes) versus pairs that dedupe puts in one cluster.
final class DedupeSampleStudyTests: XCTestCase {
    func testPlantedCopiesInTheSampleStudyAreFound() throws {
        let dir = try TemporaryDirectory()
        let (db, _) = try ingest(SampleStudyTests.files.map { Repository.path("data/sample/\($0)") }, in: dir)
        _ = try Deduplicator(database: db, options: DedupeOptions()).run()

        var postID: [String: Int] = [:]
        for row in try db.query("SELECT platform, external_id, post_id FROM posts") {
            postID[row.text(0)! + ":" + row.text(1)!] = row.int(2)!
        }
        var planted: [Int: String] = [:]
        let text = try String(contentsOfFile: Repository.path("data/sample/ground_truth.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let copyKinds: Set<String> = ["exact_copy", "near_copy", "repost", "reply_echo"]
        for line in lines {
            // The columns read here come before the first one that may hold a comma (categories).
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let cluster = cells[column("cluster")], platform = cells[column("platform")]
            guard !cluster.isEmpty else { continue }
            var ids = [cells[column("external_id")]]
            if copyKinds.contains(cells[column("kind")]) { ids.append(cells[column("canonical_external_id")]) }
            for id in ids { if let post = postID[platform + ":" + id] { planted[post] = cluster } }
        }
        var predicted: [Int: Int] = [:]
        for row in try db.query("SELECT post_id, cluster_id FROM post_clusters") {
            predicted[row.int(0)!] = row.int(1)!
        }

        func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }
        var both: [String: Int] = [:], truthSizes: [String: Int] = [:], predictedSizes: [Int: Int] = [:]
        for (post, cluster) in planted {
            both["\(cluster)|\(predicted[post]!)", default: 0] += 1
            truthSizes[cluster, default: 0] += 1
        }
        for (_, cluster) in predicted { predictedSizes[cluster, default: 0] += 1 }
        let truePositives = both.values.reduce(0) { $0 + pairs($1) }
        let truePairs = truthSizes.values.reduce(0) { $0 + pairs($1) }
        let predictedPairs = predictedSizes.values.reduce(0) { $0 + pairs($1) }
        XCTAssertGreaterThan(truePairs, 5000)
        let recall = Double(truePositives) / Double(truePairs)
        let precision = Double(truePositives) / Double(predictedPairs)
        // Measured 0.83 / 0.994 at the default threshold (planted near copies go down to Jaccard 0.6,
        // below the default 0.7 by design; see docs/dedupe.md for the threshold sweep).
        XCTAssertGreaterThan(recall, 0.78, "recall of planted pairs")
        XCTAssertGreaterThan(precision, 0.98, "precision of predicted pairs")
        XCTAssertEqual(try db.count("post_clusters"), try db.count("posts"))
    }
}
