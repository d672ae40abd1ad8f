using Ferry.Core.Resources;
using Ferry.Hosting;
using Ferry.Hosting.Callers;
using Ferry.Tunnel;
using Ferry.Tunnel.Proxy;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Apps;

/// <summary>
/// Sorts the proxy's traffic before routing: agents dialing the tunnel, and requests carrying an app
/// certificate (tsh local proxies) go their own ways; browsers on an app's host go to that app; everything else,
/// and always everything for the proxy's own host names, falls through to the proxy's own endpoints.
/// </summary>
internal sealed class AppTrafficMiddleware
{
    private readonly CallerAuthenticator _callers;
    private readonly TunnelServer _tunnels;
    private readonly AppRequestForwarder _forwarder;
    private readonly BrowserAppHandler _browser;

    public AppTrafficMiddleware(CallerAuthenticator callers, TunnelServer tunnels, AppRequestForwarder forwarder, BrowserAppHandler browser)
    {
        _callers = callers;
        _tunnels = tunnels;
        _forwarder = forwarder;
        _browser = browser;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var check = _callers.Check(context);
        if (context.Request.Path.Equals(TunnelDefaults.Path, StringComparison.Ordinal))
        {
            if (check.Caller is not { } agent || check.Refusal is not null || !agent.Identity.HasSystemRole(SystemRoles.App))
            {
                await ApiResults.WriteErrorAsync(context, Core.Errors.ErrorKind.AccessDenied, check.Refusal?.Message ?? "the app tunnel needs an app service host certificate");
                return;
            }

            // What the agent may serve is decided from auth's validated app-server records at each request (AppDirectory),
            // so nothing the agent sends on its tunnel request (its "services" hint) matters here.
            await _tunnels.AcceptAsync(context, new TunnelPeer { AgentId = agent.Identity.Username, Services = [] });
            return;
        }

        if (check.Caller is { } user && user.Identity.RouteToApp is not null && !user.Identity.IsHost && !IsWarmUp(context.Request))
        {
            await _forwarder.ForwardAsync(context, user, check.Refusal);
            return;
        }

        if (_browser.AppForHost(context.Request.Host.Host) is { } app)
        {
            await _browser.HandleAsync(context, app);
            return;
        }

        if (check.Refusal is not null && context.Request.Headers.Authorization.ToString().StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal))
        {
            // An AWS client whose app certificate no longer verifies (expired): say so rather than a web API 404.
            await _forwarder.RejectAsync(context, check.Refusal);
            return;
        }

        await next(context);
    }

    /// <summary>tsh opens its connection early with an unsigned GET of the public ping; that one is the proxy's own, not the app's.</summary>
    private static bool IsWarmUp(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Equals("/v1/webapi/ping", StringComparison.Ordinal) && request.Headers.Authorization.Count == 0;
}
