using System.Threading.Channels;
using Ferry.Client.Http;
using Ferry.Core.Audit;
using Ferry.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Cluster.Audit;

/// <summary>
/// Sends the audit events a proxy or an agent observes (one per AWS request, refusals) to auth in batches, off the
/// request path: a request only enqueues its event. Batches go out when 100 events are waiting or every 200 ms; on shutdown the queue is drained.
/// A full queue (auth unreachable for long) drops the oldest events and says so in the log rather than
/// blocking AWS traffic.
/// </summary>
public sealed partial class AuditBatcher : IAsyncDisposable
{
    private const int BatchSize = 100;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly AuthClient _auth;
    private readonly ILogger _logger;
    private readonly Channel<AuditEvent> _queue;
    private readonly Task _loop;
    private readonly IDisposable _metrics;
    private long _sent;
    private long _lost;

    /// <param name="component">proxy or agent, to tell the queues of one process apart in /metrics.</param>
    public AuditBatcher(AuthClient auth, ILogger logger, string component)
    {
        _auth = auth;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEvent>(
            new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _lost);
                LogDropped(_logger);
            });
        _loop = Task.Run(RunAsync);
        _metrics = FerryMetrics.Observe(() =>
        {
            var tag = new KeyValuePair<string, object?>("component", component);
            return [FerryMetrics.State("audit_queue", _queue.Reader.Count, tag), FerryMetrics.State("audit_sent", Sent, tag), FerryMetrics.State("audit_lost", Lost, tag)];
        });
    }

    /// <summary>Events handed to auth so far, and events given up on (auth unreachable through every retry, or dropped).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public long Lost => Interlocked.Read(ref _lost);

    public void Emit(AuditEvent auditEvent) => _queue.Writer.TryWrite(auditEvent);

    private async Task RunAsync()
    {
        var batch = new List<AuditEvent>(BatchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var deadline = DateTime.UtcNow + FlushInterval;
            while (batch.Count < BatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    continue;
                }

                var wait = deadline - DateTime.UtcNow;
                if (wait <= TimeSpan.Zero)
                {
                    break;
                }

                using var timeout = new CancellationTokenSource(wait);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            await SendAsync(batch);
            batch.Clear();
        }
    }

    private async Task SendAsync(List<AuditEvent> batch)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _auth.EmitEventsAsync(batch, timeout.Token);
                Interlocked.Add(ref _sent, batch.Count);
                return;
            }
            catch (Exception e)
            {
                LogSendFailed(_logger, batch.Count, e);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * (attempt + 1)));
            }
        }

        Interlocked.Add(ref _lost, batch.Count);
        LogBatchLost(_logger, batch.Count);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _metrics.Dispose();
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Warning, Message = "Audit queue full; the oldest event was dropped")]
    private static partial void LogDropped(ILogger logger);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Warning, Message = "Sending {Count} audit events failed")]
    private static partial void LogSendFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Error, Message = "Gave up on {Count} audit events after 3 attempts; auth was unreachable")]
    private static partial void LogBatchLost(ILogger logger, int count);
}
