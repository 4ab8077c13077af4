extension Database {
    /// Whether the study has this table. Migrations create every stage's tables, so this mostly
    /// matters for databases opened before a migration, or for optional tables (the kwic index).
    public func tableExists(_ name: String) throws -> Bool {
        (try scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(name)]) ?? 0) > 0
    }

    /// Whether the table exists and has a row: how a stage tells that an earlier one has run.
    /// EXISTS stops at the first row, so this costs the same on 10 posts and on 10 million.
    public func hasRows(_ table: String) throws -> Bool {
        guard try tableExists(table) else { return false }
        return
            (try scalarInt("SELECT EXISTS (SELECT 1 FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\")")
            ?? 0) > 0
    }
}
