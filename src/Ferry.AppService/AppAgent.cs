using Ferry.Cluster.Audit;
using Ferry.AppService.Aws;
using Ferry.AppService.Handler;
using Ferry.Cluster.Access;
using Ferry.AppService.Heartbeat;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Federation;
using Ferry.Aws.Http;
using Ferry.Aws.SigV4;
using Ferry.Aws.Sts;
using Ferry.Cluster.Caching;
using Ferry.Cluster.Join;
using Ferry.Cluster.Locks;
using Ferry.Hosting.Callers;
using Ferry.Client.Http;
using Ferry.Core.Diagnostics;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Hosting;
using Ferry.Tunnel.Agent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService;

/// <summary>
/// The app service: joins (or loads its identity), keeps a role cache, announces its apps, and serves requests
/// that the proxy sends back over the reverse tunnel. It needs no inbound port.
/// </summary>
public sealed class AppAgent : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _parts = [];
    private readonly List<IDisposable> _disposables = [];

    private AppAgent()
    {
    }

    public TunnelClient Tunnel { get; private set; } = null!;

    /// <summary>The agent's watch-fed caches (readiness, metrics).</summary>
    public IReadOnlyList<IWatchCache> Caches { get; private set; } = [];

    /// <summary>The apps this agent serves: those auth accepted (an app its join token does not allow is refused).</summary>
    public IReadOnlyList<string> Serving { get; private set; } = [];

    public static async Task<AppAgent> StartAsync(AppServiceOptions options, ILoggerFactory loggerFactory, Action<ILoggingBuilder> configureLogging, TimeProvider time, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Ferry.AppService");
        var agent = new AppAgent();
        try
        {
            var identity = await HostJoiner.JoinOrLoadAsync(
                new JoinSettings(
                    new Uri($"https://{options.ProxyAddress}/v1/webapi/"),
                    $"the proxy at {options.ProxyAddress}",
                    SystemRoles.App,
                    SystemRoles.Proxy,
                    AdminIdentity.HostIdentityPath(options.DataDir, SystemRoles.App),
                    options.JoinToken,
                    options.NodeName,
                    options.CaPins,
                    options.Insecure,
                    []),
                logger,
                cancellationToken);
            var clusterName = identity.File.Identity.ClusterName;
            AuthClient NewAuthClient() => new(new ApiCaller(
                FerryHttp.CreateClient(new Uri($"https://{options.ProxyAddress}/v1/auth/"), identity.ServerTrust, identity.Source),
                $"the auth server (through the proxy at {options.ProxyAddress})"));

            // Roles, locks and revocations: every request is decided on them, and refused when they are stale.
            var roles = ClusterCaches.Roles(NewAuthClient, loggerFactory.CreateLogger("Ferry.AppService.Roles"), time);
            var locks = ClusterCaches.Locks(NewAuthClient, loggerFactory.CreateLogger("Ferry.AppService.Locks"), time);
            var revocations = ClusterCaches.Revocations(NewAuthClient, loggerFactory.CreateLogger("Ferry.AppService.Revocations"), time);
            var proxies = ClusterCaches.Proxies(NewAuthClient, loggerFactory.CreateLogger("Ferry.AppService.Proxies"), time);
            foreach (var cache in new IWatchCache[] { roles, locks, revocations, proxies })
            {
                agent._parts.Add((IAsyncDisposable)cache);
            }

            roles.Start();
            locks.Start();
            revocations.Start();
            proxies.Start();
            await Task.WhenAll(roles.Ready, locks.Ready, revocations.Ready, proxies.Ready).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var gate = new ClusterGate(locks, revocations, [roles], time);
            agent.Caches = [roles, locks, revocations];

            agent._parts.Add(new IdentityRenewer(identity, NewAuthClient, time, loggerFactory.CreateLogger("Ferry.AppService.Identity")));
            var auth = NewAuthClient();
            agent._disposables.Add(auth);
            var heartbeat = new HeartbeatLoop(auth, options, identity.HostId, loggerFactory.CreateLogger("Ferry.AppService.Heartbeat"));
            await heartbeat.StartAsync(cancellationToken);
            agent._parts.Add(heartbeat);
            agent.Serving = options.Apps.Select(a => a.Name).Except(heartbeat.Refused, StringComparer.Ordinal).ToList();

            var audit = new AuditBatcher(NewAuthClient(), loggerFactory.CreateLogger("Ferry.AppService.Audit"), "agent");
            agent._parts.Add(audit);
            var sts = new StsCredentialCache(new StsCredentialCacheOptions { Environment = options.Environment, TimeProvider = time }, loggerFactory.CreateLogger<StsCredentialCache>());
            agent._disposables.Add(sts);
            var upstream = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(options.Environment), loggerFactory.CreateLogger("Ferry.Aws.Upstream"));
            agent._disposables.Add(upstream);
            var forwarder = new AwsForwarder(new AwsEndpointResolver(options.Environment), sts, new SigV4Resigner(time), upstream);
            var verifier = new IdentityVerifier(identity.File.UserCa(), identity.File.HostCa(), time);

            // Requests arrive only on tunnels this agent dialled to a proxy it verified as a Proxy of the cluster, so the
            // proxy is the direct caller of each; it may forward users' certificates, which are verified again here.
            var tunnelPeer = new FerryIdentity
            {
                Kind = IdentityKind.Host,
                Username = "proxy",
                Roles = [SystemRoles.Proxy],
                Expires = DateTimeOffset.MaxValue,
                ClusterName = clusterName,
            };
            var handler = new AgentRequestHandler(
                new CallerAuthenticator(verifier, gate, tunnelPeer),
                gate,
                // Only what auth accepted: a request for an app it refused is not this agent's to serve (404), whatever sent it.
                options.Apps.Where(a => agent.Serving.Contains(a.Name, StringComparer.Ordinal)).ToDictionary(a => a.Name, StringComparer.Ordinal),
                new AccessChecker(roles),
                forwarder,
                new ConsoleSignIn(sts, new AwsFederation(upstream, new AwsEndpointResolver(options.Environment)), time, options.ProxyPublicAddr),
                audit,
                clusterName,
                time,
                loggerFactory.CreateLogger("Ferry.AppService.Requests"));

            var tunnel = new TunnelClient(
                new TunnelClientOptions
                {
                    ProxyUrl = new Uri($"https://{options.ProxyAddress}"),
                    ClientCertificate = identity.Source.Current,
                    ClientCertificateSource = () => identity.Source.Current,
                    ServerCertificateValidation = (certificate, chain, errors) => identity.ServerTrust.Validate(certificate, chain, errors),
                    AgentId = identity.HostId,

                    // Behind a load balancer the address reaches one proxy per dial; the heartbeats say which exist, and
                    // the agent redials until it holds tunnels to each (users reach an app through any proxy).
                    // The set comes from the agent's own watch cache, so a poll costs nothing: poll often, and a new
                    // proxy gets its tunnels within about 2 s of its first heartbeat (docs/deploy-ha.md).
                    LiveProxies = _ => Task.FromResult(ClusterCaches.LiveProxyIds(proxies, time)),
                    LiveProxiesInterval = TimeSpan.FromSeconds(2),
                },
                loggerFactory,
                time);
            agent.Tunnel = tunnel;
            agent._parts.Add(tunnel);
            agent._disposables.Add(FerryMetrics.Observe(() => [FerryMetrics.State("agent_tunnels", tunnel.ConnectedTunnels)]));

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            configureLogging(builder.Logging);
            builder.UseFerryShutdown();
            builder.WebHost.UseTunnel(tunnel);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = Ferry.Aws.AwsBodyLimits.MaxStreamedBytes; // hashed bodies: 70 MB, checked by AwsForwarder
            });
            var app = builder.Build();
            app.Run(handler.HandleAsync);
            await app.StartAsync(cancellationToken);
            agent._parts.Insert(0, app); // stop serving first
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var part in _parts)
        {
            if (part is WebApplication app)
            {
                await app.StopAsync(CancellationToken.None);
            }

            await part.DisposeAsync();
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _parts.Clear();
        _disposables.Clear();
    }
}
