using Ferry.Core.Errors;
using Ferry.Storage.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// <see cref="IAuditStore"/> on a SQLite file of its own (or in memory), run by the same <see cref="SqliteExecutor"/>
/// as the backend: one writer behind the write gate, pooled WAL readers beside it. The statements are the portable
/// ones of <see cref="AuditSql"/>; this class only binds them.
/// </summary>
public sealed class SqliteAuditStore : IAuditStore
{
    private readonly SqliteExecutor _executor;
    private readonly ILogger _logger;
    private int _disposing;

    private SqliteAuditStore(SqliteExecutor executor, ILogger logger)
    {
        _executor = executor;
        _logger = logger;
    }

    /// <summary>Opens (creating when missing) the audit database at <see cref="SqliteAuditStoreOptions.Path"/>.</summary>
    /// <exception cref="FerryException">Unavailable when the file cannot be opened or is not a Ferry database.</exception>
    public static async ValueTask<SqliteAuditStore> OpenAsync(
        SqliteAuditStoreOptions options, TimeProvider timeProvider, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        logger ??= NullLogger.Instance;

        var (executor, version) = await SqliteExecutor.OpenAsync(
            options.Path, options.BusyTimeout, timeProvider, logger, SqliteAuditSchema.Initialize, cancellationToken);
        StorageLog.AuditOpened(logger, executor.Path, executor.JournalMode, version);
        return new SqliteAuditStore(executor, logger);
    }

    public async ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        AuditArguments.Records(records);
        if (records.Count == 0)
        {
            return;
        }

        await _executor.WriteAsync("audit append", (transaction, _) =>
        {
            using var command = SqliteQueries.Create(transaction.Connection!, transaction, AuditSql.Insert);
            foreach (var record in records)
            {
                command.Parameters.Clear();
                Bind(command, AuditSql.InsertParameters(record));
                if (command.ExecuteNonQuery() == 0)
                {
                    // Thrown before COMMIT: the transaction rolls back and none of the batch is stored.
                    throw FerryException.AlreadyExists($"audit event {record.Id} at {record.Time:O} is already stored; nothing of this batch was stored");
                }
            }

            return records.Count;
        }, committed: null, cancellationToken);
    }

    public ValueTask<AuditSearchResult> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var after = AuditArguments.Query(query);
        var (sql, parameters) = AuditSql.Search(query, after);
        return _executor.ReadAsync("audit search", (connection, _) =>
        {
            using var command = SqliteQueries.Create(connection, null, sql);
            Bind(command, parameters);
            using var reader = command.ExecuteReader();
            var records = new List<AuditRecord>(Math.Min(query.Limit + 1, 64));
            while (reader.Read())
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

        await _executor.DisposeAsync();
        StorageLog.Closed(_logger, _executor.Path);
    }

    private static void Bind(SqliteCommand command, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
