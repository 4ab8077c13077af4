import Foundation

/// Options that shape `dedupe`'s output (all recorded in the run's parameters).
public struct DedupeOptions: Sendable {
    /// Minimum estimated Jaccard similarity (of character-shingle sets) to the cluster's canonical post.
    public var threshold = 0.7
    /// MinHash permutations per signature.
    public var permutations = 128
    /// LSH bands; rows per band = permutations / bands. 32 x 4 makes a pair at Jaccard 0.7 a
    /// candidate with probability 0.9998 and one at 0.3 with probability 0.23 (all verified).
    public var bands = 32
    public var seed: UInt64 = 4242
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}

    public var rows: Int { permutations / bands }

    public func validate() throws {
        guard threshold > 0, threshold <= 1 else { throw DedupeError("threshold must be in (0, 1], got \(threshold)") }
        guard permutations >= 8, permutations <= 1024 else { throw DedupeError("permutations must be 8...1024, got \(permutations)") }
        guard bands >= 1, permutations % bands == 0 else {
            throw DedupeError("bands (\(bands)) must divide permutations (\(permutations))")
        }
    }

    var parameters: [String: String] {
        ["threshold": String(threshold), "permutations": String(permutations), "bands": String(bands),
         "seed": String(seed), "shingles": "latin=\(MatchText.latinShingle),cjk=\(MatchText.cjkShingle),hangul=\(MatchText.hangulShingle)",
         "normalization": "nfkc,lowercase,strip-rt-url-mention,collapse-space"]
    }
}

public struct DedupeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// How a post relates to its cluster's canonical post.
public enum ClusterKind: UInt8, Sendable, CaseIterable {
    case unique = 0, exact, repost, near
    public var name: String { ["unique", "exact", "repost", "near"][Int(rawValue)] }
}

/// One post as `dedupe` reads it.
public struct DedupeInput: Sendable {
    public var postID: Int64
    public var platform: String
    public var externalID: String
    public var createdUnix: Int64
    public var text: String
    public var lang: String?
    public var repostedID: String?
    /// The replied-to or quoted post (a reply/quote that only repeats it counts as a repost).
    public var parentID: String?

    public init(postID: Int64, platform: String = "x", externalID: String? = nil, createdUnix: Int64, text: String,
                lang: String? = nil, repostedID: String? = nil, parentID: String? = nil) {
        self.postID = postID
        self.platform = platform
        self.externalID = externalID ?? String(postID)
        self.createdUnix = createdUnix
        self.text = text
        self.lang = lang
        self.repostedID = repostedID
        self.parentID = parentID
    }
}

/// Compact per-post features: everything clustering needs, nothing that allocates per post.
/// Signatures are computed in parallel, batch by batch, as posts are read.
public final class PostFeatures: @unchecked Sendable {
    public let hasher: MinHasher
    let workers: Int
    public private(set) var count = 0
    var postIDs: [Int64] = []
    var created: [Int64] = []
    var exactKeyA: [UInt64] = []
    var exactKeyB: [UInt64] = []
    var emptyText: [Bool] = []
    var selfKey: [UInt64] = []
    var repostKey: [UInt64] = []      // 0: not a repost
    var parentKey: [UInt64] = []      // 0: not a reply or quote
    var language: [Int32] = []        // index into languages, -1 for none
    var languages: [String] = []
    private var languageIndex: [String: Int32] = [:]
    var signatures: [UInt32] = []

    public init(options: DedupeOptions) {
        hasher = MinHasher(permutations: options.permutations, seed: options.seed)
        workers = max(1, options.workers)
    }

    public func reserve(_ n: Int) {
        postIDs.reserveCapacity(n); created.reserveCapacity(n); exactKeyA.reserveCapacity(n)
        exactKeyB.reserveCapacity(n); emptyText.reserveCapacity(n); selfKey.reserveCapacity(n)
        repostKey.reserveCapacity(n); parentKey.reserveCapacity(n); language.reserveCapacity(n)
        signatures.reserveCapacity(n * hasher.permutations)
    }

    /// A 64-bit key for (platform, external id); 0 is reserved for "none".
    static func postKey(platform: String, externalID: String) -> UInt64 {
        let bytes = Array(platform.utf8) + [0] + Array(externalID.utf8)
        return bytes.withUnsafeBytes { postKey(bytes: $0) }
    }

    static func postKey(bytes: UnsafeRawBufferPointer) -> UInt64 {
        let h = StableHash.hash(bytes: bytes, seed: 0x5EED_0F_1D)
        return h == 0 ? 1 : h
    }

    func internLanguage(_ lang: String?) -> Int32 {
        guard let lang, !lang.isEmpty else { return -1 }
        if let index = languageIndex[lang] { return index }
        let index = Int32(languages.count)
        languages.append(lang)
        languageIndex[lang] = index
        return index
    }

    /// Adds posts whose texts arrive as one UTF-8 buffer with offsets (no String per post).
    /// `texts[textStarts[i]..<textStarts[i+1]]` is post i's NFKC text.
    func append(ids: [Int64], created newCreated: [Int64], selfKeys: [UInt64], repostKeys: [UInt64],
                parentKeys: [UInt64], languageIDs: [Int32], texts: [UInt8], textStarts: [Int]) {
        let n = ids.count
        let base = count
        let k = hasher.permutations
        postIDs += ids; created += newCreated; selfKey += selfKeys; repostKey += repostKeys
        parentKey += parentKeys; language += languageIDs
        exactKeyA += repeatElement(0, count: n); exactKeyB += repeatElement(0, count: n)
        emptyText += repeatElement(false, count: n)
        signatures += repeatElement(0, count: n * k)
        count += n
        let slices = max(1, min(workers, n / 64 + 1))
        let hasher = self.hasher
        exactKeyA.withUnsafeMutableBufferPointer { keyA in
        exactKeyB.withUnsafeMutableBufferPointer { keyB in
        emptyText.withUnsafeMutableBufferPointer { empty in
        signatures.withUnsafeMutableBufferPointer { sigs in
        texts.withUnsafeBufferPointer { textBytes in
            // Each slice writes only its own posts' elements.
            nonisolated(unsafe) let keyA = keyA, keyB = keyB, empty = empty, sigs = sigs, textBytes = textBytes
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                var normalized: [UInt32] = [], scratch: [UInt32] = []
                normalized.reserveCapacity(1024); scratch.reserveCapacity(1024)
                let minimums = UnsafeMutablePointer<UInt64>.allocate(capacity: k)
                defer { minimums.deallocate() }
                for i in (n * slice / slices)..<(n * (slice + 1) / slices) {
                    let bytes = UnsafeBufferPointer(rebasing: textBytes[textStarts[i]..<textStarts[i + 1]])
                    MatchText.normalize(utf8: bytes, into: &normalized, scratch: &scratch)
                    let row = base + i
                    normalized.withUnsafeBufferPointer { s in
                        keyA[row] = StableHash.hash(s, seed: 0xE1AC_7A)
                        keyB[row] = StableHash.hash(s, seed: 0xE1AC_7B)
                        empty[row] = s.isEmpty
                        hasher.signature(s, into: sigs.baseAddress! + row * k, minimums: minimums)
                    }
                }
            }
        }}}}}
    }

    /// Adds posts given as values (tests, small inputs).
    public func append(_ posts: [DedupeInput]) {
        var texts: [UInt8] = [], starts: [Int] = [0]
        for post in posts { texts += Array(TextNormalizer.nfkc(post.text).utf8); starts.append(texts.count) }
        append(ids: posts.map(\.postID), created: posts.map(\.createdUnix),
               selfKeys: posts.map { Self.postKey(platform: $0.platform, externalID: $0.externalID) },
               repostKeys: posts.map { post in post.repostedID.map { Self.postKey(platform: post.platform, externalID: $0) } ?? 0 },
               parentKeys: posts.map { post in post.parentID.map { Self.postKey(platform: post.platform, externalID: $0) } ?? 0 },
               languageIDs: posts.map { internLanguage($0.lang) }, texts: texts, textStarts: starts)
    }

    func sameText(_ i: Int, _ j: Int) -> Bool { exactKeyA[i] == exactKeyA[j] && exactKeyB[i] == exactKeyB[j] }
}

/// The result: for every post (in input order) its canonical post's row, kind and similarity.
public struct Clustering: Sendable {
    public var canonical: [Int32]
    public var kind: [ClusterKind]
    public var similarity: [Float]

    public var clusterCount: Int { canonical.indices.reduce(0) { $0 + (canonical[$1] == Int32($1) ? 1 : 0) } }
}

/// Assigns every post to exactly one cluster, centred on the cluster's canonical (earliest) post.
///
/// Posts are visited in time order (created_unix, then post_id). A post joins the EARLIEST
/// existing canonical whose signature is at least `threshold` similar to its own; otherwise it
/// becomes a canonical itself. Only canonicals enter the LSH index, so every member of a cluster
/// is verified against the canonical, never against another member: a noisy post that resembles
/// two templates cannot chain them together (union-find over pairs would). Members are therefore
/// at least `threshold` similar to the canonical and, by the triangle inequality of Jaccard
/// distance, at least 2*threshold-1 similar to each other.
///
/// Before that:
/// - a repost of a post in the corpus joins its parent's cluster as 'repost' (resolved after the
///   pass, following chains of reposts);
/// - a repost of a post NOT in the corpus: the earliest repost of that parent stands in for the
///   missing parent (it is clustered like any post, usually as a new canonical), later reposts of
///   the same parent join its cluster as 'repost';
/// - a reply or quote whose normalised text equals its (earlier) parent's, or is at least
///   `threshold` similar to it, joins the parent's cluster as 'repost';
/// - a post with the same normalised text as an earlier one joins that post's cluster ('exact'
///   when it equals the canonical's text, otherwise 'near' with its similarity to the canonical);
/// - a post whose normalised text is empty (only a URL or mentions) stays alone: emptiness is
///   not a shared message.
public struct Clusterer {
    let features: PostFeatures
    let options: DedupeOptions

    public init(features: PostFeatures, options: DedupeOptions) {
        self.features = features
        self.options = options
    }

    public func run() -> Clustering {
        let f = features
        let n = f.count
        let k = f.hasher.permutations
        let bands = options.bands, rows = options.rows
        let threshold = options.threshold

        var order = Array(0..<n)
        order.sort { f.created[$0] != f.created[$1] ? f.created[$0] < f.created[$1] : f.postIDs[$0] < f.postIDs[$1] }
        var rank = [Int32](repeating: 0, count: n)
        for (position, i) in order.enumerated() { rank[i] = Int32(position) }

        var bySelfKey: [UInt64: Int32] = [:]
        bySelfKey.reserveCapacity(n)
        for i in 0..<n { bySelfKey[f.selfKey[i]] = Int32(i) }

        var canonical = [Int32](repeating: -1, count: n)
        var kind = [ClusterKind](repeating: .unique, count: n)
        var similarity = [Float](repeating: 1, count: n)

        struct ExactKey: Hashable { let a: UInt64, b: UInt64 }
        var firstWithText: [ExactKey: Int32] = [:]
        var missingParentStandIn: [UInt64: Int32] = [:]
        var repostsOfPresent: [Int32] = []
        var repostsOfMissing: [Int32] = []

        // LSH over canonicals: per band, band hash -> newest chain entry; chains link older entries.
        var bandHeads = [[UInt64: Int32]](repeating: [:], count: bands)
        var chainPost: [Int32] = []
        var chainNext: [Int32] = []
        var lastChecked = [Int32](repeating: -1, count: n)
        var bandKeys = [UInt64](repeating: 0, count: bands)

        f.signatures.withUnsafeBufferPointer { sigs in
            let base = sigs.baseAddress!
            func sig(_ i: Int) -> UnsafePointer<UInt32> { base + i * k }
            func jaccard(_ i: Int, _ j: Int) -> Double { MinHasher.estimatedJaccard(sig(i), sig(j), count: k) }

            /// The canonical a post ends up under, following reposts whose parents are in the corpus.
            func resolve(_ i: Int, depth: Int = 0) -> Int {
                if canonical[i] >= 0 { return Int(canonical[i]) }
                guard depth < 64, f.repostKey[i] != 0, let parent = bySelfKey[f.repostKey[i]], Int(parent) != i
                else { return -1 }
                return resolve(Int(parent), depth: depth + 1)
            }

            func join(_ i: Int, _ c: Int, as relation: ClusterKind) {
                canonical[i] = Int32(c)
                if f.sameText(i, c) {
                    kind[i] = relation == .repost ? .repost : .exact
                    similarity[i] = 1
                } else {
                    kind[i] = relation == .exact ? .near : relation
                    similarity[i] = Float(jaccard(i, c))
                }
            }

            func becomeCanonical(_ i: Int, indexed: Bool) {
                canonical[i] = Int32(i)
                kind[i] = .unique
                similarity[i] = 1
                guard indexed else { return }
                for b in 0..<bands {
                    let entry = Int32(chainPost.count)
                    chainPost.append(Int32(i))
                    chainNext.append(bandHeads[b][bandKeys[b]] ?? -1)
                    bandHeads[b][bandKeys[b]] = entry
                }
            }

            for i in order {
                if f.repostKey[i] != 0 {
                    if let parent = bySelfKey[f.repostKey[i]], Int(parent) != i {
                        repostsOfPresent.append(Int32(i)); continue
                    }
                    if missingParentStandIn[f.repostKey[i]] != nil {
                        repostsOfMissing.append(Int32(i)); continue
                    }
                    missingParentStandIn[f.repostKey[i]] = Int32(i)
                }
                if f.emptyText[i] { becomeCanonical(i, indexed: false); continue }
                let textKey = ExactKey(a: f.exactKeyA[i], b: f.exactKeyB[i])
                if f.parentKey[i] != 0, let parent = bySelfKey[f.parentKey[i]], rank[Int(parent)] < rank[i] {
                    let p = Int(parent)
                    let c = resolve(p)
                    if c >= 0, !f.emptyText[p], f.sameText(i, p) || jaccard(i, p) >= threshold {
                        join(i, c, as: .repost)
                        if firstWithText[textKey] == nil { firstWithText[textKey] = Int32(i) }
                        continue
                    }
                }
                if let first = firstWithText[textKey] {
                    join(i, Int(canonical[Int(first)]), as: .exact)
                    continue
                }
                firstWithText[textKey] = Int32(i)

                // Near-duplicates: candidates from the LSH bands, verified against the canonical.
                var best = -1
                for b in 0..<bands {
                    var h = StableHash.mix(options.seed ^ UInt64(b))
                    let start = base + i * k + b * rows
                    for r in 0..<rows { h = StableHash.mix(h ^ UInt64(start[r])) }
                    bandKeys[b] = h
                    var entry = bandHeads[b][h] ?? -1
                    while entry >= 0 {
                        let candidate = Int(chainPost[Int(entry)])
                        entry = chainNext[Int(entry)]
                        if lastChecked[candidate] == Int32(i) { continue }
                        lastChecked[candidate] = Int32(i)
                        if best >= 0 && rank[candidate] > rank[best] { continue }
                        if jaccard(i, candidate) >= threshold { best = candidate }
                    }
                }
                if best >= 0 {
                    join(i, best, as: .near)
                } else {
                    becomeCanonical(i, indexed: true)
                }
            }

            for i32 in repostsOfPresent {
                let i = Int(i32)
                let c = resolve(Int(bySelfKey[f.repostKey[i]]!))
                if c >= 0 { join(i, c, as: .repost) } else { becomeCanonical(i, indexed: false) }
            }
            for i32 in repostsOfMissing {
                let i = Int(i32)
                join(i, Int(canonical[Int(missingParentStandIn[f.repostKey[i]]!)]), as: .repost)
            }
        }
        return Clustering(canonical: canonical, kind: kind, similarity: similarity)
    }
}
