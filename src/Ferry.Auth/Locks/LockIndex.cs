using System.Collections.Concurrent;
using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Hosting.Callers;
using Ferry.Storage;
using Microsoft.Extensions.Logging;

namespace Ferry.Auth.Locks;

/// <summary>
/// Auth's own view of locks and revocations, kept current from its storage's change feed so that checking every API
/// call costs no storage read. Until the first load is in (or while the feed is broken) it refuses users' calls:
/// fail closed, like the caches of proxies and agents.
/// </summary>
public sealed partial class LockIndex : ICallerGate, IAsyncDisposable
{
    private readonly IBackend _backend;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, AccessLock> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserRevocation> _revocations = new(StringComparer.Ordinal);
    private volatile bool _synced;
    private Task? _loop;

    public LockIndex(IBackend backend, TimeProvider time, ILogger logger)
    {
        _backend = backend;
        _time = time;
        _logger = logger;
    }

    public Task Ready => _ready.Task;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Null when the identity may act now (see <see cref="LockRules"/>).</summary>
    public FerryException? Refusal(FerryIdentity identity)
    {
        if (identity.IsHost)
        {
            return null;
        }

        if (!_synced)
        {
            return FerryException.Unavailable("the auth server is still loading its locks; try again in a moment");
        }

        return LockRules.Refusal(identity, _locks.Values, user => _revocations.GetValueOrDefault(user), _time.GetUtcNow());
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _backend.WatchAsync([LockKeys.LockPrefix, LockKeys.RevocationPrefix], stop))
                {
                    switch (change.Type)
                    {
                        case BackendEventType.Init:
                            await ReloadAsync(stop);
                            _synced = true;
                            _ready.TrySetResult();
                            break;
                        case BackendEventType.Put:
                            Apply(change.Item);
                            break;
                        case BackendEventType.Delete:
                            _locks.TryRemove(change.Item.Key, out _);
                            _revocations.TryRemove(change.Item.Key[LockKeys.RevocationPrefix.Length..], out _);
                            break;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _synced = false;
                LogFeedFailed(_logger, e);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ReloadAsync(CancellationToken stop)
    {
        _locks.Clear();
        _revocations.Clear();
        foreach (var prefix in new[] { LockKeys.LockPrefix, LockKeys.RevocationPrefix })
        {
            var (start, end) = KeyRange.Prefix(prefix);
            foreach (var item in await _backend.GetRangeAsync(start, end, 0, stop))
            {
                Apply(item);
            }
        }
    }

    private void Apply(Item item)
    {
        if (item.Key.StartsWith(LockKeys.LockPrefix, StringComparison.Ordinal))
        {
            _locks[item.Key] = ResourceJson.Deserialize<AccessLock>(item.Value.Span);
        }
        else
        {
            var revocation = StoredJson.Deserialize<UserRevocation>(item.Value);
            _revocations[revocation.User] = revocation;
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

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "The lock feed failed; users' calls are refused until it is back")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception);
}
