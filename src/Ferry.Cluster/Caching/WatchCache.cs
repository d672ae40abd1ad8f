using System.Collections.Concurrent;
using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Diagnostics;
using Ferry.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Ferry.Cluster.Caching;

/// <summary>
/// A read cache of one key prefix in auth's storage, kept current by the watch feed: subscribe, wait for
/// "init", load everything, then apply puts and deletes as they come. When the feed breaks (auth restarts,
/// the consumer fell behind) it reconnects with back-off and reloads. Proxies cache app sessions and locks,
/// agents cache roles this way, so no request waits on auth.
/// <para>
/// Fail closed: auth sends a ping on an idle feed every <see cref="WatchTiming.PingInterval"/>; when nothing (change or
/// ping) has arrived for <see cref="WatchTiming.StaleAfter"/>, or the first load is not in yet, the cache is
/// <see cref="IsStale"/> and decisions that depend on it are refused (<see cref="RequireFresh"/>) instead of being made
/// on old data. After a reconnect the cache counts as fresh again only once it has re-read everything.
/// </para>
/// </summary>
public sealed partial class WatchCache<T> : IWatchCache, IAsyncDisposable
    where T : class
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Func<AuthClient> _client;
    private readonly string _prefix;
    private readonly Func<CancellationToken, Task<IReadOnlyList<(string Key, T Value)>>> _load;
    private readonly Func<JsonElement, T> _decode;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private Task? _loop;
    private IDisposable? _metrics;
    private long _version;
    private long _lastContactTicks = long.MinValue;

    /// <param name="client">Makes the API client (called again after failures).</param>
    /// <param name="prefix">Storage prefix, e.g. /roles/.</param>
    /// <param name="load">Reads every item under the prefix as (storage key, value).</param>
    /// <param name="decode">Turns the stored JSON of a put event into a value.</param>
    public WatchCache(Func<AuthClient> client, string prefix, Func<CancellationToken, Task<IReadOnlyList<(string Key, T Value)>>> load, Func<JsonElement, T> decode, ILogger logger, TimeProvider? time = null)
    {
        _client = client;
        _prefix = prefix;
        _load = load;
        _decode = decode;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised (on the feed's thread) after every change is applied, and after each full reload.</summary>
    public event Action? Changed;

    /// <summary>Completes once the first full load is in.</summary>
    public Task Ready => _ready.Task;

    public string Prefix => _prefix;

    public ICollection<T> Values => _items.Values;

    /// <summary>Grows on every change, so callers can cache what they derive from the contents.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>True when the feed has been silent longer than <see cref="WatchTiming.StaleAfter"/> or has never loaded.</summary>
    public bool IsStale
    {
        get
        {
            var last = Interlocked.Read(ref _lastContactTicks);
            return last == long.MinValue || _time.GetUtcNow().UtcTicks - last > WatchTiming.StaleAfter.Ticks;
        }
    }

    public T? Get(string key) => _items.TryGetValue(key, out var value) ? value : null;

    /// <summary>Throws Unavailable ("cluster state is stale") when the cache may be missing changes.</summary>
    public void RequireFresh()
    {
        if (IsStale)
        {
            throw StaleError(_prefix);
        }
    }

    public static FerryException StaleError(string prefix) => FerryException.Unavailable(
        $"cluster state is stale: this component has not heard from the auth server for more than {WatchTiming.StaleAfter.TotalSeconds:0} s " +
        $"({prefix}), so it refuses rather than decide on old data; try again once the auth server is reachable");

    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        _metrics = FerryMetrics.Observe(() =>
        {
            var last = Interlocked.Read(ref _lastContactTicks);
            var age = last == long.MinValue ? double.NaN : (_time.GetUtcNow().UtcTicks - last) / (double)TimeSpan.TicksPerSecond;
            var prefix = new KeyValuePair<string, object?>("prefix", _prefix);
            return [FerryMetrics.State("cache_age_seconds", age, prefix), FerryMetrics.State("cache_stale", IsStale ? 1 : 0, prefix), FerryMetrics.State("cache_items", _items.Count, prefix)];
        });
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private void Touch() => Interlocked.Exchange(ref _lastContactTicks, _time.GetUtcNow().UtcTicks);

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = _client();
                var synced = false;
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
                            synced = true;
                            Applied();
                            _ready.TrySetResult();
                            backoff = TimeSpan.FromMilliseconds(100);
                            LogSynced(_logger, _prefix, fresh.Count);
                            break;
                        case "put" when synced && change.Key is not null && change.Value is { } json:
                            _items[change.Key] = _decode(json);
                            Applied();
                            break;
                        case "delete" when synced && change.Key is not null:
                            _items.TryRemove(change.Key, out _);
                            Applied();
                            break;
                        case "ping" when synced:
                            Touch();
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

            await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100)), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private void Applied()
    {
        Interlocked.Increment(ref _version);
        Touch();
        try
        {
            Changed?.Invoke();
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, _prefix, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _metrics?.Dispose();
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

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "A change handler of the {Prefix} cache failed")]
    private static partial void LogHandlerFailed(ILogger logger, string prefix, Exception exception);
}

/// <summary>What every watch cache exposes for readiness and staleness checks.</summary>
public interface IWatchCache
{
    string Prefix { get; }

    bool IsStale { get; }

    Task Ready { get; }
}
