using System.Collections.Concurrent;
using Ferry.Cluster.Caching;
using Ferry.Core.Errors;

namespace Ferry.Proxy.Caching;

/// <summary>
/// A session record from the proxy's watch-fed cache, or from auth when the feed has not brought it yet: a session
/// made a moment ago, possibly through another proxy behind the same balancer (docs/deploy-ha.md), is served at once
/// rather than refused until the change arrives. Ids auth does not know are remembered for a minute, so a forged or
/// ended id costs one auth call, not one per request. Auth makes session ids at random; one it does not know now
/// never becomes valid.
/// </summary>
internal sealed class CacheOrAuth<T> where T : class
{
    private const int MaxUnknown = 10_000;
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(1);

    private readonly WatchCache<T> _cache;
    private readonly string _prefix;
    private readonly Func<string, CancellationToken, Task<T>> _fetch;
    private readonly Func<T, bool> _complete;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);

    /// <param name="prefix">The cache's key prefix (e.g. /app_sessions/); a record's key is prefix + id.</param>
    /// <param name="fetch">Reads one record from auth; NotFound, AccessDenied or BadParameter mean "no such record".</param>
    /// <param name="complete">Whether a cached record has everything the caller needs (else auth is asked; default: any).</param>
    public CacheOrAuth(WatchCache<T> cache, string prefix, Func<string, CancellationToken, Task<T>> fetch, TimeProvider time, Func<T, bool>? complete = null)
    {
        _cache = cache;
        _prefix = prefix;
        _fetch = fetch;
        _time = time;
        _complete = complete ?? (_ => true);
    }

    public async Task<T?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_cache.Get(_prefix + id) is { } cached && _complete(cached))
        {
            return cached;
        }

        var now = _time.GetUtcNow();
        if (_unknown.TryGetValue(id, out var until) && until > now)
        {
            return null;
        }

        try
        {
            return await _fetch(id, cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.AccessDenied or ErrorKind.BadParameter)
        {
            if (_unknown.Count >= MaxUnknown)
            {
                _unknown.Clear();
            }

            _unknown[id] = now + UnknownFor;
            return null;
        }
    }
}
