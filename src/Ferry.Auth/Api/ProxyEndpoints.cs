using Ferry.Auth.Storage;
using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Ferry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>Proxies announce themselves; agents read the live set to hold a tunnel to each (docs/deploy-ha.md).</summary>
internal static class ProxyEndpoints
{
    /// <summary>As app servers: renewed every 20 s, gone 60 s after the last one.</summary>
    private static readonly TimeSpan HeartbeatTtl = TimeSpan.FromSeconds(60);

    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapPut("/proxies", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.Proxy);
            var announced = await AuthApi.ReadJsonAsync<ProxyHeartbeat>(http.Request, ct);
            var heartbeat = announced with { HostId = caller.Identity.Username, Expires = server.Time.GetUtcNow() + HeartbeatTtl };
            await server.Backend.PutAsync(Item.Create(ProxyHeartbeat.Prefix + heartbeat.HostId, StoredJson.Serialize(heartbeat), heartbeat.Expires), ct);
            return ApiResults.Json(heartbeat);
        });

        v1.MapDelete("/proxies", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.Proxy);
            await server.Backend.AtomicWriteAsync([], [new WriteAction.Delete(ProxyHeartbeat.Prefix + caller.Identity.Username)], ct);
            return Results.NoContent();
        });

        v1.MapGet("/proxies", async (HttpContext http, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy, SystemRoles.App);
            var (start, end) = KeyRange.Prefix(ProxyHeartbeat.Prefix);
            var items = await server.Backend.GetRangeAsync(start, end, 0, ct);
            return ApiResults.Json(items.Select(i => StoredJson.Deserialize<ProxyHeartbeat>(i.Value)).ToList());
        });
    }
}
