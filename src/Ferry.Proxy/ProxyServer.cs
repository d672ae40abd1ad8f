using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ferry.Cluster.Access;
using Ferry.Cluster.Caching;
using Ferry.Client.Http;
using Ferry.Cluster.Audit;
using Ferry.Cluster.Locks;
using Ferry.Core.Locks;
using Ferry.Hosting.Callers;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Tunnel.Proxy;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy;

/// <summary>
/// The proxy's state: its own host identity towards auth, the cluster CAs to verify callers, what it tells
/// clients before they log in, and read caches fed by auth's change feed. It writes nothing itself, so several
/// proxies can share one auth.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private const string AppSessionPrefix = "/app_sessions/";
    private const string WebSessionPrefix = "/web_sessions/";

    /// <summary>One connection pool to auth for everything the proxy sends there, as itself or for a caller.</summary>
    private readonly HttpMessageHandler _authHandler;
    private readonly Heartbeat.ProxyHeartbeatLoop _heartbeat;

    public ProxyServer(ProxyServerOptions options, CertificateSource identity, CaResponse cas, StatusResponse status, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Options = options;
        Identity = identity;
        Cas = cas;
        Status = status;
        Time = time;
        LoggerFactory = loggerFactory;
        var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
        Verifier = new IdentityVerifier(X509Certificate2.CreateFromPem(cas.UserCaPem), hostCa, time);
        // Auth is trusted only as Auth: the host CA also signs agents' and proxies' certificates.
        _authHandler = FerryHttp.CreateHandler(ServerTrust.ForAuth(hostCa), identity);
        AuthHttp = NewAuthHttp(null);
        Auth = NewAuthClient();
        Tunnels = new TunnelServer(null, loggerFactory, time);
        AppSessions = new WatchCache<AppSessionInfo>(
            NewAuthClient,
            AppSessionPrefix,
            async ct => (await Auth.ListAppSessionsAsync(ct)).Select(s => (AppSessionPrefix + s.SessionId, s)).ToList(),
            json => JsonSerializer.Deserialize<AppSessionInfo>(json, ApiJson.Options)!,
            loggerFactory.CreateLogger("Ferry.Proxy.AppSessions"));
        WebSessions = new WatchCache<WebSessionRecord>(
            NewAuthClient,
            WebSessionPrefix,
            async ct => (await Auth.ListWebSessionsAsync(ct)).Select(s => (WebSessionPrefix + s.Id, s)).ToList(),
            json => JsonSerializer.Deserialize<WebSessionRecord>(json, ApiJson.Options)!,
            loggerFactory.CreateLogger("Ferry.Proxy.WebSessions"));
        Roles = ClusterCaches.Roles(NewAuthClient, loggerFactory.CreateLogger("Ferry.Proxy.Roles"), time);
        AppServers = ClusterCaches.AppServers(NewAuthClient, loggerFactory.CreateLogger("Ferry.Proxy.AppServers"), time);
        Locks = ClusterCaches.Locks(NewAuthClient, loggerFactory.CreateLogger("Ferry.Proxy.Locks"), time);
        Revocations = ClusterCaches.Revocations(NewAuthClient, loggerFactory.CreateLogger("Ferry.Proxy.Revocations"), time);
        Access = new AccessChecker(Roles);
        Apps = new Apps.AppDirectory(AppServers, options.PublicAddrs);
        Gate = new ClusterGate(Locks, Revocations, [Roles, AppSessions, WebSessions, AppServers], time);
        Callers = new CallerAuthenticator(Verifier, Gate);
        Audit = new AuditBatcher(NewAuthClient(), loggerFactory.CreateLogger("Ferry.Proxy.Audit"), "proxy");
        var self = IdentityCodec.Decode(identity.Current);
        HostId = self.Username;
        _heartbeat = new Heartbeat.ProxyHeartbeatLoop(NewAuthClient, HostId, self.NodeName ?? HostId, options.PublicAddrs, loggerFactory.CreateLogger("Ferry.Proxy.Heartbeat"));
    }

    public ProxyServerOptions Options { get; }

    /// <summary>The proxy's host identity towards auth (renewed in the background).</summary>
    public CertificateSource Identity { get; }
    public CaResponse Cas { get; }
    public StatusResponse Status { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory LoggerFactory { get; }
    public IdentityVerifier Verifier { get; }

    /// <summary>Typed auth calls made as the proxy itself.</summary>
    public AuthClient Auth { get; }

    /// <summary>Raw client for forwarding calls made on behalf of a verified caller.</summary>
    public HttpClient AuthHttp { get; }

    /// <summary>Reverse tunnels of connected app agents.</summary>
    public TunnelServer Tunnels { get; }

    /// <summary>Live app sessions, kept current by auth's watch feed.</summary>
    public WatchCache<AppSessionInfo> AppSessions { get; }

    /// <summary>Signed-in browsers.</summary>
    public WatchCache<WebSessionRecord> WebSessions { get; }

    public WatchCache<Role> Roles { get; }

    /// <summary>What agents announce: the app definitions the proxy authorises requests against.</summary>
    public WatchCache<AppServer> AppServers { get; }

    public AccessChecker Access { get; }

    public WatchCache<AccessLock> Locks { get; }

    public WatchCache<UserRevocation> Revocations { get; }

    /// <summary>Locks, revocations and stale state: what every user request passes, and what cuts live ones.</summary>
    public ClusterGate Gate { get; }

    /// <summary>Events the proxy observes (refused app requests), sent to auth in batches.</summary>
    public AuditBatcher Audit { get; }

    /// <summary>Who is calling (the one caller rule shared with auth and agents).</summary>
    public CallerAuthenticator Callers { get; }

    /// <summary>Announced apps by name and by public host.</summary>
    public Apps.AppDirectory Apps { get; }

    public PingResponse Ping => new()
    {
        ClusterName = Status.ClusterName,
        ServerVersion = Status.Version,
        SecondFactor = Status.SecondFactor,
        ProxyPublicAddr = Options.PrimaryPublicAddr,
    };

    /// <summary>Every watch-fed cache of the proxy (readiness, metrics).</summary>
    public IReadOnlyList<IWatchCache> Caches => [AppSessions, WebSessions, Roles, AppServers, Locks, Revocations];

    /// <summary>This proxy's host id (the subject of its host certificate).</summary>
    public string HostId { get; }

    /// <summary>
    /// Starts the caches and waits for their first load, so the first request is decided on real data; then announces
    /// the proxy, so agents open tunnels to it.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var caches = new Func<Task>[] { StartAsync(AppSessions), StartAsync(WebSessions), StartAsync(Roles), StartAsync(AppServers), StartAsync(Locks), StartAsync(Revocations) };
        await Task.WhenAll(caches.Select(c => c())).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        await _heartbeat.StartAsync(cancellationToken);

        static Func<Task> StartAsync<T>(WatchCache<T> cache)
            where T : class => () =>
        {
            cache.Start();
            return cache.Ready;
        };
    }

    /// <summary>Auth calls as the proxy itself.</summary>
    public AuthClient NewAuthClient() => new(new ApiCaller(NewAuthHttp(null), "the auth server"));

    /// <summary>Auth calls on behalf of a user whose certificate the proxy holds (a signed-in browser); auth verifies it again.</summary>
    public AuthClient AuthClientFor(string userCertificatePem)
    {
        using var certificate = X509Certificate2.CreateFromPem(userCertificatePem);
        return new AuthClient(new ApiCaller(NewAuthHttp(Convert.ToBase64String(certificate.RawData)), "the auth server"));
    }

    private HttpClient NewAuthHttp(string? forwardedCertificate)
    {
        HttpMessageHandler handler = forwardedCertificate is null ? _authHandler : new ForwardCertificateHandler(_authHandler, forwardedCertificate);
        // Never dispose the handler with the client: underneath is the one shared pool, owned by this object.
        return new HttpClient(handler, disposeHandler: false)
        {
            BaseAddress = Options.AuthApiBase,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _heartbeat.DisposeAsync(); // agents drop this proxy now rather than when its heartbeat expires
        await AppSessions.DisposeAsync();
        await WebSessions.DisposeAsync();
        await Roles.DisposeAsync();
        await AppServers.DisposeAsync();
        await Locks.DisposeAsync();
        await Revocations.DisposeAsync();
        await Tunnels.DisposeAsync();
        await Audit.DisposeAsync();
        Auth.Dispose();
        AuthHttp.Dispose();
        _authHandler.Dispose();
    }

    /// <summary>Adds the caller's certificate to every request.</summary>
    private sealed class ForwardCertificateHandler(HttpMessageHandler inner, string certificate) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, certificate);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
