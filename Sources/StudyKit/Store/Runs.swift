import Foundation

/// One row of the `runs` table: every stage opens one when it starts and closes it when it ends.
public struct StageRun {
    public let id: Int64
    public let stage: String
    let db: Database

    /// Records the start of a stage run in its own small transaction, so that a killed run is
    /// still visible: its status stays 'running' until a later run of the stage finds that the
    /// process that wrote it is gone, and marks it abandoned.
    public static func begin(
        _ db: Database, stage: String, parameters: [String: String],
        inputFingerprint: String? = nil
    ) throws -> StageRun {
        try db.transaction {
            try abandonDeadRuns(db, stage: stage)
            let me = ProcessIdentity.current
            try db.run(
                """
                INSERT INTO runs(stage, tool_version, parameters, input_fingerprint, started_at, status, host, pid,
                                 process_start)
                VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)
                """,
                [
                    .text(stage), .text(BuildInfo.toolVersion), .text(canonicalJSON(parameters)),
                    .from(inputFingerprint), .text(Timestamp.now()), .text(me.host), .int(Int64(me.pid)),
                    .from(me.start),
                ])
            return StageRun(id: db.lastInsertRowID, stage: stage, db: db)
        }
    }

    /// Stages compute outside the write lock, so a 'running' row may belong to a live process
    /// (another instance of the stage, or an annotator's screen): only runs whose process is gone
    /// are abandoned. A run from another machine cannot be checked and is left as it is.
    static func abandonDeadRuns(_ db: Database, stage: String) throws {
        let running = try db.query(
            "SELECT run_id, host, pid, process_start FROM runs WHERE stage = ? AND status = 'running'",
            [.text(stage)])
        for row in running {
            let identity = ProcessIdentity(
                host: row.text("host") ?? "", pid: Int32(row.int("pid") ?? 0), start: row.text("process_start"))
            // Rows from before process identities were recorded (no pid) keep the old rule.
            guard row.int("pid") == nil || identity.isGone else { continue }
            try db.run(
                """
                UPDATE runs SET status = 'abandoned', finished_at = ?,
                    message = 'process ended before the run finished; its writes were rolled back'
                WHERE run_id = ?
                """, [.text(Timestamp.now()), .int(try row.required(int64: "run_id"))])
        }
    }

    /// Closes the run. Call inside the transaction that commits the stage's output, so that the
    /// output and the 'completed' status land together.
    public func finish(
        status: String = "completed", rowsIn: Int, rowsOut: Int, rejects: Int,
        inputFingerprint: String? = nil, message: String? = nil
    ) throws {
        try db.run(
            """
            UPDATE runs SET status = ?, rows_in = ?, rows_out = ?, rejects = ?, finished_at = ?,
                            message = ?, input_fingerprint = coalesce(?, input_fingerprint)
            WHERE run_id = ?
            """,
            [
                .text(status), .int(Int64(rowsIn)), .int(Int64(rowsOut)), .int(Int64(rejects)),
                .text(Timestamp.now()), .from(message), .from(inputFingerprint), .int(id),
            ])
    }

    public func fail(_ error: Error) {
        try? finish(status: "failed", rowsIn: 0, rowsOut: 0, rejects: 0, message: String(describing: error))
    }
}

/// JSON with sorted keys and no whitespace: the same parameters always give the same bytes.
public func canonicalJSON(_ object: [String: String]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// Study-wide settings kept in the database (for example the salt for author pseudonyms).
public enum StudySettings {
    public static func value(_ db: Database, _ key: String) throws -> String? {
        try db.scalarText("SELECT value FROM study_settings WHERE key = ?", [.text(key)])
    }

    /// Returns the stored value, or stores and returns `make()` when there is none.
    public static func valueOrInsert(_ db: Database, _ key: String, _ make: () -> String) throws -> String {
        try db.run("INSERT OR IGNORE INTO study_settings(key, value) VALUES (?, ?)", [.text(key), .text(make())])
        return try value(db, key)!
    }
}

/// Which process wrote a 'running' row: host name, pid, and the process's start time (so that a
/// pid reused by a later process is not taken for the run's own).
public struct ProcessIdentity: Equatable, Sendable {
    public let host: String
    public let pid: Int32
    /// Linux: boot id and start time in clock ticks (/proc/self/stat, field 22); nil elsewhere.
    public let start: String?

    public static let current = ProcessIdentity(
        host: ProcessInfo.processInfo.hostName, pid: getpid(),
        start: startTime(of: getpid()))

    /// True when this machine has no process with this pid and start time.
    public var isGone: Bool {
        guard host == ProcessIdentity.current.host else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let start else { return false }
        return Self.startTime(of: pid) != start
    }

    static func startTime(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        else { return nil }
        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return boot.trimmingCharacters(in: .whitespacesAndNewlines) + ":" + fields[19]
    }
}
