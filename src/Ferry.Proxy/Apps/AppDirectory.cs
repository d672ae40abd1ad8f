using System.Collections.Frozen;
using Ferry.Client.Caching;
using Ferry.Core.Resources;

namespace Ferry.Proxy.Apps;

/// <summary>
/// The announced apps indexed by name and by public host name, rebuilt only when the app-server cache changes:
/// every proxied request and every request on the proxy's host looks an app up, and scanning the cache each time
/// would copy it each time.
/// </summary>
public sealed class AppDirectory
{
    private readonly WatchCache<AppServer> _servers;
    private volatile Snapshot _snapshot = new(-1, FrozenDictionary<string, App>.Empty, FrozenDictionary<string, App>.Empty);

    public AppDirectory(WatchCache<AppServer> servers)
    {
        _servers = servers;
    }

    public App? ByName(string name) => Current().ByName.GetValueOrDefault(name);

    /// <summary>The app whose public address is this host (port ignored), if any.</summary>
    public App? ByHost(string host) => Current().ByHost.GetValueOrDefault(host);

    private Snapshot Current()
    {
        var version = _servers.Version;
        var snapshot = _snapshot;
        if (snapshot.Version == version)
        {
            return snapshot;
        }

        var apps = _servers.Values.Select(s => s.Spec.App).GroupBy(a => a.Name, StringComparer.Ordinal).Select(g => g.First()).ToList();
        snapshot = new Snapshot(
            version,
            apps.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal),
            apps.Where(a => !string.IsNullOrEmpty(a.Spec.PublicAddr))
                .GroupBy(a => a.Spec.PublicAddr.Split(':')[0], StringComparer.OrdinalIgnoreCase)
                .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase));
        _snapshot = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(long Version, FrozenDictionary<string, App> ByName, FrozenDictionary<string, App> ByHost);
}
