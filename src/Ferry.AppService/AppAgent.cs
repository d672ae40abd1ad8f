using Ferry.AppService.Audit;
using Ferry.AppService.Aws;
using Ferry.AppService.Handler;
using Ferry.Client.Access;
using Ferry.AppService.Heartbeat;
using Ferry.AppService.Join;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Federation;
using Ferry.Aws.Http;
using Ferry.Aws.SigV4;
using Ferry.Aws.Sts;
using Ferry.Client.Caching;
using Ferry.Client.Http;
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

    public static async Task<AppAgent> StartAsync(AppServiceOptions options, ILoggerFactory loggerFactory, Action<ILoggingBuilder> configureLogging, TimeProvider time, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Ferry.AppService");
        var agent = new AppAgent();
        try
        {
            var identity = await Joiner.JoinOrLoadAsync(options, logger, cancellationToken);
            AuthClient NewAuthClient() => new(new ApiCaller(
                FerryHttp.CreateClient(new Uri($"https://{options.ProxyAddress}/v1/auth/"), identity.ProxyTrust, identity.Certificate),
                $"the auth server (through the proxy at {options.ProxyAddress})"));

            var roles = ClusterCaches.Roles(NewAuthClient, loggerFactory.CreateLogger("Ferry.AppService.Roles"));
            agent._parts.Add(roles);
            roles.Start();
            await roles.Ready.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

            var auth = NewAuthClient();
            agent._disposables.Add(auth);
            var heartbeat = new HeartbeatLoop(auth, options, loggerFactory.CreateLogger("Ferry.AppService.Heartbeat"));
            await heartbeat.StartAsync(cancellationToken);
            agent._parts.Add(heartbeat);

            var audit = new AuditBatcher(NewAuthClient(), loggerFactory.CreateLogger("Ferry.AppService.Audit"));
            agent._parts.Add(audit);
            var sts = new StsCredentialCache(new StsCredentialCacheOptions { Environment = options.Environment, TimeProvider = time }, loggerFactory.CreateLogger<StsCredentialCache>());
            agent._disposables.Add(sts);
            var upstream = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(options.Environment), loggerFactory.CreateLogger("Ferry.Aws.Upstream"));
            agent._disposables.Add(upstream);
            var forwarder = new AwsForwarder(new AwsEndpointResolver(options.Environment), sts, new SigV4Resigner(time), upstream, audit, identity.File.Identity.ClusterName);
            var verifier = new IdentityVerifier(identity.File.UserCa(), identity.File.HostCa(), time);
            var handler = new AgentRequestHandler(
                verifier,
                options.Apps.ToDictionary(a => a.Name, StringComparer.Ordinal),
                new AccessChecker(roles),
                forwarder,
                new ConsoleSignIn(sts, new AwsFederation(upstream, new AwsEndpointResolver(options.Environment)), audit, time, identity.File.Identity.ClusterName, options.ProxyPublicAddr),
                loggerFactory.CreateLogger("Ferry.AppService.Requests"));

            var tunnel = new TunnelClient(
                new TunnelClientOptions
                {
                    ProxyUrl = new Uri($"https://{options.ProxyAddress}"),
                    ClientCertificate = identity.Certificate,
                    ServerCertificateValidation = (certificate, chain, errors) => identity.ProxyTrust.Validate(certificate, chain, errors),
                    AgentId = identity.HostId,
                    Services = options.Apps.Select(a => a.Name).ToList(),
                },
                loggerFactory,
                time);
            agent.Tunnel = tunnel;
            agent._parts.Add(tunnel);

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            configureLogging(builder.Logging);
            builder.UseFerryShutdown();
            builder.WebHost.UseTunnel(tunnel);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = AwsForwarder.MaxBodyBytes;
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
