using System.Buffers.Binary;
using System.Diagnostics;
using Ferry.Bench.Load;
using Ferry.Storage;

namespace Ferry.Bench.Storage;

/// <summary>
/// Change-feed lag: one writer puts at a steady rate, each put on one of <see cref="Keys"/> keys in turn with the
/// write's sequence number in its value; watchers (on the writer's backend or on another instance on the same
/// database) note when each event arrives. Lag = event arrival − the writer's PutAsync returning, both on this
/// process's Stopwatch. Each watcher also checks that every key's changes came once each, in the order written.
/// </summary>
internal static class WatchLag
{
    public const int Keys = 10;

    /// <summary>How long watchers get after the last write to bring in what is still on its way (PostgreSQL polls every second).</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<WatchLagResult>> MeasureAsync(
        IBackend writer, IReadOnlyList<(string Key, string Path, IBackend Backend)> watchers, string prefix, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var keys = Enumerable.Range(0, Keys).Select(k => $"{prefix}k{k}").ToArray();
        var returned = new long[total];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feeds = watchers.Select(w => new Feed(w.Key, w.Path, total, keys)).ToList();
        var watching = watchers.Select((w, i) => feeds[i].RunAsync(w.Backend, prefix, stop.Token)).ToList();
        try
        {
            await Task.WhenAll(feeds.Select(f => f.Ready.Task)).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var (writes, seconds, firstError) = await WriteAsync(writer, keys, returned, rate, cancellationToken);
            var deadline = Stopwatch.GetTimestamp() + (long)(Drain.TotalSeconds * Stopwatch.Frequency);
            while (feeds.Any(f => f.Received < writes) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(10, cancellationToken);
            }

            return feeds.Select(f => f.Result(returned, writes, seconds, firstError)).ToList();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(watching);
        }
    }

    /// <summary>
    /// Sequential puts on a schedule, write i due at start + i / rate (a late one goes at once); returns how many
    /// succeeded, over how long, and the first failure.
    /// </summary>
    private static async Task<(long Writes, double Seconds, string? FirstError)> WriteAsync(IBackend writer, string[] keys, long[] returned, int rate, CancellationToken cancellationToken)
    {
        long writes = 0;
        string? firstError = null;
        var interval = Stopwatch.Frequency / (double)rate;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < returned.Length; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), started + (long)(i * interval));
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            try
            {
                await writer.PutAsync(Item.Create(keys[i % Keys], StorageOperations.Value(i)), cancellationToken);
                returned[i] = Stopwatch.GetTimestamp();
                writes++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                firstError ??= $"{e.GetType().Name}: {e.Message}";
            }
        }

        return (writes, Stopwatch.GetElapsedTime(started).TotalSeconds, firstError);
    }

    /// <summary>One watcher: arrival times by sequence number, and what was out of place.</summary>
    private sealed class Feed(string key, string path, int total, string[] keys)
    {
        private readonly long[] _arrived = new long[total];
        private readonly long[] _last = Enumerable.Range(0, Keys).Select(k => (long)k - Keys).ToArray();
        private int _received;
        private long _outOfOrder;
        private long _duplicated;
        private long _foreign;
        private string? _ended;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Received => Volatile.Read(ref _received);

        public async Task RunAsync(IBackend backend, string prefix, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var change in backend.WatchAsync([prefix], cancellationToken))
                {
                    var now = Stopwatch.GetTimestamp();
                    if (change.Type == BackendEventType.Init)
                    {
                        Ready.TrySetResult();
                        continue;
                    }

                    var n = change.Type == BackendEventType.Put && change.Item.Value.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(change.Item.Value.Span) : -1;
                    if (n < 0 || n >= total || change.Item.Key != keys[n % Keys])
                    {
                        _foreign++;
                        continue;
                    }

                    // Per key the sequence numbers go up by Keys: anything else is a gap (a change lost or late) or a step back.
                    if (n != _last[n % Keys] + Keys)
                    {
                        _outOfOrder++;
                    }

                    _last[n % Keys] = Math.Max(_last[n % Keys], n);
                    if (_arrived[n] != 0)
                    {
                        _duplicated++;
                        continue;
                    }

                    _arrived[n] = now;
                    Interlocked.Increment(ref _received);
                }

                _ended = "the watch ended";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _ended = $"the watch failed: {e.GetType().Name}: {e.Message}";
                Ready.TrySetException(e);
            }
        }

        public WatchLagResult Result(long[] returned, long writes, double seconds, string? firstError)
        {
            var lags = new List<long>(total);
            for (var i = 0; i < total; i++)
            {
                if (returned[i] != 0 && _arrived[i] != 0)
                {
                    lags.Add(_arrived[i] - returned[i]);
                }
            }

            lags.Sort();
            var lost = Enumerable.Range(0, total).Count(i => returned[i] != 0 && _arrived[i] == 0);
            return new WatchLagResult(key, path, writes, total - writes, seconds, _received, lost, _outOfOrder, _duplicated, _foreign,
                LoadResult.Percentile(lags, 0.50), LoadResult.Percentile(lags, 0.99), LoadResult.Percentile(lags, 1.0), LoadResult.Percentile(lags, 0.0),
                _ended ?? firstError);
        }
    }
}

/// <summary>What one watcher saw of the writes: counts, and the lag percentiles in ms (min may be below 0: the event came before the write returned).</summary>
internal sealed record WatchLagResult(
    string Key, string Path, long Writes, long WriteErrors, double Seconds, long Received, long Lost, long OutOfOrder, long Duplicated, long Foreign,
    double P50Ms, double P99Ms, double MaxMs, double MinMs, string? Problem)
{
    public double WritesPerSecond => Writes / Seconds;
}
