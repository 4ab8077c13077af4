import Foundation

/// The version recorded in every `runs` row and export manifest.
public enum ToolVersion {
    public static let string = "0.1.0"
}

/// One row of the `runs` table: every stage opens one when it starts and closes it when it ends.
public struct StageRun {
    public let id: Int64
    public let stage: String
    let db: Database

    /// Records the start of a stage run in its own small transaction, so that a killed run is
    /// still visible (status stays 'running' until the next run of the stage marks it abandoned).
    public static func begin(_ db: Database, stage: String, parameters: [String: String],
                             inputFingerprint: String? = nil) throws -> StageRun {
        try db.transaction {
            // A 'running' row of this stage from a process that no longer holds the write lock
            // is from a killed run: its transaction was rolled back, so it wrote nothing.
            try db.run("""
                UPDATE runs SET status = 'abandoned', finished_at = ?, message = 'process ended before the run finished; its writes were rolled back'
                WHERE stage = ? AND status = 'running'
                """, [.text(Timestamp.now()), .text(stage)])
            try db.run("""
                INSERT INTO runs(stage, tool_version, parameters, input_fingerprint, started_at, status)
                VALUES (?, ?, ?, ?, ?, 'running')
                """, [.text(stage), .text(ToolVersion.string), .text(canonicalJSON(parameters)),
                      .from(inputFingerprint), .text(Timestamp.now())])
            return StageRun(id: db.lastInsertRowID, stage: stage, db: db)
        }
    }

    /// Closes the run. Call inside the transaction that commits the stage's output, so that the
    /// output and the 'completed' status land together.
    public func finish(status: String = "completed", rowsIn: Int, rowsOut: Int, rejects: Int,
                       inputFingerprint: String? = nil, message: String? = nil) throws {
        try db.run("""
            UPDATE runs SET status = ?, rows_in = ?, rows_out = ?, rejects = ?, finished_at = ?,
                            message = ?, input_fingerprint = coalesce(?, input_fingerprint)
            WHERE run_id = ?
            """, [.text(status), .int(Int64(rowsIn)), .int(Int64(rowsOut)), .int(Int64(rejects)),
                  .text(Timestamp.now()), .from(message), .from(inputFingerprint), .int(id)])
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
