import Foundation
import XCTest

@testable import StudyKit

/// A fresh directory for one test, removed afterwards.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("studykit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}

/// The repository root and the shared data folder beside it (as in CI: ../shared).
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let shared: URL = root.deletingLastPathComponent().appendingPathComponent("shared")
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

extension Database {
    func count(_ table: String, where condition: String = "1") throws -> Int {
        try scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1
    }
}

/// Ingests files into a new database in `dir` and returns both.
func ingest(_ paths: [String], in dir: TemporaryDirectory, options: IngestOptions = IngestOptions()) throws -> (
    Database, [FileSummary]
) {
    let db = try Database(path: dir.path("study.sqlite"))
    let summaries = try Ingester(database: db, options: options).ingest(paths: paths)
    return (db, summaries)
}

/// Every file's records must reconcile: read = stored + duplicates + rejected, in the summary and in the tables.
func assertReconciles(_ db: Database, _ summaries: [FileSummary], file: StaticString = #filePath, line: UInt = #line)
    throws
{
    for s in summaries where s.alreadyIngestedAs == nil {
        XCTAssertEqual(s.read, s.stored + s.duplicates + s.rejected, "summary of \(s.path)", file: file, line: line)
    }
    let rows = try db.query(
        """
        SELECT f.records_read, f.records_stored, f.duplicate_ids, f.records_rejected,
               (SELECT count(*) FROM posts p WHERE p.source_file_id = f.source_file_id),
               (SELECT count(*) FROM duplicate_records d WHERE d.source_file_id = f.source_file_id),
               (SELECT count(*) FROM rejects r WHERE r.source_file_id = f.source_file_id)
        FROM source_files f
        """)
    for row in rows {
        let (read, stored, dups, rejected) = (row.int(0)!, row.int(1)!, row.int(2)!, row.int(3)!)
        XCTAssertEqual(read, stored + dups + rejected, file: file, line: line)
        XCTAssertEqual(stored, row.int(4), "posts rows", file: file, line: line)
        XCTAssertEqual(dups, row.int(5), "duplicate_records rows", file: file, line: line)
        XCTAssertEqual(rejected, row.int(6), "rejects rows", file: file, line: line)
    }
}

/// What a finished process printed, and its exit status.
typealias ProcessResult = (status: Int32, out: String, err: String)

/// Runs a program and waits for it: `folder` is its working directory, `environment` is added to ours.
func runProcess(
    _ executable: String, _ arguments: [String], in folder: URL? = nil,
    environment: [String: String] = [:]
) throws -> ProcessResult {
    try runProcessesAtOnce([(executable, arguments)], in: folder, environment: environment)[0]
}

/// The standard output of a program that must succeed, as bytes; when it fails, the error carries
/// its standard error.
func outputOf(_ executable: String, _ arguments: [String]) throws -> Data {
    let outputs = try TemporaryDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = try outputs.write("out", ""), err = try outputs.write("err", "")
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let errors = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        throw NSError(
            domain: "outputOf", code: Int(process.terminationStatus),
            userInfo: [
                NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed: \(errors)"
            ])
    }
    return try Data(contentsOf: URL(fileURLWithPath: out))
}

/// Starts several programs at the same time and waits for all of them. Output goes to temporary
/// files, not pipes: a pipe's write end inherited by a sibling process would hold back its EOF.
func runProcessesAtOnce(
    _ commands: [(String, [String])], in folder: URL? = nil,
    environment: [String: String] = [:]
) throws -> [ProcessResult] {
    let outputs = try TemporaryDirectory()
    let started = try commands.enumerated().map { index, command -> (Process, String, String) in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.0)
        process.arguments = command.1
        if let folder { process.currentDirectoryURL = folder }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = try outputs.write("\(index).out", ""), err = try outputs.write("\(index).err", "")
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        return (process, out, err)
    }
    return try started.map { process, out, err in
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOfFile: out, encoding: .utf8),
            try String(contentsOfFile: err, encoding: .utf8)
        )
    }
}

/// The path of one of this package's executables (built by `swift build --build-tests`).
func toolPath(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    let binary = Repository.root.appendingPathComponent(".build/debug/\(name)").path
    if !FileManager.default.isExecutableFile(atPath: binary) {
        XCTFail(
            "\(binary) is not built; run `swift build --build-tests` first (make test does)", file: file, line: line)
    }
    return binary
}

/// Runs one of this package's executables and returns its exit status, stdout and stderr.
func runTool(
    _ name: String, _ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:],
    file: StaticString = #filePath, line: UInt = #line
) throws -> ProcessResult {
    try runProcess(toolPath(name, file: file, line: line), arguments, in: folder, environment: environment)
}
