using Ferry.Core.Errors;
using Ferry.Storage.Watch;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// Runs reads and write transactions for <see cref="SqliteBackend"/>, which decides what they mean.
///
/// Writes: write gate (one at a time) → BEGIN IMMEDIATE on the one writer connection → the operation reads,
/// checks and writes through a <see cref="WriteScope"/> → COMMIT → publish its events (still inside the gate, so
/// the feed is in revision order) → release. An exception before COMMIT rolls everything back and publishes nothing.
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
    private readonly WatchHub _hub;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _closed;

    public SqliteExecutor(SqliteConnection writer, string? readConnectionString, TimeProvider timeProvider, WatchHub hub, ILogger logger)
    {
        _writer = writer;
        _readConnectionString = readConnectionString;
        _timeProvider = timeProvider;
        _hub = hub;
        _logger = logger;
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

    public async ValueTask<T> WriteAsync<T>(string operation, Func<WriteScope, T> write, CancellationToken cancellationToken)
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
