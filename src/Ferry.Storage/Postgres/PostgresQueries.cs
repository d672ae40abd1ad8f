using Npgsql;
using NpgsqlTypes;

namespace Ferry.Storage.Postgres;

/// <summary>
/// The read statements of the backend, on pooled connections. Expiry is decided by the database's clock:
/// clock_timestamp(), the time the row is looked at, not now() (the start of the transaction, which can be far
/// behind after a wait), and never the process's clock, so auth servers whose clocks disagree still agree on what has
/// expired. <c>@shift</c> is zero outside tests (<see cref="PostgresBackendOptions.ShiftDatabaseClockByTimeProvider"/>).
/// </summary>
internal static class PostgresQueries
{
    public const string ItemColumns = "key, value, revision, expires";

    private const string LiveNow = "(expires IS NULL OR expires > clock_timestamp() + @shift)";

    public static async ValueTask<Item?> GetLiveAsync(NpgsqlConnection connection, string key, TimeSpan shift, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {ItemColumns} FROM ferry_items WHERE key = @key AND {LiveNow};", connection);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("shift", shift);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadItem(reader) : null;
    }

    public static async ValueTask<IReadOnlyList<Item>> GetRangeAsync(
        NpgsqlConnection connection, string startKey, string endKey, int limit, TimeSpan shift, CancellationToken cancellationToken)
    {
        // LIMIT NULL is LIMIT ALL.
        await using var command = new NpgsqlCommand($"""
            SELECT {ItemColumns} FROM ferry_items
            WHERE key >= @start AND key < @end AND {LiveNow}
            ORDER BY key LIMIT @limit;
            """, connection);
        command.Parameters.AddWithValue("start", startKey);
        command.Parameters.AddWithValue("end", endKey);
        command.Parameters.AddWithValue("shift", shift);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit == 0 ? DBNull.Value : limit });
        return await ReadItemsAsync(command, cancellationToken);
    }

    /// <summary>Whether the sweeper has work, asked without the change lock so an idle sweep holds up no writer.</summary>
    public static async ValueTask<bool> AnyExpiredAsync(NpgsqlConnection connection, TimeSpan shift, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM ferry_items WHERE expires IS NOT NULL AND expires <= clock_timestamp() + @shift);", connection);
        command.Parameters.AddWithValue("shift", shift);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The last committed revision: every change up to it is visible to any later statement.</summary>
    public static async ValueTask<long> CurrentRevisionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT value FROM ferry_meta WHERE name = 'revision';", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async ValueTask<List<Item>> ReadItemsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<Item>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadItem(reader));
        }

        return items;
    }

    /// <summary>An item from the columns <see cref="ItemColumns"/>, in that order, starting at <paramref name="first"/>.</summary>
    public static Item ReadItem(NpgsqlDataReader reader, int first = 0)
    {
        DateTimeOffset? expires = reader.IsDBNull(first + 3) ? null : reader.GetFieldValue<DateTimeOffset>(first + 3);
        var value = reader.IsDBNull(first + 1) ? [] : reader.GetFieldValue<byte[]>(first + 1);
        return new Item(reader.GetString(first), value, reader.GetInt64(first + 2), expires);
    }

    public static NpgsqlParameter Expires(DateTimeOffset? expires) =>
        new("expires", NpgsqlDbType.TimestampTz) { Value = expires is { } value ? value : DBNull.Value };

    /// <summary>
    /// What the database keeps of an expiry: microseconds, in UTC; the returned item says what a later read will see.
    /// </summary>
    public static DateTimeOffset? Normalize(DateTimeOffset? expires)
    {
        if (expires is not { } value)
        {
            return null;
        }

        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }
}
