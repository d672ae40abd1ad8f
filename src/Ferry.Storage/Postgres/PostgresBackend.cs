using System.Runtime.CompilerServices;
using Ferry.Core.Errors;
using Ferry.Storage.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// <see cref="IBackend"/> on a PostgreSQL database shared by every auth server of a cluster, with nothing but a
/// database owner's rights (docs/storage-postgres.md). This class says what each operation means, as
/// SqliteBackend does; <see cref="PostgresExecutor"/> runs transactions, <see cref="PostgresWriteScope"/> holds the
/// write statements, <see cref="ChangeFeed"/> and <see cref="ChangeListener"/> bring every auth server's changes to
/// this process's watchers, and two <see cref="ExpirySweeper"/>s delete expired items and old changes.
/// </summary>
public sealed class PostgresBackend : IBackend
{
    private const int SweepBatchSize = 1000;
    private const int PruneBatchSize = 5000;

    private readonly PostgresBackendOptions _options;
    private readonly PostgresExecutor _executor;
    private readonly TimeProvider _timeProvider;
    private readonly WatchHub _hub;
    private readonly ChangeFeed _feed;
    private readonly ChangeListener _listener;
    private readonly ExpirySweeper _sweeper;
    private readonly ExpirySweeper _pruner;
    private readonly ILogger _logger;
    private int _disposing;

    private PostgresBackend(PostgresBackendOptions options, PostgresExecutor executor, long revision, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _executor = executor;
        _timeProvider = timeProvider;
        _logger = logger;
        _hub = new WatchHub(options.WatchBufferSize, revision, logger);
        _feed = new ChangeFeed(executor, _hub, revision, timeProvider, options.PollInterval, logger);
        _listener = new ChangeListener(executor, _feed.Wake, timeProvider, logger);
        _sweeper = new ExpirySweeper(timeProvider, options.SweepInterval, "expired items", SweepExpiredAsync, logger);
        _pruner = new ExpirySweeper(timeProvider, options.PruneInterval, "old changes", PruneChangesAsync, logger);
        _feed.Start();
        if (options.Listen)
        {
            _listener.Start();
        }
    }

    /// <summary>Connects, creates or migrates the schema, and starts following the change table.</summary>
    /// <exception cref="FerryException">The database cannot be reached or used, with a message naming the setting (never the password).</exception>
    public static async ValueTask<PostgresBackend> OpenAsync(
        PostgresBackendOptions options, TimeProvider timeProvider, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        logger ??= NullLogger.Instance;

        var (executor, opened) = await PostgresExecutor.OpenAsync(options.Connection, timeProvider, logger, async (connection, token) =>
        {
            var version = await PostgresSchema.MigrateAsync(connection, PostgresBackendSchema.Component, PostgresBackendSchema.Steps, token);
            return (Version: version, Revision: await PostgresQueries.CurrentRevisionAsync(connection, null, token));
        }, cancellationToken);
        StorageLog.PostgresOpened(logger, options.Connection.Display, opened.Version, opened.Revision);
        return new PostgresBackend(options, executor, opened.Revision, timeProvider, logger);
    }

    /// <summary>Zero, except in tests that move the database clock along with a fake TimeProvider.</summary>
    private TimeSpan Shift => _options.ShiftDatabaseClockByTimeProvider ? _timeProvider.GetUtcNow() - TimeProvider.System.GetUtcNow() : TimeSpan.Zero;

    public ValueTask<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        BackendArguments.Key(key);
        return _executor.ReadAsync("get", (connection, token) => PostgresQueries.GetLiveAsync(connection, key, Shift, token), cancellationToken);
    }

    public ValueTask<Item> CreateAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return WriteAsync("create", certain: false, async (scope, token) => await scope.GetLiveAsync(item.Key, token) is null
            ? await scope.UpsertAsync(item, token)
            : throw FerryException.AlreadyExists($"key {item.Key} already exists"), cancellationToken);
    }

    public ValueTask<Item> PutAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return WriteAsync("put", certain: true, (scope, token) => scope.UpsertAsync(item, token), cancellationToken);
    }

    public ValueTask<Item> UpdateAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return WriteAsync("update", certain: false, async (scope, token) => await scope.GetLiveAsync(item.Key, token) is not null
            ? await scope.UpsertAsync(item, token)
            : throw FerryException.NotFound($"key {item.Key} does not exist"), cancellationToken);
    }

    public ValueTask<Item> CompareAndSwapAsync(Item expected, Item replacement, CancellationToken cancellationToken)
    {
        BackendArguments.CompareAndSwap(expected, replacement);
        return WriteAsync("compare-and-swap", certain: false, async (scope, token) =>
        {
            var current = await scope.GetLiveAsync(expected.Key, token) ?? throw FerryException.NotFound($"key {expected.Key} does not exist");
            return current.Value.Span.SequenceEqual(expected.Value.Span)
                ? await scope.UpsertAsync(replacement, token)
                : throw FerryException.CompareFailed($"key {expected.Key} does not hold the expected value");
        }, cancellationToken);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        BackendArguments.Key(key);
        await WriteAsync("delete", certain: false, async (scope, token) =>
        {
            // An expired row is absent to the caller even though the sweeper has not removed it yet.
            if (await scope.GetLiveAsync(key, token) is null)
            {
                throw FerryException.NotFound($"key {key} does not exist");
            }

            return await scope.DeleteAsync(key, token);
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Item>> GetRangeAsync(string startKey, string endKey, int limit, CancellationToken cancellationToken)
    {
        BackendArguments.Range(startKey, endKey, limit);
        return _executor.ReadAsync(
            "get range", (connection, token) => PostgresQueries.GetRangeAsync(connection, startKey, endKey, limit, Shift, token), cancellationToken);
    }

    public async ValueTask DeleteRangeAsync(string startKey, string endKey, CancellationToken cancellationToken)
    {
        BackendArguments.Range(startKey, endKey);
        await WriteAsync("delete range", certain: false, (scope, token) => scope.DeleteRangeAsync(startKey, endKey, token), cancellationToken);
    }

    public ValueTask<long> AtomicWriteAsync(IReadOnlyList<Condition> conditions, IReadOnlyList<WriteAction> actions, CancellationToken cancellationToken)
    {
        BackendArguments.AtomicWrite(conditions, actions);
        return WriteAsync("atomic write", certain: false, async (scope, token) =>
        {
            // Every condition sees the state before any action of this write.
            foreach (var condition in conditions)
            {
                ConditionCheck.Verify(condition, await scope.GetLiveAsync(condition.Key, token));
            }

            foreach (var action in actions)
            {
                switch (action)
                {
                    case WriteAction.Put put:
                        await scope.UpsertAsync(put.Item, token);
                        break;
                    case WriteAction.Delete delete:
                        // Deleting an absent key is not an error here: conditions are how a caller asks for existence.
                        await scope.DeleteAsync(delete.Key, token);
                        break;
                    default:
                        throw FerryException.BadParameter($"unknown write action {action.GetType().Name}");
                }
            }

            return await scope.RevisionOrCurrentAsync(token);
        }, cancellationToken);
    }

    public IAsyncEnumerable<BackendEvent> WatchAsync(IReadOnlyCollection<string> prefixes, CancellationToken cancellationToken)
    {
        BackendArguments.Prefixes(prefixes);
        _executor.ThrowIfClosed();
        return WatchFromNowAsync(prefixes, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
        {
            return;
        }

        await _sweeper.DisposeAsync();
        await _pruner.DisposeAsync();
        await _listener.DisposeAsync();
        await _feed.DisposeAsync();
        _hub.Close(FerryException.Unavailable("the storage backend was closed; the process is shutting down"));
        await _executor.DisposeAsync();
        StorageLog.Closed(_logger, _options.Connection.Display);
    }

    /// <summary>
    /// A watch whose Init comes after every change committed before it started (by any auth server): the feed first
    /// catches up with the revision current now, so a caller that wrote and then watches does not see its own write.
    /// </summary>
    private async IAsyncEnumerable<BackendEvent> WatchFromNowAsync(
        IReadOnlyCollection<string> prefixes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            var current = await _executor.ReadAsync(
                "watch", (connection, token) => PostgresQueries.CurrentRevisionAsync(connection, null, token), cancellationToken);
            await _feed.WaitForAsync(current, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            yield break;
        }

        await foreach (var backendEvent in _hub.WatchAsync(prefixes, cancellationToken))
        {
            yield return backendEvent;
        }
    }

    /// <summary>
    /// A write through a <see cref="PostgresWriteScope"/>; <paramref name="certain"/> (the write always changes
    /// something) takes the revision in the first round trip. A committed change wakes this process's feed at once;
    /// other auth servers wake on the NOTIFY.
    /// </summary>
    private async ValueTask<T> WriteAsync<T>(
        string operation, bool certain, Func<PostgresWriteScope, CancellationToken, ValueTask<T>> write, CancellationToken cancellationToken)
    {
        var (result, revision) = await _executor.WriteAsync(operation, async (connection, transaction, token) =>
        {
            var scope = await PostgresWriteScope.BeginAsync(connection, transaction, Shift, certain, token);
            var result = await write(scope, token);
            if (scope.Revision != 0 && _options.BeforeCommit is { } beforeCommit)
            {
                await beforeCommit(scope.Revision, token);
            }

            return (Result: result, scope.Revision);
        }, cancellationToken);
        if (revision != 0)
        {
            _feed.Wake();
        }

        return result;
    }

    /// <summary>Deletes expired items in batches, each its own transaction so writers are not held up for long.</summary>
    internal async ValueTask<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await _executor.ReadAsync("sweep check", (connection, token) => PostgresQueries.AnyExpiredAsync(connection, Shift, token), cancellationToken))
        {
            var deleted = await WriteAsync("sweep", certain: false, (scope, token) => scope.DeleteExpiredAsync(SweepBatchSize, token), cancellationToken);
            total += deleted;
            if (deleted < SweepBatchSize)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>
    /// Deletes changes older than the retention. First records how far (pruned_through, committed before any row
    /// goes, so a reader whose position is below it knows it may have missed changes), then deletes up to there in
    /// batches. Pruning takes no change lock: it touches other rows than the writers do.
    /// </summary>
    internal async ValueTask<int> PruneChangesAsync(CancellationToken cancellationToken)
    {
        var through = await _executor.WriteAsync("prune mark", async (connection, transaction, token) =>
        {
            await using var mark = new NpgsqlCommand("""
                UPDATE ferry_meta SET value = GREATEST(value, COALESCE(
                    (SELECT max(revision) FROM ferry_changes WHERE changed_at < clock_timestamp() + @shift - @retention), 0))
                WHERE name = 'pruned_through' RETURNING value;
                """, connection, transaction);
            mark.Parameters.AddWithValue("shift", Shift);
            mark.Parameters.AddWithValue("retention", _options.ChangeRetention);
            return (long)(await mark.ExecuteScalarAsync(token))!;
        }, cancellationToken);

        var total = 0;
        while (true)
        {
            var deleted = await _executor.WriteAsync("prune", async (connection, transaction, token) =>
            {
                await using var delete = new NpgsqlCommand("""
                    DELETE FROM ferry_changes
                    WHERE revision <= LEAST(@through, (SELECT min(revision) FROM ferry_changes) + @batch);
                    """, connection, transaction);
                delete.Parameters.AddWithValue("through", through);
                delete.Parameters.AddWithValue("batch", (long)PruneBatchSize);
                return await delete.ExecuteNonQueryAsync(token);
            }, cancellationToken);
            total += deleted;
            if (deleted == 0)
            {
                return total;
            }
        }
    }
}
