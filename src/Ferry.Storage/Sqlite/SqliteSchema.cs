using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// The connection settings and the tables. PRAGMA user_version numbers the schema so a later version can migrate
/// and an older binary refuses a newer file instead of misreading it.
///
/// items.key uses SQLite's default BINARY collation: memcmp over UTF-8, which orders keys as C#'s ordinal
/// comparison does for every character outside the UTF-16 surrogate range (all the keys Ferry builds).
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS items (
            key      TEXT    NOT NULL PRIMARY KEY,
            value    BLOB    NOT NULL,
            revision INTEGER NOT NULL,
            expires  INTEGER NULL -- Unix milliseconds; NULL never expires
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS items_expires ON items (expires) WHERE expires IS NOT NULL;
        CREATE TABLE IF NOT EXISTS meta (
            name  TEXT    NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0);
        """;

    /// <summary>Creates or checks the backend's tables; returns the current revision.</summary>
    public static long Initialize(SqliteConnection connection)
    {
        using var transaction = Migrate(connection, Version, CreateTables, "storage");
        var revision = Scalar<long>(connection, "SELECT value FROM meta WHERE name = 'revision';", transaction);
        transaction.Commit();
        return revision;
    }

    /// <summary>Sets the connection pragmas every Ferry database uses; returns the journal mode SQLite granted.</summary>
    public static string ApplyPragmas(SqliteConnection connection, TimeSpan busyTimeout)
    {
        // busy_timeout first, so the statements below wait out another process holding the file.
        Execute(connection, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");

        // WAL lets readers run beside the writer; synchronous=NORMAL is durable across application crashes in
        // WAL mode and loses at most the last commits on power loss, which is the usual trade for this mode.
        var journalMode = Scalar<string>(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, "PRAGMA synchronous = NORMAL;");
        return journalMode;
    }

    /// <summary>
    /// In a new transaction (returned, for the caller to finish and commit): refuses a file whose user_version is newer
    /// than <paramref name="version"/>, runs the idempotent <paramref name="createTables"/>, then, for a file older than
    /// <paramref name="version"/>, <paramref name="upgrade"/> (given the version found; 0 for a new file), and records the version.
    /// </summary>
    public static SqliteTransaction Migrate(
        SqliteConnection connection, int version, string createTables, string what, Action<SqliteTransaction, long>? upgrade = null)
    {
        var transaction = connection.BeginTransaction();
        try
        {
            var found = Scalar<long>(connection, "PRAGMA user_version;", transaction);
            if (found > version)
            {
                throw new InvalidOperationException(
                    $"the {what} database has schema version {found}, newer than the {version} this Ferry understands; upgrade Ferry");
            }

            Execute(connection, createTables, transaction);
            if (found < version)
            {
                upgrade?.Invoke(transaction, found);
            }

            Execute(connection, $"PRAGMA user_version = {version};", transaction);
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
