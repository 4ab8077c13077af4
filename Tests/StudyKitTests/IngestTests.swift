import Foundation
import XCTest

@testable import StudyKit

final class IngestXJSONTests: XCTestCase {
    let page =
        #"{"data":[{"id":"1953800000000000001","text":"bring back 4o #keep4o","created_at":"2025-08-08T14:03:11.000Z","#
        + #""lang":"en","author_id":"42","conversation_id":"1953800000000000001","public_metrics":{"like_count":3,"#
        + #""retweet_count":1,"reply_count":2,"quote_count":0}},{"id":"1953800000000000002","#
        + #""text":"RT @alice: bring back 4o #keep4o","created_at":"2025-08-08T15:03:11.000Z","lang":"en","#
        + #""author_id":"43","referenced_tweets":[{"type":"retweeted","id":"1953800000000000001"}]},"#
        + #"{"id":"1953800000000000003","text":"4oを返して","created_at":"2025-08-09T01:00:00.000Z","#
        + #""lang":"ja","author_id":"42","referenced_tweets":[{"type":"replied_to","id":"1953800000000000001"},"#
        + #"{"type":"quoted","id":"1953800000000000002"}]}],"includes":{"users":[{"id":"42","username":"alice"},"#
        + #"{"id":"43","username":"bob"}]},"meta":{"result_count":3}}"#

    func testPagesBareTweetsAndLongPosts() throws {
        let dir = try TemporaryDirectory()
        let long = String(repeating: "GPT-4o was more than a tool to me. ", count: 20)
        let bare =
            #"{"id":"1953800000000000004","text":"GPT-4o was more than a tool…","note_tweet":{"text":"\#(long)"},"#
            + #""created_at":"2025-08-10T08:00:00+02:00","author_id":"44","author":{"id":"44","username":"carol"}}"#
        let path = try dir.write("x.jsonl", page + "\n" + bare + "\n")
        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[0].format, "x-v2-json")
        XCTAssertEqual(summaries[0].read, 4)
        XCTAssertEqual(summaries[0].stored, 4)

        let rows = try db.query(
            "SELECT external_id, text, created_at, is_repost, is_reply, is_quote, parent_external_id, like_count, "
                + "reply_count, source_line, author_key, author_handle FROM posts ORDER BY external_id"
        )
        XCTAssertEqual(
            rows.map { $0.text(0)! },
            ["1953800000000000001", "1953800000000000002", "1953800000000000003", "1953800000000000004"])
        XCTAssertEqual(rows[0].int(7), 3)
        XCTAssertEqual(rows[0].int(8), 2)
        XCTAssertEqual(rows[1].int(3), 1)
        XCTAssertEqual(rows[1].text(6), "1953800000000000001")
        XCTAssertEqual(rows[2].int(4), 1)
        XCTAssertEqual(rows[2].int(5), 1)
        XCTAssertEqual(rows[2].text(6), "1953800000000000001", "a reply that quotes: the parent is the replied-to post")
        XCTAssertEqual(rows[3].text(1), long, "long posts keep note_tweet's full text")
        XCTAssertEqual(rows[3].text(2), "2025-08-10T06:00:00Z", "times are converted to UTC")
        XCTAssertEqual(rows.map { $0.int(9)! }, [1, 1, 1, 2])
        // Pseudonyms: no handle stored, the same author gets the same key, different authors differ.
        XCTAssertNil(rows[0].text(11))
        let keys = rows.map { $0.text(10)! }
        XCTAssertEqual(keys[0], keys[2])
        XCTAssertNotEqual(keys[0], keys[1])
        XCTAssertEqual(keys[0].count, 32)
        XCTAssertFalse(keys.contains("42") || keys.contains("alice"))
    }

    func testKeepHandlesStoresHandlesFromIncludes() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("x.jsonl", page + "\n")
        var options = IngestOptions()
        options.keepHandles = true
        let (db, _) = try ingest([path], in: dir, options: options)
        let handles = try db.query("SELECT author_handle FROM posts ORDER BY external_id").map { $0.text(0) }
        XCTAssertEqual(handles, ["alice", "bob", "alice"])
    }

    func testPseudonymsDependOnTheStudySalt() throws {
        let a = Pseudonymizer(salt: "one"), b = Pseudonymizer(salt: "two")
        XCTAssertEqual(a.key(platform: "x", author: "42"), a.key(platform: "x", author: "42"))
        XCTAssertNotEqual(a.key(platform: "x", author: "42"), b.key(platform: "x", author: "42"))
        XCTAssertNotEqual(a.key(platform: "x", author: "42"), a.key(platform: "reddit", author: "42"))
    }

    func testBadRecordsAreRejectedWithReasonsAndOthersKept() throws {
        let dir = try TemporaryDirectory()
        var bytes: [UInt8] = []
        func line(_ s: String) { bytes += Array(s.utf8) + [0x0A] }
        line(#"{"id":"1","text":"fine","created_at":"2025-08-08T14:03:11Z","author_id":"9"}"#)  // 1 stored
        bytes +=
            Array(#"{"id":"2","text":"bad "#.utf8) + [0xC3, 0x28]
            + Array(#"","created_at":"2025-08-08T14:03:11Z"}"#.utf8) + [0x0A]  // 2 invalid utf8
        bytes +=
            Array(#"{"id":"3","text":"nul"#.utf8) + [0x00] + Array(#"","created_at":"2025-08-08T14:03:11Z"}"#.utf8) + [
                0x0A
            ]  // 3 raw NUL
        line(#"{"id":"4","text":"escaped nul \u0000 here","created_at":"2025-08-08T14:03:11Z"}"#)  // 4 NUL in text
        line(#"{"id":"5","text":"when?","created_at":"yesterday"}"#)  // 5 bad date
        line(#"{"id":"6","text":"feb 30","created_at":"2025-02-30T10:00:00Z"}"#)  // 6 impossible date
        line(#"{"text":"no id","created_at":"2025-08-08T14:03:11Z"}"#)  // 7 missing id
        line(#"{"id":"8","text":"   ","created_at":"2025-08-08T14:03:11Z"}"#)  // 8 empty text
        line("this is not json")  // 9 invalid json
        // 10 api error
        line(#"{"errors":[{"title":"Not Found Error","detail":"Could not find tweet with id: [9]."}]}"#)
        line("")  // blank: not a record
        line(#"{"id":"12","text":12,"created_at":"2025-08-08T14:03:11Z"}"#)  // 12 wrong type
        line(
            #"{"data":[{"id":"13","text":"ok in page","created_at":"2025-08-08T14:03:11Z"},{"id":{"x":1},"#
                + #""text":"bad id"},{"id":"13b","text":"late","created_at":"2025-08-08T14:03:11Z"}]}"#
        )  // 13: 2 stored, 1 rejected
        bytes += Array(#"{"id":"14","text":"cut off mid"#.utf8)  // 14 truncated, no newline
        let path = try dir.write("bad.jsonl", bytes)
        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[0].stored, 3)
        XCTAssertEqual(summaries[0].rejected, 12)
        XCTAssertEqual(summaries[0].read, 15)

        let rejects = try db.query(
            "SELECT source_line, record_index, reason_code, reason, raw_size FROM rejects "
                + "ORDER BY source_line, record_index"
        )
        let codes = rejects.map { "\($0.int(0)!):\($0.text(2)!)" }
        XCTAssertEqual(
            codes,
            [
                "2:invalid_utf8", "3:nul_byte", "4:nul_byte", "5:bad_date", "6:bad_date", "7:missing_field",
                "8:empty_text", "9:invalid_json", "10:api_error", "12:wrong_type", "13:wrong_type", "14:truncated",
            ])
        XCTAssertTrue(rejects[0].text(3)!.contains("byte 23"), rejects[0].text(3)!)
        XCTAssertTrue(rejects[3].text(3)!.contains("'yesterday'"))
        XCTAssertTrue(rejects[8].text(3)!.contains("Could not find tweet"))
        XCTAssertEqual(rejects[10].int(1), 1, "the bad tweet's position in its page")
        XCTAssertTrue(rejects[10].text(3)!.hasPrefix("tweet 2 of the page"))
        // Raw bytes are kept as they were, invalid UTF-8 included.
        let raw = try db.query("SELECT raw FROM rejects WHERE source_line = 2")[0].blob(0)!
        XCTAssertTrue(raw.contains(0xC3) && raw.contains(0x28))
    }

    func testBOMAndCRLFAreHandled() throws {
        let dir = try TemporaryDirectory()
        let text =
            #"{"id":"1","text":"first","created_at":"2025-08-08T14:03:11Z"}"# + "\r\n"
            + #"{"id":"2","text":"second","created_at":"2025-08-08T14:03:11Z"}"# + "\r\n"
        let path = try dir.write("bom.jsonl", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[0].stored, 2)
        XCTAssertEqual(summaries[0].rejected, 0)
        XCTAssertEqual(try db.scalarText("SELECT group_concat(text, '|') FROM posts"), "first|second")
    }

    func testTenMegabyteLineIsRejectedWithoutLoadingItWhole() throws {
        let dir = try TemporaryDirectory()
        let hugeText = String(repeating: "4o ", count: 3_500_000)  // ~10.5 MB of text
        let huge = #"{"id":"1","text":""# + hugeText + #"","created_at":"2025-08-08T14:03:11Z"}"#
        let after = #"{"id":"2","text":"after the big one","created_at":"2025-08-08T14:03:11Z"}"#
        let path = try dir.write("big.jsonl", huge + "\n" + after + "\n")

        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        let row = try db.query("SELECT source_line, reason_code, length(raw), raw_size FROM rejects")[0]
        XCTAssertEqual(row.int(0), 1)
        XCTAssertEqual(row.text(1), "line_too_long")
        XCTAssertLessThanOrEqual(row.int(2)!, 4096)
        XCTAssertEqual(row.int(3), huge.utf8.count)
        XCTAssertEqual(try db.scalarInt("SELECT source_line FROM posts"), 2)

        // With a limit that lets the line through, the post is still refused: no platform has 3.5M-character posts.
        let dir2 = try TemporaryDirectory()
        var options = IngestOptions()
        options.limits.maxLineBytes = 32 << 20
        let path2 = try dir2.write("big.jsonl", huge + "\n")
        let (db2, _) = try ingest([path2], in: dir2, options: options)
        XCTAssertEqual(try db2.scalarText("SELECT reason_code FROM rejects"), "text_too_long")
    }

    func testDuplicateIdsAcrossFilesAreKeptAsDuplicateRecords() throws {
        let dir = try TemporaryDirectory()
        let a = try dir.write("a.jsonl", page + "\n")
        let b = try dir.write(
            "b.jsonl",
            #"{"id":"1953800000000000003","text":"4oを返して","created_at":"2025-08-09T01:00:00.000Z","#
                + #""author_id":"42"}"#
                + "\n"
                + #"{"id":"1953800000000000002","text":"edited text","created_at":"2025-08-08T15:03:11.000Z","#
                + #""author_id":"43"}"#
                + "\n"
                + #"{"id":"1953800000000000099","text":"new","created_at":"2025-08-08T15:03:11.000Z","author_id":"43"}"#
                + "\n")
        let (db, summaries) = try ingest([a, b], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[1].duplicates, 2)
        XCTAssertEqual(summaries[1].stored, 1)
        let dups = try db.query(
            """
            SELECT p.external_id, d.source_line, d.same_text FROM duplicate_records d JOIN posts p USING (post_id)
            ORDER BY d.source_line
            """)
        XCTAssertEqual(dups.map { $0.text(0)! }, ["1953800000000000003", "1953800000000000002"])
        XCTAssertEqual(dups.map { $0.int(2)! }, [1, 0])
        XCTAssertEqual(try db.count("posts"), 4)
    }

    func testReingestingTheSameContentIsSkipped() throws {
        let dir = try TemporaryDirectory()
        let a = try dir.write("a.jsonl", page + "\n")
        let copy = try dir.write("renamed-copy.jsonl", page + "\n")
        let (db, first) = try ingest([a], in: dir)
        XCTAssertNil(first[0].alreadyIngestedAs)
        let again = try Ingester(database: db, options: IngestOptions()).ingest(paths: [a, copy])
        XCTAssertNotNil(again[0].alreadyIngestedAs)
        XCTAssertNotNil(again[1].alreadyIngestedAs)
        XCTAssertEqual(try db.count("posts"), 3)
        XCTAssertEqual(try db.count("source_files"), 1)
        XCTAssertEqual(
            try db.query("SELECT status FROM runs ORDER BY run_id").map { $0.text(0)! }, ["completed", "skipped"])
        XCTAssertTrue(IngestReport.render(again, database: "db").contains("already ingested"))
    }

    func testGzipInputIsReadTransparently() throws {
        let dir = try TemporaryDirectory()
        let plain = try dir.write("x.jsonl", page + "\n")
        XCTAssertEqual(try runProcess("/bin/gzip", ["-k", plain]).status, 0)
        let (db, summaries) = try ingest([plain + ".gz"], in: dir)
        XCTAssertEqual(summaries[0].format, "x-v2-json")
        XCTAssertEqual(summaries[0].stored, 3)
        XCTAssertEqual(try db.count("posts"), 3)
    }

    func testParallelParsingKeepsFileOrderAndLineNumbers() throws {
        let dir = try TemporaryDirectory()
        var text = ""
        for i in 1...20_000 {
            text +=
                #"{"id":"\#(i)","text":"post number \#(i) 第\#(i)","created_at":"2025-08-08T14:03:11Z","#
                + #""author_id":"\#(i % 97)"}"#
                + "\n"
        }
        let path = try dir.write("many.jsonl", text)
        var options = IngestOptions()
        options.workers = 2
        let (db, _) = try ingest([path], in: dir, options: options)
        let mismatches = try db.scalarInt(
            "SELECT count(*) FROM posts WHERE CAST(external_id AS INTEGER) != source_line OR post_id != source_line")
        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(try db.count("posts"), 20_000)
    }
}

final class IngestCSVTests: XCTestCase {
    static let twarcHeader = """
        id,conversation_id,referenced_tweets.replied_to.id,referenced_tweets.retweeted.id,referenced_tweets.quoted.id,\
        author_id,in_reply_to_user_id,in_reply_to_username,retweeted_user_id,retweeted_username,quoted_user_id,\
        quoted_username,created_at,text,lang,source,public_metrics.impression_count,public_metrics.reply_count,\
        public_metrics.retweet_count,public_metrics.quote_count,public_metrics.like_count,reply_settings,\
        edit_history_tweet_ids,edit_controls.edits_remaining,edit_controls.editable_until,\
        edit_controls.is_edit_eligible,possibly_sensitive,withheld.scope,withheld.copyright,withheld.country_codes,\
        entities.annotations,entities.cashtags,entities.hashtags,entities.mentions,entities.urls,context_annotations,\
        attachments.media,attachments.media_keys,attachments.poll.duration_minutes,attachments.poll.end_datetime,\
        attachments.poll.id,attachments.poll.options,attachments.poll.voting_status,attachments.poll_ids,author.id,\
        author.created_at,author.username,author.name,author.description,author.entities.description.cashtags,\
        author.entities.description.hashtags,author.entities.description.mentions,author.entities.description.urls,\
        author.url,author.location,author.pinned_tweet_id,author.profile_image_url,author.protected,\
        author.public_metrics.followers_count,author.public_metrics.following_count,author.public_metrics.listed_count,\
        author.public_metrics.tweet_count,author.verified,author.withheld.scope,author.withheld.copyright,\
        author.withheld.country_codes,geo.coordinates.coordinates,geo.coordinates.type,geo.country,geo.country_code,\
        geo.full_name,geo.geo.bbox,geo.geo.type,geo.id,geo.name,geo.place_id,geo.place_type,matching_rules,\
        __twarc.retrieved_at,__twarc.url,__twarc.version
        """

    /// A twarc2 row with the given values in the named columns and empty cells elsewhere.
    static func twarcRow(_ values: [String: String]) -> String {
        let columns = twarcHeader.split(separator: ",").map(String.init)
        return columns.map { column -> String in
            let value = values[column] ?? ""
            return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }.joined(separator: ",")
    }

    func testTwarc2ExportWithQuotingNewlinesAndBadRows() throws {
        let dir = try TemporaryDirectory()
        var lines = [Self.twarcHeader]
        lines.append(
            Self.twarcRow([
                "id": "101", "author_id": "7", "author.username": "dora", "created_at": "2025-08-08T14:03:11.000Z",
                "text": #"line one\nline two, with "quotes" 😭 还我4o"#, "lang": "en",
                "public_metrics.like_count": "5",
                "entities.hashtags": ##"["#keep4o"]"##,
            ]))
        lines.append(
            Self.twarcRow([
                "id": "102", "author_id": "8", "created_at": "2025-08-08T14:05:00.000Z",
                "text": "a real newline\ninside quotes", "referenced_tweets.retweeted.id": "101",
            ]))  // spans 2 lines
        lines.append("103,103,only,three")  // wrong column count
        lines.append(Self.twarcRow(["id": "104", "author_id": "8", "created_at": "not a date", "text": "hello"]))
        lines.append(
            Self.twarcRow([
                "id": "105", "author_id": "9", "created_at": "2025-08-09T00:00:00.000Z", "text": "last row, no newline",
            ]))
        let path = try dir.write("export.csv", lines.joined(separator: "\n"))
        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[0].format, "csv")
        XCTAssertEqual(summaries[0].stored, 3)
        XCTAssertEqual(summaries[0].rejected, 2)

        let posts = try db.query(
            "SELECT external_id, text, like_count, reposted_id, source_line, lang_hint FROM posts ORDER BY external_id")
        XCTAssertEqual(
            posts[0].text(1), "line one\nline two, with \"quotes\" 😭 还我4o",
            "twarc's \\n escapes become newlines")
        XCTAssertEqual(posts[0].int(2), 5)
        XCTAssertEqual(posts[0].text(5), "en")
        XCTAssertEqual(posts[1].text(1), "a real newline\ninside quotes")
        XCTAssertEqual(posts[1].text(3), "101")
        XCTAssertEqual(posts.map { $0.int(4)! }, [2, 3, 7], "records know the line they start on")
        let rejects = try db.query("SELECT source_line, reason_code, reason FROM rejects ORDER BY source_line")
        XCTAssertEqual(rejects.map { $0.int(0)! }, [5, 6])
        XCTAssertEqual(rejects[0].text(1), "wrong_column_count")
        XCTAssertTrue(rejects[0].text(2)!.contains("4 fields"), rejects[0].text(2)!)
        XCTAssertEqual(rejects[1].text(1), "bad_date")
        XCTAssertEqual(try db.scalarText("SELECT csv_mapping FROM source_files"), CSVMapping.twarc2.json)
    }

    func testCustomMappingFile() throws {
        let dir = try TemporaryDirectory()
        let csv = try dir.write(
            "mastodon.csv",
            "toot_id;posted;user;body;language\n"
                + "m1;2026-02-13 09:00:00+01:00;@ann@example.social;\"Bring back 4o; please\";en\n"
                + "m2;1770940800;@ben@example.social;4oを返して;ja\n")
        let mappingPath = try dir.write(
            "mapping.json",
            #"{"platform":"mastodon","id":"toot_id","text":"body","created_at":"posted","author":"user","#
                + #""lang":"language","delimiter":";"}"#
        )
        var options = IngestOptions()
        options.mapping = try CSVMapping.load(path: mappingPath)
        let (db, summaries) = try ingest([csv], in: dir, options: options)
        try assertReconciles(db, summaries)
        let rows = try db.query(
            "SELECT platform, external_id, created_at, text, lang_hint FROM posts ORDER BY external_id")
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].text(0), "mastodon")
        XCTAssertEqual(rows[0].text(2), "2026-02-13T08:00:00Z")
        XCTAssertEqual(rows[0].text(3), "Bring back 4o; please")
        XCTAssertEqual(rows[1].text(2), "2026-02-13T00:00:00Z")
        XCTAssertEqual(rows[1].text(4), "ja")
    }

    func testMappingProblemsNameTheFileAndLeaveNothingBehind() throws {
        let dir = try TemporaryDirectory()
        let csv = try dir.write("odd.csv", "a,b,c\n1,2,3\n")
        let db = try Database(path: dir.path("study.sqlite"))
        let first = try Ingester(database: db, options: IngestOptions()).ingest(paths: [csv])
        let message = try XCTUnwrap(IngestReport.failure(first)).description
        XCTAssertTrue(message.hasPrefix(csv + ":1:"), message)
        XCTAssertTrue(message.contains("--mapping"), message)
        var options = IngestOptions()
        options.mapping = CSVMapping(platform: "x", id: "a", text: "missing_column", createdAt: "c")
        let second = try Ingester(database: db, options: options).ingest(paths: [csv])
        XCTAssertTrue(second[0].failure!.contains("'missing_column'"), second[0].failure!)
        XCTAssertEqual(try db.count("source_files"), 0)
        XCTAssertEqual(try db.count("posts"), 0)
        XCTAssertEqual(try db.query("SELECT status FROM runs").map { $0.text(0)! }, ["failed", "failed"])
    }

    func testUnterminatedQuoteAtEndOfFileIsRejected() throws {
        let dir = try TemporaryDirectory()
        let csv = try dir.write(
            "cut.csv", "id,text,created_at\n1,ok,2025-08-08T00:00:00Z\n2,\"never closed,2025-08-08T00:00:00Z\n")
        let (db, summaries) = try ingest([csv], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(try db.scalarText("SELECT reason_code || ':' || source_line FROM rejects"), "truncated:3")
        XCTAssertEqual(try db.scalarText("SELECT platform FROM posts"), "csv")
    }
}

final class IngestRedditTests: XCTestCase {
    func testSubmissionsCommentsAndRemovedRecords() throws {
        let dir = try TemporaryDirectory()
        let lines = [
            #"{"id":"1mkx3a","title":"They took 4o away","selftext":"No warning at all.","created_utc":1754661791,"#
                + #""author":"sad_user","subreddit":"ChatGPT","score":42,"num_comments":3}"#,
            #"{"id":"n7abc12","body":"Same here, I miss it.","created_utc":"1754661800","author":"[deleted]","#
                + #""subreddit":"ChatGPT","link_id":"t3_1mkx3a","parent_id":"t3_1mkx3a","score":5}"#,
            #"{"id":"n7abc13","body":"[removed]","created_utc":1754661900.0,"author":"x","subreddit":"ChatGPT","#
                + #""link_id":"t3_1mkx3a","parent_id":"t1_n7abc12"}"#,
            #"{"id":"n7abc14","created_utc":1754661900,"author":"x","subreddit":"ChatGPT"}"#,
            #"{"id":"n7abc15","body":"when","created_utc":"not-a-date","author":"x","subreddit":"ChatGPT","#
                + #""link_id":"t3_1mkx3a","parent_id":"t3_1mkx3a"}"#,
            #"{"id":"1mkx3b","title":"Link post only","selftext":"[deleted]","created_utc":1754661999.5,"author":"y","#
                + #""subreddit":"OpenAI"}"#,
        ]
        let path = try dir.write(
            "reddit.ndjson", [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A])
        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[0].format, "reddit-ndjson")
        let posts = try db.query(
            "SELECT external_id, text, author_key IS NULL, replied_to_id, conversation_id, community, like_count "
                + "FROM posts ORDER BY source_line"
        )
        XCTAssertEqual(posts.map { $0.text(0)! }, ["t3_1mkx3a", "t1_n7abc12", "t3_1mkx3b"])
        XCTAssertEqual(posts[0].text(1), "They took 4o away\n\nNo warning at all.")
        XCTAssertEqual(posts[0].int(6), 42)
        XCTAssertEqual(posts[1].int(2), 1, "deleted authors have no key")
        XCTAssertEqual(posts[1].text(3), "t3_1mkx3a")
        XCTAssertEqual(posts[1].text(4), "t3_1mkx3a")
        XCTAssertEqual(posts[2].text(1), "Link post only")
        let rejects = try db.query("SELECT source_line, reason_code FROM rejects ORDER BY source_line").map {
            "\($0.int(0)!):\($0.text(1)!)"
        }
        XCTAssertEqual(rejects, ["3:removed", "4:missing_field", "5:bad_date"])
    }
}

final class FormatDetectionTests: XCTestCase {
    func testFormatsAreToldFromContent() throws {
        let dir = try TemporaryDirectory()
        let x = try dir.write(
            "a.txt", #"{"id":"1","text":"t","created_at":"2025-08-08T00:00:00Z","author_id":"2"}"# + "\n")
        let page = try dir.write("b.txt", #"{"data":[],"meta":{"result_count":0}}"# + "\n")
        let reddit = try dir.write("c.txt", "\n" + #"{"id":"a","body":"b","created_utc":1,"subreddit":"s"}"# + "\n")
        let csv = try dir.write("d.txt", "id,text,created_at\n")
        let other = try dir.write("e.txt", #"{"name":"not a post"}"# + "\n")
        XCTAssertEqual(try InputFormat.detect(path: x), .xJSON)
        XCTAssertEqual(try InputFormat.detect(path: page), .xJSON)
        XCTAssertEqual(try InputFormat.detect(path: reddit), .redditNDJSON)
        XCTAssertEqual(try InputFormat.detect(path: csv), .csv)
        XCTAssertThrowsError(try InputFormat.detect(path: other)) { error in
            XCTAssertTrue(String(describing: error).contains("--format"))
        }
    }
}

final class DatabaseTests: XCTestCase {
    func testForeignAndDamagedFilesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let foreign = dir.path("foreign.sqlite")
        do {
            let db = try Database(path: foreign, busyTimeout: 1000, migrate: false)
            try db.execute("CREATE TABLE customers(id INTEGER)")
        }
        XCTAssertThrowsError(try Database(path: foreign)) { error in
            XCTAssertTrue(String(describing: error).contains("not made by the study tools"), String(describing: error))
            XCTAssertTrue(String(describing: error).contains("Use --db with a new path"), String(describing: error))
        }
        let text = try dir.write("notes.sqlite", String(repeating: "this is not a database\n", count: 100))
        XCTAssertThrowsError(try Database(path: text)) { error in
            XCTAssertTrue(String(describing: error).contains("not a study database"), String(describing: error))
        }
    }

    func testNewerSchemaIsRefusedAndMigrationsAreIdempotent() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        do {
            let db = try Database(path: path)
            XCTAssertEqual(try db.scalarInt("SELECT max(version) FROM schema_migrations"), Schema.currentVersion)
        }
        do {
            let db = try Database(path: path)  // second open: nothing to apply
            XCTAssertEqual(try db.count("schema_migrations"), Schema.migrations.count)
            try db.run("INSERT INTO schema_migrations VALUES (999, 'from the future', '2030-01-01T00:00:00Z')")
        }
        XCTAssertThrowsError(try Database(path: path)) { error in
            XCTAssertTrue(String(describing: error).contains("newer"), String(describing: error))
        }
    }

    func testMigrationVersionsAreOrderedAndUnique() {
        // Strictly increasing, not necessarily contiguous: stage branches take assigned numbers
        // (aggregate's 7 lands before 3-6 are merged).
        let versions = Schema.migrations.map(\.version)
        XCTAssertEqual(versions, Array(Set(versions)).sorted())
        XCTAssertEqual(versions.first, 1)
    }
}

final class PostDateTests: XCTestCase {
    // Expected values computed independently with Python's datetime (see the test's comments).
    func testKnownTimestamps() {
        XCTAssertEqual(PostDate.parse("2025-08-08T14:03:11.000Z"), 1_754_661_791)  // datetime(2025,8,8,14,3,11,utc)
        XCTAssertEqual(PostDate.parse("2025-08-08T14:03:11Z"), 1_754_661_791)
        XCTAssertEqual(PostDate.parse("2025-08-08 14:03:11+02:00"), 1_754_654_591)  // tz +2h
        XCTAssertEqual(PostDate.parse("2025-08-08T14:03:11+0200"), 1_754_654_591)
        XCTAssertEqual(PostDate.parse("2026-02-13"), 1_770_940_800)
        XCTAssertEqual(PostDate.parse("2024-02-29T23:59:59-05:30"), 1_709_270_999)  // leap day, tz -5:30
        XCTAssertEqual(PostDate.parse("Fri Aug 08 14:03:11 +0000 2025"), 1_754_661_791)
        XCTAssertEqual(PostDate.parse("1754661791"), 1_754_661_791)
        XCTAssertEqual(PostDate.parse("1754661791.25"), 1_754_661_791)
        XCTAssertEqual(PostDate.parse("1754661791000"), 1_754_661_791)
        XCTAssertEqual(PostDate.parse("2000-01-01T00:00:00Z"), 946_684_800)
    }

    func testNonDatesAreNil() {
        for text in [
            "", "yesterday", "2025-13-01", "2025-02-29", "2025-08-08T25:00:00Z", "2025-08-08T14:03:11+99:00",
            "12345", "not-a-date", "2025-08-08T14", "1754661791abc", "0001-01-01T00:00:00Z",
        ] {
            XCTAssertNil(PostDate.parse(text), text)
        }
        XCTAssertNotNil(PostDate.parse("2025-08-08T14:03"), "minutes without seconds are a valid ISO time")
    }

    func testTimestampRoundTrip() {
        for seconds: Int64 in [631_152_000, 946_684_800, 1_709_270_999, 1_754_661_791, 4_102_444_799] {
            XCTAssertEqual(PostDate.parse(Timestamp.format(unixSeconds: seconds)), seconds)
        }
    }
}

final class TextChecksTests: XCTestCase {
    func testUTF8Validation() {
        XCTAssertNil(TextChecks.firstInvalidUTF8Offset(Array("plain, 中文, 日本語, 한국어, 😭".utf8)))
        XCTAssertEqual(TextChecks.firstInvalidUTF8Offset([0x61, 0xC3, 0x28]), 1)  // bad continuation
        XCTAssertEqual(TextChecks.firstInvalidUTF8Offset([0x61, 0xC0, 0xAF]), 1)  // overlong
        XCTAssertEqual(TextChecks.firstInvalidUTF8Offset([0xED, 0xA0, 0x80]), 0)  // UTF-16 surrogate
        XCTAssertEqual(TextChecks.firstInvalidUTF8Offset([0xF4, 0x90, 0x80, 0x80]), 0)  // above U+10FFFF
        XCTAssertEqual(TextChecks.firstInvalidUTF8Offset([0x61, 0x62, 0xE4, 0xB8]), 2)  // cut short
    }

    func testNFKCFoldsCompatibilityForms() {
        XCTAssertEqual(TextNormalizer.nfkc("ＧＰＴ－４ｏ"), "GPT-4o")
        XCTAssertEqual(TextNormalizer.nfkc("ｶﾀｶﾅ"), "カタカナ")
        XCTAssertEqual(TextNormalizer.nfkc("ﬁne"), "fine")
        XCTAssertEqual(TextNormalizer.nfkc("plain ascii"), "plain ascii")
    }
}

final class NFKCFastPathTests: XCTestCase {
    /// The fast path claims these scalars are their own NFKC form: check each one against Foundation.
    func testEveryScalarOfTheFastPathIsStableUnderFoundationNFKC() {
        var checked = 0
        for range in TextNormalizer.stableRanges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let single = String(Character(scalar))
                XCTAssertEqual(
                    single.precomposedStringWithCompatibilityMapping.unicodeScalars.map(\.value), [value],
                    "U+\(String(value, radix: 16, uppercase: true)) is not NFKC-stable")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 30_000)
    }

    /// Random strings over the stable set and over tricky characters agree with Foundation's NFKC.
    func testFastPathAgreesWithFoundationOnRandomStrings() {
        var generator = SystemRandomNumberGenerator()
        let stable = TextNormalizer.stableRanges.flatMap { $0.count < 5000 ? Array($0) : Array($0.prefix(5000)) }
        let tricky: [UInt32] = [
            0x3000, 0xFF21, 0x2026, 0x0301, 0x3099, 0x309B, 0x00A0, 0x2460, 0xFB01, 0x1100, 0x1161, 0xF900, 0x00BD,
        ]
        for round in 0..<5_000 {
            let length = Int.random(in: 1...12, using: &generator)
            let pool = round % 2 == 0 ? stable : stable + tricky
            let scalars = (0..<length).compactMap { _ in Unicode.Scalar(pool.randomElement(using: &generator)!) }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            XCTAssertEqual(
                TextNormalizer.nfkc(text), text.precomposedStringWithCompatibilityMapping, text.debugDescription)
        }
    }
}
