using Microsoft.Extensions.Logging;

namespace Ferry.Storage;

/// <summary>
/// Runs a periodic deletion of what has expired (a backend's expired items, PostgreSQL's old changes, old audit events)
/// on a <see cref="TimeProvider"/> timer, so tests drive it with a fake clock.
/// Ticks that arrive while a sweep still runs are skipped rather than queued; a failed sweep is logged and
/// retried on the next tick (expired items stay invisible to reads meanwhile).
/// </summary>
internal sealed class ExpirySweeper : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask<int>> _sweep;
    private readonly string _what;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private Task _running = Task.CompletedTask;
    private bool _disposed;
    private int _busy;

    /// <param name="what">What the sweep deletes, for its log messages: "expired items".</param>
    public ExpirySweeper(TimeProvider timeProvider, TimeSpan interval, string what, Func<CancellationToken, ValueTask<int>> sweep, ILogger logger)
    {
        _sweep = sweep;
        _what = what;
        _logger = logger;
        _timer = timeProvider.CreateTimer(static state => ((ExpirySweeper)state!).OnTick(), this, interval, interval);
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_lock)
        {
            // After this no tick starts a sweep, so awaiting the last one is enough.
            _disposed = true;
            running = _running;
        }

        await _timer.DisposeAsync();
        await _stopping.CancelAsync();
        await running;
        _stopping.Dispose();
    }

    private void OnTick()
    {
        lock (_lock)
        {
            if (_disposed || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                return;
            }

            _running = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            var deleted = await _sweep(_stopping.Token);
            if (deleted > 0)
            {
                StorageLog.SweepDeleted(_logger, _what, deleted);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            StorageLog.SweepFailed(_logger, _what, exception);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }
}
