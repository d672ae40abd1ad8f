using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Client.Access;
using Ferry.Client.Caching;
using Ferry.Core.Resources;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Tunnel.Proxy;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy;

/// <summary>
/// The proxy's state: its own host identity towards auth, the cluster CAs to verify callers, and what it
/// tells clients before they log in. It keeps no state of its own, so several proxies can share one auth.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    public ProxyServer(ProxyServerOptions options, X509Certificate2 identity, CaResponse cas, StatusResponse status, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Time = time;
        LoggerFactory = loggerFactory;
        Tunnels = new TunnelServer(null, loggerFactory, time);
        Options = options;
        Identity = identity;
        Cas = cas;
        Status = status;
        var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
        Verifier = new IdentityVerifier(X509Certificate2.CreateFromPem(cas.UserCaPem), hostCa, time);
        AuthHttp = FerryHttp.CreateClient(options.AuthApiBase, new ServerTrust(false, hostCa), identity);
        Auth = new AuthClient(new ApiCaller(FerryHttp.CreateClient(options.AuthApiBase, new ServerTrust(false, hostCa), identity), "the auth server"));
        AppSessions = new WatchCache<AppSessionInfo>(
            NewAuthClient,
            AppSessionPrefix,
            async ct => (await Auth.ListAppSessionsAsync(ct)).Select(s => (AppSessionPrefix + s.SessionId, s)).ToList(),
            json => System.Text.Json.JsonSerializer.Deserialize<AppSessionInfo>(json, ApiJson.Options)!,
            loggerFactory.CreateLogger("Ferry.Proxy.AppSessions"));
        Roles = ClusterCaches.Roles(NewAuthClient, loggerFactory.CreateLogger("Ferry.Proxy.Roles"));
        AppServers = ClusterCaches.AppServers(NewAuthClient, loggerFactory.CreateLogger("Ferry.Proxy.AppServers"));
        Access = new AccessChecker(Roles);
    }

    /// <summary>Starts the caches and waits for their first load, so the first request is decided on real data.</summary>
    public async Task StartCachesAsync(CancellationToken cancellationToken)
    {
        AppSessions.Start();
        Roles.Start();
        AppServers.Start();
        await Task.WhenAll(AppSessions.Ready, Roles.Ready, AppServers.Ready).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    private const string AppSessionPrefix = "/app_sessions/";

    public TimeProvider Time { get; }
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Reverse tunnels of connected app agents.</summary>
    public TunnelServer Tunnels { get; }

    /// <summary>Live app sessions, kept current by auth's watch feed.</summary>
    public WatchCache<AppSessionInfo> AppSessions { get; }

    public WatchCache<Role> Roles { get; }

    /// <summary>What agents announce: the app definitions the proxy authorises requests against.</summary>
    public WatchCache<AppServer> AppServers { get; }

    public AccessChecker Access { get; }

    public AuthClient NewAuthClient() =>
        new(new ApiCaller(FerryHttp.CreateClient(Options.AuthApiBase, new ServerTrust(false, Verifier.HostCa), Identity), "the auth server"));

    /// <summary>Sends an audit event the proxy observed, off the request path.</summary>
    public void Emit(Core.Audit.AuditEvent auditEvent) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await Auth.EmitEventsAsync([auditEvent], CancellationToken.None);
            }
            catch (FerryException)
            {
                // Auth unreachable: the proxy's own log has the refusal.
            }
        });

    public ProxyServerOptions Options { get; }
    public X509Certificate2 Identity { get; }
    public CaResponse Cas { get; }
    public StatusResponse Status { get; }
    public IdentityVerifier Verifier { get; }

    /// <summary>Typed auth calls made as the proxy itself.</summary>
    public AuthClient Auth { get; }

    /// <summary>Raw client for forwarding calls made on behalf of a verified caller.</summary>
    public HttpClient AuthHttp { get; }

    public PingResponse Ping => new()
    {
        ClusterName = Status.ClusterName,
        ServerVersion = Status.Version,
        SecondFactor = Status.SecondFactor,
        ProxyPublicAddr = Options.PrimaryPublicAddr,
    };

    public async ValueTask DisposeAsync()
    {
        await AppSessions.DisposeAsync();
        await Roles.DisposeAsync();
        await AppServers.DisposeAsync();
        await Tunnels.DisposeAsync();
        Auth.Dispose();
        AuthHttp.Dispose();
    }
}
