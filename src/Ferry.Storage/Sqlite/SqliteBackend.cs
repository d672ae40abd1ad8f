using Ferry.Core.Errors;
using Ferry.Storage.Watch;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// <see cref="IBackend"/> on one SQLite file, for a single auth process.
///
/// Writes: caller → write gate (one at a time) → BEGIN IMMEDIATE on the one writer connection → read the current
/// state, check, write, take one revision → COMMIT → publish events to watchers (still inside the gate, so the
/// feed is in revision order) → release. A failure anywhere before COMMIT rolls everything back.
/// Reads: a pooled connection each, reading a WAL snapshot beside the writer. In memory there is only one
/// connection, so reads take the gate too.
///
/// Microsoft.Data.Sqlite's async methods complete synchronously, so statements run synchronously inside the
/// async operations; cancellation is honoured while waiting for the gate or a connection.
/// </summary>
public sealed class SqliteBackend : IBackend
{
    private const int SweepBatchSize = 1000;

    private readonly SqliteConnection _writer;
    private readonly string? _readConnectionString;
    private readonly string _displayPath;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WatchHub _hub;
    private readonly ExpirySweeper _sweeper;
    private volatile bool _closed;
    private int _disposing;

    private SqliteBackend(
        SqliteBackendOptions options, SqliteConnection writer, string? readConnectionString, string displayPath,
        long revision, TimeProvider timeProvider, ILogger logger)
    {
        _writer = writer;
        _readConnectionString = readConnectionString;
        _displayPath = displayPath;
        _timeProvider = timeProvider;
        _logger = logger;
        _hub = new WatchHub(options.WatchBufferSize, revision, logger);
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
        return ReadAsync("get", (connection, now) => SqliteQueries.GetLive(connection, null, key, now), cancellationToken);
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
        return await ReadAsync("get range", (connection, now) => SqliteQueries.GetRange(connection, startKey, endKey, limit, now), cancellationToken);
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
        ThrowIfClosed();
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
        await _gate.WaitAsync();
        try
        {
            _closed = true;
            await _writer.DisposeAsync();
            if (_readConnectionString is not null)
            {
                // Pooled read connections keep the file (and its -wal) open until cleared.
                SqliteConnection.ClearPool(new SqliteConnection(_readConnectionString));
            }
        }
        finally
        {
            _gate.Release();
        }

        StorageLog.Closed(_logger, _displayPath);
    }

    /// <summary>Deletes expired items in batches, each its own transaction so writers are not held up for long.</summary>
    internal async ValueTask<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await ReadAsync("sweep check", SqliteQueries.AnyExpired, cancellationToken))
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

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private async ValueTask<T> ReadAsync<T>(string operation, Func<SqliteConnection, long, T> query, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (_readConnectionString is null)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                ThrowIfClosed();
                return Run(operation, () => query(_writer, NowMs()));
            }
            finally
            {
                _gate.Release();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = new SqliteConnection(_readConnectionString);
        return Run(operation, () =>
        {
            connection.Open();
            return query(connection, NowMs());
        });
    }

    private async ValueTask<T> WriteAsync<T>(string operation, Func<WriteScope, T> write, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed();
            var (result, events) = Run(operation, () =>
            {
                using var transaction = _writer.BeginTransaction(deferred: false);
                var scope = new WriteScope(_writer, transaction, NowMs());
                var result = write(scope);
                transaction.Commit();
                return (result, scope.Events);
            });
            _hub.Publish(events);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Turns SQLite failures (busy past the timeout, I/O, corruption) into Unavailable, logged once here.</summary>
    private T Run<T>(string operation, Func<T> statement)
    {
        try
        {
            return statement();
        }
        catch (SqliteException exception)
        {
            StorageLog.SqliteFailed(_logger, operation, exception.SqliteErrorCode, exception);
            throw FerryException.Unavailable($"storage {operation} failed (SQLite error {exception.SqliteErrorCode}); retry later", exception);
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw FerryException.Unavailable("the storage backend is closed");
        }
    }
}
