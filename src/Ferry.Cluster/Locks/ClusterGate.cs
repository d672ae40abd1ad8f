using System.Collections.Concurrent;
using Ferry.Cluster.Caching;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Hosting.Callers;
using Microsoft.AspNetCore.Http;

namespace Ferry.Cluster.Locks;

/// <summary>
/// The gate of a proxy or an agent: a user may act only while no lock targets them or their roles and no revocation
/// covers their certificate (<see cref="LockRules"/>), decided from watch-fed caches, and only while those caches
/// (and the others the decision depends on) are fresh. Requests in flight are tracked, so when a lock or revocation
/// arrives the streams it covers are cut at once instead of at their next request.
/// </summary>
public sealed class ClusterGate : ICallerGate
{
    private readonly WatchCache<AccessLock> _locks;
    private readonly WatchCache<UserRevocation> _revocations;
    private readonly IReadOnlyList<IWatchCache> _dependencies;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, (FerryIdentity Identity, HttpContext Context)> _live = new();
    private long _next;

    /// <param name="dependencies">Other caches whose staleness makes decisions unsafe (roles, app sessions).</param>
    public ClusterGate(WatchCache<AccessLock> locks, WatchCache<UserRevocation> revocations, IReadOnlyList<IWatchCache> dependencies, TimeProvider time)
    {
        _locks = locks;
        _revocations = revocations;
        _dependencies = dependencies;
        _time = time;
        _locks.Changed += CutRefused;
        _revocations.Changed += CutRefused;
    }

    /// <summary>How many requests are being tracked (for tests and metrics).</summary>
    public int LiveCount => _live.Count;

    public FerryException? Refusal(FerryIdentity identity)
    {
        if (identity.IsHost)
        {
            return null;
        }

        foreach (var cache in _dependencies.Prepend(_locks).Prepend(_revocations))
        {
            if (cache.IsStale)
            {
                return WatchCache<AccessLock>.StaleError(cache.Prefix);
            }
        }

        return LockRules.Refusal(identity, _locks.Values, user => _revocations.Get(LockKeys.RevocationKey(user)), _time.GetUtcNow());
    }

    /// <summary>Tracks a request acting for <paramref name="identity"/> until the returned handle is disposed.</summary>
    public IDisposable Track(FerryIdentity identity, HttpContext context)
    {
        var id = Interlocked.Increment(ref _next);
        _live[id] = (identity, context);
        return new Untrack(_live, id);
    }

    /// <summary>Aborts every tracked request whose identity the gate now refuses (a lock or revocation just arrived).</summary>
    public void CutRefused()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, (identity, context)) in _live)
        {
            if (LockRules.Refusal(identity, _locks.Values, user => _revocations.Get(LockKeys.RevocationKey(user)), now) is not null)
            {
                _live.TryRemove(id, out _);
                context.Abort();
            }
        }
    }

    private sealed class Untrack(ConcurrentDictionary<long, (FerryIdentity, HttpContext)> live, long id) : IDisposable
    {
        public void Dispose() => live.TryRemove(id, out _);
    }
}
