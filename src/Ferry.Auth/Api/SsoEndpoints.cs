using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>
/// Single sign-on (docs/sso.md). Browsers and tsh reach these only through a proxy, which calls as itself: the proxy
/// owns the public callback URLs, the browser cookies and the address it vouches for.
/// </summary>
internal static class SsoEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var sso = api.Server.Sso;

        v1.MapGet("/sso/connectors", async (HttpContext http, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            return ApiResults.Json(await sso.ListAsync(ct));
        });

        v1.MapPost("/sso/console", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.Proxy);
            return ApiResults.Json(await sso.BeginConsoleAsync(await AuthApi.ReadJsonAsync<SsoConsoleLoginRequest>(http.Request, ct), caller.RemoteAddr, ct));
        });

        v1.MapPost("/sso/web", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.Proxy);
            var request = await AuthApi.ReadJsonAsync<SsoWebLoginRequest>(http.Request, ct);
            return ApiResults.Json(await sso.BeginWebAsync(request, request.RemoteAddr ?? caller.RemoteAddr, ct));
        });

        v1.MapPost("/sso/callback", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.Proxy);
            var callback = await AuthApi.ReadJsonAsync<SsoCallbackRequest>(http.Request, ct);
            // Only proxies reach this endpoint, so the browser address they report is theirs to vouch for.
            return ApiResults.Json(await sso.CompleteAsync(callback with { RemoteAddr = callback.RemoteAddr ?? caller.RemoteAddr }, ct));
        });
    }
}
