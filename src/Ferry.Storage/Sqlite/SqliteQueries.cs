using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// The read statements, shared by the pooled read connections and by <see cref="WriteScope"/> inside a write
/// transaction. Every read filters out expired rows with the caller's clock, because the sweeper removes them
/// only later.
/// </summary>
internal static class SqliteQueries
{
    private const string Live = "(expires IS NULL OR expires > $now)";

    public static Item? GetLive(SqliteConnection connection, SqliteTransaction? transaction, string key, long nowMs)
    {
        using var command = Create(connection, transaction, $"SELECT key, value, revision, expires FROM items WHERE key = $key AND {Live};");
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", nowMs);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadItem(reader) : null;
    }

    public static List<Item> GetRange(SqliteConnection connection, string startKey, string endKey, int limit, long nowMs)
    {
        using var command = Create(connection, null, $"""
            SELECT key, value, revision, expires FROM items
            WHERE key >= $start AND key < $end AND {Live}
            ORDER BY key LIMIT $limit;
            """);
        command.Parameters.AddWithValue("$start", startKey);
        command.Parameters.AddWithValue("$end", endKey);
        command.Parameters.AddWithValue("$now", nowMs);
        command.Parameters.AddWithValue("$limit", limit == 0 ? -1 : limit);
        using var reader = command.ExecuteReader();
        var items = new List<Item>();
        while (reader.Read())
        {
            items.Add(ReadItem(reader));
        }

        return items;
    }

    /// <summary>Whether the sweeper has work, asked on a read connection so an idle sweep never takes the write lock.</summary>
    public static bool AnyExpired(SqliteConnection connection, long nowMs)
    {
        using var command = Create(connection, null, "SELECT EXISTS (SELECT 1 FROM items WHERE expires IS NOT NULL AND expires <= $now);");
        command.Parameters.AddWithValue("$now", nowMs);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static long? ToUnixMilliseconds(DateTimeOffset? expires) => expires?.ToUnixTimeMilliseconds();

    private static Item ReadItem(SqliteDataReader reader)
    {
        var value = reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1);
        DateTimeOffset? expires = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3));
        return new Item(reader.GetString(0), value, reader.GetInt64(2), expires);
    }
}
