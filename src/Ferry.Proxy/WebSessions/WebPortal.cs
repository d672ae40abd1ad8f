using System.Globalization;
using System.Security.Cryptography;
using Ferry.Cluster.Caching;
using Ferry.Cluster.Locks;
using Ferry.Core.Api;
using Ferry.Core.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Security;
using Ferry.Proxy.Apps;
using Ferry.Proxy.Auth;

using Ferry.Proxy.Caching;

namespace Ferry.Proxy.WebSessions;

/// <summary>
/// The web UI's backend. Sessions live in auth (so any proxy can serve any browser); this proxy reads them from
/// its watch-fed cache and acts for a browser by forwarding the session's user certificate, which auth verifies
/// and authorises like any tsh call. Keys generated here for web and app sessions are thrown away: the proxy
/// only ever forwards certificates.
/// </summary>
internal sealed class WebPortal : IWebPortal
{
    private readonly AuthGateway _auth;
    private readonly CacheOrAuth<WebSessionRecord> _webSessions;
    private readonly AppDirectory _apps;
    private readonly IdentityVerifier _verifier;
    private readonly ClusterGate _gate;
    private readonly string _publicAddr;
    private readonly TimeProvider _time;

    /// <param name="publicAddr">The proxy's primary public address: launch links use its port.</param>
    public WebPortal(
        AuthGateway auth, WatchCache<WebSessionRecord> webSessions, AppDirectory apps, IdentityVerifier verifier, ClusterGate gate, string publicAddr,
        PingResponse ping, TimeProvider time)
    {
        _auth = auth;
        // Right after sign-in the feed may not have brought the session yet; a forged cookie costs one auth call.
        _webSessions = new CacheOrAuth<WebSessionRecord>(webSessions, "/web_sessions/", auth.Auth.GetWebSessionAsync, time);
        _apps = apps;
        _verifier = verifier;
        _gate = gate;
        _publicAddr = publicAddr;
        Ping = ping;
        _time = time;
    }

    public PingResponse Ping { get; }

    public async Task<WebSession> SignInAsync(string user, string password, string? otpCode, string? remoteAddr, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var created = await _auth.Auth.CreateWebSessionAsync(
            new CreateWebSessionRequest { User = user, Password = password, OtpCode = otpCode, PublicKey = key.ExportSubjectPublicKeyInfoPem(), RemoteAddr = remoteAddr },
            cancellationToken);
        return ToSession(created.Session, created.Session.Id + "." + created.Secret);
    }

    public Task<SsoConnectorsResponse> ListConnectorsAsync(CancellationToken cancellationToken) => _auth.Auth.ListSsoConnectorsAsync(cancellationToken);

    public async Task<Uri> StartSsoAsync(string kind, string connector, string? returnTo, string browserBinding, string? remoteAddr, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var started = await _auth.Auth.BeginWebSsoAsync(
            new SsoWebLoginRequest
            {
                Kind = kind,
                Connector = connector,
                PublicKey = key.ExportSubjectPublicKeyInfoPem(),
                BrowserBindingHash = Secrets.Hash(browserBinding),
                ReturnTo = returnTo,
                ProxyAddr = _publicAddr,
                RemoteAddr = remoteAddr,
            },
            cancellationToken);
        return new Uri(started.RedirectUrl);
    }

    public async Task<SsoOutcome> CompleteSsoAsync(string kind, string? connector, IReadOnlyDictionary<string, string> parameters, string? browserBinding,
        string? remoteAddr, CancellationToken cancellationToken)
    {
        var result = await _auth.Auth.CompleteSsoAsync(
            new SsoCallbackRequest { Kind = kind, Connector = connector, Parameters = parameters, BrowserBinding = browserBinding, RemoteAddr = remoteAddr },
            cancellationToken);
        if (result.ClientRedirectUrl is { } client)
        {
            // Auth built it from a URL it checked to be loopback (src/Ferry.Core/Sso/SsoClientRedirect.cs); check again here.
            var target = new Uri(client);
            return Core.Sso.SsoClientRedirect.TryParse(target.GetLeftPart(UriPartial.Path), out _, out _)
                ? new SsoOutcome(target, null, null)
                : throw FerryException.AccessDenied("the login's client address is not on this machine's loopback");
        }

        var created = result.WebSession ?? throw FerryException.Unavailable("auth finished the login without a session");
        return new SsoOutcome(null, ToSession(created.Session, created.Session.Id + "." + created.Secret), result.ReturnTo);
    }

    public async Task<WebSession?> FindSessionAsync(string? cookieValue, CancellationToken cancellationToken)
    {
        if (!Secrets.TrySplit(cookieValue, out var id, out var secret))
        {
            return null;
        }

        var record = await _webSessions.FindAsync(id, cancellationToken);
        if (record is null || !Secrets.Matches(secret, record.SecretHash) || record.Expires <= _time.GetUtcNow())
        {
            return null;
        }

        // A locked user's browser is told why (the lock's message) on every page; stale cluster state refuses too.
        if (_gate.Refusal(Identity(record)) is { } refusal)
        {
            throw refusal;
        }

        return ToSession(record, cookieValue!);
    }

    public async Task SignOutAsync(WebSession session, CancellationToken cancellationToken)
    {
        try
        {
            await _auth.Auth.DeleteWebSessionAsync(session.Id, cancellationToken);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.NotFound)
        {
            // Already gone (expired): signed out either way.
        }
    }

    public async Task<IReadOnlyList<AppInfo>> ListAppsAsync(WebSession session, CancellationToken cancellationToken)
    {
        using var auth = await ActAsAsync(session, cancellationToken);
        return await auth.ListAppsAsync(cancellationToken);
    }

    public async Task<Uri> LaunchAsync(WebSession session, string appName, string? awsRoleArn, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var auth = await ActAsAsync(session, cancellationToken);
        var created = await auth.CreateAppSessionAsync(
            new CreateAppSessionRequest { AppName = appName, AwsRoleArn = awsRoleArn, PublicKey = key.ExportSubjectPublicKeyInfoPem(), WebSessionId = session.Id },
            cancellationToken);

        // The launch URL is built here, from this proxy's own port and the app's host as auth validated it (the app-server
        // cache), never from anything an agent wrote; and never on a host of the proxy itself.
        var host = _apps.ByName(appName) is { } app && !string.IsNullOrEmpty(app.Spec.PublicAddr) ? AppNaming.HostOf(app.Spec.PublicAddr) : null;
        if (created.ExchangeToken is null || host is null || _apps.ByHost(host) is null)
        {
            throw FerryException.Unavailable($"app \"{appName}\" has no public address this proxy serves; check its public_addr (tctl apps ls)");
        }

        // The app lives on its own host name (<app>.<proxy host>), served by this proxy on its public port.
        var port = PublicPort();
        var authority = port is null or 443 ? host : $"{host}:{port.Value.ToString(CultureInfo.InvariantCulture)}";
        return new Uri($"https://{authority}{AppCookies.ExchangePath}?token={Uri.EscapeDataString(created.ExchangeToken)}");
    }

    public async Task<AuditEventsResponse> SearchEventsAsync(WebSession session, AuditSearch search, CancellationToken cancellationToken)
    {
        using var auth = await ActAsAsync(session, cancellationToken);
        var filter = new AuditEventsFilter
        {
            Since = search.Since,
            Types = string.IsNullOrWhiteSpace(search.Type) ? [] : [search.Type.Trim()],
            User = string.IsNullOrWhiteSpace(search.User) ? null : search.User.Trim(),
            Services = search.Service is null ? [] : [search.Service],
            Operations = search.Operation is null ? [] : [search.Operation],
        };
        return await auth.SearchEventsAsync(filter, search.Limit, search.Cursor, cancellationToken);
    }

    public Task<SignupInfoResponse> GetSignupAsync(string token, CancellationToken cancellationToken) =>
        _auth.Auth.GetSignupAsync(token, cancellationToken);

    public async Task<string> CompleteSignupAsync(string token, string password, string? otpCode, CancellationToken cancellationToken) =>
        (await _auth.Auth.CompleteSignupAsync(token, new CompleteSignupRequest { Password = password, OtpCode = otpCode }, cancellationToken)).User;

    private async Task<Client.Http.AuthClient> ActAsAsync(WebSession session, CancellationToken cancellationToken)
    {
        var record = await _webSessions.FindAsync(session.Id, cancellationToken)
            ?? throw FerryException.AccessDenied("your session has ended; sign in again");
        if (_gate.Refusal(Identity(record)) is { } refusal)
        {
            throw refusal;
        }

        return _auth.For(record.CertPem);
    }

    /// <summary>The identity the session's certificate carries (verified once, then from the verifier's cache by hash).</summary>
    private Core.Identity.FerryIdentity Identity(WebSessionRecord record) => _verifier.Verify(Core.Identity.CertificatePem.ToDer(record.CertPem));

    private int? PublicPort()
    {
        var address = _publicAddr;
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address[(colon + 1)..], CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    private static WebSession ToSession(WebSessionRecord record, string cookieValue) => new()
    {
        Id = record.Id,
        User = record.User,
        Roles = record.Roles,
        Expires = record.Expires,
        CookieValue = cookieValue,
        CsrfToken = record.CsrfToken,
        CanReadAudit = record.CanReadAudit,
    };
}
