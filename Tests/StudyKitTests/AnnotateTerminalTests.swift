import Foundation
import XCTest

@testable import StudyKit

#if canImport(Glibc)
    import Glibc
#endif

/// Drives the real `.build/debug/annotate code` through a pseudo-terminal: types keys, resizes,
/// quits, resumes, and checks the rows it stored.
final class AnnotateTerminalTests: XCTestCase {
    func testCodeScreenThroughPseudoTerminalResumesAndStores() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "pilot", size: 6)
        options.stratifyByDecision = false
        _ = try Sampler.draw(db, options)
        let order = try db.query("SELECT post_id FROM sample_posts ORDER BY position").map { Int64($0.int(0)!) }
        let arguments = ["code", "--db", dir.path("study.sqlite"), "--sample", "pilot", "--coder", "alice"]

        // Session 1: code post 1 (companion → implication and gate), skip post 2, resize, quit.
        var session = try PseudoTerminalProcess(binary: annotateBinary(), arguments: arguments, columns: 80, rows: 24)
        try session.waitFor("post 1 of 6")
        XCTAssertTrue(session.screen.contains("decided 0"))
        let frame = session.lastFrame
        for line in frame { XCTAssertLessThanOrEqual(displayWidth(line), 80, line) }
        XCTAssertEqual(frame.count, 24)
        session.type("2")
        try session.waitFor("[x] Companion")
        XCTAssertTrue(session.screen.contains("[x] Attachment"))
        XCTAssertTrue(session.screen.contains("[x] Relevant"))
        session.type("n")
        try session.waitFor("post 2 of 6")
        session.type("s")
        try session.waitFor("post 3 of 6")
        try session.resize(columns: 100, rows: 30)
        try session.waitFor(String(repeating: "-", count: 100))
        XCTAssertEqual(session.lastFrame.count, 30)
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)
        XCTAssertTrue(session.output.contains("\u{1B}[?1049l"), "left the alternate screen")

        // Session 2: resumes at post 3; a note and grief; quit.
        session = try PseudoTerminalProcess(binary: annotateBinary(), arguments: arguments, columns: 80, rows: 24)
        try session.waitFor("post 3 of 6")
        XCTAssertTrue(session.screen.contains("decided 2"))
        session.type("m")
        try session.waitFor("note (Enter saves")
        session.type("hi 寂しい\r")
        try session.waitFor("note saved")
        session.type("4")
        try session.waitFor("[x] Grief")
        session.type("q")
        XCTAssertEqual(try session.waitForExit(), 0)

        func values(_ post: Int64) throws -> [String: Int] {
            Dictionary(
                uniqueKeysWithValues: try db.query(
                    "SELECT category, value FROM codings WHERE coder = 'human:alice' AND post_id = ?",
                    [.int(post)]
                ).map { ($0.text(0)!, $0.int(1)!) })
        }
        XCTAssertEqual(try values(order[0]), ["relevant": 1, "companion": 1, "attachment": 1, "grief": 0])
        XCTAssertEqual(try values(order[1]), [:])  // skipped: no codings
        XCTAssertEqual(try values(order[2]), ["relevant": 1, "companion": 0, "attachment": 0, "grief": 1])
        let progress = try db.query(
            "SELECT post_id, status FROM annotation_progress WHERE coder = 'human:alice' ORDER BY post_id"
        )
        .map { "\($0.int(0)!):\($0.text(1)!)" }
        XCTAssertEqual(Set(progress), ["\(order[0]):coded", "\(order[1]):skipped", "\(order[2]):coded"])
        XCTAssertEqual(
            try db.scalarText("SELECT note FROM annotation_notes WHERE post_id = ?", [.int(order[2])]), "hi 寂しい")
        XCTAssertEqual(try db.count("runs", where: "stage = 'annotate-code:human:alice' AND status = 'completed'"), 2)
    }

    func testTerminationSignalRestoresTerminal() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "pilot", size: 3)
        options.stratifyByDecision = false
        _ = try Sampler.draw(db, options)
        let session = try PseudoTerminalProcess(
            binary: annotateBinary(),
            arguments: ["code", "--db", dir.path("study.sqlite"), "--sample", "pilot", "--coder", "bob"],
            columns: 80, rows: 24)
        try session.waitFor("post 1 of 3")
        session.type("1")
        try session.waitFor("[x] Relevant")
        kill(session.pid, SIGTERM)
        XCTAssertEqual(try session.waitForExit(), 128 + SIGTERM)
        XCTAssertTrue(session.output.hasSuffix("\u{1B}[?25h\u{1B}[?1049l"), "terminal restored")
        XCTAssertTrue(session.output.contains("\u{1B}[?1007l"), "alternate-scroll mode turned off")
        // saved at the keystroke
        XCTAssertEqual(try db.count("codings", where: "coder = 'human:bob' AND value = 1"), 1)
    }

    /// Two real coding screens (two processes) typing at once while a stage rewrites its codings.
    func testTwoCodingScreensAtOnceWhileAStageWrites() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "pilot", size: 8)
        options.stratifyByDecision = false
        _ = try Sampler.draw(db, options)
        let path = dir.path("study.sqlite")
        let stop = LockedFlag()
        let errors = ErrorCollector()
        let rounds = LockedCounter()
        let stage = Thread {
            do {
                let connection = try Database(path: path)
                while !stop.value {
                    try connection.transaction {
                        try connection.run("DELETE FROM codings WHERE coder = 'lexicon:testbook@0.1'")
                        for post in 1...60 {
                            try connection.run(
                                "INSERT INTO codings VALUES (?, 'relevant', 1, 'lexicon:testbook@0.1', '[]', NULL, 2)",
                                [.int(Int64(post))])
                        }
                        usleep(15_000)
                    }
                    rounds.increment()
                    usleep(10_000)
                }
            } catch { errors.add("stage: \(error)") }
        }
        stage.start()
        let sessions = try ["alice", "bob"].map {
            try PseudoTerminalProcess(
                binary: annotateBinary(), arguments: ["code", "--db", path, "--sample", "pilot", "--coder", $0],
                columns: 80, rows: 24)
        }
        for session in sessions { try session.waitFor("post 1 of 8") }
        for post in 1...8 {
            for (i, session) in sessions.enumerated() {
                session.type(post % 2 == i ? "1" : "4")  // alternate relevant / grief(+relevant)
                session.type("n")
            }
            for session in sessions {
                try session.waitFor(post < 8 ? "post \(post + 1) of 8" : "every post is decided")
            }
        }
        for session in sessions {
            session.type("q")
            XCTAssertEqual(try session.waitForExit(), 0)
        }
        stop.set(true)
        while !stage.isFinished { usleep(10_000) }
        XCTAssertEqual(errors.all, [])
        XCTAssertGreaterThan(rounds.value, 3, "the stage kept writing during the session")
        for coder in ["human:alice", "human:bob"] {
            XCTAssertEqual(
                try db.count("annotation_progress", where: "coder = '\(coder)' AND status = 'coded'"), 8, coder)
            XCTAssertEqual(try db.count("codings", where: "coder = '\(coder)'"), 32, coder)
            XCTAssertEqual(
                try db.count("codings", where: "coder = '\(coder)' AND category = 'relevant' AND value = 1"), 8, coder)
            XCTAssertEqual(
                try db.count("codings", where: "coder = '\(coder)' AND category = 'grief' AND value = 1"), 4, coder)
        }
    }

    /// Two coders save decisions at the same time from their own connections while a stage keeps
    /// rewriting its own codings in long transactions: every decision must arrive (WAL + busy timeout).
    func testTwoCodersWhileAStageWrites() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        var options = SampleOptions(name: "pilot", size: 40)
        options.stratifyByDecision = false
        _ = try Sampler.draw(db, options)
        let path = dir.path("study.sqlite")
        let errors = ErrorCollector()
        let group = DispatchGroup()
        let stageRunning = LockedFlag()
        let overlapped = LockedCounter()
        for coder in ["human:alice", "human:bob"] {
            group.enter()
            // Real threads (not the 2-core GCD pool), so the three writers truly run at once.
            Thread {
                defer { group.leave() }
                do {
                    let connection = try Database(path: path)
                    let store = try AnnotationStore(
                        db: connection, sample: try SampleRef.find(connection, "pilot"), coder: coder)
                    for (i, post) in try store.posts().enumerated() {
                        try store.save(
                            postID: post.postID,
                            Decision(status: .coded, present: i % 3 == 0 ? ["relevant"] : [], seconds: 1))
                        if i % 4 == 0 { try store.saveNote(postID: post.postID, "n\(i)") }
                        if stageRunning.value { overlapped.increment() }
                        usleep(4_000)  // a fast coder, so that saves fall inside the stage's transactions
                    }
                } catch { errors.add("\(coder): \(error)") }
            }.start()
        }
        group.enter()
        Thread {
            defer { group.leave() }
            do {
                let connection = try Database(path: path)
                stageRunning.set(true)
                defer { stageRunning.set(false) }
                for round in 0..<8 {  // a stage re-running: replace its output in one transaction each time
                    try connection.transaction {
                        try connection.run("DELETE FROM codings WHERE coder = 'lexicon:testbook@0.1'")
                        for post in 1...60 {
                            for category in ["relevant", "companion", "attachment", "grief"] {
                                try connection.run(
                                    "INSERT INTO codings VALUES (?, ?, ?, 'lexicon:testbook@0.1', '[]', NULL, ?)",
                                    [
                                        .int(Int64(post)), .text(category), .from((post + round) % 2 == 0),
                                        .int(Int64(round)),
                                    ])
                            }
                        }
                        usleep(20_000)
                    }
                    usleep(30_000)  // between runs the coders get the lock; during runs they wait
                }
            } catch { errors.add("stage: \(error)") }
        }.start()
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(errors.all, [])
        XCTAssertGreaterThan(overlapped.value, 5, "coders saved while the stage was writing")
        for coder in ["human:alice", "human:bob"] {
            XCTAssertEqual(try db.count("codings", where: "coder = '\(coder)'"), 40 * 4, coder)
            XCTAssertEqual(try db.count("codings", where: "coder = '\(coder)' AND value = 1"), 14, coder)
            XCTAssertEqual(
                try db.count("annotation_progress", where: "coder = '\(coder)' AND status = 'coded'"), 40, coder)
            XCTAssertEqual(try db.count("annotation_notes", where: "coder = '\(coder)'"), 10, coder)
        }
        XCTAssertEqual(try db.count("codings", where: "coder = 'lexicon:testbook@0.1'"), 240)
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set(_ v: Bool) {
        lock.lock()
        flag = v
        lock.unlock()
    }
    var value: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ e: String) {
        lock.lock()
        errors.append(e)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return errors
    }
}

func annotateBinary() throws -> String {
    let binary = Repository.path(".build/debug/annotate")
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw NSError(
            domain: "annotate", code: 1,
            userInfo: [NSLocalizedDescriptionKey: "\(binary) is not built; run `swift build --build-tests` first"])
    }
    return binary
}

/// A child process whose controlling terminal is a new pseudo-terminal (posix_spawn with setsid,
/// then opening the pty's secondary side as fd 0/1/2).
final class PseudoTerminalProcess {
    let pid: pid_t
    let master: Int32
    private(set) var bytes: [UInt8] = []
    private var exitStatus: Int32?

    init(binary: String, arguments: [String], columns: UInt16, rows: UInt16, environment extra: [String] = []) throws {
        // posix_openpt/ptsname are not imported into Swift's Glibc module: do what they do on Linux.
        // TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN = _IOR('T', 0x30, unsigned int).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, UInt(0x4004_5431), &unlock) == 0,
            ioctl(master, UInt(0x8004_5430), &number) == 0
        else {
            throw NSError(
                domain: "pty", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "cannot open a pseudo-terminal"])
        }
        let secondary = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // after setsid: becomes the controlling terminal
        posix_spawn_file_actions_addopen(&actions, 0, secondary, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(0x80))  // POSIX_SPAWN_SETSID (glibc)

        let words: [String] = [binary] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let environment: [String] = ["TERM=xterm-256color", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"] + extra
        let env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { (argv + env).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, binary, &actions, &attributes, argv, env)
        guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc)) }
        pid = child
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var s: Int32 = 0
            waitpid(pid, &s, 0)
        }
        close(master)
    }

    var output: String { String(decoding: bytes, as: UTF8.self) }

    /// The text of the most recent complete redraw (cursor-home … clear-to-end), escapes removed.
    var screen: String { lastFrame.joined(separator: "\n") }
    var lastFrame: [String] {
        let text = output
        guard let end = text.range(of: "\u{1B}[J", options: .backwards),
            let home = text.range(of: "\u{1B}[H", options: .backwards, range: text.startIndex..<end.lowerBound)
        else { return [] }
        let frame = String(text[home.upperBound..<end.lowerBound])
        return frame.replacingOccurrences(of: "\u{1B}[K", with: "")
            .replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)  // colours
            .replacingOccurrences(of: "\r", with: "")  // ONLCR turns the frame's \r\n into \r\r\n
            .components(separatedBy: "\n")
    }

    /// Sends raw bytes at once (an escape sequence must arrive whole, as a terminal sends it).
    func send(_ sequence: String) {
        let bytes = Array(sequence.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        usleep(30_000)
    }

    func type(_ keys: String) {
        for byte in keys.utf8 {
            var b = byte
            _ = write(master, &b, 1)
            usleep(15_000)  // a person types; the screen redraws between keys
        }
    }

    func resize(columns: UInt16, rows: UInt16) throws {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else { throw NSError(domain: "TIOCSWINSZ", code: Int(errno)) }
    }

    /// Reads what is available within `milliseconds`.
    private func pump(_ milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = read(master, &buffer, buffer.count)
        if n > 0 { bytes += buffer[0..<n] }
    }

    func waitFor(_ text: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.contains(text) { return }
            pump(50)
            if exitStatus == nil {
                var s: Int32 = 0
                if waitpid(pid, &s, WNOHANG) == pid {
                    exitStatus = s
                    pump(50)
                }
            }
        }
        throw NSError(
            domain: "pty", code: 1,
            userInfo: [
                NSLocalizedDescriptionKey:
                    "'\(text)' never appeared; screen:\n\(screen)\n--- raw tail:\n\(output.suffix(600))"
            ])
    }

    /// The exit code (or 128 + signal), draining output meanwhile.
    func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while exitStatus == nil && Date() < deadline {
            pump(20)
            var s: Int32 = 0
            if waitpid(pid, &s, WNOHANG) == pid { exitStatus = s }
        }
        guard let status = exitStatus else {
            throw NSError(domain: "pty", code: 2, userInfo: [NSLocalizedDescriptionKey: "process did not exit"])
        }
        for _ in 0..<5 { pump(10) }
        let signalled = status & 0x7F
        return signalled == 0 ? (status >> 8) & 0xFF : 128 + signalled
    }
}
