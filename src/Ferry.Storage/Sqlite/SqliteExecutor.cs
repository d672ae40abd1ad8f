using Ferry.Core.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// Opens one SQLite database and runs its reads and write transactions, for <see cref="SqliteBackend"/> and
/// <see cref="SqliteAuditStore"/>, which decide what the statements mean.
///
/// Writes: write gate (one at a time) → BEGIN IMMEDIATE on the one writer connection → the operation reads,
/// checks and writes → COMMIT → the caller's after-commit step (the backend publishes its change events there, still
/// inside the gate, so the feed is in revision order) → release. An exception before COMMIT rolls everything back
/// and skips the after-commit step.
/// Reads: a pooled connection each, reading a WAL snapshot beside the writer. In memory there is only one
/// connection, so reads take the gate too.
///
/// Microsoft.Data.Sqlite's async methods complete synchronously, so statements run synchronously; cancellation
/// is honoured while waiting for the gate.
/// </summary>
internal sealed class SqliteExecutor : IAsyncDisposable
{
    private readonly SqliteConnection _writer;
    private readonly string? _readConnectionString;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _closed;

    private SqliteExecutor(SqliteConnection writer, string? readConnectionString, TimeProvider timeProvider, ILogger logger)
    {
        _writer = writer;
        _readConnectionString = readConnectionString;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The full path of the database file, or <see cref="SqliteBackendOptions.InMemory"/>.</summary>
    public required string Path { get; init; }

    public required string JournalMode { get; init; }

    /// <summary>
    /// Opens (creating when missing, owner-only) the database at <paramref name="path"/> or in memory, sets the
    /// connection pragmas (<see cref="SqliteSchema.ApplyPragmas"/>) and runs <paramref name="initialize"/> on the writer
    /// connection to create or check the schema.
    /// </summary>
    /// <exception cref="FerryException">Unavailable when the file cannot be opened or is not a Ferry database.</exception>
    public static async ValueTask<(SqliteExecutor Executor, TState State)> OpenAsync<TState>(
        string path, TimeSpan busyTimeout, TimeProvider timeProvider, ILogger logger, Func<SqliteConnection, TState> initialize,
        CancellationToken cancellationToken)
    {
        var inMemory = path == SqliteBackendOptions.InMemory;
        var fullPath = inMemory ? path : System.IO.Path.GetFullPath(path);
        var timeoutSeconds = (int)Math.Ceiling(busyTimeout.TotalSeconds);
        string? readConnectionString = null;
        string writeConnectionString;
        if (inMemory)
        {
            writeConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false }.ToString();
        }
        else
        {
            SqliteFiles.PrepareDatabaseFile(fullPath, logger);
            writeConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = timeoutSeconds,
            }.ToString();
            readConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = fullPath, Mode = SqliteOpenMode.ReadWrite, Pooling = true, DefaultTimeout = timeoutSeconds,
            }.ToString();
        }

        var writer = new SqliteConnection(writeConnectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            var journalMode = SqliteSchema.ApplyPragmas(writer, busyTimeout);
            var state = initialize(writer);
            if (!inMemory)
            {
                SqliteFiles.RestrictSidecars(fullPath, logger);
                if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    StorageLog.NotWal(logger, fullPath, journalMode);
                }
            }

            var executor = new SqliteExecutor(writer, readConnectionString, timeProvider, logger) { Path = fullPath, JournalMode = journalMode };
            return (executor, state);
        }
        catch (SqliteException exception)
        {
            await writer.DisposeAsync();
            throw FerryException.Unavailable(
                $"cannot open the storage database {fullPath}: {exception.Message}; check that it is a Ferry database and that this user may write it",
                exception);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<T> ReadAsync<T>(string operation, Func<SqliteConnection, long, T> query, CancellationToken cancellationToken)
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

    /// <summary>
    /// Runs <paramref name="write"/> (given the transaction and the clock in Unix milliseconds) in one transaction, then
    /// <paramref name="committed"/> with its result after COMMIT, before the next write may start.
    /// </summary>
    public async ValueTask<T> WriteAsync<T>(
        string operation, Func<SqliteTransaction, long, T> write, Action<T>? committed, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed();
            var result = Run(operation, () =>
            {
                using var transaction = _writer.BeginTransaction(deferred: false);
                var result = write(transaction, NowMs());
                transaction.Commit();
                return result;
            });
            committed?.Invoke(result);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void ThrowIfClosed()
    {
        if (_closed)
        {
            throw FerryException.Unavailable("the storage backend is closed");
        }
    }

    /// <summary>Waits for the write in flight, then closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }

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
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

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
}
