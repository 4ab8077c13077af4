import Foundation
import XCTest

@testable import StudyKit

/// The sample study, coded by the lexicon coder and by two human coders with adjudication, built
/// once for these tests by the debug tools (Tests/Helpers/build_sample_study.py, as `make` runs them).
enum CodedSampleStudy {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exchange-sample-\(getpid())")
    static let built: Result<String, Error> = Result {
        try? FileManager.default.removeItem(at: folder)
        let output = try outputOf(
            "/usr/bin/env", ["python3", Repository.path("Tests/Helpers/build_sample_study.py"), folder.path])
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func database() throws -> Database { try Database(path: try built.get(), mode: .readOnly) }
}

let projectSchema = Repository.shared.appendingPathComponent("data/refi-qda/Project.xsd").path

/// xmllint's verdict on a file against the REFI-QDA project schema: (valid, its messages).
func validateAgainstProjectSchema(_ path: String) throws -> (Bool, String) {
    guard FileManager.default.fileExists(atPath: projectSchema) else {
        throw XCTSkip("\(projectSchema) is not there (../shared beside the repository)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
    process.arguments = ["--noout", "--schema", projectSchema, path]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let messages = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus == 0, messages)
}

/// An entry of a zip, read by Info-ZIP's `unzip` (not by our reader).
func unzipEntry(_ archive: String, _ entry: String) throws -> Data {
    try outputOf("/usr/bin/unzip", ["-p", archive, entry])
}

final class ExchangeTests: XCTestCase {
    // MARK: REFI-QDA project and codebook against the published schema

    func testQDPXOfTheSampleStudyValidatesAgainstTheREFIProjectSchema() throws {
        let db = try CodedSampleStudy.database()
        let codebook = try CodebookLoader.stored(db)
        let dir = try TemporaryDirectory()
        for mode in QDPXTextMode.allCases {
            let archive = dir.path("study-\(mode.rawValue).qdpx")
            var options = QDPXExportOptions()
            options.textMode = mode
            let summary = try QDPXExporter(database: db, codebook: codebook).export(to: archive, options: options)
            // Info-ZIP checks every entry's CRC; the project goes to xmllint.
            let test = String(decoding: try outputOf("/usr/bin/unzip", ["-t", archive]), as: UTF8.self)
            XCTAssertTrue(test.contains("No errors detected"), test)
            let qde = try dir.write("project-\(mode.rawValue).qde", [UInt8](try unzipEntry(archive, "project.qde")))
            let (valid, messages) = try validateAgainstProjectSchema(qde)
            XCTAssertTrue(valid, "\(mode): \(messages.prefix(2000))")
            XCTAssertTrue(messages.contains("validates"), messages)

            let coders = try db.query("SELECT DISTINCT coder FROM codings ORDER BY coder").compactMap {
                $0.text("coder")
            }
            XCTAssertEqual(summary.coders, coders)
            XCTAssertEqual(Set(coders), ["adjudicated", "human:alice", "human:bob", codebook.lexiconCoderName])
            let coded = try db.scalarInt("SELECT count(DISTINCT post_id) FROM codings") ?? -1
            XCTAssertEqual(summary.posts, coded)
            let xml = String(decoding: try Data(contentsOf: URL(fileURLWithPath: qde)), as: UTF8.self)
            XCTAssertEqual(xml.components(separatedBy: "<TextSource ").count - 1, coded)
            XCTAssertEqual(xml.components(separatedBy: "<User ").count - 1, coders.count)
            XCTAssertEqual(xml.components(separatedBy: "<Coding ").count - 1, summary.codings)
            // Every present category of a human coder is one coding; the lexicon coder's are at least one each.
            let humanPresent =
                try db.scalarInt(
                    "SELECT count(*) FROM codings WHERE value = 1 AND coder <> ?",
                    [.text(codebook.lexiconCoderName)]) ?? -1
            let lexiconPresent =
                try db.scalarInt(
                    "SELECT count(*) FROM codings WHERE value = 1 AND coder = ?",
                    [.text(codebook.lexiconCoderName)]) ?? -1
            XCTAssertGreaterThanOrEqual(summary.codings, humanPresent + lexiconPresent)
            XCTAssertEqual(summary.codingsOfUnknownCategories, 0)
            if mode == .files {
                // One text file per post, holding exactly the post's text.
                let listing = String(decoding: try outputOf("/usr/bin/unzip", ["-Z1", archive]), as: UTF8.self)
                XCTAssertEqual(listing.split(separator: "\n").filter { $0.hasPrefix("sources/") }.count, coded)
                let first = try XCTUnwrap(
                    try db.query(
                        """
                        SELECT platform, external_id, text FROM posts WHERE post_id = (SELECT min(post_id) FROM codings)
                        """
                    ).first)
                let guid = QDPXExporter.sourceGUID(
                    platform: try first.required(text: "platform"),
                    externalID: try first.required(text: "external_id"))
                XCTAssertEqual(
                    String(decoding: try unzipEntry(archive, "sources/\(guid).txt"), as: UTF8.self),
                    try first.required(text: "text"))
            }
        }
    }

    func testAProjectThatBreaksTheSchemaIsRejectedByTheValidator() throws {
        // The check above means something only if xmllint does reject a wrong project.
        let dir = try TemporaryDirectory()
        let bad = try dir.write(
            "bad.qde",
            """
            <?xml version="1.0" encoding="utf-8"?>
            <Project xmlns="urn:QDA-XML:project:1.0" name="bad">
              <CodeBook><Codes><Code guid="not-a-guid" name="x"/></Codes></CodeBook>
            </Project>
            """)
        let (valid, messages) = try validateAgainstProjectSchema(bad)
        XCTAssertFalse(valid)
        XCTAssertTrue(messages.contains("isCodable"), messages)
    }

    func testQDCCodebookExportValidatesWrappedInAProject() throws {
        // The refi-qda README: the codebook schema copies are damaged; a .qdc's <Codes> has the
        // shape of a project's, so it is validated inside a minimal <Project>.
        let codebook = try CodebookLoader.load(path: Repository.path("codebooks/keep4o.yaml"))
        let qdc = QDCExchange.export(codebook)
        let start = try XCTUnwrap(qdc.range(of: "<Codes>"))
        let end = try XCTUnwrap(qdc.range(of: "</Codes>"))
        let codes = String(qdc[start.lowerBound..<end.upperBound])
        let wrapped = """
            <?xml version="1.0" encoding="utf-8"?>
            <Project xmlns="urn:QDA-XML:project:1.0" name="qdc check"><CodeBook>\(codes)</CodeBook></Project>

            """
        let dir = try TemporaryDirectory()
        let (valid, messages) = try validateAgainstProjectSchema(try dir.write("wrapped.qde", wrapped))
        XCTAssertTrue(valid, messages)
        XCTAssertEqual(codes.components(separatedBy: "isCodable=\"true\"").count - 1, codebook.categories.count)
        // The project export carries the same codes, so its codings point at the .qdc's GUIDs.
        XCTAssertTrue(
            QDCExchange.codesElement(codebook, indent: "  ").contains(QDCExchange.codeGUID(codebook, "companion")))
        XCTAssertTrue(codes.contains(QDCExchange.codeGUID(codebook, "companion")))
    }

    func testTheSameStudyGivesTheSameBytes() throws {
        let db = try CodedSampleStudy.database()
        let codebook = try CodebookLoader.stored(db)
        let dir = try TemporaryDirectory()
        var options = QDPXExportOptions()
        options.sample = "pilot"
        try QDPXExporter(database: db, codebook: codebook).export(to: dir.path("a.qdpx"), options: options)
        try QDPXExporter(database: db, codebook: codebook).export(to: dir.path("b.qdpx"), options: options)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("a.qdpx")))
        XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir.path("b.qdpx"))))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("a.qdpx.partial")))
        // --sample: only the sample's posts.
        let qde = String(decoding: try unzipEntry(dir.path("a.qdpx"), "project.qde"), as: UTF8.self)
        XCTAssertEqual(
            qde.components(separatedBy: "<TextSource ").count - 1,
            try db.scalarInt("SELECT count(*) FROM sample_posts") ?? -1)
    }

    // MARK: Where the lexicon coder's selections point

    /// Python, not this code, cuts the original text at the exported positions (code points),
    /// normalises the piece (NFKC) and compares it with the words the coder matched (evidence text).
    func testLexiconSelectionsCoverTheMatchedWordsInCodePoints() throws {
        let db = try CodedSampleStudy.database()
        let codebook = try CodebookLoader.stored(db)
        let dir = try TemporaryDirectory()
        var options = QDPXExportOptions()
        options.coders = [codebook.lexiconCoderName]
        let archive = dir.path("lexicon.qdpx")
        let summary = try QDPXExporter(database: db, codebook: codebook).export(to: archive, options: options)
        XCTAssertEqual(summary.spansCoveringWholePost, 0)
        let script = """
            import json, sqlite3, sys, unicodedata, zipfile
            import xml.etree.ElementTree as ET
            archive, db = sys.argv[1], sys.argv[2]
            ns = {"q": "urn:QDA-XML:project:1.0"}
            z = zipfile.ZipFile(archive)
            root = ET.fromstring(z.read("project.qde"))
            sql = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
            checked = partial = 0
            for source in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
                text = z.read("sources/" + source.get("plainTextPath")[len("internal://"):]).decode("utf-8")
                platform, external = source.get("name").split(" ", 1)
                post = sql.execute("SELECT post_id FROM posts WHERE platform = ? AND external_id = ?",
                                   (platform, external)).fetchone()[0]
                matched = set()
                lexicon = "SELECT evidence FROM codings WHERE post_id = ? AND value = 1 AND coder LIKE 'lexicon:%'"
                for (evidence,) in sql.execute(lexicon, (post,)):
                    for item in json.loads(evidence or "[]"):
                        if "text" in item and not item.get("negated"):
                            matched.add(unicodedata.normalize("NFKC", item["text"]).casefold())
                for sel in source.findall("q:PlainTextSelection", ns):
                    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                    if (start, end) == (0, len(text)):
                        continue
                    piece = unicodedata.normalize("NFKC", text[start:end]).casefold()
                    if piece not in matched:
                        sys.exit("post %s: [%d, %d) is %r, matched words %r"
                                 % (post, start, end, piece, sorted(matched)))
                    checked += 1
            print(checked)
            """
        let output = try outputOf(
            "/usr/bin/env", ["python3", "-c", script, archive, try CodedSampleStudy.built.get()])
        let checked = Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertGreaterThan(checked, 100, "selections over matched words were checked")
    }

    func testSpansInNFKCTextMapBackToTheTextAsWritten() {
        // Full-width letters and a ligature: NFKC shortens nothing here but changes every scalar;
        // "ﬁ" (1 scalar) becomes "fi" (2).
        let text = "ｋｅｅｐ ４ｏ, my ﬁrst friend"
        let nfkc = text.precomposedStringWithCompatibilityMapping
        XCTAssertEqual(nfkc, "keep 4o, my first friend")
        let map = NFKCOffsetMap(text: text, nfkc: nfkc)!
        func cut(_ s: String, _ r: Range<Int>) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.dropFirst(r.lowerBound).prefix(r.count)))
        }
        let keep = 0..<7  // "keep 4o" in NFKC scalars
        XCTAssertEqual(cut(nfkc, keep), "keep 4o")
        XCTAssertEqual(cut(text, map.original(keep)!), "ｋｅｅｐ ４ｏ")
        let first = 12..<17  // "first"
        XCTAssertEqual(cut(nfkc, first), "first")
        XCTAssertEqual(cut(text, map.original(first)!), "ﬁrst")
        let half = 12..<13  // "f" alone: half of the ligature widens to the whole ligature
        XCTAssertEqual(cut(text, map.original(half)!), "ﬁ")
        XCTAssertNil(map.original(20..<40), "past the end")
        // Unchanged text: offsets are the same.
        XCTAssertEqual(NFKCOffsetMap(text: "keep 4o", nfkc: nil)!.original(0..<4), 0..<4)
        XCTAssertNil(NFKCOffsetMap(text: "keep 4o", nfkc: nil)!.original(0..<8))
    }

    func testTextThatXMLCannotCarryKeepsItsOffsets() {
        // A vertical tab is not an XML character even as a reference; CR would be folded into LF.
        let text = "a\u{0B}b\r\nc & <d>"
        let content = XMLText.content(text)
        XCTAssertEqual(content, "a\u{FFFD}b&#13;\nc &amp; &lt;d&gt;")
        XCTAssertEqual(XMLText.attribute("x\ny\"z"), "x&#10;y&quot;z")
    }

    // MARK: Import from a QDA tool

    func testImportOfAProjectCodedElsewhereWritesWholePostCodings() throws {
        let dir = try TemporaryDirectory()
        let source = try CodedSampleStudy.built.get()
        let path = dir.path("study.sqlite")
        try FileManager.default.copyItem(atPath: source, toPath: path)
        let db = try Database(path: path, mode: .readWrite)
        let codebook = try CodebookLoader.stored(db)
        let posts = try db.query("SELECT post_id, platform, external_id FROM posts ORDER BY post_id LIMIT 3")
        func name(_ row: Row) throws -> String {
            "\(try row.required(text: "platform")) \(try row.required(text: "external_id"))"
        }
        // As another tool writes it: its own GUIDs, codes named by label or id, a partial selection,
        // a coding of the whole source, a user per coding, and a prefix on the namespace.
        let companion = try XCTUnwrap(codebook.category("companion")).primaryLabel
        let qde = """
            <?xml version="1.0" encoding="UTF-8"?>
            <qda:Project xmlns:qda="urn:QDA-XML:project:1.0" name="coded in another tool">
              <qda:Users>
                <qda:User guid="11111111-1111-4111-8111-111111111111" name="Maria Lopez"/>
                <qda:User guid="22222222-2222-4222-8222-222222222222" name="tom"/>
              </qda:Users>
              <qda:CodeBook><qda:Codes>
                <qda:Code guid="AAAAAAAA-0000-4000-8000-000000000001" name="\(companion)" isCodable="true"/>
                <qda:Code guid="AAAAAAAA-0000-4000-8000-000000000002" name="relevant" isCodable="true"/>
                <qda:Code guid="AAAAAAAA-0000-4000-8000-000000000003" name="Themes" isCodable="false"/>
              </qda:Codes></qda:CodeBook>
              <qda:Sources>
                <qda:TextSource guid="BBBBBBBB-0000-4000-8000-000000000001" name="\(try name(posts[0]))"
                    plainTextPath="internal://one.txt">
                  <qda:PlainTextSelection guid="CCCCCCCC-0000-4000-8000-000000000001" startPosition="0" endPosition="5"
                      creatingUser="11111111-1111-4111-8111-111111111111">
                    <qda:Coding guid="DDDDDDDD-0000-4000-8000-000000000001">
                      <qda:CodeRef targetGUID="AAAAAAAA-0000-4000-8000-000000000001"/></qda:Coding>
                  </qda:PlainTextSelection>
                  <qda:Coding guid="DDDDDDDD-0000-4000-8000-000000000002"
                      creatingUser="11111111-1111-4111-8111-111111111111">
                    <qda:CodeRef targetGUID="AAAAAAAA-0000-4000-8000-000000000002"/></qda:Coding>
                </qda:TextSource>
                <qda:TextSource guid="BBBBBBBB-0000-4000-8000-000000000002" name="\(try name(posts[1]))">
                  <qda:PlainTextContent>some text</qda:PlainTextContent>
                  <qda:PlainTextSelection guid="CCCCCCCC-0000-4000-8000-000000000002" startPosition="2" endPosition="4"
                      creatingUser="22222222-2222-4222-8222-222222222222">
                    <qda:Coding guid="DDDDDDDD-0000-4000-8000-000000000003">
                      <qda:CodeRef targetGUID="AAAAAAAA-0000-4000-8000-000000000002"/></qda:Coding>
                  </qda:PlainTextSelection>
                </qda:TextSource>
                <qda:TextSource guid="BBBBBBBB-0000-4000-8000-000000000003" name="\(try name(posts[2]))"/>
              </qda:Sources>
            </qda:Project>
            """
        try FileManager.default.createDirectory(atPath: dir.path("project/sources"), withIntermediateDirectories: true)
        try dir.write("project/project.qde", qde)
        try dir.write("project/sources/one.txt", "the text")
        // Zipped by Info-ZIP, not by our writer.
        let archive = dir.path("coded.qdpx")
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        zip.currentDirectoryURL = URL(fileURLWithPath: dir.path("project"))
        zip.arguments = ["-q", "-r", archive, "project.qde", "sources"]
        try zip.run()
        zip.waitUntilExit()
        XCTAssertEqual(zip.terminationStatus, 0)

        let summary = try QDPXImporter(database: db, codebook: codebook).importFile(archive)
        XCTAssertEqual(summary.postsByCoder, ["qda:Maria_Lopez": 1, "qda:tom": 1])
        XCTAssertEqual(summary.codingsRead, 3)
        XCTAssertEqual(summary.rowsWritten, 2 * codebook.categories.count)
        func present(_ coder: String, _ post: Row) throws -> [String] {
            try db.query(
                "SELECT category FROM codings WHERE coder = ? AND post_id = ? AND value = 1 ORDER BY category",
                [.text(coder), .int(try post.required(int64: "post_id"))]
            ).compactMap { $0.text("category") }
        }
        XCTAssertEqual(try present("qda:Maria_Lopez", posts[0]), ["companion", "relevant"])
        XCTAssertEqual(try present("qda:tom", posts[1]), ["relevant"])
        XCTAssertEqual(try db.count("codings", where: "coder = 'qda:tom' AND value = 0"), codebook.categories.count - 1)
        XCTAssertEqual(
            try db.count("codings", where: "coder LIKE 'qda:%' AND post_id = \(try posts[2].required(int: "post_id"))"),
            0,
            "a source nobody coded gets no rows")
        let run = try XCTUnwrap(
            try db.query("SELECT stage, status FROM runs WHERE run_id = ?", [.int(summary.runID)]).first)
        XCTAssertEqual(run.text("stage"), "annotate-import-qdpx")
        XCTAssertEqual(run.text("status"), "completed")
        // A second import replaces, it does not add.
        _ = try QDPXImporter(database: db, codebook: codebook).importFile(archive)
        XCTAssertEqual(try db.count("codings", where: "coder LIKE 'qda:%'"), 2 * codebook.categories.count)
    }

    func testOurOwnExportImportsBackAsTheSameDecisions() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        try FileManager.default.copyItem(atPath: try CodedSampleStudy.built.get(), toPath: path)
        let db = try Database(path: path, mode: .readWrite)
        let codebook = try CodebookLoader.stored(db)
        var options = QDPXExportOptions()
        options.coders = ["human:alice"]
        try QDPXExporter(database: db, codebook: codebook).export(to: dir.path("alice.qdpx"), options: options)
        _ = try QDPXImporter(database: db, codebook: codebook).importFile(dir.path("alice.qdpx"))
        // Posts alice coded with at least one category come back with her exact 0/1 decisions.
        let differences = try db.scalarInt(
            """
            SELECT count(*) FROM codings a JOIN codings q
              ON q.post_id = a.post_id AND q.category = a.category AND q.coder = 'qda:human:alice'
            WHERE a.coder = 'human:alice' AND a.value <> q.value
            """)
        XCTAssertEqual(differences, 0)
        let alicePosts = try db.scalarInt(
            "SELECT count(DISTINCT post_id) FROM codings WHERE coder = 'human:alice' AND value = 1")
        XCTAssertEqual(
            try db.scalarInt("SELECT count(DISTINCT post_id) FROM codings WHERE coder = 'qda:human:alice'"), alicePosts)
    }

    func testImportErrorsNameTheFileAndWhatDidNotMatch() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        try FileManager.default.copyItem(atPath: try CodedSampleStudy.built.get(), toPath: path)
        let db = try Database(path: path, mode: .readWrite)
        let codebook = try CodebookLoader.stored(db)
        let before = try db.count("codings")
        func project(code: String, source: String) -> String {
            """
            <?xml version="1.0"?>
            <Project xmlns="urn:QDA-XML:project:1.0" name="p">
              <CodeBook><Codes>
                <Code guid="AAAAAAAA-0000-4000-8000-000000000001" name="\(code)" isCodable="true"/>
              </Codes></CodeBook>
              <Sources><TextSource guid="BBBBBBBB-0000-4000-8000-000000000001" name="\(source)">
                <Coding guid="DDDDDDDD-0000-4000-8000-000000000001">
                  <CodeRef targetGUID="AAAAAAAA-0000-4000-8000-000000000001"/></Coding>
              </TextSource></Sources>
            </Project>
            """
        }
        let post = try XCTUnwrap(try db.query("SELECT platform, external_id FROM posts LIMIT 1").first)
        let realSource = "\(try post.required(text: "platform")) \(try post.required(text: "external_id"))"
        let unknownCode = try dir.write("unknown-code.qde", project(code: "Nostalgia", source: realSource))
        XCTAssertThrowsError(try QDPXImporter(database: db, codebook: codebook).importFile(unknownCode)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(unknownCode + ": "), message)
            XCTAssertTrue(message.contains("Nostalgia"), message)
        }
        let unknownSource = try dir.write("unknown-source.qde", project(code: "relevant", source: "interview 7.docx"))
        XCTAssertThrowsError(try QDPXImporter(database: db, codebook: codebook).importFile(unknownSource)) { error in
            XCTAssertTrue("\(error)".contains("'interview 7.docx'"), "\(error)")
        }
        let broken = try dir.write(
            "broken.qde", "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\">\n<Sources>\n</Project>\n")
        XCTAssertThrowsError(try QDPXImporter(database: db, codebook: codebook).importFile(broken)) { error in
            XCTAssertTrue("\(error)".hasPrefix(broken + ":3: "), "\(error)")
        }
        let notZip = try dir.write("empty.qdpx", [0x50, 0x4B, 0x03, 0x04, 0, 0])
        XCTAssertThrowsError(try QDPXImporter(database: db, codebook: codebook).importFile(notZip)) { error in
            XCTAssertTrue("\(error)".contains("not a zip file"), "\(error)")
        }
        XCTAssertEqual(try db.count("codings"), before, "a failed import writes nothing")
    }

    // MARK: Zip

    func testZipWriterOutputIsReadByInfoZIPAndPython() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("t.zip")
        let zip = try ZipWriter(path: path)
        let text = Array(String(repeating: "keep 4o, 还我GPT-4o 🙏\n", count: 500).utf8)
        var state: UInt64 = 7  // a xorshift generator: bytes that do not compress
        let noise = (0..<5000).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 32)
        }
        try zip.addEntry("project.qde", bytes: text)
        try zip.addEntry("sources/noise.bin", bytes: noise)  // incompressible: stored
        try zip.addEntry("sources/empty.txt", bytes: [])
        try zip.close()
        let test = String(decoding: try outputOf("/usr/bin/unzip", ["-t", path]), as: UTF8.self)
        XCTAssertTrue(test.contains("No errors detected"), test)
        XCTAssertEqual([UInt8](try unzipEntry(path, "project.qde")), text)
        XCTAssertEqual([UInt8](try unzipEntry(path, "sources/noise.bin")), noise)
        let python = try outputOf(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import sys, zipfile
                z = zipfile.ZipFile(sys.argv[1])
                print(",".join("%s:%d:%d:%d" % (i.filename, i.compress_type, i.file_size, i.date_time[0])
                               for i in z.infolist()))
                """, path,
            ])
        XCTAssertEqual(
            String(decoding: python, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            "project.qde:8:\(text.count):1980,sources/noise.bin:0:5000:1980,sources/empty.txt:0:0:1980")
        // Our reader gives the bytes back, and notices damage.
        let reader = try ZipReader(path: path)
        XCTAssertEqual(try reader.read(try XCTUnwrap(reader.entry("project.qde"))), text)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[60] ^= 0xFF  // inside project.qde's deflated data
        let damaged = try ZipReader(bytes: bytes, path: "damaged.zip")
        XCTAssertThrowsError(try damaged.read(try XCTUnwrap(damaged.entry("project.qde")))) { error in
            XCTAssertTrue("\(error)".hasPrefix("damaged.zip: entry project.qde: "), "\(error)")
        }
    }

    func testZipReaderReadsArchivesOfOtherTools() throws {
        // Python's zipfile writing to a stream uses data descriptors (sizes after the data).
        let dir = try TemporaryDirectory()
        let path = dir.path("py.zip")
        _ = try outputOf(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import sys, zipfile
                with open(sys.argv[1], "wb") as raw:
                    class Unseekable:
                        def write(self, b): return raw.write(b)
                        def flush(self): raw.flush()
                    with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_DEFLATED) as z:
                        with z.open("project.qde", "w") as f: f.write(("<Project/>" * 300).encode())
                        z.writestr(zipfile.ZipInfo("stored.txt"), "plain")
                """, path,
            ])
        let reader = try ZipReader(path: path)
        XCTAssertEqual(reader.entries.map(\.name), ["project.qde", "stored.txt"])
        XCTAssertEqual(
            String(decoding: try reader.read(reader.entry("project.qde")!), as: UTF8.self),
            String(repeating: "<Project/>", count: 300))
        XCTAssertEqual(String(decoding: try reader.read(reader.entry("stored.txt")!), as: UTF8.self), "plain")
    }

    // MARK: The per-post dataset

    func testPostsExportHasOneRowPerPostAndReadsBackInPandas() throws {
        let db = try CodedSampleStudy.database()
        let dir = try TemporaryDirectory()
        let summary = try PostsExporter(database: db).export(to: dir.path("posts"))
        let posts = try db.count("posts")
        XCTAssertEqual(summary.posts, posts)
        XCTAssertEqual(
            summary.coded, try db.scalarInt("SELECT count(DISTINCT post_id) FROM codings WHERE coder LIKE 'lexicon:%'"))
        XCTAssertEqual(
            summary.adjudicated,
            try db.scalarInt("SELECT count(DISTINCT post_id) FROM codings WHERE coder = 'adjudicated'"))
        // Read back by pandas (the venv `make python-peers` made), exactly as docs/exchange.md shows, and
        // checked against the database by Python's sqlite3.
        let python = Repository.path(".build/python-peer/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return XCTFail("\(python) is missing: run `make python-peers` (make test does)")
        }
        let script = """
            import json, sqlite3, sys
            import pandas as pd
            folder, db = sys.argv[1], sys.argv[2]
            posts = pd.read_csv(folder + "/posts.csv", dtype={"language": "string", "cluster_kind": "category"})
            lines = pd.read_json(folder + "/posts.jsonl", lines=True)
            manifest = json.load(open(folder + "/posts.manifest.json"))
            sql = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
            coder = manifest["coder"]
            assert len(posts) == len(lines) == sql.execute("SELECT count(*) FROM posts").fetchone()[0]
            assert list(posts.columns) == [c["name"] for c in manifest["columns"]] == list(lines.columns)
            assert not {"author_handle", "external_id", "text"} & set(posts.columns)
            categories = [c["id"] for c in manifest["codebook"]["categories"]]
            for category in categories:
                query = "SELECT post_id, value FROM codings WHERE coder = ? AND category = ?"
                truth = dict(sql.execute(query, (coder, category)))
                column = posts.set_index("post_id")[category]
                assert column.notna().sum() == len(truth), category
                assert all(column[p] == v for p, v in truth.items()), category
                adjudicated = dict(sql.execute(query, ("adjudicated", category)))
                assert posts["adjudicated_" + category].notna().sum() == len(adjudicated)
            languages = dict(sql.execute("SELECT post_id, language FROM post_languages"))
            expected = pd.Series(languages).reindex(posts["post_id"]).fillna("").values
            assert all(posts.set_index("post_id")["language"].fillna("") == expected)
            kinds = sql.execute("SELECT kind, count(*) FROM post_clusters GROUP BY 1").fetchall()
            counted = dict(posts["cluster_kind"].value_counts())
            assert counted == dict(kinds), (counted, kinds)
            assert (posts["relevant"].dropna() == lines["relevant"].dropna()).all()
            print(len(posts), round(posts["companion"].mean(), 4))
            """
        let output = String(
            decoding: try outputOf(python, ["-c", script, dir.path("posts"), try CodedSampleStudy.built.get()]),
            as: UTF8.self)
        XCTAssertTrue(output.hasPrefix("\(posts) "), output)

        // Same bytes again; identifying columns and text only when asked.
        let again = try TemporaryDirectory()
        try PostsExporter(database: db).export(to: again.path("posts"))
        for file in ["posts.csv", "posts.jsonl", "posts.manifest.json"] {
            XCTAssertEqual(
                try Data(contentsOf: URL(fileURLWithPath: dir.path("posts/\(file)"))),
                try Data(contentsOf: URL(fileURLWithPath: again.path("posts/\(file)"))), file)
        }
        var options = PostsExportOptions()
        options.identifying = true
        options.text = true
        try PostsExporter(database: db).export(to: again.path("identifying"), options: options)
        let header = try String(contentsOfFile: again.path("identifying/posts.csv"), encoding: .utf8).prefix {
            $0 != "\n"
        }
        XCTAssertTrue(
            header.contains("\"external_id\"") && header.contains("\"author_handle\"") && header.hasSuffix("\"text\""),
            String(header))
    }
}
