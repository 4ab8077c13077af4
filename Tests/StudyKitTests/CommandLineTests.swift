import Foundation
import XCTest

@testable import StudyKit

/// One command vocabulary: every executable shows the shared options the same way, lists the
/// choices of enum options, and reports errors as one `Error:` line with a non-zero exit.
final class CommandLineTests: XCTestCase {
    /// The stage executables, read from Package.swift so a new stage is checked too.
    static func stages() throws -> [String] {
        let manifest = try String(contentsOfFile: Repository.path("Package.swift"), encoding: .utf8)
        guard let line = manifest.split(separator: "\n").first(where: { $0.hasPrefix("let stages = [") }) else {
            return []
        }
        return line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Every (sub)command that takes --db, found by walking each executable's help.
    func helpTexts() throws -> [(command: String, help: String)] {
        var result: [(String, String)] = []
        var queue = try Self.stages().map { [$0] }
        XCTAssertGreaterThanOrEqual(queue.count, 6)
        while let command = queue.first {
            queue.removeFirst()
            let help = try runTool(command[0], Array(command.dropFirst()) + ["--help"])
            XCTAssertEqual(help.status, 0, "\(command.joined(separator: " ")) --help: \(help.err)")
            result.append((command.joined(separator: " "), help.out))
            guard let subcommands = help.out.components(separatedBy: "SUBCOMMANDS:").dropFirst().first,
                command.count < 4
            else { continue }
            // Entries look like "  name (default)   abstract"; the closing "See '... help'" line is not one.
            let entry = try NSRegularExpression(pattern: #"^  ([a-z][a-z0-9-]*)(?: \(default\))?  "#)
            for line in subcommands.split(separator: "\n").map(String.init) {
                guard let match = entry.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                    let range = Range(match.range(at: 1), in: line), line[range] != "help"
                else { continue }
                queue.append(command + [String(line[range])])
            }
        }
        return result
    }

    func testEveryCommandShowsTheSharedOptionsTheSameWay() throws {
        let texts = try helpTexts()
        var withDatabase = 0
        for (command, help) in texts {
            let lines = help.components(separatedBy: "\n")
            if let db = lines.firstIndex(where: { $0.hasPrefix("  --db <file>") }) {
                withDatabase += 1
                XCTAssertEqual(
                    lines[db], "  --db <file>             The study database (STUDY_DB in the environment sets", command
                )
            } else {
                let options = help.components(separatedBy: "OPTIONS:").dropFirst().first ?? ""
                XCTAssertFalse(options.contains("--db"), "\(command) lists --db in another form")
            }
            if let workers = lines.first(where: { $0.hasPrefix("  --workers") }) {
                XCTAssertEqual(workers, "  --workers <n>           Threads to use (default: one per core).", command)
            }
        }
        XCTAssertGreaterThanOrEqual(withDatabase, 12, "most commands read or write the study")
    }

    func testEnumOptionsListTheirChoices() throws {
        let expectations: [([String], String)] = [
            (["ingest"], "(values: x-v2-json, csv, reddit-ndjson"),
            (["language-detect"], "(values: combined, cld2, fasttext"),
            (["aggregate", "export"], "(values: csv, md, tex, json"),
            (["code", "codebook", "export"], "(values: qdc, markdown, json"),
        ]
        for (command, choices) in expectations {
            let help = try runTool(command[0], Array(command.dropFirst()) + ["--help"])
            // Wrapped help may break the list across lines: compare with single spaces.
            let flat = help.out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            XCTAssertTrue(flat.contains(choices), "\(command.joined(separator: " ")): \(help.out)")
        }
    }

    func testErrorsAreOneLineNamingTheFileOrOption() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.path("missing.sqlite")
        for (tool, arguments) in [
            ("dedupe", ["--db", missing]), ("language-detect", ["--db", missing, "--detector", "cld2"]),
            ("aggregate", ["run", "--db", missing]), ("annotate", ["agreement", "--db", missing, "--sample", "s"]),
        ] {
            let result = try runTool(tool, arguments)
            XCTAssertEqual(result.status, 1, tool)
            XCTAssertEqual(
                result.err,
                "Error: \(missing): no study database here: run `ingest` first (it creates the study), "
                    + "or point --db (or STUDY_DB) at an existing study\n", tool)
        }
        let badWorkers = try runTool("dedupe", ["--workers", "0"])
        XCTAssertNotEqual(badWorkers.status, 0)
        XCTAssertTrue(badWorkers.err.hasPrefix("Error: --workers must be at least 1"), badWorkers.err)
    }

    /// Run from another folder, the tools say which option or variable names their files.
    func testFilesAreFoundFromAnotherFolderThroughOptionsOrTheEnvironment() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("study.sqlite")
        XCTAssertEqual(try runTool("ingest", ["--db", db, Repository.path("data/sample/x_keep4o.jsonl")]).status, 0)

        let elsewhere = try runTool("language-detect", ["--db", db], in: dir.url)
        XCTAssertEqual(elsewhere.status, 1)
        XCTAssertTrue(elsewhere.err.contains("fastText model not found"), elsewhere.err)
        XCTAssertTrue(elsewhere.err.contains("pass --model PATH or set STUDY_FASTTEXT_MODEL=PATH"), elsewhere.err)

        let model = Repository.path("data/models/lid.176.ftz")
        guard FileManager.default.fileExists(atPath: model) else {
            throw XCTSkip("no fastText model: run `make model`")
        }
        let withVariable = try runTool(
            "language-detect", ["--db", db], in: dir.url, environment: ["STUDY_FASTTEXT_MODEL": model])
        XCTAssertEqual(withVariable.status, 0, withVariable.err)

        let noCodebook = try runTool("code", ["--db", db], in: dir.url)
        XCTAssertEqual(noCodebook.status, 1)
        XCTAssertTrue(noCodebook.err.contains("pass --codebook FILE or set STUDY_CODEBOOK"), noCodebook.err)
        XCTAssertEqual(try runTool("dedupe", ["--db", db], in: dir.url).status, 0)
        let coded = try runTool(
            "code", ["--db", db], in: dir.url, environment: ["STUDY_CODEBOOK": Repository.path("codebooks/keep4o.yaml")]
        )
        XCTAssertEqual(coded.status, 0, coded.err)
        // The report needs no codebook: the study stores the one it coded with.
        let report = try runTool("code", ["--db", db, "--report"], in: dir.url)
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertTrue(report.out.contains("companion"), report.out)
    }
}
