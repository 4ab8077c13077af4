import Foundation

/// Options that shape `dedupe`'s output (all recorded in the run's parameters).
public struct DedupeOptions: Sendable {
    /// Minimum estimated Jaccard similarity (of character-shingle sets) to the cluster's canonical post.
    public var threshold = 0.7
    /// MinHash permutations per signature.
    public var permutations = 128
    /// LSH bands; rows per band = permutations / bands (rounded down). 25 bands of 5 rows make a
    /// pair at Jaccard 0.7 a candidate with probability 0.99 (0.95 at 0.65), one at 0.4 with
    /// probability 0.23 and one at 0.2 with 0.008; every candidate is verified on all permutations.
    public var bands = 25
    public var seed: UInt64 = 4242
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}

    /// Rows per band; bands x rows may leave a few permutations out of the LSH keys (they still
    /// count in the similarity estimate).
    public var rows: Int { permutations / bands }

    public func validate() throws {
        guard threshold > 0, threshold <= 1 else { throw DedupeError("threshold must be in (0, 1], got \(threshold)") }
        guard permutations >= 8, permutations <= 1024 else {
            throw DedupeError("permutations must be 8...1024, got \(permutations)")
        }
        guard bands >= 1, bands <= permutations else {
            throw DedupeError("bands must be 1...permutations (\(permutations)), got \(bands)")
        }
    }

    var parameters: [String: String] {
        [
            "threshold": String(threshold), "permutations": String(permutations), "bands": String(bands),
            "rows": String(rows),
            "seed": String(seed),
            "shingles": "latin=\(MatchText.latinShingle),cjk=\(MatchText.cjkShingle),hangul=\(MatchText.hangulShingle)",
            "normalization": "nfkc,lowercase,strip-rt-url-mention,collapse-space",
        ]
    }
}

public struct DedupeError: UserFacingError {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// How a post relates to its cluster's canonical post.
public enum ClusterKind: UInt8, Sendable, CaseIterable {
    case unique = 0
    case exact, repost, near
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

    public init(
        postID: Int64, platform: String = "x", externalID: String? = nil, createdUnix: Int64, text: String,
        lang: String? = nil, repostedID: String? = nil, parentID: String? = nil
    ) {
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
    var repostKey: [UInt64] = []  // 0: not a repost
    var parentKey: [UInt64] = []  // 0: not a reply or quote
    var language: [Int32] = []  // index into languages, -1 for none
    var languages: [String] = []
    private var languageIndex: [String: Int32] = [:]
    var signatures: [UInt32] = []

    public init(options: DedupeOptions) {
        hasher = MinHasher(permutations: options.permutations, seed: options.seed)
        workers = max(1, options.workers)
    }

    public func reserve(_ n: Int) {
        postIDs.reserveCapacity(n)
        created.reserveCapacity(n)
        exactKeyA.reserveCapacity(n)
        exactKeyB.reserveCapacity(n)
        emptyText.reserveCapacity(n)
        selfKey.reserveCapacity(n)
        repostKey.reserveCapacity(n)
        parentKey.reserveCapacity(n)
        language.reserveCapacity(n)
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
    func append(
        ids: [Int64], created newCreated: [Int64], selfKeys: [UInt64], repostKeys: [UInt64],
        parentKeys: [UInt64], languageIDs: [Int32], texts: [UInt8], textStarts: [Int]
    ) {
        let n = ids.count
        let base = count
        let k = hasher.permutations
        postIDs += ids
        created += newCreated
        selfKey += selfKeys
        repostKey += repostKeys
        parentKey += parentKeys
        language += languageIDs
        exactKeyA += repeatElement(0, count: n)
        exactKeyB += repeatElement(0, count: n)
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
                            nonisolated(unsafe) let keyA = keyA, keyB = keyB, empty = empty, sigs = sigs,
                                textBytes = textBytes
                            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                                var normalized: [UInt32] = [], scratch: [UInt32] = []
                                normalized.reserveCapacity(1024)
                                scratch.reserveCapacity(1024)
                                var shingleHashes: [UInt64] = []
                                shingleHashes.reserveCapacity(1024)
                                for i in (n * slice / slices)..<(n * (slice + 1) / slices) {
                                    let bytes = UnsafeBufferPointer(
                                        rebasing: textBytes[textStarts[i]..<textStarts[i + 1]])
                                    MatchText.normalize(utf8: bytes, into: &normalized, scratch: &scratch)
                                    let row = base + i
                                    normalized.withUnsafeBufferPointer { s in
                                        keyA[row] = StableHash.hash(s, seed: 0xE1AC_7A)
                                        keyB[row] = StableHash.hash(s, seed: 0xE1AC_7B)
                                        empty[row] = s.isEmpty
                                        hasher.signature(
                                            s, into: sigs.baseAddress! + row * k, shingleHashes: &shingleHashes)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds posts given as values (tests, small inputs).
    public func append(_ posts: [DedupeInput]) {
        var texts: [UInt8] = [], starts: [Int] = [0]
        for post in posts {
            texts += Array(TextNormalizer.nfkc(post.text).utf8)
            starts.append(texts.count)
        }
        append(
            ids: posts.map(\.postID), created: posts.map(\.createdUnix),
            selfKeys: posts.map { Self.postKey(platform: $0.platform, externalID: $0.externalID) },
            repostKeys: posts.map { post in
                post.repostedID.map { Self.postKey(platform: post.platform, externalID: $0) } ?? 0
            },
            parentKeys: posts.map { post in
                post.parentID.map { Self.postKey(platform: post.platform, externalID: $0) } ?? 0
            },
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
/// - a repost of a post in the corpus joins its parent's cluster as 'repost' (following chains
///   of reposts);
/// - a repost of a post NOT in the corpus: the earliest repost of that parent stands in for the
///   missing parent (it is clustered like any post, usually as a new canonical), later reposts of
///   the same parent join its cluster as 'repost';
/// - a reply or quote whose normalised text equals its (earlier) parent's, or is at least
///   `threshold` similar to it, joins the parent's cluster as 'repost';
/// - a post with the same normalised text as an earlier one joins that post's cluster ('exact'
///   when it equals the canonical's text, otherwise 'near' with its similarity to the canonical);
/// - a post whose normalised text is empty (only a URL or mentions) stays alone: emptiness is
///   not a shared message.
///
/// The near-duplicate pass runs in blocks of posts: each post of a block looks up the canonicals
/// of earlier blocks in parallel (read-only index); then, in order, posts that found none are
/// checked against the canonicals new in the block. Earlier blocks' canonicals are always earlier
/// than the block's own, so this gives exactly the result of the one-by-one pass.
public struct Clusterer {
    let features: PostFeatures
    let options: DedupeOptions
    /// Posts per block of the near-duplicate pass (any size gives the same result).
    var blockSize = 8192

    public init(features: PostFeatures, options: DedupeOptions) {
        self.features = features
        self.options = options
    }

    /// What the first, sequential pass decided about a post.
    enum Route {
        case leader  // goes through the near-duplicate pass
        case alone  // empty text: its own cluster, never matched
        case copyOf(Int32)  // same normalised text as an earlier post
        case echoOf(Int32)  // reply/quote repeating its parent
        case repostOf(Int32)  // repost of a post in the corpus
        case repostOfMissing(Int32)  // later repost of a missing parent: the stand-in's row
    }

    public func run() -> Clustering {
        let f = features
        let n = f.count
        guard n > 0 else { return Clustering(canonical: [], kind: [], similarity: []) }
        let k = f.hasher.permutations
        let threshold = options.threshold
        // The smallest number of equal positions whose fraction reaches the threshold.
        var needEqual = 0
        while Double(needEqual) / Double(k) < threshold { needEqual += 1 }

        var order = Array(0..<n)
        f.created.withUnsafeBufferPointer { created in
            f.postIDs.withUnsafeBufferPointer { ids in
                order.sort { created[$0] != created[$1] ? created[$0] < created[$1] : ids[$0] < ids[$1] }
            }
        }
        var rank = [Int32](repeating: 0, count: n)
        for (position, i) in order.enumerated() { rank[i] = Int32(position) }

        var bySelfKey = UInt64Map(capacity: n)
        for i in 0..<n { bySelfKey.set(f.selfKey[i], Int32(i)) }

        var canonical = [Int32](repeating: -1, count: n)
        var kind = [ClusterKind](repeating: .unique, count: n)
        var similarity = [Float](repeating: 1, count: n)

        f.signatures.withUnsafeBufferPointer { sigs in
            let base = sigs.baseAddress!
            func jaccard(_ i: Int, _ j: Int) -> Double {
                MinHasher.estimatedJaccard(base + i * k, base + j * k, count: k)
            }

            // Pass 1: routes (sequential, cheap).
            var routes = [Route](repeating: .leader, count: n)
            var leaders: [Int32] = []
            struct TextKey: Hashable { let a: UInt64, b: UInt64 }
            var firstWithText: [TextKey: Int32] = [:]
            var standIn: [UInt64: Int32] = [:]
            for i in order {
                if f.repostKey[i] != 0 {
                    if let parent = bySelfKey.get(f.repostKey[i]), Int(parent) != i {
                        routes[i] = .repostOf(parent)
                        continue
                    }
                    if let first = standIn[f.repostKey[i]] {
                        routes[i] = .repostOfMissing(first)
                        continue
                    }
                    standIn[f.repostKey[i]] = Int32(i)
                }
                if f.emptyText[i] {
                    routes[i] = .alone
                    continue
                }
                let textKey = TextKey(a: f.exactKeyA[i], b: f.exactKeyB[i])
                if f.parentKey[i] != 0, let parent = bySelfKey.get(f.parentKey[i]), rank[Int(parent)] < rank[i],
                    !f.emptyText[Int(parent)], f.sameText(i, Int(parent)) || jaccard(i, Int(parent)) >= threshold
                {
                    routes[i] = .echoOf(parent)
                    if firstWithText[textKey] == nil { firstWithText[textKey] = Int32(i) }
                    continue
                }
                if let first = firstWithText[textKey] {
                    routes[i] = .copyOf(first)
                    continue
                }
                firstWithText[textKey] = Int32(i)
                leaders.append(Int32(i))
            }
            firstWithText = [:]
            standIn = [:]

            // Pass 2: near-duplicates among leaders.
            let nearestCanonical = NearDuplicateIndex(
                signatures: base, permutations: k, bands: options.bands,
                rows: options.rows, seed: options.seed, needEqual: needEqual,
                rank: rank, workers: f.workers, postCount: n
            )
            .assign(leaders: leaders, blockSize: blockSize)
            for (position, leader) in leaders.enumerated() {
                let i = Int(leader), c = Int(nearestCanonical[position])
                canonical[i] = Int32(c)
                if c != i {
                    kind[i] = .near
                    similarity[i] = Float(jaccard(i, c))
                }
            }

            // Pass 3: everything that points at an earlier post, in time order; reposts last
            // (their parent may even be later in time).
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
            func alone(_ i: Int) {
                canonical[i] = Int32(i)
                kind[i] = .unique
                similarity[i] = 1
            }
            /// The canonical a post ends up under, following reposts and echoes; -1 on a cycle.
            func resolve(_ i: Int, depth: Int = 0) -> Int {
                if canonical[i] >= 0 { return Int(canonical[i]) }
                guard depth < 64 else { return -1 }
                switch routes[i] {
                case .repostOf(let p), .echoOf(let p), .copyOf(let p), .repostOfMissing(let p):
                    return resolve(Int(p), depth: depth + 1)
                case .leader, .alone:
                    return -1
                }
            }
            for i in order {
                switch routes[i] {
                case .alone: alone(i)
                case .copyOf(let first):
                    let c = resolve(Int(first))
                    if c >= 0 { join(i, c, as: .exact) } else { alone(i) }
                case .echoOf(let parent):
                    let c = resolve(Int(parent))
                    if c >= 0 { join(i, c, as: .repost) } else { alone(i) }
                case .leader, .repostOf, .repostOfMissing: break
                }
            }
            for i in order {
                switch routes[i] {
                case .repostOf(let p), .repostOfMissing(let p):
                    let c = resolve(Int(p))
                    if c >= 0 { join(i, c, as: .repost) } else { alone(i) }
                default: break
                }
            }
        }
        return Clustering(canonical: canonical, kind: kind, similarity: similarity)
    }
}

/// Banded LSH over canonical signatures with the block-parallel, earliest-canonical assignment.
final class NearDuplicateIndex: @unchecked Sendable {
    let signatures: UnsafePointer<UInt32>
    let permutations: Int, bands: Int, rows: Int, seed: UInt64, needEqual: Int
    let rank: [Int32]
    let workers: Int
    let postCount: Int

    /// One band's chains: entry e is canonical number e / bands; `next` links older entries.
    struct Chains {
        var tables: [BandTable]
        var canonicals: [Int32] = []
        var next: [Int32] = []

        init(bands: Int) { tables = [BandTable](repeating: BandTable(), count: bands) }

        mutating func add(_ post: Int, keys: UnsafePointer<UInt64>, bands: Int) {
            let first = Int32(canonicals.count * bands)
            canonicals.append(Int32(post))
            for b in 0..<bands { next.append(tables[b].push(keys[b], first + Int32(b))) }
        }
    }
    var shared: Chains

    init(
        signatures: UnsafePointer<UInt32>, permutations: Int, bands: Int, rows: Int, seed: UInt64, needEqual: Int,
        rank: [Int32], workers: Int, postCount: Int
    ) {
        self.signatures = signatures
        self.permutations = permutations
        self.bands = bands
        self.rows = rows
        self.seed = seed
        self.needEqual = needEqual
        self.rank = rank
        self.workers = max(1, workers)
        self.postCount = postCount
        shared = Chains(bands: bands)
    }

    @inline(__always) func bandKey(_ post: Int, _ band: Int) -> UInt64 {
        var h = StableHash.mix(seed ^ UInt64(band))
        let start = signatures + post * permutations + band * rows
        for r in 0..<rows { h = StableHash.mix(h ^ UInt64(start[r])) }
        return h
    }

    /// True when the signatures agree in at least `needEqual` positions; stops as soon as that is
    /// out of reach (most candidates are far below the threshold).
    @inline(__always) func similarEnough(_ i: Int, _ j: Int) -> Bool {
        let x = signatures + i * permutations, y = signatures + j * permutations
        var equal = 0
        var position = 0
        while position < permutations {
            let end = min(position + 16, permutations)
            for p in position..<end where x[p] == y[p] { equal += 1 }
            position = end
            if equal >= needEqual { return true }
            if equal + (permutations - position) < needEqual { return false }
        }
        return equal >= needEqual
    }

    /// The earliest canonical in `chains` similar enough to `post`; -1 when none. `stamp` marks
    /// candidates already checked for this post.
    func earliestMatch(
        _ post: Int, keys: UnsafePointer<UInt64>, in chains: Chains,
        stamp: UnsafeMutablePointer<Int32>
    ) -> Int {
        var best = -1
        for b in 0..<bands {
            var entry = chains.tables[b].get(keys[b])
            while entry >= 0 {
                let candidate = Int(chains.canonicals[Int(entry) / bands])
                entry = chains.next[Int(entry)]
                if stamp[candidate] == Int32(post) { continue }
                stamp[candidate] = Int32(post)
                if best >= 0 && rank[candidate] > rank[best] { continue }
                if similarEnough(post, candidate) { best = candidate }
            }
        }
        return best
    }

    /// For each leader (in time order) the canonical it joins, itself when it starts a cluster.
    func assign(leaders: [Int32], blockSize: Int) -> [Int32] {
        var result = [Int32](repeating: -1, count: leaders.count)
        let stamps = (0..<workers).map { _ -> UnsafeMutablePointer<Int32> in
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: postCount)
            p.initialize(repeating: -1, count: postCount)
            return p
        }
        defer { stamps.forEach { $0.deallocate() } }
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: blockSize * bands)
        defer { keys.deallocate() }
        var blockStart = 0
        while blockStart < leaders.count {
            let blockEnd = min(blockStart + blockSize, leaders.count)
            let count = blockEnd - blockStart
            let slices = min(workers, max(1, count / 256))
            // Parallel: band keys and the earliest match among earlier blocks' canonicals.
            result.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out, keys = keys, stamps = stamps
                let chains = shared, blockStart = blockStart
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    let stamp = stamps[slice]
                    for offset in (count * slice / slices)..<(count * (slice + 1) / slices) {
                        let post = Int(leaders[blockStart + offset])
                        let postKeys = keys + offset * bands
                        for b in 0..<bands { postKeys[b] = self.bandKey(post, b) }
                        out[blockStart + offset] = Int32(
                            self.earliestMatch(post, keys: postKeys, in: chains, stamp: stamp))
                    }
                }
            }
            // Sequential: posts with no earlier match against this block's new canonicals.
            var local = Chains(bands: bands)
            for offset in 0..<count {
                let post = Int(leaders[blockStart + offset])
                if result[blockStart + offset] >= 0 { continue }
                let postKeys = keys + offset * bands
                if !local.canonicals.isEmpty {
                    let match = earliestMatch(post, keys: postKeys, in: local, stamp: stamps[0])
                    if match >= 0 {
                        result[blockStart + offset] = Int32(match)
                        continue
                    }
                }
                result[blockStart + offset] = Int32(post)
                local.add(post, keys: postKeys, bands: bands)
            }
            // The block's canonicals join the shared index.
            for offset in 0..<count where result[blockStart + offset] == leaders[blockStart + offset] {
                shared.add(Int(leaders[blockStart + offset]), keys: keys + offset * bands, bands: bands)
            }
            blockStart = blockEnd
        }
        return result
    }
}
