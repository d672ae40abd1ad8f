using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// The process's one LISTEN session: a connection of its own (LISTEN belongs to a session, so a pooled connection
/// given back would lose it, and it does not survive a pooler in transaction mode), reopened with growing pauses
/// when it fails. A notification only wakes the <see cref="ChangeFeed"/>; it carries nothing, because the server
/// drops notifications for a session that is not connected. So every (re)connection wakes the feed as well, which
/// then reads what was committed while nobody listened, and the feed's poll timer covers a notification lost any
/// other way. While idle, the session is pinged now and then, so a connection that died silently is noticed.
/// </summary>
internal sealed class ChangeListener : IAsyncDisposable
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    private readonly PostgresExecutor _executor;
    private readonly Action _wake;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly BackgroundLoop _loop = new();

    public ChangeListener(PostgresExecutor executor, Action wake, TimeProvider timeProvider, ILogger logger)
    {
        _executor = executor;
        _wake = wake;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public void Start() => _loop.Start(RunAsync);

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    private async Task RunAsync(CancellationToken token)
    {
        var pause = FirstPause;
        var lost = false;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = _executor.CreateListenerConnection();
                connection.Notification += (_, _) => _wake();
                await connection.OpenAsync(token);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresWriteScope.Channel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(token);
                }

                StorageLog.FeedListening(_logger, _executor.Target.Display, lost);
                pause = FirstPause;
                _wake();
                while (true)
                {
                    if (!await connection.WaitAsync(PingInterval, token))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                        await ping.ExecuteNonQueryAsync(token);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                lost = true;
                StorageLog.FeedListenerLost(_logger, pause, exception);
            }

            try
            {
                await Task.Delay(pause, _timeProvider, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, pause.Ticks * 2));
        }
    }
}
