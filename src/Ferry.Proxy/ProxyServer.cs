using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ferry.Cluster.Access;
using Ferry.Cluster.Audit;
using Ferry.Cluster.Caching;
using Ferry.Cluster.Locks;
using Ferry.Core.Api;
using Ferry.Core.Diagnostics;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Hosting.Callers;
using Ferry.Proxy.Apps;
using Ferry.Proxy.Auth;
using Ferry.Proxy.Heartbeat;
using Ferry.Tunnel.Proxy;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy;

/// <summary>
/// The proxy's state, built once: its host identity towards auth, the cluster CAs to verify callers, what it tells
/// clients before they log in, and read caches fed by auth's change feed. It writes nothing itself, so several proxies
/// share one auth. The components of its listener are wired in <see cref="Hosting.ProxyHost"/>, each given only the
/// pieces it uses; outside this assembly the proxy is started, watched (caches, host id) and stopped.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private const string AppSessionPrefix = "/app_sessions/";
    private const string WebSessionPrefix = "/web_sessions/";

    private readonly ProxyHeartbeatLoop _heartbeat;
    private readonly IDisposable _metrics;

    public ProxyServer(ProxyServerOptions options, CertificateSource identity, CaResponse cas, StatusResponse status, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Options = options;
        Cas = cas;
        ClusterName = status.ClusterName;
        Ping = new PingResponse
        {
            ClusterName = status.ClusterName,
            ServerVersion = status.Version,
            SecondFactor = status.SecondFactor,
            ProxyPublicAddr = options.PrimaryPublicAddr,
        };
        Time = time;
        LoggerFactory = loggerFactory;
        var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
        Verifier = new IdentityVerifier(X509Certificate2.CreateFromPem(cas.UserCaPem), hostCa, time);
        AuthGateway = new AuthGateway(options.AuthApiBase, hostCa, identity);
        var auth = AuthGateway.Auth;
        AppSessions = new WatchCache<AppSessionInfo>(
            AuthGateway.NewClient,
            AppSessionPrefix,
            async ct => (await auth.ListAppSessionsAsync(ct)).Select(s => (AppSessionPrefix + s.SessionId, s)).ToList(),
            json => JsonSerializer.Deserialize<AppSessionInfo>(json, ApiJson.Options)!,
            loggerFactory.CreateLogger("Ferry.Proxy.AppSessions"),
            time);
        WebSessions = new WatchCache<WebSessionRecord>(
            AuthGateway.NewClient,
            WebSessionPrefix,
            async ct => (await auth.ListWebSessionsAsync(ct)).Select(s => (WebSessionPrefix + s.Id, s)).ToList(),
            json => JsonSerializer.Deserialize<WebSessionRecord>(json, ApiJson.Options)!,
            loggerFactory.CreateLogger("Ferry.Proxy.WebSessions"),
            time);
        Roles = ClusterCaches.Roles(AuthGateway.NewClient, loggerFactory.CreateLogger("Ferry.Proxy.Roles"), time);
        AppServers = ClusterCaches.AppServers(AuthGateway.NewClient, loggerFactory.CreateLogger("Ferry.Proxy.AppServers"), time);
        Locks = ClusterCaches.Locks(AuthGateway.NewClient, loggerFactory.CreateLogger("Ferry.Proxy.Locks"), time);
        Revocations = ClusterCaches.Revocations(AuthGateway.NewClient, loggerFactory.CreateLogger("Ferry.Proxy.Revocations"), time);
        Access = new AccessChecker(Roles);
        Apps = new AppDirectory(AppServers, options.PublicAddrs);
        Gate = new ClusterGate(Locks, Revocations, [Roles, AppSessions, WebSessions, AppServers], time);
        Callers = new CallerAuthenticator(Verifier, Gate);
        Audit = new AuditBatcher(AuthGateway.NewClient(), loggerFactory.CreateLogger("Ferry.Proxy.Audit"), "proxy");
        var self = IdentityCodec.Decode(identity.Current);
        HostId = self.Username;
        Tunnels = new TunnelServer(new TunnelServerOptions { ProxyId = HostId }, loggerFactory, time);
        _metrics = FerryMetrics.Observe(() => [FerryMetrics.State("proxy_agents", Tunnels.ConnectedAgents)]);
        _heartbeat = new ProxyHeartbeatLoop(AuthGateway.NewClient, HostId, self.NodeName ?? HostId, options.PublicAddrs, loggerFactory.CreateLogger("Ferry.Proxy.Heartbeat"));
    }

    /// <summary>This proxy's host id (the subject of its host certificate).</summary>
    public string HostId { get; }

    /// <summary>Every watch-fed cache of the proxy (readiness, metrics).</summary>
    public IReadOnlyList<IWatchCache> Caches => [AppSessions, WebSessions, Roles, AppServers, Locks, Revocations];

    internal ProxyServerOptions Options { get; }
    internal CaResponse Cas { get; }
    internal string ClusterName { get; }
    internal PingResponse Ping { get; }
    internal TimeProvider Time { get; }
    internal ILoggerFactory LoggerFactory { get; }
    internal IdentityVerifier Verifier { get; }
    internal AuthGateway AuthGateway { get; }

    /// <summary>Reverse tunnels of connected app agents.</summary>
    internal TunnelServer Tunnels { get; }

    /// <summary>Live app sessions, kept current by auth's watch feed.</summary>
    internal WatchCache<AppSessionInfo> AppSessions { get; }

    /// <summary>Signed-in browsers.</summary>
    internal WatchCache<WebSessionRecord> WebSessions { get; }

    internal WatchCache<Role> Roles { get; }

    /// <summary>What agents announced and auth accepted: the app definitions the proxy authorises and routes against.</summary>
    internal WatchCache<AppServer> AppServers { get; }

    internal WatchCache<AccessLock> Locks { get; }

    internal WatchCache<UserRevocation> Revocations { get; }

    internal AccessChecker Access { get; }

    /// <summary>Announced apps by name, by public host and by the agents that serve them.</summary>
    internal AppDirectory Apps { get; }

    /// <summary>Locks, revocations and stale state: what every user request passes, and what cuts live ones.</summary>
    internal ClusterGate Gate { get; }

    /// <summary>Who is calling (the one caller rule shared with auth and agents).</summary>
    internal CallerAuthenticator Callers { get; }

    /// <summary>Events the proxy observes (app requests it refused), sent to auth in batches.</summary>
    internal AuditBatcher Audit { get; }

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

    public async ValueTask DisposeAsync()
    {
        _metrics.Dispose();
        await _heartbeat.DisposeAsync(); // agents drop this proxy now rather than when its heartbeat expires
        foreach (var cache in new IAsyncDisposable[] { AppSessions, WebSessions, Roles, AppServers, Locks, Revocations })
        {
            await cache.DisposeAsync();
        }

        await Tunnels.DisposeAsync();
        await Audit.DisposeAsync();
        AuthGateway.Dispose();
    }
}
