using System.Data;
using Ferry.Core.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// Opens one PostgreSQL database and runs reads and write transactions on Npgsql's pool, for
/// <see cref="PostgresBackend"/> and <see cref="PostgresAuditStore"/>, which decide what the statements mean.
///
/// A write: pooled connection → BEGIN ISOLATION LEVEL READ COMMITTED (named, so a server default of SERIALIZABLE
/// changes nothing) → the operation's statements → COMMIT. The whole transaction runs again, with a short growing
/// pause, when the outcome is certainly "nothing happened":
/// - the server rolled it back for a serialization failure (40001) or a deadlock (40P01);
/// - the connection failed or the server was going away before COMMIT was sent (a restart, a failover): an open
///   transaction dies with its connection.
/// A connection lost while COMMIT was under way leaves the outcome unknown; that is never retried but reported as
/// Unavailable saying the write may have been applied (docs/storage-postgres.md, Failures).
/// Reads run again on the same failures; they change nothing.
/// </summary>
internal sealed class PostgresExecutor : IAsyncDisposable
{
    private const int MaxAttempts = 8;
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _listenerConnectionString;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile bool _closed;

    private PostgresExecutor(PostgresConnectionString target, NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger logger)
    {
        Target = target;
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _logger = logger;
        // Named apart in pg_stat_activity, so an operator can tell the LISTEN session from the pool.
        _listenerConnectionString = new NpgsqlConnectionStringBuilder(target.Settings.ConnectionString)
        {
            Pooling = false,
            ApplicationName = target.Settings.ApplicationName + " (listen)",
        }.ConnectionString;
    }

    public PostgresConnectionString Target { get; }

    /// <summary>
    /// Connects and runs <paramref name="initialize"/> (schema migration, first reads) on one connection.
    /// </summary>
    /// <exception cref="FerryException">The database cannot be reached, refuses the login or the schema, described by <see cref="PostgresErrors.Opening"/>.</exception>
    public static async ValueTask<(PostgresExecutor Executor, TState State)> OpenAsync<TState>(
        PostgresConnectionString target, TimeProvider timeProvider, ILogger logger,
        Func<NpgsqlConnection, CancellationToken, ValueTask<TState>> initialize, CancellationToken cancellationToken)
    {
        var dataSource = new NpgsqlDataSourceBuilder(target.Settings.ConnectionString).Build();
        try
        {
            TState state;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                state = await initialize(connection, cancellationToken);
            }

            return (new PostgresExecutor(target, dataSource, timeProvider, logger), state);
        }
        catch (Exception exception) when (exception is not (FerryException or OperationCanceledException))
        {
            await dataSource.DisposeAsync();
            throw PostgresErrors.Opening(exception, target);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection of its own, outside the pool, for LISTEN: a pooled one would lose it when given back.</summary>
    public NpgsqlConnection CreateListenerConnection() => new(_listenerConnectionString);

    public async ValueTask<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            ThrowIfClosed();
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                return await read(connection, cancellationToken);
            }
            catch (Exception exception) when (CanRetry(exception, attempt, cancellationToken)
                && (PostgresErrors.IsRetryableConflict(exception) || PostgresErrors.IsConnectionFailure(exception)))
            {
                await PauseAsync(operation, attempt, exception, cancellationToken);
            }
            catch (NpgsqlException exception)
            {
                StorageLog.PostgresFailed(_logger, operation, exception);
                throw PostgresErrors.Operation(exception, Target, operation);
            }
        }
    }

    /// <summary>Runs <paramref name="write"/> in one READ COMMITTED transaction and commits it; see the class comment for retries.</summary>
    public async ValueTask<T> WriteAsync<T>(
        string operation, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, ValueTask<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            ThrowIfClosed();
            var committing = false;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
                var result = await write(connection, transaction, cancellationToken);
                committing = true;
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception exception) when (CanRetry(exception, attempt, cancellationToken) && PostgresErrors.IsRetryableConflict(exception))
            {
                // Rolled back by the server, even when reported at COMMIT.
                await PauseAsync(operation, attempt, exception, cancellationToken);
            }
            catch (Exception exception) when (!committing && CanRetry(exception, attempt, cancellationToken) && PostgresErrors.IsConnectionFailure(exception))
            {
                await PauseAsync(operation, attempt, exception, cancellationToken);
            }
            catch (Exception exception) when (committing && PostgresErrors.IsConnectionFailure(exception))
            {
                StorageLog.PostgresFailed(_logger, operation, exception);
                throw PostgresErrors.OutcomeUnknown(exception, Target, operation);
            }
            catch (NpgsqlException exception)
            {
                StorageLog.PostgresFailed(_logger, operation, exception);
                throw PostgresErrors.Operation(exception, Target, operation);
            }
        }
    }

    public void ThrowIfClosed()
    {
        if (_closed)
        {
            throw FerryException.Unavailable("the storage backend is closed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        await _dataSource.DisposeAsync();
    }

    private bool CanRetry(Exception exception, int attempt, CancellationToken cancellationToken) =>
        attempt < MaxAttempts && !_closed && !cancellationToken.IsCancellationRequested && exception is NpgsqlException;

    private async ValueTask PauseAsync(string operation, int attempt, Exception exception, CancellationToken cancellationToken)
    {
        if (PostgresErrors.IsConnectionFailure(exception))
        {
            // The other idle connections of the pool most likely died with this one (a server restart).
            _dataSource.Clear();
        }

        var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << (attempt - 1)));
        StorageLog.PostgresRetrying(_logger, operation, attempt, pause, exception.Message);
        await Task.Delay(pause, _timeProvider, cancellationToken);
    }
}
