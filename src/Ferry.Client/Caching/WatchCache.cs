using System.Collections.Concurrent;
using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Microsoft.Extensions.Logging;

namespace Ferry.Client.Caching;

/// <summary>
/// A read cache of one key prefix in auth's storage, kept current by the watch feed: subscribe, wait for
/// "init", load everything, then apply puts and deletes as they come. When the feed breaks (auth restarts,
/// the consumer fell behind) it reconnects with back-off and reloads, so a reader never acts on a stale
/// snapshot for longer than the reconnect takes. Proxies cache app sessions and agents cache roles this way,
/// so no request waits on auth.
/// </summary>
public sealed partial class WatchCache<T> : IAsyncDisposable
    where T : class
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly Func<AuthClient> _client;
    private readonly string _prefix;
    private readonly Func<CancellationToken, Task<IReadOnlyList<(string Key, T Value)>>> _load;
    private readonly Func<JsonElement, T> _decode;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private Task? _loop;
    private long _version;

    /// <param name="client">Makes the API client (called again after failures).</param>
    /// <param name="prefix">Storage prefix, e.g. /roles/.</param>
    /// <param name="load">Reads every item under the prefix as (storage key, value).</param>
    /// <param name="decode">Turns the stored JSON of a put event into a value.</param>
    public WatchCache(Func<AuthClient> client, string prefix, Func<CancellationToken, Task<IReadOnlyList<(string Key, T Value)>>> load, Func<JsonElement, T> decode, ILogger logger)
    {
        _client = client;
        _prefix = prefix;
        _load = load;
        _decode = decode;
        _logger = logger;
    }

    /// <summary>Completes once the first full load is in.</summary>
    public Task Ready => _ready.Task;

    public ICollection<T> Values => _items.Values;

    /// <summary>Grows on every change, so callers can cache what they derive from the contents.</summary>
    public long Version => Interlocked.Read(ref _version);

    public T? Get(string key) => _items.TryGetValue(key, out var value) ? value : null;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = _client();
                await foreach (var change in client.WatchAsync([_prefix], stop))
                {
                    switch (change.Type)
                    {
                        case "init":
                            var fresh = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
                            foreach (var (key, value) in await _load(stop))
                            {
                                fresh[key] = value;
                            }

                            _items = fresh;
                            Interlocked.Increment(ref _version);
                            _ready.TrySetResult();
                            backoff = TimeSpan.FromMilliseconds(200);
                            LogSynced(_logger, _prefix, fresh.Count);
                            break;
                        case "put" when change.Key is not null && change.Value is { } json:
                            _items[change.Key] = _decode(json);
                            Interlocked.Increment(ref _version);
                            break;
                        case "delete" when change.Key is not null:
                            _items.TryRemove(change.Key, out _);
                            Interlocked.Increment(ref _version);
                            break;
                    }
                }

                LogFeedEnded(_logger, _prefix, null);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFeedEnded(_logger, _prefix, e);
            }

            await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 200)), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "Cache of {Prefix} synced with {Count} items")]
    private static partial void LogSynced(ILogger logger, string prefix, int count);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Watch of {Prefix} ended; reconnecting")]
    private static partial void LogFeedEnded(ILogger logger, string prefix, Exception? exception);
}
