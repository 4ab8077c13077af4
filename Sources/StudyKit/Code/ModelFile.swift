import Foundation

/// A coder's model saved as sorted-key JSON whose `hash` covers everything else in it: a file
/// edited after it was made is refused instead of coding with weights nobody trained.
public protocol HashedModelFile: Codable {
    var hash: String { get set }
    /// The command that makes such a file, for the messages ("code train").
    static var maker: String { get }
    /// How the model came to be, for the messages ("trained", "built").
    static var made: String { get }
    var codebookName: String { get }
    var codebookVersion: String { get }
    var codebookFingerprint: String { get }
    var coderName: String { get }
    /// The embedding space the model reads, if it reads embeddings.
    var embeddingSpace: EmbeddingDescription? { get }
}

extension HashedModelFile {
    /// First 12 hex digits of the sha256 of the sorted-key JSON without the hash.
    func contentHash() -> String {
        var copy = self
        copy.hash = ""
        return String(Fingerprint.ofString(String(decoding: Self.encoded(copy), as: UTF8.self)).prefix(12))
    }

    private static func encoded(_ model: Self) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(model)) ?? Data()
    }

    public static func load(path: String) throws -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyError("\(path): cannot read the model file; make one with `\(maker)`")
        }
        let model: Self
        do { model = try JSONDecoder().decode(Self.self, from: data) } catch {
            throw StudyError("\(path): not a model saved by this version of `\(maker)` (\(error)); make it again")
        }
        guard model.hash == model.contentHash() else {
            throw StudyError(
                "\(path): the model file was changed after `\(maker)` wrote it (its hash does not match); "
                    + "make it again")
        }
        return model
    }

    /// Refuses a codebook or an embedding space other than the ones the model was made with.
    public func check(codebook: Codebook, space: EmbeddingDescription?) throws {
        guard codebookFingerprint == codebook.fingerprint else {
            throw SupervisedError(
                "the model \(coderName) was \(Self.made) with codebook \(codebookName)@\(codebookVersion) "
                    + "(fingerprint \(codebookFingerprint.prefix(12))), not \(codebook.name)@\(codebook.version) "
                    + "(\(codebook.fingerprint.prefix(12))): its categories come from the codebook; "
                    + "make it again with `\(Self.maker) --codebook \(codebook.path)`")
        }
        guard let embedding = embeddingSpace else { return }
        guard let space else {
            throw SupervisedError("the model \(coderName) needs post embeddings (\(embedding)); run `embed` first")
        }
        guard space == embedding else {
            throw SupervisedError(
                "the model \(coderName) was \(Self.made) on embeddings of \(embedding), but the posts are embedded "
                    + "with \(space): embed them with that model and input profile, or make it again with "
                    + "`\(Self.maker)`")
        }
    }

    public func save(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Self.encoded(self).write(to: URL(fileURLWithPath: path))
    }
}

/// Which kind of model a file holds, read from its `format` field.
public enum ModelFile {
    public enum Kind { case supervised, prototype }

    public static func kind(path: String) throws -> Kind {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyError("\(path): cannot read the model file; make one with `code train` or `code prototypes`")
        }
        struct Header: Decodable { var format: String? }
        let format = (try? JSONDecoder().decode(Header.self, from: data))?.format ?? ""
        if format.hasPrefix("prototype-coder/") { return .prototype }
        if format.hasPrefix("supervised-coder/") { return .supervised }
        throw StudyError("\(path): not a model file of `code train` or `code prototypes` (format '\(format)')")
    }
}
