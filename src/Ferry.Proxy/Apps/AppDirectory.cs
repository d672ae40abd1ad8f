using System.Collections.Frozen;
using Ferry.Cluster.Caching;
using Ferry.Core.Apps;
using Ferry.Core.Resources;

namespace Ferry.Proxy.Apps;

/// <summary>
/// The announced apps, as auth validated them (the app-server cache), indexed by name, by public host name and by the
/// agents that serve them. Routing comes from here, never from what an agent says of itself on its tunnel. Rebuilt only
/// when the cache changes: every proxied request looks an app up.
/// </summary>
public sealed class AppDirectory
{
    private readonly WatchCache<AppServer> _servers;
    private readonly FrozenSet<string> _ownHosts;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <param name="proxyPublicAddrs">This proxy's public addresses: their hosts always belong to the proxy itself.</param>
    public AppDirectory(WatchCache<AppServer> servers, IEnumerable<string> proxyPublicAddrs)
    {
        _servers = servers;
        _ownHosts = proxyPublicAddrs.Select(AppNaming.HostOf).Append("localhost").ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    public App? ByName(string name) => Current().ByName.GetValueOrDefault(name);

    /// <summary>The app whose public address is this host (port ignored); never one for the proxy's own hosts.</summary>
    public App? ByHost(string host) => _ownHosts.Contains(host) ? null : Current().ByHost.GetValueOrDefault(host);

    /// <summary>Host ids of the agents auth accepted as serving <paramref name="appName"/>.</summary>
    public IReadOnlyList<string> AgentsFor(string appName) => Current().Agents.GetValueOrDefault(appName) ?? [];

    private Snapshot Current()
    {
        var version = _servers.Version;
        var snapshot = _snapshot;
        if (snapshot.Version == version)
        {
            return snapshot;
        }

        var servers = _servers.Values.ToList();
        var apps = servers.Select(s => s.Spec.App).GroupBy(a => a.Name, StringComparer.Ordinal).Select(g => g.First()).ToList();
        snapshot = new Snapshot(
            version,
            apps.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal),
            apps.Where(a => !string.IsNullOrEmpty(a.Spec.PublicAddr))
                .GroupBy(a => AppNaming.HostOf(a.Spec.PublicAddr), StringComparer.OrdinalIgnoreCase)
                .Where(g => !_ownHosts.Contains(g.Key))
                .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase),
            servers.GroupBy(s => s.Spec.App.Name, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(s => s.Spec.HostId).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal));
        _snapshot = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(
        long Version,
        FrozenDictionary<string, App> ByName,
        FrozenDictionary<string, App> ByHost,
        FrozenDictionary<string, IReadOnlyList<string>> Agents)
    {
        public static readonly Snapshot Empty = new(
            -1, FrozenDictionary<string, App>.Empty, FrozenDictionary<string, App>.Empty, FrozenDictionary<string, IReadOnlyList<string>>.Empty);
    }
}
