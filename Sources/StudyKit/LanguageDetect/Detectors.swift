import CLanguageID
import Foundation

/// One detector's guess: a language code in the form this stage stores (see `LanguageCode`) and a
/// score in 0...1.
public struct LanguageGuess: Equatable, Sendable {
    public let language: String
    public let score: Double
}

/// CLD2's answer: up to three languages with their share of the text, and its own reliability flag.
public struct CLD2Answer: Sendable {
    /// Languages by share of the text (share in 0...1); "und" when CLD2 does not know.
    public let guesses: [LanguageGuess]
    public let reliable: Bool

    public var top: LanguageGuess { guesses.first ?? LanguageGuess(language: "und", score: 0) }
}

/// CLD2 (Debian libcld2), best-effort mode. Stateless and safe from several threads.
public enum CLD2Detector {
    public static func detect(_ text: DetectionText) -> CLD2Answer {
        var result = CLIDCld2Result()
        let status = text.utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                clid_cld2_detect(chars.baseAddress, Int32(chars.count), &result)
            }
        }
        guard status == 0 else { return CLD2Answer(guesses: [], reliable: false) }
        var guesses: [LanguageGuess] = []
        withUnsafeBytes(of: &result.top) { raw in
            for guess in raw.bindMemory(to: CLIDGuess.self) where guess.score > 0 {
                let language = LanguageCode.normalize(codeString(guess))
                if language != "und" { guesses.append(LanguageGuess(language: language, score: guess.score / 100)) }
            }
        }
        return CLD2Answer(guesses: guesses, reliable: result.reliable != 0)
    }

    public static var version: String { String(cString: clid_cld2_version()) }
}

/// The fastText language-identification model (lid.176.ftz), loaded once and shared by threads.
public final class FastTextModel: @unchecked Sendable {
    private let handle: OpaquePointer
    public let path: String
    /// sha256 of the model file, recorded with every run.
    public let fingerprint: String

    /// Where `make model` puts the model, relative to the repository root.
    public static let defaultPath = "data/models/lid.176.ftz"
    /// The environment variable that names the model file when the tools run from another folder.
    public static let environmentVariable = "STUDY_FASTTEXT_MODEL"

    /// The model file to use: the option when given, else $STUDY_FASTTEXT_MODEL, else the default.
    public static func resolvePath(option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? defaultPath
    }

    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(
                file: path, line: nil,
                reason: "fastText model not found (a relative path is read from the current folder, "
                    + "\(FileManager.default.currentDirectoryPath)). Run `make model` in the repository, then "
                    + "pass --model PATH or set \(Self.environmentVariable)=PATH; or use --detector cld2")
        }
        var message = [CChar](repeating: 0, count: 512)
        guard let handle = clid_fasttext_load(path, &message, Int32(message.count)) else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw InputError(
                file: path, line: nil,
                reason: "cannot load the fastText model (\(reason)); run `make model` to fetch a good copy")
        }
        self.handle = handle
        self.path = path
        fingerprint = try Fingerprint.ofFile(atPath: path)
    }

    deinit { clid_fasttext_free(handle) }

    /// The top `k` languages with their probabilities.
    public func predict(_ text: DetectionText, k: Int = 3) -> [LanguageGuess] {
        predict(text, k: k, using: clid_fasttext_predict)
    }

    /// The same through fastText's own `predictLine` (slower): to check that `predict` agrees.
    func predictWithFastTextReader(_ text: DetectionText, k: Int = 3) -> [LanguageGuess] {
        predict(text, k: k, using: clid_fasttext_predict_reference)
    }

    private func predict(
        _ text: DetectionText, k: Int,
        using function: (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32, UnsafeMutablePointer<CLIDGuess>?) -> Int32
    ) -> [LanguageGuess] {
        var raw = [CLIDGuess](repeating: CLIDGuess(), count: 8)
        let count = text.utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                function(handle, chars.baseAddress, Int32(chars.count), Int32(min(k, 8)), &raw)
            }
        }
        var guesses: [LanguageGuess] = []
        for index in 0..<Int(count) {
            let language = LanguageCode.normalize(codeString(raw[index]))
            guesses.append(LanguageGuess(language: language, score: raw[index].score))
        }
        return guesses
    }
}

/// The code of a guess from the C side (a NUL-terminated char[16]).
private func codeString(_ guess: CLIDGuess) -> String {
    withUnsafeBytes(of: guess.code) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// Language codes as stored: BCP-47 style, two letters where ISO 639-1 has one.
public enum LanguageCode {
    /// CLD2 and fastText spell a few codes the old way, and CLD2 says "un"/"xx…" when it does not know.
    public static func normalize(_ code: String) -> String {
        switch code {
        case "un", "xxx", "", "zxx": return "und"
        case "iw": return "he"
        case "in": return "id"
        case "ji": return "yi"
        case "jw": return "jv"
        case "zh-Hant", "zh-TW": return "zh-Hant"
        case "zh", "zh-CN", "zh-Hans": return "zh"
        default:
            if code.hasPrefix("xx-") { return "und" }  // CLD2's "xx-Xxxx": a script, no language
            return code
        }
    }

    /// The language without script or region: `zh-Hant` → `zh`.
    public static func base(_ code: String) -> String {
        guard let dash = code.firstIndex(of: "-") else { return code }
        return String(code[..<dash])
    }
}
