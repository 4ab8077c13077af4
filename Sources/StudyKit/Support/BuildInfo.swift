import Crypto
import Foundation

/// What built these tools, for `runs.tool_version` and the export manifest. The version is the
/// repository's VERSION file (a test checks the two agree); the commit is read from the checkout
/// the executable was built in, when there is one.
public enum BuildInfo {
    public static let toolVersion = "0.2.0"

    /// The Swift packages this build depends on, exactly as Package.swift pins them (a test checks it).
    public static let packageVersions: [String: String] = [
        "swift-argument-parser": "1.8.2",
        "swift-crypto": "3.12.3",
        "Yams": "6.2.2",
    ]

    /// The git commit of the checkout holding the running executable (.build/<config>/<tool>),
    /// with "-dirty" left out on purpose: reading the work tree's state would cost a `git` run.
    /// nil when the tools were installed elsewhere.
    public static let gitCommit: String? = {
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let git = folder.appendingPathComponent(".git")
            if let commit = commit(gitDirectory: git) { return commit }
            folder.deleteLastPathComponent()
        }
        return nil
    }()

    static func commit(gitDirectory git: URL) -> String? {
        var directory = git
        // A worktree or submodule has a .git file naming the real git directory.
        if let pointer = try? String(contentsOf: git, encoding: .utf8), pointer.hasPrefix("gitdir:") {
            let target = pointer.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines)
            directory = URL(fileURLWithPath: target, relativeTo: git.deletingLastPathComponent())
        }
        guard
            let head = try? String(contentsOf: directory.appendingPathComponent("HEAD"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        else { return nil }
        guard head.hasPrefix("ref: ") else { return isCommitHash(head) ? head : nil }
        let ref = String(head.dropFirst(5))
        // Refs of a worktree live in the common directory.
        var roots = [directory]
        if let common = try? String(contentsOf: directory.appendingPathComponent("commondir"), encoding: .utf8) {
            roots.append(
                URL(fileURLWithPath: common.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: directory))
        }
        for root in roots {
            if let loose = try? String(contentsOf: root.appendingPathComponent(ref), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), isCommitHash(loose)
            {
                return loose
            }
            if let packed = try? String(contentsOf: root.appendingPathComponent("packed-refs"), encoding: .utf8) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    let hash = String(line.prefix { $0 != " " })
                    if isCommitHash(hash) { return hash }
                }
            }
        }
        return nil
    }

    private static func isCommitHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }

    /// sha256 of a file's bytes (model files named in the manifest), streamed.
    public static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Fingerprint.hex(hasher.finalize())
    }
}
