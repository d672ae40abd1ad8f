using Ferry.Client.Http;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.Extensions.Logging;

namespace Ferry.Client.Caching;

/// <summary>The watch-fed caches cluster components keep, built one way.</summary>
public static class ClusterCaches
{
    public const string RolePrefix = "/roles/";
    public const string AppServerPrefix = "/app_servers/";

    public static WatchCache<Role> Roles(Func<AuthClient> client, ILogger logger) => new(
        client,
        RolePrefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListRolesAsync(ct)).Select(r => (RolePrefix + r.Name, r)).ToList();
        },
        json => ResourceJson.Deserialize<Role>(json.GetRawText()),
        logger);

    public static WatchCache<AppServer> AppServers(Func<AuthClient> client, ILogger logger) => new(
        client,
        AppServerPrefix,
        async ct =>
        {
            using var api = client();
            return (await api.ListAppServersAsync(ct)).Select(s => (AppServerPrefix + s.Spec.App.Name + "/" + s.Spec.HostId, s)).ToList();
        },
        json => ResourceJson.Deserialize<AppServer>(json.GetRawText()),
        logger);
}
