namespace Ferry.Storage.Postgres;

/// <summary>
/// The backend's tables (docs/storage-postgres.md explains them):
/// ferry_items, the live state; ferry_changes, every change in revision order, written in the same transaction as the
/// state and read by watchers; ferry_meta, the revision counter and how far the change table has been pruned.
/// Keys use the "C" collation: byte order of UTF-8, which orders keys as C#'s ordinal comparison does (as SQLite's
/// BINARY collation does), whatever the database's locale.
/// </summary>
internal static class PostgresBackendSchema
{
    public const string Component = "backend";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE IF NOT EXISTS ferry_items (
            key      text COLLATE "C" NOT NULL PRIMARY KEY,
            value    bytea            NOT NULL,
            revision bigint           NOT NULL,
            expires  timestamptz      NULL
        );
        CREATE INDEX IF NOT EXISTS ferry_items_expires ON ferry_items (expires) WHERE expires IS NOT NULL;
        CREATE TABLE IF NOT EXISTS ferry_changes (
            revision   bigint           NOT NULL,
            key        text COLLATE "C" NOT NULL,
            kind       text             NOT NULL CHECK (kind IN ('put', 'delete')),
            value      bytea            NULL,
            expires    timestamptz      NULL,
            changed_at timestamptz      NOT NULL,
            PRIMARY KEY (revision, key)
        );
        CREATE INDEX IF NOT EXISTS ferry_changes_changed_at ON ferry_changes (changed_at);
        CREATE TABLE IF NOT EXISTS ferry_meta (
            name  text   NOT NULL PRIMARY KEY,
            value bigint NOT NULL
        );
        INSERT INTO ferry_meta (name, value) VALUES ('revision', 0), ('pruned_through', 0) ON CONFLICT (name) DO NOTHING;
        """,
    ];
}
