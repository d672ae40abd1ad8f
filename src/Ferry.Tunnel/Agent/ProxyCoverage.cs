namespace Ferry.Tunnel.Agent;

/// <summary>
/// Which proxies an agent behind a load balancer wants tunnels to, from the live set and the tunnels it holds
/// per proxy id. Bookkeeping only, no I/O: <see cref="ProxyDialler"/> asks it before and after every dial.
/// <list type="bullet">
/// <item>A live proxy wants <c>perProxy</c> tunnels; a dial that lands on one holding its share is not kept.</item>
/// <item>An id that was live and left is "departed": its tunnels are closed and a dial landing there is not kept
/// (until it is live again, or for <see cref="DepartedMemory"/>).</item>
/// <item>Any other id (a new proxy whose heartbeat has not reached the live set yet, or "" for a proxy that
/// says no id) is kept up to <c>perProxy</c> like a live one.</item>
/// <item>Fewer than <c>perProxy</c> tunnels in all (no live set yet, or an empty one) always wants more, so the
/// agent keeps serving through whatever the balancer gives while auth cannot say which proxies exist.</item>
/// </list>
/// Thread-safe.
/// </summary>
internal sealed class ProxyCoverage(int perProxy, TimeProvider timeProvider)
{
    /// <summary>How long a departed id stays refused if it never comes back (it is forgotten after that).</summary>
    internal static readonly TimeSpan DepartedMemory = TimeSpan.FromHours(1);

    // Bounds the skip header; far more than a fleet of proxies, recent departures first.
    private const int MaxSkippedDeparted = 64;

    private readonly object _lock = new();
    private readonly Dictionary<string, long> _departed = new(StringComparer.Ordinal);
    private HashSet<string> _live = new(StringComparer.Ordinal);

    /// <summary>The latest live set (empty until the first poll answers).</summary>
    public IReadOnlySet<string> Live
    {
        get
        {
            lock (_lock)
            {
                return _live; // replaced whole, never changed in place
            }
        }
    }

    /// <summary>Replaces the live set; returns the ids that left it, whose tunnels are to be closed.</summary>
    public IReadOnlyList<string> SetLive(IEnumerable<string> live)
    {
        var next = new HashSet<string>(live, StringComparer.Ordinal);
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            var left = _live.Where(id => !next.Contains(id)).Order(StringComparer.Ordinal).ToList();
            foreach (var id in left)
            {
                _departed[id] = now;
            }

            foreach (var (id, since) in _departed.ToList())
            {
                if (next.Contains(id) || timeProvider.GetElapsedTime(since, now) > DepartedMemory)
                {
                    _departed.Remove(id);
                }
            }

            _live = next;
            return left;
        }
    }

    /// <summary>True when <paramref name="proxyId"/> was live and left.</summary>
    public bool HasLeft(string proxyId)
    {
        lock (_lock)
        {
            return _departed.ContainsKey(proxyId);
        }
    }

    /// <summary>More tunnels are wanted: a live proxy holds fewer than its share, or fewer than one share are open in all.</summary>
    public bool NeedsTunnels(IReadOnlyDictionary<string, int> tunnels)
    {
        lock (_lock)
        {
            var total = tunnels.Where(t => !_departed.ContainsKey(t.Key)).Sum(t => t.Value);
            return total < perProxy || _live.Any(id => tunnels.GetValueOrDefault(id) < perProxy);
        }
    }

    /// <summary>Whether a new tunnel to <paramref name="proxyId"/> ("" for a proxy that said no id) is kept.</summary>
    public bool Keeps(string proxyId, IReadOnlyDictionary<string, int> tunnels) =>
        !HasLeft(proxyId) && tunnels.GetValueOrDefault(proxyId) < perProxy;

    /// <summary>The ids to name in <see cref="TunnelDefaults.SkipProxiesHeader"/>: those holding their share, and those that left.</summary>
    public IReadOnlyList<string> Skip(IReadOnlyDictionary<string, int> tunnels)
    {
        lock (_lock)
        {
            // Only ids a proxy could announce (the live set comes from elsewhere): nothing else may go into a header.
            var full = tunnels.Where(t => t.Value >= perProxy).Select(t => t.Key).Where(TunnelConnection.IsProxyId);
            var departed = _departed.OrderByDescending(d => d.Value).Select(d => d.Key).Where(TunnelConnection.IsProxyId).Take(MaxSkippedDeparted);
            return [.. full.Concat(departed).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
    }
}
