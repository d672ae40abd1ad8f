using Ferry.Core.Errors;
using Ferry.Storage.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// <see cref="IAuditStore"/> on PostgreSQL (teleport.storage.audit_events_uri), run by the same
/// <see cref="PostgresExecutor"/> as the backend. The statements are the portable ones of <see cref="AuditSql"/>; this
/// class binds them, and deletes events older than the retention every hour, in batches, by the auth server's clock:
/// the one that stamped their time.
/// </summary>
public sealed class PostgresAuditStore : IAuditStore
{
    private const int RetentionBatchSize = 10_000;

    private readonly PostgresAuditStoreOptions _options;
    private readonly PostgresExecutor _executor;
    private readonly TimeProvider _timeProvider;
    private readonly ExpirySweeper _retention;
    private readonly ILogger _logger;
    private int _disposing;

    private PostgresAuditStore(PostgresAuditStoreOptions options, PostgresExecutor executor, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _executor = executor;
        _timeProvider = timeProvider;
        _logger = logger;
        _retention = new ExpirySweeper(timeProvider, options.SweepInterval, "audit events past the retention", DeleteOldEventsAsync, logger);
    }

    /// <summary>Connects and creates or migrates the audit table.</summary>
    /// <exception cref="FerryException">The database cannot be reached or used, with a message naming the setting (never the password).</exception>
    public static async ValueTask<PostgresAuditStore> OpenAsync(
        PostgresAuditStoreOptions options, TimeProvider timeProvider, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        logger ??= NullLogger.Instance;

        var (executor, version) = await PostgresExecutor.OpenAsync(options.Connection, timeProvider, logger,
            (connection, token) => PostgresSchema.MigrateAsync(connection, PostgresAuditSchema.Component, PostgresAuditSchema.Steps, token),
            cancellationToken);
        StorageLog.PostgresAuditOpened(logger, options.Connection.Display, version, options.Retention);
        return new PostgresAuditStore(options, executor, timeProvider, logger);
    }

    public async ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        AuditArguments.Records(records);
        if (records.Count == 0)
        {
            return;
        }

        await _executor.WriteAsync("audit append", async (connection, transaction, token) =>
        {
            // One round trip for the whole batch; each insert says whether it stored its row.
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var record in records)
            {
                var insert = new NpgsqlBatchCommand(AuditSql.Insert);
                Bind(insert.Parameters, AuditSql.InsertParameters(record));
                batch.BatchCommands.Add(insert);
            }

            await batch.ExecuteNonQueryAsync(token);
            for (var i = 0; i < records.Count; i++)
            {
                if (batch.BatchCommands[i].RecordsAffected == 0)
                {
                    // Thrown before COMMIT: the transaction rolls back and none of the batch is stored.
                    throw FerryException.AlreadyExists(
                        $"audit event {records[i].Id} at {records[i].Time:O} is already stored; nothing of this batch was stored");
                }
            }

            return records.Count;
        }, cancellationToken);
    }

    public ValueTask<AuditSearchResult> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var after = AuditArguments.Query(query);
        var (sql, parameters) = AuditSql.Search(query, after);
        return _executor.ReadAsync("audit search", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            Bind(command.Parameters, parameters);
            await using var reader = await command.ExecuteReaderAsync(token);
            var records = new List<AuditRecord>(Math.Min(query.Limit + 1, 64));
            while (await reader.ReadAsync(token))
            {
                records.Add(AuditSql.ReadRecord(reader));
            }

            return AuditSql.Page(records, query.Limit);
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
        {
            return;
        }

        await _retention.DisposeAsync();
        await _executor.DisposeAsync();
        StorageLog.Closed(_logger, _options.Connection.Display);
    }

    /// <summary>Deletes events older than the retention, oldest first, a batch per transaction.</summary>
    internal async ValueTask<int> DeleteOldEventsAsync(CancellationToken cancellationToken)
    {
        var cutoff = AuditSql.ToStoredTime(_timeProvider.GetUtcNow() - _options.Retention);
        var total = 0;
        while (true)
        {
            var deleted = await _executor.WriteAsync("audit retention", async (connection, transaction, token) =>
            {
                await using var delete = new NpgsqlCommand("""
                    DELETE FROM audit_events WHERE (event_time, event_id) IN (
                        SELECT event_time, event_id FROM audit_events WHERE event_time < @cutoff ORDER BY event_time LIMIT @limit);
                    """, connection, transaction);
                delete.Parameters.AddWithValue("cutoff", cutoff);
                delete.Parameters.AddWithValue("limit", RetentionBatchSize);
                return await delete.ExecuteNonQueryAsync(token);
            }, cancellationToken);
            total += deleted;
            if (deleted < RetentionBatchSize)
            {
                return total;
            }
        }
    }

    private static void Bind(NpgsqlParameterCollection target, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            target.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
