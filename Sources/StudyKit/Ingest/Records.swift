/// A post read from an export, before it is stored.
public struct PostRecord: Sendable {
    public var platform: String
    public var externalID: String
    /// The platform's stable author identifier (X author id, Reddit user name, a CSV column).
    public var author: String?
    /// The human-readable handle, stored only with --keep-handles.
    public var authorHandle: String?
    public var createdUnix: Int64
    public var text: String
    /// Columns computed from the record, filled off the writer thread (see PostFinisher).
    public var derived: DerivedColumns?
    public var langHint: String?
    public var repostedID: String?
    public var repliedToID: String?
    public var quotedID: String?
    public var conversationID: String?
    public var community: String?
    public var likeCount: Int64?
    public var repostCount: Int64?
    public var replyCount: Int64?
    public var quoteCount: Int64?
    /// MediaCrawler: true when a count came as the platform's rounded display ("1.2万", "10万+"),
    /// false when every count is exact; nil for formats whose counts are always exact.
    public var countsRounded: Bool?
    /// The title of the thread a post belongs to (posts.thread_title): a Reddit comment's link title,
    /// a Xiaohongshu note's own title; its comments get it from the note.
    public var threadTitle: String?
    /// The search keyword the collector used to find the post (MediaCrawler's `source_keyword`).
    public var searchKeyword: String?
    public var line: Int

    public init(platform: String, externalID: String, createdUnix: Int64, text: String, line: Int) {
        self.platform = platform
        self.externalID = externalID
        self.createdUnix = createdUnix
        self.text = text
        self.line = line
    }
}

/// Why a record could not be stored. Codes are stable (queries group by them); reasons are prose.
public enum RejectCode: String, Sendable, CaseIterable {
    case invalidUTF8 = "invalid_utf8"
    case nulByte = "nul_byte"
    case lineTooLong = "line_too_long"
    case invalidJSON = "invalid_json"
    case truncated = "truncated"
    case notAPost = "not_a_post"
    case wrongType = "wrong_type"
    case apiError = "api_error"
    case missingField = "missing_field"
    case emptyText = "empty_text"
    case textTooLong = "text_too_long"
    case badDate = "bad_date"
    case wrongColumnCount = "wrong_column_count"
    case malformedCSV = "malformed_csv"
    case removed = "removed"
    case dateWithoutOffset = "date_without_offset"
    case badCount = "bad_count"
}

public struct RejectRecord: Error, Sendable {
    public var line: Int
    public var recordIndex: Int?
    public var code: RejectCode
    public var reason: String
    public var raw: [UInt8]
    public var rawSize: Int

    static let maxRawBytes = 4096

    public init(line: Int, recordIndex: Int? = nil, code: RejectCode, reason: String, raw: [UInt8], rawSize: Int? = nil)
    {
        self.line = line
        self.recordIndex = recordIndex
        self.code = code
        self.reason = reason
        self.raw = raw.count > Self.maxRawBytes ? Array(raw.prefix(Self.maxRawBytes)) : raw
        self.rawSize = rawSize ?? raw.count
    }
}

public struct DerivedColumns: Sendable {
    public var textNFKC: String
    public var createdAt: String
    public var authorKey: String?
    public var authorHandle: String?
}

/// Computes the derived columns of posts (NFKC text, UTC time text, author pseudonym). Each
/// parsing thread has its own (the pseudonym cache is not shared), so the writer only binds.
public final class PostFinisher: @unchecked Sendable {
    private let pseudonymizer: Pseudonymizer
    private let keepHandles: Bool

    public init(salt: String, keepHandles: Bool) {
        pseudonymizer = Pseudonymizer(salt: salt)
        self.keepHandles = keepHandles
    }

    public func finish(_ records: [ParsedRecord]) -> [ParsedRecord] {
        records.map { record in
            guard case .post(var post) = record else { return record }
            post.derived = DerivedColumns(
                textNFKC: TextNormalizer.nfkc(post.text),
                createdAt: Timestamp.format(unixSeconds: post.createdUnix),
                authorKey: post.author.map { pseudonymizer.key(platform: post.platform, author: $0) },
                authorHandle: keepHandles ? post.authorHandle : nil)
            return .post(post)
        }
    }
}

public enum ParsedRecord: Sendable {
    case post(PostRecord)
    case reject(RejectRecord)
}

/// Limits on what one record may be, and how far a date may be read. Real X posts are at most
/// 25,000 characters (X Premium) and Reddit posts 40,000; anything far beyond is damage or abuse,
/// not a post.
public struct RecordLimits: Sendable {
    public var maxLineBytes = 8 << 20
    public var maxTextCharacters = 100_000
    /// Read a date without a UTC offset (`2025-08-08 14:03:11`) as UTC (`--assume-utc`). Off by
    /// default: such a date is rejected, because its time zone would be a guess.
    public var assumeUTC = false
    public init() {}
}

/// Checks shared by every format: the text and the date.
enum RecordChecks {
    static func checkText(_ text: String?, field: String, line: Int, index: Int?, raw: [UInt8], limits: RecordLimits)
        -> RejectRecord?
    {
        guard let text else {
            return RejectRecord(
                line: line, recordIndex: index, code: .missingField, reason: "no \(field) field", raw: raw)
        }
        if text.allSatisfy({ $0.isWhitespace }) {
            return RejectRecord(line: line, recordIndex: index, code: .emptyText, reason: "\(field) is empty", raw: raw)
        }
        let bytes = text.utf8.count
        if bytes > limits.maxTextCharacters && text.unicodeScalars.count > limits.maxTextCharacters {
            return RejectRecord(
                line: line, recordIndex: index, code: .textTooLong,
                reason: "\(field) has \(text.unicodeScalars.count) characters, "
                    + "over the limit of \(limits.maxTextCharacters)",
                raw: raw)
        }
        if text.utf8.contains(0) {
            return RejectRecord(
                line: line, recordIndex: index, code: .nulByte, reason: "\(field) contains a NUL character", raw: raw)
        }
        return nil
    }

    static func parseDate(
        _ value: String?, field: String, line: Int, index: Int?, raw: [UInt8],
        assumeUTC: Bool = false
    ) -> Result<Int64, RejectRecord> {
        guard let value, !value.isEmpty else {
            return .failure(
                RejectRecord(line: line, recordIndex: index, code: .missingField, reason: "no \(field) field", raw: raw)
            )
        }
        guard let parsed = PostDate.parseStatingZone(value) else {
            return .failure(
                RejectRecord(
                    line: line, recordIndex: index, code: .badDate,
                    reason: "\(field) '\(value.prefix(60))' is not a date", raw: raw))
        }
        if !parsed.statesZone && !assumeUTC {
            return .failure(
                RejectRecord(
                    line: line, recordIndex: index, code: .dateWithoutOffset,
                    reason: "\(field) '\(value.prefix(60))' has no UTC offset, so its time zone is unknown: "
                        + "give dates with Z or an offset such as +08:00, or pass --assume-utc to read them as UTC",
                    raw: raw))
        }
        return .success(parsed.seconds)
    }

    /// Rejects a line for problems visible in its bytes before any parsing. JSON parsers pass
    /// `validateUTF8: false` because simdjson validates UTF-8 itself; they ask `invalidUTF8` for
    /// the precise reason only when a line fails.
    static func checkLineBytes(_ line: RawLine, validateUTF8: Bool = true) -> RejectRecord? {
        if let size = line.oversizeBytes {
            return RejectRecord(
                line: line.number, code: .lineTooLong,
                reason: "line is \(size) bytes, over the limit of the --max-line-bytes option; "
                    + "only its first \(line.bytes.count) bytes are kept here",
                raw: line.bytes, rawSize: size)
        }
        return line.bytes.withUnsafeBufferPointer { buffer -> RejectRecord? in
            if let offset = TextChecks.firstNULOffset(buffer) {
                return RejectRecord(
                    line: line.number, code: .nulByte, reason: "NUL byte at byte \(offset + 1) of the line",
                    raw: line.bytes)
            }
            return validateUTF8 ? invalidUTF8(line) : nil
        }
    }

    static func invalidUTF8(_ line: RawLine) -> RejectRecord? {
        line.bytes.withUnsafeBufferPointer { buffer in
            TextChecks.firstInvalidUTF8Offset(buffer).map { offset in
                RejectRecord(
                    line: line.number, code: .invalidUTF8,
                    reason: "invalid UTF-8 at byte \(offset + 1) of the line "
                        + "(byte 0x\(String(buffer[offset], radix: 16, uppercase: true)))",
                    raw: line.bytes)
            }
        }
    }
}
