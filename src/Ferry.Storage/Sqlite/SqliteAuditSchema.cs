using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// The audit table (columns as <see cref="Audit.AuditSql"/> describes them), numbered by PRAGMA user_version in its
/// own file like the backend's schema. A rowid table, not WITHOUT ROWID: rows carry the whole event (about a
/// kilobyte), too large for SQLite's clustered layout to pay off. Each filter has an index ending in the ordering
/// columns, so a filtered page is an index range read in order.
///
/// Version 1 is the table as first shipped; version 2 adds aws_service and aws_operation with their indexes.
/// </summary>
internal static class SqliteAuditSchema
{
    public const int Version = 2;

    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS audit_events (
            event_time INTEGER NOT NULL, -- 100 ns ticks since the Unix epoch, UTC
            event_id   TEXT    NOT NULL,
            event_type TEXT    NOT NULL,
            user_name  TEXT    NULL,
            success    INTEGER NOT NULL,
            event_json BLOB    NOT NULL,
            PRIMARY KEY (event_time, event_id)
        );
        CREATE INDEX IF NOT EXISTS audit_events_type ON audit_events (event_type, event_time, event_id);
        CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events (user_name, event_time, event_id);
        """;

    /// <summary>
    /// Version 2. SQLite has no ADD COLUMN IF NOT EXISTS, so this runs only on a file below version 2 (in the same
    /// transaction as the version bump). Events stored before the columns existed get them from their JSON, the one
    /// time storage reads an event body, so a filter by service or operation also finds them; a body that is not JSON
    /// is left without them. The service is lowercased, as the audit log writes it (Ferry.Auth AuditLog).
    /// </summary>
    private const string AddAwsColumns = """
        ALTER TABLE audit_events ADD COLUMN aws_service TEXT NULL;
        ALTER TABLE audit_events ADD COLUMN aws_operation TEXT NULL;
        UPDATE audit_events SET
            aws_service = CASE WHEN json_type(CAST(event_json AS TEXT), '$.aws_service') = 'text'
                THEN lower(json_extract(CAST(event_json AS TEXT), '$.aws_service')) END,
            aws_operation = CASE WHEN json_type(CAST(event_json AS TEXT), '$.aws_operation') = 'text'
                THEN json_extract(CAST(event_json AS TEXT), '$.aws_operation') END
        WHERE instr(event_json, CAST('"aws_' AS BLOB)) > 0 AND json_valid(CAST(event_json AS TEXT));
        CREATE INDEX IF NOT EXISTS audit_events_service ON audit_events (aws_service, event_time, event_id);
        CREATE INDEX IF NOT EXISTS audit_events_operation ON audit_events (aws_operation, event_time, event_id);
        """;

    public static int Initialize(SqliteConnection connection)
    {
        using var transaction = SqliteSchema.Migrate(connection, Version, CreateTables, "audit",
            (tx, _) => SqliteSchema.Execute(connection, AddAwsColumns, tx));
        transaction.Commit();
        return Version;
    }
}
