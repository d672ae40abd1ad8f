using Ferry.Client.Http;
using Ferry.Cluster.Caching;
using Ferry.Cluster.Locks;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Core.Security;
using Ferry.Hosting;
using Ferry.Hosting.Callers;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Http;

using Ferry.Proxy.Caching;

namespace Ferry.Proxy.Apps;

/// <summary>
/// Browser traffic on an app's own host name (&lt;app&gt;.&lt;proxy host&gt;, docs/aws-access.md §3):
/// <code>
///   GET /x-ferry-auth?token=ID.TOKEN → auth redeems the one-time token → Set-Cookie __Host-ferry_app → 303 /
///   any request with a valid app cookie → the agent, with the app session's certificate (the console sign-in)
///   anything else → the proxy's launch page (sign in first if needed)
/// </code>
/// The token leaves the URL at once (the 303), and the only redirect targets are fixed paths: no open redirect.
/// </summary>
internal sealed class BrowserAppHandler
{
    private readonly AppDirectory _apps;
    private readonly CacheOrAuth<AppSessionInfo> _sessions;
    private readonly AuthClient _auth;
    private readonly IdentityVerifier _verifier;
    private readonly ClusterGate _gate;
    private readonly string _publicAddr;
    private readonly TimeProvider _time;
    private readonly AppRequestForwarder _forwarder;

    /// <param name="auth">Auth as the proxy itself: redeems launch tokens, reads sessions the feed has not brought yet.</param>
    /// <param name="publicAddr">The proxy's primary public address: launch pages are built from it, never from agents' data.</param>
    public BrowserAppHandler(
        AppDirectory apps, WatchCache<AppSessionInfo> sessions, AuthClient auth, IdentityVerifier verifier, ClusterGate gate, string publicAddr, TimeProvider time,
        AppRequestForwarder forwarder)
    {
        _apps = apps;
        // Just exchanged: the change feed may not have brought the cookie's hash yet.
        _sessions = new CacheOrAuth<AppSessionInfo>(sessions, "/app_sessions/", auth.GetAppSessionAsync, time, complete: session => session.CookieHash is not null);
        _auth = auth;
        _verifier = verifier;
        _gate = gate;
        _publicAddr = publicAddr;
        _time = time;
        _forwarder = forwarder;
    }

    /// <summary>The app served at this host name, if the host is an app's public address.</summary>
    public App? AppForHost(string host) => _apps.ByHost(host);

    public async Task HandleAsync(HttpContext context, App app)
    {
        if (context.Request.Path.Equals(AppCookies.ExchangePath, StringComparison.Ordinal))
        {
            try
            {
                await ExchangeAsync(context, app);
            }
            catch (FerryException e) when (e.Kind is ErrorKind.AccessDenied or ErrorKind.BadParameter or ErrorKind.NotFound)
            {
                // A used, expired or foreign link: start over from the launch page rather than show raw JSON.
                context.Response.Redirect(LaunchPage(app));
            }

            return;
        }

        var session = await FindSessionAsync(context.Request.Cookies[AppCookies.AppSession], app, context.RequestAborted);
        if (session?.CertPem is not { } pem)
        {
            context.Response.Redirect(LaunchPage(app));
            return;
        }

        // The session's app certificate acts for the browser: verified (from the verifier's cache by hash) and gated like
        // any app certificate, so a lock or revocation refuses the browser's next request too.
        var der = CertificatePem.ToDer(pem);
        var identity = _verifier.Verify(der);
        await _forwarder.ForwardAsync(context, new Caller(identity, der, context.Connection.RemoteIpAddress?.ToString(), ViaProxy: true), _gate.Refusal(identity));
    }

    private async Task ExchangeAsync(HttpContext context, App app)
    {
        if (!Secrets.TrySplit(context.Request.Query["token"], out var sessionId, out var token))
        {
            throw FerryException.BadParameter("this launch link is malformed; launch the app again from the Applications page");
        }

        var redeemed = await _auth.ExchangeAppSessionAsync(new ExchangeAppSessionRequest { SessionId = sessionId, Token = token }, context.RequestAborted);
        if (redeemed.AppName != app.Name)
        {
            throw FerryException.AccessDenied("this launch link belongs to another app; launch the app again from the Applications page");
        }

        context.Response.Cookies.Append(AppCookies.AppSession, redeemed.SessionId + "." + redeemed.Secret, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
        });
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/";
    }

    private async Task<AppSessionInfo?> FindSessionAsync(string? cookie, App app, CancellationToken cancellationToken)
    {
        if (!Secrets.TrySplit(cookie, out var sessionId, out var secret))
        {
            return null;
        }

        var session = await _sessions.FindAsync(sessionId, cancellationToken);
        return session is not null && session.AppName == app.Name && Secrets.Matches(secret, session.CookieHash) && session.Expires > _time.GetUtcNow()
            ? session
            : null;
    }

    private string LaunchPage(App app) => $"https://{_publicAddr}/web/apps/{Uri.EscapeDataString(app.Name)}/launch";
}
