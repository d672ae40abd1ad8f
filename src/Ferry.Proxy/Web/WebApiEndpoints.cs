using Ferry.Hosting;
using Ferry.Core.Errors;
using Ferry.Proxy.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Proxy.Web;

/// <summary>
/// The proxy's public API under /v1/webapi (reachable without a certificate) and the /v1/auth/ passthrough
/// that lets tctl on a laptop, signed in with tsh, reach the auth API.
/// </summary>
internal static class WebApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ProxyServer proxy)
    {
        var web = app.MapGroup("/v1/webapi");
        web.MapGet("/ping", () => ApiResults.Json(proxy.Ping));
        web.MapGet("/cas", () => ApiResults.Json(proxy.Cas));
        web.MapPost("/login", (HttpContext http) => AuthForwarder.ForwardAsync(http, proxy.AuthHttp, "login", null));
        web.MapPost("/join", (HttpContext http) => AuthForwarder.ForwardAsync(http, proxy.AuthHttp, "join", null));
        web.MapGet("/signup/{token}", (HttpContext http, string token) => AuthForwarder.ForwardAsync(http, proxy.AuthHttp, "signup/" + Uri.EscapeDataString(token), null));
        web.MapPost("/signup/{token}", (HttpContext http, string token) => AuthForwarder.ForwardAsync(http, proxy.AuthHttp, "signup/" + Uri.EscapeDataString(token), null));

        app.Map("/v1/auth/{**rest}", async (HttpContext http, string? rest) =>
        {
            // Users (tctl after tsh login) and agents reach auth here; a locked or revoked user is refused at once.
            var caller = proxy.Callers.Authenticate(http);
            await AuthForwarder.ForwardAsync(http, proxy.AuthHttp, rest ?? "", caller.CertificateDer);
        });
    }
}
