import Foundation

/// A coder's model saved as sorted-key JSON whose `hash` covers everything else in it: a file
/// edited after it was made is refused instead of coding with weights nobody trained.
public protocol HashedModelFile: Codable {
    var hash: String { get set }
    /// The command that makes such a file, for the messages ("code train").
    static var maker: String { get }
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
