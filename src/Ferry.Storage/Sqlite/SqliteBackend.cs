using Ferry.Core.Errors;
using Ferry.Storage.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// <see cref="IBackend"/> on one SQLite file, for a single auth process: the only writer, so the change feed is an
/// in-process fan-out. This class says what each operation means (which checks, which errors);
/// <see cref="SqliteExecutor"/> runs it (transactions, the write gate, connections), <see cref="WriteScope"/>
/// holds the statements and <see cref="ExpirySweeper"/> removes expired items.
/// </summary>
public sealed class SqliteBackend : IBackend
{
    private const int SweepBatchSize = 1000;

    private readonly SqliteExecutor _executor;
    private readonly WatchHub _hub;
    private readonly ExpirySweeper _sweeper;
    private readonly string _displayPath;
    private readonly ILogger _logger;
    private int _disposing;

    private SqliteBackend(SqliteBackendOptions options, SqliteExecutor executor, long revision, TimeProvider timeProvider, ILogger logger)
    {
        _displayPath = executor.Path;
        _logger = logger;
        _hub = new WatchHub(options.WatchBufferSize, revision, logger);
        _executor = executor;
        _sweeper = new ExpirySweeper(
            timeProvider, options.SweepInterval ?? SqliteBackendOptions.DefaultSweepInterval, "expired items", SweepExpiredAsync, logger);
    }

    /// <summary>Opens (creating when missing) the database at <see cref="SqliteBackendOptions.Path"/>.</summary>
    /// <exception cref="FerryException">Unavailable when the file cannot be opened or is not a Ferry database.</exception>
    public static async ValueTask<SqliteBackend> OpenAsync(
        SqliteBackendOptions options, TimeProvider timeProvider, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        logger ??= NullLogger.Instance;

        var (executor, revision) = await SqliteExecutor.OpenAsync(
            options.Path, options.BusyTimeout, timeProvider, logger, SqliteSchema.Initialize, cancellationToken);
        StorageLog.SqliteOpened(logger, executor.Path, executor.JournalMode, revision);
        return new SqliteBackend(options, executor, revision, timeProvider, logger);
    }

    public ValueTask<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        BackendArguments.Key(key);
        return _executor.ReadAsync("get", (connection, now) => SqliteQueries.GetLive(connection, null, key, now), cancellationToken);
    }

    public ValueTask<Item> CreateAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return WriteAsync("create", scope => scope.GetLive(item.Key) is null
            ? scope.Upsert(item)
            : throw FerryException.AlreadyExists($"key {item.Key} already exists"), cancellationToken);
    }

    public ValueTask<Item> PutAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return WriteAsync("put", scope => scope.Upsert(item), cancellationToken);
    }

    public ValueTask<Item> UpdateAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return WriteAsync("update", scope => scope.GetLive(item.Key) is not null
            ? scope.Upsert(item)
            : throw FerryException.NotFound($"key {item.Key} does not exist"), cancellationToken);
    }

    public ValueTask<Item> CompareAndSwapAsync(Item expected, Item replacement, CancellationToken cancellationToken)
    {
        BackendArguments.CompareAndSwap(expected, replacement);
        return WriteAsync("compare-and-swap", scope =>
        {
            var current = scope.GetLive(expected.Key) ?? throw FerryException.NotFound($"key {expected.Key} does not exist");
            return current.Value.Span.SequenceEqual(expected.Value.Span)
                ? scope.Upsert(replacement)
                : throw FerryException.CompareFailed($"key {expected.Key} does not hold the expected value");
        }, cancellationToken);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        BackendArguments.Key(key);
        await WriteAsync("delete", scope =>
        {
            // An expired row is absent to the caller even though the sweeper has not removed it yet.
            if (scope.GetLive(key) is null)
            {
                throw FerryException.NotFound($"key {key} does not exist");
            }

            return scope.Delete(key);
        }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Item>> GetRangeAsync(string startKey, string endKey, int limit, CancellationToken cancellationToken)
    {
        BackendArguments.Range(startKey, endKey, limit);
        return await _executor.ReadAsync("get range", (connection, now) => SqliteQueries.GetRange(connection, startKey, endKey, limit, now), cancellationToken);
    }

    public async ValueTask DeleteRangeAsync(string startKey, string endKey, CancellationToken cancellationToken)
    {
        BackendArguments.Range(startKey, endKey);
        await WriteAsync("delete range", scope => scope.DeleteRange(startKey, endKey), cancellationToken);
    }

    public ValueTask<long> AtomicWriteAsync(IReadOnlyList<Condition> conditions, IReadOnlyList<WriteAction> actions, CancellationToken cancellationToken)
    {
        BackendArguments.AtomicWrite(conditions, actions);
        return WriteAsync("atomic write", scope =>
        {
            // Every condition sees the state before any action of this write.
            foreach (var condition in conditions)
            {
                ConditionCheck.Verify(condition, scope.GetLive(condition.Key));
            }

            foreach (var action in actions)
            {
                switch (action)
                {
                    case WriteAction.Put put:
                        scope.Upsert(put.Item);
                        break;
                    case WriteAction.Delete delete:
                        // Deleting an absent key is not an error here: conditions are how a caller asks for existence.
                        scope.Delete(delete.Key);
                        break;
                    default:
                        throw FerryException.BadParameter($"unknown write action {action.GetType().Name}");
                }
            }

            return scope.RevisionOrCurrent();
        }, cancellationToken);
    }

    public IAsyncEnumerable<BackendEvent> WatchAsync(IReadOnlyCollection<string> prefixes, CancellationToken cancellationToken)
    {
        BackendArguments.Prefixes(prefixes);
        _executor.ThrowIfClosed();
        return _hub.WatchAsync(prefixes, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
        {
            return;
        }

        await _sweeper.DisposeAsync();
        _hub.Close(FerryException.Unavailable("the storage backend was closed; the process is shutting down"));
        await _executor.DisposeAsync();
        StorageLog.Closed(_logger, _displayPath);
    }

    /// <summary>A write through a <see cref="WriteScope"/>; its change events are published after the commit.</summary>
    private ValueTask<T> WriteAsync<T>(string operation, Func<WriteScope, T> write, CancellationToken cancellationToken) =>
        AwaitResult(_executor.WriteAsync(
            operation,
            (transaction, nowMs) =>
            {
                var scope = new WriteScope(transaction.Connection!, transaction, nowMs);
                return (Result: write(scope), scope.Events);
            },
            committed => _hub.Publish(committed.Events),
            cancellationToken));

    private static async ValueTask<T> AwaitResult<T>(ValueTask<(T Result, IReadOnlyList<BackendEvent> Events)> write) => (await write).Result;

    /// <summary>Deletes expired items in batches, each its own transaction so writers are not held up for long.</summary>
    internal async ValueTask<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await _executor.ReadAsync("sweep check", SqliteQueries.AnyExpired, cancellationToken))
        {
            var deleted = await WriteAsync("sweep", scope => scope.DeleteExpired(SweepBatchSize), cancellationToken);
            total += deleted;
            if (deleted < SweepBatchSize)
            {
                break;
            }
        }

        return total;
    }
}
