using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

/// <summary>Browser sessions, created and ended by the proxy's web UI.</summary>
internal static class WebSessionEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapPost("/web_sessions", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.Proxy);
            var request = await AuthApi.ReadJsonAsync<CreateWebSessionRequest>(http.Request, ct);
            // Only proxies reach this endpoint, so the browser address they report is theirs to vouch for.
            return ApiResults.Json(await server.WebSessions.CreateAsync(request, request.RemoteAddr ?? caller.RemoteAddr, ct));
        });

        v1.MapGet("/web_sessions", async (HttpContext http, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            return ApiResults.Json(await server.WebSessions.ListAsync(ct));
        });

        v1.MapGet("/web_sessions/{id}", async (HttpContext http, string id, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            return ApiResults.Json(await server.WebSessions.GetAsync(id, ct));
        });

        v1.MapDelete("/web_sessions/{id}", async (HttpContext http, string id, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            await server.WebSessions.DeleteAsync(id, ct);
            return Results.NoContent();
        });
    }
}
