using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>Host identities: renewal before expiry (agents and proxies call it themselves; joins go through /join).</summary>
internal static class HostEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        v1.MapPost("/hosts/renew", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.App, SystemRoles.Proxy);
            var request = await AuthApi.ReadJsonAsync<RenewHostRequest>(http.Request, ct);
            return ApiResults.Json(await api.Server.Hosts.RenewAsync(caller.Identity, request.PublicKey, ct));
        });
    }
}
