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

        // Version 2: the AWS service and operation of app requests, as columns with indexes. Events stored before
        // them get them from their JSON (only bodies that mention an aws_ field are parsed, and those the audit log
        // wrote as JSON); the service is lowercased, as the audit log writes it.
        """
        ALTER TABLE audit_events
            ADD COLUMN IF NOT EXISTS aws_service   text COLLATE "C" NULL,
            ADD COLUMN IF NOT EXISTS aws_operation text COLLATE "C" NULL;
        UPDATE audit_events AS a SET
            aws_service = CASE WHEN json_typeof(p.body -> 'aws_service') = 'string' THEN lower(p.body ->> 'aws_service') END,
            aws_operation = CASE WHEN json_typeof(p.body -> 'aws_operation') = 'string' THEN p.body ->> 'aws_operation' END
        FROM (
            SELECT event_time, event_id, convert_from(event_json, 'UTF8')::json AS body FROM audit_events
            WHERE position('"aws_'::bytea IN event_json) > 0
        ) AS p
        WHERE a.event_time = p.event_time AND a.event_id = p.event_id;
        CREATE INDEX IF NOT EXISTS audit_events_service ON audit_events (aws_service, event_time, event_id);
        CREATE INDEX IF NOT EXISTS audit_events_operation ON audit_events (aws_operation, event_time, event_id);
        """,
    ];
}
