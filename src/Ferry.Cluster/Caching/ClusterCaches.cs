using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.Extensions.Logging;

namespace Ferry.Cluster.Caching;

/// <summary>The watch-fed caches cluster components keep, built one way.</summary>
public static class ClusterCaches
{
    public const string RolePrefix = "/roles/";
    public const string AppServerPrefix = "/app_servers/";

    public static WatchCache<Role> Roles(Func<AuthClient> client, ILogger logger, TimeProvider? time = null) => new(
        client,
        RolePrefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListRolesAsync(ct)).Select(r => (RolePrefix + r.Name, r)).ToList();
        },
        json => ResourceJson.Deserialize<Role>(json.GetRawText()),
        logger,
        time);

    public static WatchCache<AppServer> AppServers(Func<AuthClient> client, ILogger logger, TimeProvider? time = null) => new(
        client,
        AppServerPrefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListAppServersAsync(ct)).Select(s => (AppServerPrefix + s.Spec.App.Name + "/" + s.Spec.HostId, s)).ToList();
        },
        json => ResourceJson.Deserialize<AppServer>(json.GetRawText()),
        logger,
        time);

    public static WatchCache<AccessLock> Locks(Func<AuthClient> client, ILogger logger, TimeProvider? time = null) => new(
        client,
        LockKeys.LockPrefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListLocksAsync(ct)).Select(l => (LockKeys.LockKey(l.Name), l)).ToList();
        },
        json => ResourceJson.Deserialize<AccessLock>(json.GetRawText()),
        logger,
        time);

    public static WatchCache<UserRevocation> Revocations(Func<AuthClient> client, ILogger logger, TimeProvider? time = null) => new(
        client,
        LockKeys.RevocationPrefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListRevocationsAsync(ct)).Select(r => (LockKeys.RevocationKey(r.User), r)).ToList();
        },
        json => json.Deserialize<UserRevocation>(ApiJson.Options)!,
        logger,
        time);

    /// <summary>The proxies' heartbeats: agents hold a tunnel to each live one (docs/deploy-ha.md).</summary>
    public static WatchCache<ProxyHeartbeat> Proxies(Func<AuthClient> client, ILogger logger, TimeProvider? time = null) => new(
        client,
        ProxyHeartbeat.Prefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListProxiesAsync(ct)).Select(p => (ProxyHeartbeat.Prefix + p.HostId, p)).ToList();
        },
        json => json.Deserialize<ProxyHeartbeat>(ApiJson.Options)!,
        logger,
        time);

    /// <summary>
    /// The ids of proxies whose heartbeat has not expired. Filtered here as well as by the feed: an expired
    /// heartbeat whose removal has not arrived yet must not keep an agent dialling a proxy that is gone.
    /// </summary>
    public static IReadOnlySet<string> LiveProxyIds(WatchCache<ProxyHeartbeat> proxies, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return proxies.Values.Where(p => p.Expires is null || p.Expires > now).Select(p => p.HostId).ToHashSet(StringComparer.Ordinal);
    }
}
