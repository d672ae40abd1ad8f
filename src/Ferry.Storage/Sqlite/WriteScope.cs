using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// One write transaction on the single writer connection, seen through the storage operations it needs.
/// Every item written in the scope gets the same revision, taken from the meta counter on first use, so an
/// atomic write is one revision and a rolled-back scope consumes none. The events it collects are published only
/// after the commit.
/// </summary>
internal sealed class WriteScope
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly List<BackendEvent> _events = [];
    private long _revision;

    public WriteScope(SqliteConnection connection, SqliteTransaction transaction, long nowMs)
    {
        _connection = connection;
        _transaction = transaction;
        NowMs = nowMs;
    }

    public long NowMs { get; }

    public IReadOnlyList<BackendEvent> Events => _events;

    public Item? GetLive(string key) => SqliteQueries.GetLive(_connection, _transaction, key, NowMs);

    /// <summary>Inserts or replaces, whatever is stored (live or expired); returns the item as stored.</summary>
    public Item Upsert(Item item)
    {
        // Copy the value: the caller may reuse its buffer, and the returned item and the event must not change.
        var value = item.Value.ToArray();
        var stored = new Item(item.Key, value, NextRevision(), Normalize(item.Expires));
        using var command = SqliteQueries.Create(_connection, _transaction, """
            INSERT INTO items (key, value, revision, expires) VALUES ($key, $value, $revision, $expires)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision, expires = excluded.expires;
            """);
        command.Parameters.AddWithValue("$key", stored.Key);
        command.Parameters.Add("$value", SqliteType.Blob).Value = value;
        command.Parameters.AddWithValue("$revision", stored.Revision);
        command.Parameters.AddWithValue("$expires", (object?)SqliteQueries.ToUnixMilliseconds(stored.Expires) ?? DBNull.Value);
        command.ExecuteNonQuery();
        _events.Add(new BackendEvent(BackendEventType.Put, stored));
        return stored;
    }

    /// <summary>Removes the row, live or expired; a removed row gives a Delete event.</summary>
    public bool Delete(string key)
    {
        using var command = SqliteQueries.Create(_connection, _transaction, "DELETE FROM items WHERE key = $key;");
        command.Parameters.AddWithValue("$key", key);
        if (command.ExecuteNonQuery() == 0)
        {
            return false;
        }

        AddDeletes([key]);
        return true;
    }

    public int DeleteRange(string startKey, string endKey)
    {
        using var command = SqliteQueries.Create(_connection, _transaction, "DELETE FROM items WHERE key >= $start AND key < $end RETURNING key;");
        command.Parameters.AddWithValue("$start", startKey);
        command.Parameters.AddWithValue("$end", endKey);
        return AddDeletes(ReadKeys(command));
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> expired rows, oldest expiry first.</summary>
    public int DeleteExpired(int batchSize)
    {
        using var command = SqliteQueries.Create(_connection, _transaction, """
            DELETE FROM items WHERE key IN (
                SELECT key FROM items WHERE expires IS NOT NULL AND expires <= $now ORDER BY expires LIMIT $limit)
            RETURNING key;
            """);
        command.Parameters.AddWithValue("$now", NowMs);
        command.Parameters.AddWithValue("$limit", batchSize);
        return AddDeletes(ReadKeys(command));
    }

    /// <summary>The revision of this scope's writes, or the latest committed one when it wrote nothing.</summary>
    public long RevisionOrCurrent()
    {
        if (_revision != 0)
        {
            return _revision;
        }

        using var command = SqliteQueries.Create(_connection, _transaction, "SELECT value FROM meta WHERE name = 'revision';");
        return (long)command.ExecuteScalar()!;
    }

    private long NextRevision()
    {
        if (_revision == 0)
        {
            using var command = SqliteQueries.Create(_connection, _transaction,
                "UPDATE meta SET value = value + 1 WHERE name = 'revision' RETURNING value;");
            _revision = (long)command.ExecuteScalar()!;
        }

        return _revision;
    }

    private int AddDeletes(List<string> keys)
    {
        if (keys.Count == 0)
        {
            return 0;
        }

        // RETURNING gives rows in no defined order; key order makes the feed deterministic.
        keys.Sort(StringComparer.Ordinal);
        var revision = NextRevision();
        foreach (var key in keys)
        {
            _events.Add(new BackendEvent(BackendEventType.Delete, new Item(key, ReadOnlyMemory<byte>.Empty, revision)));
        }

        return keys.Count;
    }

    private static List<string> ReadKeys(SqliteCommand command)
    {
        var keys = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>Stored expiry has millisecond precision; the returned item says what a later read will see.</summary>
    private static DateTimeOffset? Normalize(DateTimeOffset? expires) =>
        expires is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()) : null;
}
