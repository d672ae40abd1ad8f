using Ferry.Core.Api;
using Ferry.Hosting;
using Ferry.Hosting.Callers;
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
    /// <param name="auth">The raw client to auth that forwarded calls go through.</param>
    public static void Map(IEndpointRouteBuilder app, PingResponse ping, CaResponse cas, HttpClient auth, CallerAuthenticator callers)
    {
        var web = app.MapGroup("/v1/webapi");
        web.MapGet("/ping", () => ApiResults.Json(ping));
        web.MapGet("/cas", () => ApiResults.Json(cas));
        web.MapPost("/login", (HttpContext http) => AuthForwarder.ForwardAsync(http, auth, "login", null));
        // tsh login --auth=NAME: the connectors, and the start of a login whose result goes to tsh's loopback listener.
        web.MapGet("/sso/connectors", (HttpContext http) => AuthForwarder.ForwardAsync(http, auth, "sso/connectors", null));
        web.MapPost("/sso/console", (HttpContext http) => AuthForwarder.ForwardAsync(http, auth, "sso/console", null));
        web.MapPost("/join", (HttpContext http) => AuthForwarder.ForwardAsync(http, auth, "join", null));
        web.MapGet("/signup/{token}", (HttpContext http, string token) => AuthForwarder.ForwardAsync(http, auth, "signup/" + Uri.EscapeDataString(token), null));
        web.MapPost("/signup/{token}", (HttpContext http, string token) => AuthForwarder.ForwardAsync(http, auth, "signup/" + Uri.EscapeDataString(token), null));

        app.Map("/v1/auth/{**rest}", async (HttpContext http, string? rest) =>
        {
            // Users (tctl after tsh login) and agents reach auth here; a locked or revoked user is refused at once.
            var caller = callers.Authenticate(http);
            await AuthForwarder.ForwardAsync(http, auth, rest ?? "", caller.CertificateDer);
        });
    }
}
