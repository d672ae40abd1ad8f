using Ferry.Core.Errors;
using Ferry.Storage.Watch;
using Microsoft.Data.Sqlite;
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

    private SqliteBackend(
        SqliteBackendOptions options, SqliteConnection writer, string? readConnectionString, string displayPath,
        long revision, TimeProvider timeProvider, ILogger logger)
    {
        _displayPath = displayPath;
        _logger = logger;
        _hub = new WatchHub(options.WatchBufferSize, revision, logger);
        _executor = new SqliteExecutor(writer, readConnectionString, timeProvider, _hub, logger);
        _sweeper = new ExpirySweeper(
            timeProvider, options.SweepInterval ?? SqliteBackendOptions.DefaultSweepInterval, SweepExpiredAsync, logger);
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

        var inMemory = options.Path == SqliteBackendOptions.InMemory;
        var path = inMemory ? options.Path : Path.GetFullPath(options.Path);
        var timeoutSeconds = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        string? readConnectionString = null;
        string writeConnectionString;
        if (inMemory)
        {
            writeConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        }
        else
        {
            SqliteFiles.PrepareDatabaseFile(path, logger);
            writeConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = timeoutSeconds,
            }.ToString();
            readConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = true, DefaultTimeout = timeoutSeconds,
            }.ToString();
        }

        var writer = new SqliteConnection(writeConnectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            var (journalMode, revision) = SqliteSchema.Initialize(writer, options.BusyTimeout);
            if (!inMemory)
            {
                SqliteFiles.RestrictSidecars(path, logger);
                if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    StorageLog.NotWal(logger, path, journalMode);
                }
            }

            StorageLog.SqliteOpened(logger, path, journalMode, revision);
            return new SqliteBackend(options, writer, readConnectionString, path, revision, timeProvider, logger);
        }
        catch (SqliteException exception)
        {
            await writer.DisposeAsync();
            throw FerryException.Unavailable(
                $"cannot open the storage database {path}: {exception.Message}; check that it is a Ferry database and that this user may write it",
                exception);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    public ValueTask<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        BackendArguments.Key(key);
        return _executor.ReadAsync("get", (connection, now) => SqliteQueries.GetLive(connection, null, key, now), cancellationToken);
    }

    public ValueTask<Item> CreateAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return _executor.WriteAsync("create", scope => scope.GetLive(item.Key) is null
            ? scope.Upsert(item)
            : throw FerryException.AlreadyExists($"key {item.Key} already exists"), cancellationToken);
    }

    public ValueTask<Item> PutAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return _executor.WriteAsync("put", scope => scope.Upsert(item), cancellationToken);
    }

    public ValueTask<Item> UpdateAsync(Item item, CancellationToken cancellationToken)
    {
        BackendArguments.Item(item);
        return _executor.WriteAsync("update", scope => scope.GetLive(item.Key) is not null
            ? scope.Upsert(item)
            : throw FerryException.NotFound($"key {item.Key} does not exist"), cancellationToken);
    }

    public ValueTask<Item> CompareAndSwapAsync(Item expected, Item replacement, CancellationToken cancellationToken)
    {
        BackendArguments.CompareAndSwap(expected, replacement);
        return _executor.WriteAsync("compare-and-swap", scope =>
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
        await _executor.WriteAsync("delete", scope =>
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
        await _executor.WriteAsync("delete range", scope => scope.DeleteRange(startKey, endKey), cancellationToken);
    }

    public ValueTask<long> AtomicWriteAsync(IReadOnlyList<Condition> conditions, IReadOnlyList<WriteAction> actions, CancellationToken cancellationToken)
    {
        BackendArguments.AtomicWrite(conditions, actions);
        return _executor.WriteAsync("atomic write", scope =>
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

    /// <summary>Deletes expired items in batches, each its own transaction so writers are not held up for long.</summary>
    internal async ValueTask<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await _executor.ReadAsync("sweep check", SqliteQueries.AnyExpired, cancellationToken))
        {
            var deleted = await _executor.WriteAsync("sweep", scope => scope.DeleteExpired(SweepBatchSize), cancellationToken);
            total += deleted;
            if (deleted < SweepBatchSize)
            {
                break;
            }
        }

        return total;
    }
}
