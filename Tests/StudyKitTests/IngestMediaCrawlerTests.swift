import Foundation
import XCTest

@testable import StudyKit

/// A JSON object as Python's `json.dumps(item, ensure_ascii=False)` writes it (MediaCrawler's
/// `jsonl` store): keys in the given order, ", " and ": " separators, non-ASCII kept as UTF-8.
/// Values: String, Int, Int64, Double, Bool, nil (null), or `JSONFragment` for anything else.
func pythonJSON(_ fields: KeyValuePairs<String, Any?>, indent: String? = nil) -> String {
    func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
    func value(_ any: Any?) -> String {
        switch any {
        case nil: return "null"
        case let text as String: return quote(text)
        case let bool as Bool: return bool ? "true" : "false"
        case let int as Int: return String(int)
        case let int as Int64: return String(int)
        case let double as Double: return String(double)
        case let fragment as JSONFragment: return fragment.json
        default: preconditionFailure("unsupported value \(String(describing: any))")
        }
    }
    let members = fields.map { quote($0.key) + ": " + value($0.value) }
    guard let indent else { return "{" + members.joined(separator: ", ") + "}" }
    // json.dumps(..., indent=4) inside an array: members one level deeper than the braces.
    return "{\n" + members.map { indent + "    " + $0 }.joined(separator: ",\n") + "\n" + indent + "}"
}

struct JSONFragment { let json: String }

/// A list of records as `json.dumps(records, ensure_ascii=False, indent=4)` writes it (MediaCrawler's `json` store).
func pythonJSONArray(_ records: [KeyValuePairs<String, Any?>]) -> String {
    "[\n" + records.map { "    " + pythonJSON($0, indent: "    ") }.joined(separator: ",\n") + "\n]"
}

/// Rows as Python's csv.DictWriter writes them into a file opened with encoding utf-8-sig
/// (MediaCrawler's `csv` store): a byte-order mark, CRLF row ends, quotes only where needed.
func pythonCSV(_ header: [String], _ rows: [[String]]) -> [UInt8] {
    func cell(_ text: String) -> String {
        text.contains(where: { ",\"\r\n".contains($0) })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    let text = ([header] + rows).map { $0.map(cell).joined(separator: ",") + "\r\n" }.joined()
    return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
}

final class IngestMediaCrawlerTests: XCTestCase {
    // 2025-08-09T14:30:00Z and 2025-08-12T03:00:00Z, in milliseconds (Python: calendar.timegm(...) * 1000).
    let noteTime: Int64 = 1_754_749_800_000
    let collected: Int64 = 1_754_967_600_000

    func xhsNote(
        id: String, title: String?, desc: String?, time: Any?, liked: Any? = "12", keyword: String = "keep4o",
        userID: String = "5f0c9e1a000000000101a1b2", nickname: String = "小红薯A1B2"
    ) -> String {
        pythonJSON([
            "note_id": id, "type": "normal", "title": title, "desc": desc, "video_url": "", "time": time,
            "last_update_time": time, "user_id": userID, "nickname": nickname, "avatar": "",
            "liked_count": liked, "collected_count": "3", "comment_count": "356", "share_count": "10万+",
            "ip_location": "广东", "image_list": "", "tag_list": "keep4o", "last_modify_ts": collected,
            "note_url": "https://www.xiaohongshu.com/explore/\(id)?xsec_token=t&xsec_source=pc_search",
            "source_keyword": keyword, "xsec_token": "t",
        ])
    }

    func xhsComment(id: String, note: String?, parent: Any?, content: Any?, time: Any?, likes: Any? = "3") -> String {
        pythonJSON([
            "comment_id": id, "create_time": time, "ip_location": "浙江", "note_id": note, "content": content,
            "user_id": "60aa0000000000000100\(id.suffix(4))", "nickname": "夜猫子\(id.suffix(1))", "avatar": "",
            "sub_comment_count": "1", "pictures": "", "parent_comment_id": parent,
            "last_modify_ts": collected, "like_count": likes,
        ])
    }

    func testXiaohongshuNotesAndCommentsAsJSONLines() throws {
        let dir = try TemporaryDirectory()
        let longDesc =
            String(repeating: "我一直把4o当成朋友，不只是工具。", count: 20) + "\n#keep4o[话题]#"
        let standIn = String(String.UnicodeScalarView(longDesc.unicodeScalars.prefix(255)))
        let notes = [
            xhsNote(
                id: "66b7a1f2000000001d00a001", title: "还我GPT-4o！",
                desc: "用了一年多的4o突然就没了😭\n#keep4o[话题]#", time: noteTime, liked: "1.2万"),
            xhsNote(
                id: "66b7a1f2000000001d00a002", title: standIn, desc: longDesc, time: noteTime + 60_000, liked: 88,
                keyword: "还我GPT-4o", userID: "5f0c9e1a000000000101c3d4", nickname: "今天也想念4o"),
        ]
        let comments = [
            xhsComment(
                id: "66b7b0000000000012a00001", note: "66b7a1f2000000001d00a001", parent: 0, content: "同感🥲",
                time: noteTime + 120_000),
            xhsComment(
                id: "66b7b0000000000012a00002", note: "66b7a1f2000000001d00a001", parent: "66b7b0000000000012a00001",
                content: "回复 夜猫子 : 对！", time: noteTime + 180_000),
            xhsComment(
                id: "66b7b0000000000012a00003", note: "66b7a1f2000000001d00a0ff", parent: 0,
                content: "已经签了请愿 #keep4o", time: noteTime + 240_000, likes: "1.1万"),
        ]
        let notesPath = try dir.write("search_contents_2025-08-12.jsonl", notes.joined(separator: "\n") + "\n")
        let commentsPath = try dir.write("search_comments_2025-08-12.jsonl", comments.joined(separator: "\n") + "\n")
        // Comments first: their note's title must still reach them when the notes file follows.
        let (db, summaries) = try ingest([commentsPath, notesPath], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries.map(\.format), ["xiaohongshu", "xiaohongshu"])
        XCTAssertEqual(summaries.map(\.layout), ["MediaCrawler JSON lines", "MediaCrawler JSON lines"])
        XCTAssertEqual(summaries.map(\.stored), [3, 2])

        let rows = try db.query(
            """
            SELECT platform, external_id, text, created_at, replied_to_id, conversation_id, thread_title,
                   search_keyword,
                   like_count, reply_count, repost_count, counts_rounded, author_key, author_handle
            FROM posts ORDER BY external_id
            """)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.text("external_id")!, $0) })
        let note1 = try XCTUnwrap(byID["66b7a1f2000000001d00a001"]),
            note2 = try XCTUnwrap(byID["66b7a1f2000000001d00a002"])
        XCTAssertEqual(note1.text("platform"), "xiaohongshu")
        XCTAssertEqual(
            note1.text("text"), "还我GPT-4o！\n\n用了一年多的4o突然就没了😭\n#keep4o[话题]#")
        XCTAssertEqual(note1.text("created_at"), "2025-08-09T14:30:00Z", "time is in milliseconds")
        XCTAssertEqual(note1.text("thread_title"), "还我GPT-4o！")
        XCTAssertEqual(note1.text("conversation_id"), "66b7a1f2000000001d00a001")
        XCTAssertNil(note1.text("replied_to_id"))
        XCTAssertEqual(note1.int("like_count"), 12_000)
        XCTAssertEqual(note1.int("reply_count"), 356)
        XCTAssertEqual(note1.int("repost_count"), 100_000, "'10万+' is at least 100,000")
        XCTAssertEqual(note1.int("counts_rounded"), 1)
        XCTAssertEqual(note2.text("text"), longDesc, "MediaCrawler's stand-in title (desc[:255]) is not repeated")
        XCTAssertNil(note2.text("thread_title"))
        XCTAssertEqual(note2.int("like_count"), 88)
        XCTAssertEqual(note2.text("search_keyword"), "还我GPT-4o")

        let top = try XCTUnwrap(byID["66b7b0000000000012a00001"]),
            reply = try XCTUnwrap(byID["66b7b0000000000012a00002"])
        let orphan = try XCTUnwrap(byID["66b7b0000000000012a00003"])
        XCTAssertEqual(
            top.text("replied_to_id"), "66b7a1f2000000001d00a001", "parent_comment_id 0: a reply to the note")
        XCTAssertEqual(top.text("conversation_id"), "66b7a1f2000000001d00a001")
        XCTAssertEqual(reply.text("replied_to_id"), "66b7b0000000000012a00001")
        XCTAssertEqual(top.text("thread_title"), "还我GPT-4o！", "the note came in a later file")
        XCTAssertEqual(reply.text("thread_title"), "还我GPT-4o！")
        XCTAssertEqual(top.text("search_keyword"), "keep4o", "comments were found through their note's keyword")
        XCTAssertEqual(top.text("created_at"), "2025-08-09T14:32:00Z")
        XCTAssertNil(orphan.text("thread_title"), "its note is in neither file nor the study")
        XCTAssertEqual(orphan.text("replied_to_id"), "66b7a1f2000000001d00a0ff")
        XCTAssertEqual(orphan.int("like_count"), 11_000)
        XCTAssertEqual(orphan.int("counts_rounded"), 1)
        XCTAssertEqual(top.int("counts_rounded"), 0)

        // Pseudonyms only: no nickname or user id is stored.
        for row in rows {
            XCTAssertNil(row.text("author_handle"))
            let key = try XCTUnwrap(row.text("author_key"))
            XCTAssertEqual(key.count, 32)
            XCTAssertFalse(key.contains("5f0c9e1a") || key.contains("小红薯"))
        }
        XCTAssertEqual(
            note1.text("author_key"),
            Pseudonymizer(salt: try Pseudonymizer.salt(db))
                .key(platform: "xiaohongshu", author: "5f0c9e1a000000000101a1b2"))
    }

    func testNicknamesAreKeptOnlyWithKeepHandles() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write(
            "notes.jsonl", xhsNote(id: "n1", title: "标题", desc: "正文", time: noteTime) + "\n")
        var options = IngestOptions()
        options.keepHandles = true
        let (db, _) = try ingest([path], in: dir, options: options)
        XCTAssertEqual(try db.scalarText("SELECT author_handle FROM posts"), "小红薯A1B2")
    }

    func testWeiboNotesAsAnIndentedJSONArrayAndCommentsAsCSV() throws {
        let dir = try TemporaryDirectory()
        // Weibo's created_at "Sat Aug 09 22:15:00 +0800 2025" is 14:15:00 UTC (1754748900). MediaCrawler writes
        // create_date_time "2025-08-09 22:15:00+08:00" and create_time 1754777700 (the China clock read as UTC).
        let notes: [KeyValuePairs<String, Any?>] = [
            [
                "note_id": "5196000000000001",
                "content": "#keep4o# 4o不只是一个模型，它陪我度过了最难的那一年。",
                "create_time": 1_754_777_700, "create_date_time": "2025-08-09 22:15:00+08:00", "liked_count": "2.3万",
                "comments_count": "1208", "shared_count": "560", "last_modify_ts": collected,
                "note_url": "https://m.weibo.cn/detail/5196000000000001", "ip_location": "北京",
                "user_id": "7001000001", "nickname": "数字游民小林", "gender": "f", "profile_url": "",
                "avatar": "", "source_keyword": "keep4o",
            ],
            // No create_date_time: create_time alone, 8 hours taken off.
            [
                "note_id": "5196000000000002", "content": "还我GPT-4o！新模型很快，但是没有温度。",
                "create_time": 1_754_823_600,
                "liked_count": "76", "comments_count": "4", "shared_count": "2", "last_modify_ts": collected,
                "user_id": "None", "nickname": "江南听雨", "gender": "m", "source_keyword": "还我GPT-4o",
            ],
            // The two times disagree (neither equal nor 8 hours apart): rejected.
            [
                "note_id": "5196000000000003", "content": "时间对不上", "create_time": 1_754_777_701,
                "create_date_time": "2025-08-09 22:15:00+08:00", "liked_count": "1", "comments_count": "0",
                "shared_count": "0",
                "last_modify_ts": collected, "user_id": "7001000009", "nickname": "x", "gender": "m",
            ],
        ]
        let notesPath = try dir.write("search_contents.json", pythonJSONArray(notes))
        let header = [
            "comment_id", "create_time", "create_date_time", "note_id", "content", "sub_comment_count",
            "comment_like_count", "last_modify_ts", "ip_location", "parent_comment_id", "user_id", "nickname",
            "gender", "profile_url", "avatar",
        ]
        let commentsPath = try dir.write(
            "search_comments.csv",
            pythonCSV(
                header,
                [
                    [
                        "5196000000100001", "1754779200", "2025-08-09 22:40:00+08:00", "5196000000000001",
                        "转发支持，4o写的诗我都存着",
                        "2", "310", String(collected), "上海", "5196000000100001", "7001000002", "诗与远方", "f",
                        "", "",
                    ],
                    [
                        "5196000000100002", "1754780700", "2025-08-09 23:05:00+08:00", "5196000000000001",
                        "回复@诗与远方:能分享吗？\n\"想看\"",
                        "0", "12", String(collected), "湖北", "5196000000100001", "7001000003", "武汉小吴", "m",
                        "", "",
                    ],
                    [
                        "5196000000100003", "1754820060", "2025-08-10 10:01:00+08:00", "5196000000000002", "同意",
                        "0", "-4",
                        String(collected), "江苏", "5196000000100003", "7001000004", "江南听雨2", "m", "", "",
                    ],
                ]))
        let (db, summaries) = try ingest([notesPath, commentsPath], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries.map(\.format), ["weibo", "weibo"])
        XCTAssertEqual(summaries.map(\.layout), ["MediaCrawler JSON", "MediaCrawler CSV"])
        XCTAssertEqual(summaries.map(\.stored), [2, 2])
        XCTAssertEqual(summaries.map(\.rejected), [1, 1])

        let rows = try db.query("SELECT * FROM posts ORDER BY external_id")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.text("external_id")!, $0) })
        let note1 = try XCTUnwrap(byID["5196000000000001"]), note2 = try XCTUnwrap(byID["5196000000000002"])
        XCTAssertEqual(note1.text("platform"), "weibo")
        XCTAssertEqual(note1.text("created_at"), "2025-08-09T14:15:00Z")
        XCTAssertEqual(note1.int("source_line"), 2, "the element starts on the array's second line")
        XCTAssertEqual(
            note2.text("created_at"), "2025-08-10T03:00:00Z", "create_time 2025-08-10T11:00 China clock, minus 8 hours")
        XCTAssertEqual(note1.int("like_count"), 23_000)
        XCTAssertEqual(note1.int("reply_count"), 1208)
        XCTAssertEqual(note1.int("repost_count"), 560)
        XCTAssertNil(note1.text("thread_title"), "Weibo posts have no titles")
        XCTAssertNotNil(note2.text("author_key"), "user_id 'None' (Python's None): the nickname keys the author")
        XCTAssertNotEqual(note2.text("author_key"), note1.text("author_key"))

        let top = try XCTUnwrap(byID["5196000000100001"]), sub = try XCTUnwrap(byID["5196000000100002"])
        XCTAssertEqual(top.text("replied_to_id"), "5196000000000001", "a root comment's rootid is its own id")
        XCTAssertEqual(sub.text("replied_to_id"), "5196000000100001")
        XCTAssertEqual(sub.text("conversation_id"), "5196000000000001")
        XCTAssertEqual(sub.text("text"), "回复@诗与远方:能分享吗？\n\"想看\"")
        XCTAssertEqual(sub.int("source_line"), 3)
        XCTAssertEqual(top.text("created_at"), "2025-08-09T14:40:00Z")
        XCTAssertEqual(top.text("search_keyword"), "keep4o")
        XCTAssertEqual(top.int("like_count"), 310)

        let rejects = try db.query("SELECT reason_code, reason, source_line FROM rejects ORDER BY source_file_id")
        XCTAssertEqual(rejects.map { $0.text("reason_code")! }, ["bad_date", "bad_count"])
        XCTAssertTrue(rejects[0].text("reason")!.contains("disagree"), rejects[0].text("reason")!)
        XCTAssertEqual(rejects[1].int("source_line"), 5, "the third row starts on line 5 (the second spans two lines)")
    }

    func testBadRecordsAreRejectedWithReasons() throws {
        let dir = try TemporaryDirectory()
        var bytes: [UInt8] = []
        func line(_ text: String) { bytes += Array(text.utf8) + [0x0A] }
        let note = "66b7a1f2000000001d00a001"
        line(xhsNote(id: note, title: "好", desc: "正文", time: noteTime))  // 1 stored
        line(xhsNote(id: note, title: "好", desc: "再次收集", time: noteTime))  // 2 duplicate id
        line(xhsNote(id: "n3", title: "秒", desc: "单位错了", time: 1_754_749_800))  // 3 seconds, not ms
        line(xhsNote(id: "n4", title: "早", desc: "太早", time: 1_262_304_000_000))  // 4 2010: before XHS
        line(xhsNote(id: "n5", title: "晚", desc: "未来", time: collected + 3 * 86_400_000))  // 5 after collection
        line(xhsNote(id: "n6", title: nil, desc: nil, time: noteTime))  // 6 no text fields
        line(xhsNote(id: "n7", title: "", desc: "   ", time: noteTime))  // 7 empty
        line(xhsNote(id: "n8", title: "赞", desc: "负数", time: noteTime, liked: "-5"))  // 8 bad count
        // 9: wrong type
        line(xhsNote(id: "n9", title: "赞", desc: "对象", time: noteTime, liked: JSONFragment(json: #"{"n": 1}"#)))
        line(xhsNote(id: "n10", title: "时", desc: "文字", time: "yesterday"))  // 10 not a time
        line(pythonJSON(["note_id": "n11", "title": 12, "desc": "标题是数字", "time": noteTime]))  // 11 wrong type
        line(xhsComment(id: "c12", note: nil, parent: 0, content: "没有笔记", time: noteTime))  // 12 no note id
        line(xhsComment(id: "c13", note: note, parent: 0, content: nil, time: noteTime))  // 13 null content
        line(pythonJSON(["user_id": "u1", "nickname": "博主", "fans": "10", "follows": "3"]))  // 14 creator
        // 15: wrong type
        line(pythonJSON(["note_id": JSONFragment(json: "[1]"), "desc": "id 是列表", "time": noteTime]))
        // 16: invalid UTF-8 (a character cut short)
        bytes += Array(#"{"note_id": "n16", "desc": "坏"#.utf8) + [0xE4, 0xB8] + Array(#"", "time": 1}"#.utf8) + [0x0A]
        line("[1, 2]")  // 17 not an object
        // 18: stored
        line(xhsComment(id: "c18", note: note, parent: 0, content: "最后一条🥲", time: noteTime + 1))
        // 19: cut off, no newline at the end of the file
        bytes += Array(#"{"comment_id": "c19", "note_id": "66b7a1f2000000001d00a001", "content": "被截"#.utf8)
        let path = try dir.write("mixed.jsonl", bytes)
        var options = IngestOptions()
        options.format = .xiaohongshu
        let (db, summaries) = try ingest([path], in: dir, options: options)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries[0].read, 19)
        XCTAssertEqual(summaries[0].stored, 2)
        XCTAssertEqual(summaries[0].duplicates, 1)
        let rejects = try db.query("SELECT source_line, reason_code, reason FROM rejects ORDER BY source_line")
        XCTAssertEqual(
            rejects.map { "\($0.int("source_line")!):\($0.text("reason_code")!)" },
            [
                "3:bad_date", "4:bad_date", "5:bad_date", "6:missing_field", "7:empty_text", "8:bad_count",
                "9:wrong_type",
                "10:bad_date", "11:wrong_type", "12:missing_field", "13:empty_text", "14:not_a_post", "15:wrong_type",
                "16:invalid_utf8", "17:not_a_post", "19:truncated",
            ])
        let reasons = Dictionary(uniqueKeysWithValues: rejects.map { ($0.int("source_line")!, $0.text("reason")!) })
        XCTAssertTrue(reasons[3]!.contains("milliseconds"), reasons[3]!)
        XCTAssertTrue(reasons[4]!.contains("before Xiaohongshu existed"), reasons[4]!)
        XCTAssertTrue(reasons[5]!.contains("after the record was collected"), reasons[5]!)
        XCTAssertTrue(reasons[8]!.contains("liked_count"), reasons[8]!)
        XCTAssertTrue(reasons[9]!.contains("liked_count is an object, not a count"), reasons[9]!)
        XCTAssertTrue(reasons[14]!.contains("creator"), reasons[14]!)
    }

    func testArrayLayoutsCutOffAndTrailingBytes() throws {
        let dir = try TemporaryDirectory()
        let one = pythonJSON(["note_id": "a1", "title": "一", "desc": "甲", "time": noteTime])
        let two = pythonJSON(["note_id": "a2", "title": "二", "desc": "乙", "time": noteTime])
        // Compact (one line), then a stray bracket and bytes after the array: each is a reject, none is lost.
        let compact = try dir.write("compact.json", "[" + one + "," + two + ", 7, }]\n garbage")
        // Indented and cut off inside the second record.
        let indented = pythonJSONArray([
            ["note_id": "b1", "title": "三", "desc": "丙", "time": noteTime],
            ["note_id": "b2", "title": "四", "desc": "丁", "time": noteTime],
        ])
        let cut = try dir.write("cut.json", String(indented.prefix(indented.count - 40)))
        var options = IngestOptions()
        options.format = .xiaohongshu
        let (db, summaries) = try ingest([compact, cut], in: dir, options: options)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries.map(\.stored), [2, 1])
        let rejects = try db.query(
            """
            SELECT f.path, r.source_line, r.reason_code FROM rejects r JOIN source_files f USING (source_file_id)
            ORDER BY r.reject_id
            """
        ).map {
            "\(($0.text("path")! as NSString).lastPathComponent):\($0.int("source_line")!):\($0.text("reason_code")!)"
        }
        XCTAssertEqual(
            rejects,
            [
                "compact.json:1:not_a_post", "compact.json:1:invalid_json", "compact.json:2:invalid_json",
                "cut.json:8:truncated",
            ])
    }

    /// Elements longer than the reader's 1 MiB buffer are read whole; over the limit, only their
    /// start is kept, with their full size, and the next element is still found on its own line.
    func testArrayElementsAcrossBufferRefillsAndOverTheLimit() throws {
        let big = String(repeating: "还我4o ", count: 300_000)  // 2.7 MB of UTF-8
        let text = pythonJSONArray([
            ["note_id": "e1", "desc": "前", "time": noteTime],
            ["note_id": "e2", "desc": big, "time": noteTime],
            ["note_id": "e3", "desc": "后\n换行", "time": noteTime],
        ])
        func elements(limit: Int) throws -> [RawLine] {
            let reader = JSONArrayReader(source: MemoryBytes(Array(text.utf8)), path: "t.json", maxElementBytes: limit)
            var out: [RawLine] = []
            while let element = try reader.next() { out.append(element) }
            return out
        }
        let whole = try elements(limit: 8 << 20)
        XCTAssertEqual(whole.map(\.number), [2, 7, 12])
        XCTAssertEqual(whole.map(\.oversizeBytes), [nil, nil, nil])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(whole[1].bytes)) as? [String: Any])
        XCTAssertEqual(object["desc"] as? String, big)
        let cut = try elements(limit: 1 << 20)
        XCTAssertEqual(cut.map(\.number), [2, 7, 12])
        XCTAssertEqual(cut[1].bytes.count, 4096)
        XCTAssertEqual(cut[1].oversizeBytes, whole[1].bytes.count)
        XCTAssertEqual(cut[2].bytes, whole[2].bytes)
    }

    func testFormatsAreDetectedFromContent() throws {
        let dir = try TemporaryDirectory()
        let xhsLines = try dir.write("a", xhsNote(id: "n1", title: "t", desc: "d", time: noteTime) + "\n")
        let xhsComments = try dir.write(
            "b", xhsComment(id: "c1", note: "n1", parent: 0, content: "c", time: noteTime) + "\n")
        let weiboArray = try dir.write(
            "c",
            pythonJSONArray([
                [
                    "note_id": "1", "content": "x", "create_time": 1_754_777_700,
                    "create_date_time": "2025-08-09 22:15:00+08:00",
                    "comments_count": "0", "shared_count": "0",
                ]
            ]))
        let weiboCSV = try dir.write(
            "d",
            pythonCSV(
                [
                    "comment_id", "create_time", "create_date_time", "note_id", "content",
                    "comment_like_count",
                ], [["1", "2", "3", "4", "5", "6"]]))
        let xhsCSV = try dir.write("e", pythonCSV(["note_id", "type", "title", "desc", "time", "liked_count"], []))
        let creators = try dir.write(
            "f", pythonJSON(["user_id": "u", "nickname": "n", "fans": "1", "follows": "2"]) + "\n")
        let ambiguous = try dir.write("g", pythonJSON(["note_id": "1", "content": "x"]) + "\n")
        let otherArray = try dir.write("h", #"[{"id": "1", "text": "t"}]"#)
        XCTAssertEqual(try InputFormat.detect(path: xhsLines), .xiaohongshu)
        XCTAssertEqual(try InputFormat.detect(path: xhsComments), .xiaohongshu)
        XCTAssertEqual(try InputFormat.detect(path: weiboArray), .weibo)
        XCTAssertEqual(try InputFormat.detect(path: weiboCSV), .weibo)
        XCTAssertEqual(try InputFormat.detect(path: xhsCSV), .xiaohongshu)
        XCTAssertEqual(try MediaCrawlerLayout.detect(path: weiboArray), .jsonArray)
        XCTAssertEqual(try MediaCrawlerLayout.detect(path: weiboCSV), .csv)
        XCTAssertEqual(try MediaCrawlerLayout.detect(path: xhsLines), .jsonLines)
        XCTAssertThrowsError(try InputFormat.detect(path: creators)) { error in
            XCTAssertTrue(String(describing: error).contains("creator record"), String(describing: error))
        }
        XCTAssertThrowsError(try InputFormat.detect(path: ambiguous)) { error in
            XCTAssertTrue(String(describing: error).contains("Xiaohongshu from Weibo"), String(describing: error))
            XCTAssertTrue(String(describing: error).contains("--format"), String(describing: error))
        }
        XCTAssertThrowsError(try InputFormat.detect(path: otherArray)) { error in
            XCTAssertTrue(String(describing: error).contains("JSON array"), String(describing: error))
        }
    }

    func testDisplayedCounts() {
        // Exact counts, and the rounded forms Chinese platforms show (万 = 10,000; 亿 = 100,000,000).
        XCTAssertEqual(DisplayedCount.parse("1234")?.count, 1234)
        XCTAssertEqual(DisplayedCount.parse("1234")?.rounded, false)
        XCTAssertEqual(DisplayedCount.parse("1,234")?.count, 1234)
        XCTAssertEqual(DisplayedCount.parse("1.2万")?.count, 12_000)
        XCTAssertEqual(DisplayedCount.parse("1.2万")?.rounded, true)
        XCTAssertEqual(DisplayedCount.parse("10万+")?.count, 100_000)
        XCTAssertEqual(DisplayedCount.parse("999+")?.count, 999)
        XCTAssertEqual(DisplayedCount.parse("999+")?.rounded, true)
        XCTAssertEqual(DisplayedCount.parse("3亿")?.count, 300_000_000)
        XCTAssertEqual(DisplayedCount.parse("2.5w")?.count, 25_000)
        XCTAssertEqual(DisplayedCount.parse("1.5千")?.count, 1500)
        for text in ["12.5", "abc", "1,23", "-5", "万", "1.2.3万", ".5万", "+", "1e5"] {
            XCTAssertNil(DisplayedCount.parse(text), text)
        }
    }

    func testStandInTitleRule() {
        let desc = String(repeating: "字", count: 300)
        XCTAssertNil(MediaCrawlerMapper.realTitle(String(repeating: "字", count: 255), desc: desc))
        XCTAssertNil(MediaCrawlerMapper.realTitle("短文", desc: "短文"), "a short desc is its own stand-in")
        XCTAssertEqual(MediaCrawlerMapper.realTitle("标题", desc: "标题之后的正文"), "标题")
        XCTAssertNil(MediaCrawlerMapper.realTitle("", desc: "正文"))
    }

    /// The examples in docs/ingest.md are real files: ingest them and check the summary shown there.
    func testDocumentedExamples() throws {
        let dir = try TemporaryDirectory()
        let folder = Repository.path("docs/examples/mediacrawler")
        let files = [
            "xhs_search_contents_2025-08-12.jsonl", "xhs_search_comments_2025-08-12.jsonl",
            "weibo_search_contents_2025-08-12.json", "weibo_search_comments_2025-08-12.csv",
        ].map { folder + "/" + $0 }
        let (db, summaries) = try ingest(files, in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(
            summaries.map { "\($0.format) \($0.read)=\($0.stored)+\($0.duplicates)+\($0.rejected)" },
            ["xiaohongshu 3=2+0+1", "xiaohongshu 3=3+0+0", "weibo 2=2+0+0", "weibo 3=2+0+1"])
        XCTAssertEqual(try db.count("posts", where: "thread_title = '还我GPT-4o！'"), 3)
    }
}
