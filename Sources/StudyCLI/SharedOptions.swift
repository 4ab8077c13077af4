import ArgumentParser
import Foundation
import StudyKit

/// `--db`, shared by every executable through `@OptionGroup`. The default is $STUDY_DB, else
/// data/study.sqlite (relative to the current folder).
public struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The study database.", discussion: "Default: $STUDY_DB, else data/study.sqlite.",
                                            valueName: "file"))
    public var db: String = ProcessInfo.processInfo.environment["STUDY_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "data/study.sqlite"

    public init() {}

    /// Opens the study: `.create` only for `ingest`; stages that write use `.readWrite` (the study
    /// must exist); reports, exports and notebooks `.readOnly`.
    public func open(_ mode: OpenMode) throws -> Database {
        try Database(path: db, mode: mode)
    }
}

/// `--workers`, for the stages that spread work over threads.
public struct WorkerOptions: ParsableArguments {
    @Option(name: .long, help: "Threads to use (default: one per core).")
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
    }
}

/// `--codebook`: a YAML file, $STUDY_CODEBOOK, or (for reports) the codebook stored in the study.
public struct CodebookOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The codebook YAML file.",
                                            discussion: "Default: $STUDY_CODEBOOK, else codebooks/keep4o.yaml.",
                                            valueName: "file"))
    public var codebook: String?

    public init() {}

    public static let defaultPath = "codebooks/keep4o.yaml"

    /// The file to read: the option, else $STUDY_CODEBOOK, else the default path.
    public var path: String {
        codebook ?? ProcessInfo.processInfo.environment["STUDY_CODEBOOK"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPath
    }

    /// Loads the codebook to code with. A missing default file says how to name one.
    public func load() throws -> Codebook {
        let path = path
        if codebook == nil, !FileManager.default.fileExists(atPath: path) {
            throw StudyError("\(path): no codebook here (the default is relative to the current folder): "
                             + "pass --codebook FILE or set STUDY_CODEBOOK")
        }
        return try CodebookLoader.load(path: path)
    }

    /// For reports: the named file when one is given, else the codebook the study stored.
    public func loadForReport(_ db: Database, coder: String? = nil) throws -> Codebook {
        if codebook != nil || ProcessInfo.processInfo.environment["STUDY_CODEBOOK"]?.isEmpty == false { return try load() }
        return try CodebookLoader.stored(db, coder: coder)
    }
}

// Enum options: `--help` lists the choices, and a wrong value is refused with them.
extension InputFormat: ExpressibleByArgument {}
extension DetectorMode: ExpressibleByArgument {}
extension TableFormat: ExpressibleByArgument {}
extension CodebookExportFormat: ExpressibleByArgument {}
extension KwicSort: ExpressibleByArgument {}
