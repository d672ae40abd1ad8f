using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// The audit table (columns as <see cref="Audit.AuditSql"/> describes them), numbered by PRAGMA user_version in its
/// own file like the backend's schema. A rowid table, not WITHOUT ROWID: rows carry the whole event (about a
/// kilobyte), too large for SQLite's clustered layout to pay off. Each filter has an index ending in the ordering
/// columns, so a filtered page is an index range read in order.
/// </summary>
internal static class SqliteAuditSchema
{
    public const int Version = 1;

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

    public static int Initialize(SqliteConnection connection)
    {
        using var transaction = SqliteSchema.Migrate(connection, Version, CreateTables, "audit");
        transaction.Commit();
        return Version;
    }
}
