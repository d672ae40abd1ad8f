using Npgsql;
using NpgsqlTypes;

namespace Ferry.Storage.Postgres;

/// <summary>
/// One write transaction, seen through the storage operations it needs; the PostgreSQL counterpart of the SQLite
/// WriteScope.
///
/// Its first statement takes the change lock, a transaction-scoped advisory lock that every writer of ferry_changes
/// takes first, so writers run one at a time and commit in the order they took their revision: a reader that has
/// seen revision N has seen everything below N. (Without it, a transaction could take revision 10, another take 11
/// and commit first, and a reader that remembered "11" would never read 10; docs/storage-postgres.md.) The lock is
/// released at COMMIT or ROLLBACK, by the server, also when the connection dies.
///
/// The clock is read once, after the lock is granted, and every statement of the scope decides expiry by it, so the
/// conditions and the actions of one write agree. Every item written gets the same revision, taken from the
/// ferry_meta counter on first use, so a rolled-back scope consumes none; each change is also written to
/// ferry_changes, and the first one sends NOTIFY, which the server delivers only if and when the transaction commits.
/// </summary>
internal sealed class PostgresWriteScope
{
    /// <summary>The advisory lock key of writers of ferry_changes ("Ferry" and 2).</summary>
    public const long ChangeLock = 0x4665727279_0002;

    /// <summary>The NOTIFY channel that wakes watchers of this database.</summary>
    public const string Channel = "ferry_changes";

    private const string NextRevisionSql = "UPDATE ferry_meta SET value = value + 1 WHERE name = 'revision' RETURNING value;";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private long _revision;
    private bool _notified;

    private PostgresWriteScope(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, long revision)
    {
        _connection = connection;
        _transaction = transaction;
        Now = now;
        _revision = revision;
    }

    /// <summary>The database's clock when the lock was granted (shifted in tests).</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The revision of this scope's writes; 0 while it has written nothing.</summary>
    public long Revision => _revision;

    /// <summary>
    /// Takes the change lock and reads the clock, in one round trip; with <paramref name="takeRevision"/> (a write that
    /// certainly changes something) the revision too.
    /// </summary>
    public static async ValueTask<PostgresWriteScope> BeginAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan shift, bool takeRevision, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({ChangeLock});"));
        var clock = new NpgsqlBatchCommand("SELECT clock_timestamp() + @shift;");
        clock.Parameters.AddWithValue("shift", shift);
        batch.BatchCommands.Add(clock);
        if (takeRevision)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(NextRevisionSql));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var now = reader.GetFieldValue<DateTimeOffset>(0);
        var revision = 0L;
        if (takeRevision)
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            revision = reader.GetInt64(0);
        }

        return new PostgresWriteScope(connection, transaction, now, revision);
    }

    public async ValueTask<Item?> GetLiveAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {PostgresQueries.ItemColumns} FROM ferry_items WHERE key = @key AND (expires IS NULL OR expires > @now);");
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("now", Now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresQueries.ReadItem(reader) : null;
    }

    /// <summary>Inserts or replaces, whatever is stored (live or expired); returns the item as stored.</summary>
    public async ValueTask<Item> UpsertAsync(Item item, CancellationToken cancellationToken)
    {
        // Copy the value: the caller may reuse its buffer, and the returned item must not change.
        var value = item.Value.ToArray();
        var stored = new Item(item.Key, value, await RevisionAsync(cancellationToken), PostgresQueries.Normalize(item.Expires));
        var upsert = new NpgsqlBatchCommand("""
            WITH item AS (
                INSERT INTO ferry_items (key, value, revision, expires) VALUES (@key, @value, @revision, @expires)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision, expires = excluded.expires)
            INSERT INTO ferry_changes (revision, key, kind, value, expires, changed_at)
            VALUES (@revision, @key, 'put', @value, @expires, @now);
            """);
        upsert.Parameters.AddWithValue("key", stored.Key);
        upsert.Parameters.Add(new NpgsqlParameter("value", NpgsqlDbType.Bytea) { Value = value });
        upsert.Parameters.AddWithValue("revision", stored.Revision);
        upsert.Parameters.Add(PostgresQueries.Expires(stored.Expires));
        upsert.Parameters.AddWithValue("now", Now);
        await ExecuteWithNotifyAsync(upsert, cancellationToken);
        return stored;
    }

    /// <summary>Removes the row, live or expired; a removed row gives a Delete change.</summary>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = Command("DELETE FROM ferry_items WHERE key = @key RETURNING key;");
        command.Parameters.AddWithValue("key", key);
        return await AddDeletesAsync(await ReadKeysAsync(command, cancellationToken), cancellationToken) > 0;
    }

    public async ValueTask<int> DeleteRangeAsync(string startKey, string endKey, CancellationToken cancellationToken)
    {
        await using var command = Command("DELETE FROM ferry_items WHERE key >= @start AND key < @end RETURNING key;");
        command.Parameters.AddWithValue("start", startKey);
        command.Parameters.AddWithValue("end", endKey);
        return await AddDeletesAsync(await ReadKeysAsync(command, cancellationToken), cancellationToken);
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> expired rows, oldest expiry first.</summary>
    public async ValueTask<int> DeleteExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            DELETE FROM ferry_items WHERE key IN (
                SELECT key FROM ferry_items WHERE expires IS NOT NULL AND expires <= @now ORDER BY expires LIMIT @limit)
            RETURNING key;
            """);
        command.Parameters.AddWithValue("now", Now);
        command.Parameters.AddWithValue("limit", batchSize);
        return await AddDeletesAsync(await ReadKeysAsync(command, cancellationToken), cancellationToken);
    }

    /// <summary>The revision of this scope's writes, or the latest committed one when it wrote nothing.</summary>
    public async ValueTask<long> RevisionOrCurrentAsync(CancellationToken cancellationToken) =>
        _revision != 0 ? _revision : await PostgresQueries.CurrentRevisionAsync(_connection, _transaction, cancellationToken);

    private async ValueTask<long> RevisionAsync(CancellationToken cancellationToken)
    {
        if (_revision == 0)
        {
            await using var command = Command(NextRevisionSql);
            _revision = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return _revision;
    }

    private async ValueTask<int> AddDeletesAsync(List<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return 0;
        }

        // RETURNING gives rows in no defined order; key order makes the feed deterministic.
        keys.Sort(StringComparer.Ordinal);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO ferry_changes (revision, key, kind, changed_at)
            SELECT @revision, deleted, 'delete', @now FROM unnest(@keys) AS deleted;
            """);
        insert.Parameters.AddWithValue("revision", await RevisionAsync(cancellationToken));
        insert.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        insert.Parameters.AddWithValue("now", Now);
        await ExecuteWithNotifyAsync(insert, cancellationToken);
        return keys.Count;
    }

    /// <summary>Runs a change statement, and with the scope's first one the NOTIFY, in one round trip.</summary>
    private async ValueTask ExecuteWithNotifyAsync(NpgsqlBatchCommand change, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(_connection, _transaction);
        batch.BatchCommands.Add(change);
        if (!_notified)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {Channel};"));
            _notified = true;
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    private static async ValueTask<List<string>> ReadKeysAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
