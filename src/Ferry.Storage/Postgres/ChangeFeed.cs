using Ferry.Core.Errors;
using Ferry.Storage.Watch;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Ferry.Storage.Postgres;

/// <summary>
/// This process's one reader of ferry_changes, feeding every local watch through a <see cref="WatchHub"/>.
///
/// <code>
///   wake-ups: NOTIFY (ChangeListener) ─┐
///             a local write committed ─┼─► read changes after the position, in (revision, key) order, a page at a time
///             the poll timer (1 s) ────┘    → publish to the hub → move the position
/// </code>
/// The position lives here, in memory, and moves only past rows it has published, so a lost connection, a lost
/// notification or a database restart delays changes but neither loses nor repeats one: the next read starts where
/// the last one ended. Rows are visible in revision order because writers are serialised (<see cref="PostgresWriteScope"/>).
///
/// If the change table was pruned past the position (this process was cut off for longer than the retention), the
/// changes in between are gone: every watch ends with Unavailable, as the IBackend contract says for a watcher that
/// falls behind, and the position jumps to the current revision, where new watches start with their Init.
/// </summary>
internal sealed class ChangeFeed : IAsyncDisposable
{
    public const int PageSize = 1000;

    /// <summary>How long a new watch waits for the feed to reach the revision current when it started.</summary>
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresExecutor _executor;
    private readonly WatchHub _hub;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger _logger;
    private readonly BackgroundLoop _loop = new();
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _progress = NewSignal();
    private long _revision;
    private string? _key;
    private long _complete;
    private bool _failing;

    public ChangeFeed(PostgresExecutor executor, WatchHub hub, long revision, TimeProvider timeProvider, TimeSpan pollInterval, ILogger logger)
    {
        _executor = executor;
        _hub = hub;
        _revision = revision;
        _complete = revision;
        _timeProvider = timeProvider;
        _pollInterval = pollInterval;
        _logger = logger;
    }

    /// <summary>The last revision whose every change has been published.</summary>
    public long Complete => Volatile.Read(ref _complete);

    public void Start() => _loop.Start(RunAsync);

    /// <summary>Asks for a read now; wake-ups that arrive during a read make one more read after it.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Waits until every change up to <paramref name="revision"/> has been published.</summary>
    /// <exception cref="FerryException">Unavailable when the feed cannot get there in time or is closed.</exception>
    public async ValueTask WaitForAsync(long revision, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _loop.Stopping);
        timeout.CancelAfter(CatchUpTimeout);
        try
        {
            while (Complete < revision)
            {
                var progress = Volatile.Read(ref _progress).Task;
                if (Complete >= revision)
                {
                    break;
                }

                Wake();
                await progress.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw _loop.Stopping.IsCancellationRequested
                ? FerryException.Unavailable("the storage backend was closed; the process is shutting down")
                : FerryException.Unavailable(
                    $"the change feed of {_executor.Target.Setting} did not reach revision {revision} within {CatchUpTimeout.TotalSeconds:0} s; " +
                    "the database may be unreachable; watch again later");
        }
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    private async Task RunAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            // Reset before reading, so a wake-up during the read is kept for the next round.
            var wake = NewSignal();
            Volatile.Write(ref _wake, wake);
            try
            {
                await CatchUpAsync(token);
                if (_failing)
                {
                    _failing = false;
                    StorageLog.FeedRecovered(_logger, _revision);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Logged once per outage; the poll timer paces the retries.
                if (!_failing)
                {
                    _failing = true;
                    StorageLog.FeedReadFailed(_logger, _revision, exception);
                }
            }

            Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();
            try
            {
                await wake.Task.WaitAsync(_pollInterval, _timeProvider, token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async ValueTask CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (changes, prunedThrough, current) = await _executor.ReadAsync(
                "change feed read", (connection, token) => ReadPageAsync(connection, _revision, _key, token), cancellationToken);

            // The first revision not yet fully published; if pruning reached it, some of its changes may be gone.
            // A revision counter below the position means the database was restored from a backup: what the
            // watchers hold may never have happened there.
            var needed = _key is null ? _revision + 1 : _revision;
            if (prunedThrough >= needed || current < Complete)
            {
                await RestartAsync(prunedThrough, cancellationToken);
                return;
            }

            if (changes.Count > 0)
            {
                _hub.Publish(changes);
                var last = changes[^1].Item;
                _revision = last.Revision;
                _key = last.Key;
            }

            if (changes.Count < PageSize)
            {
                // Everything committed so far is published: the position is a whole revision.
                _key = null;
                Volatile.Write(ref _complete, _revision);
                return;
            }

            Volatile.Write(ref _complete, _revision - 1);
        }
    }

    private async ValueTask RestartAsync(long prunedThrough, CancellationToken cancellationToken)
    {
        var current = await _executor.ReadAsync(
            "change feed restart", (connection, token) => PostgresQueries.CurrentRevisionAsync(connection, null, token), cancellationToken);
        StorageLog.FeedFellBehind(_logger, _revision, prunedThrough, current);
        _hub.Restart(current, FerryException.Unavailable(
            $"the watch lost changes of {_executor.Target.Setting}: this process could not read them for longer than the change retention, " +
            "or the database was restored from a backup; re-read the state and watch again"));
        _revision = current;
        _key = null;
        Volatile.Write(ref _complete, current);
    }

    /// <summary>
    /// One page of changes after (revision, key) (a null key: after the whole revision), then how far the table has
    /// been pruned and the revision counter, read after the page so that a page missing pruned rows is always
    /// recognised.
    /// </summary>
    private static async ValueTask<(List<BackendEvent> Changes, long PrunedThrough, long Revision)> ReadPageAsync(
        NpgsqlConnection connection, long revision, string? key, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        // (revision, key) > (@revision, NULL) holds exactly for later revisions: the row comparison stops at the first
        // unequal column. It is an index range on the primary key.
        var page = new NpgsqlBatchCommand("""
            SELECT revision, key, kind, value, expires FROM ferry_changes
            WHERE (revision, key) > (@revision, @key)
            ORDER BY revision, key LIMIT @limit;
            """);
        page.Parameters.AddWithValue("revision", revision);
        page.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)key ?? DBNull.Value });
        page.Parameters.AddWithValue("limit", PageSize);
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT (SELECT value FROM ferry_meta WHERE name = 'pruned_through'), (SELECT value FROM ferry_meta WHERE name = 'revision');"));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var changes = new List<BackendEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = new Item(
                reader.GetString(1),
                reader.IsDBNull(3) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(3),
                reader.GetInt64(0),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
            changes.Add(new BackendEvent(reader.GetString(2) == "put" ? BackendEventType.Put : BackendEventType.Delete, item));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (changes, reader.GetInt64(0), reader.GetInt64(1));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
