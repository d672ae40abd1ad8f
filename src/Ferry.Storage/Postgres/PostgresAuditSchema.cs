namespace Ferry.Storage.Postgres;

/// <summary>
/// The audit table (columns as <see cref="Audit.AuditSql"/> describes them), versioned in ferry_schema_version as the
/// "audit" component, so the log may have a database of its own or share the backend's. Each filter has an index
/// ending in the ordering columns, so a filtered page is an index range read in order, as in SQLite. Text columns use
/// the "C" collation, so ids of events at the same time are ordered the way SQLite orders them.
/// </summary>
internal static class PostgresAuditSchema
{
    public const string Component = "audit";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE IF NOT EXISTS audit_events (
            event_time bigint           NOT NULL, -- 100 ns ticks since the Unix epoch, UTC
            event_id   text COLLATE "C" NOT NULL,
            event_type text COLLATE "C" NOT NULL,
            user_name  text COLLATE "C" NULL,
            success    boolean          NOT NULL,
            event_json bytea            NOT NULL,
            PRIMARY KEY (event_time, event_id)
        );
        CREATE INDEX IF NOT EXISTS audit_events_type ON audit_events (event_type, event_time, event_id);
        CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events (user_name, event_time, event_id);
        """,
    ];
}
