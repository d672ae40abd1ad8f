using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Ferry.AppService.Aws;
using Ferry.AppService.Handler;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Federation;
using Ferry.Aws.Http;
using Ferry.Aws.SigV4;
using Ferry.Aws.Sts;
using Ferry.Client.Http;
using Ferry.Cluster.Access;
using Ferry.Cluster.Audit;
using Ferry.Cluster.Caching;
using Ferry.Cluster.Locks;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Hosting.Callers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>
/// The agent's request path wired as <see cref="AppAgent"/> wires it (a joined App identity, role/lock/revocation
/// caches fed by the real auth API, the cluster gate, STS, the SigV4 forwarder, the console sign-in and the audit
/// batcher), served by Kestrel on loopback. Requests arrive without a client certificate, as they do on the tunnel,
/// so the direct caller is the proxy the agent verified when it dialled, and the user is whoever the proxy forwards
/// in X-Ferry-Forwarded-Cert. Left out, as they do not touch a request: joining through the proxy, the tunnel and its
/// proxies cache (Ferry.Tunnel.Tests), identity renewal.
/// </summary>
internal sealed class AgentUnderTest : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _parts = [];
    private readonly List<IDisposable> _disposables = [];
    private WebApplication? _app;
    private AuditBatcher? _audit;

    private AgentUnderTest(InProcessAuth auth, FakeAws aws)
    {
        Auth = auth;
        Aws = aws;
    }

    public InProcessAuth Auth { get; }

    public FakeAws Aws { get; }

    /// <summary>What the request handler logs (refusal reasons an operator reads).</summary>
    public RecordingLogger Log { get; } = new();

    public AppCertificates Certificates { get; private set; } = null!;

    public WatchCache<Role> Roles { get; private set; } = null!;

    public WatchCache<AccessLock> Locks { get; private set; } = null!;

    /// <summary>As the proxy sends over the tunnel: http to the agent's listener.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <param name="baseCredentials">The agent's own AWS credentials (long-lived keys unless given).</param>
    /// <param name="environment">Extra AWS_* variables of the agent's environment.</param>
    public static async Task<AgentUnderTest> StartAsync(AWSCredentials? baseCredentials = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var agent = new AgentUnderTest(await InProcessAuth.StartAsync(), await FakeAws.StartAsync());
        try
        {
            await agent.WireAsync(baseCredentials ?? new BasicAWSCredentials("AKIDAGENTEXAMPLE", "agent-secret"), environment ?? new Dictionary<string, string>());
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    private async Task WireAsync(AWSCredentials baseCredentials, IReadOnlyDictionary<string, string> extraEnvironment)
    {
        var time = Auth.Time;
        await Auth.Server.Roles.CreateAsync(TestApps.DynamoReaderRole([TestApps.DynamoArn]), force: false, "test", CancellationToken.None);
        Certificates = new AppCertificates(Auth);
        var joined = await Auth.JoinAppAgentAsync([.. TestApps.All.Select(a => a.Name)]);
        AuthClient NewAuthClient() => Auth.Client(joined.Certificate);

        var roles = ClusterCaches.Roles(NewAuthClient, NullLogger.Instance, time);
        var locks = ClusterCaches.Locks(NewAuthClient, NullLogger.Instance, time);
        var revocations = ClusterCaches.Revocations(NewAuthClient, NullLogger.Instance, time);
        _parts.AddRange([roles, locks, revocations]);
        roles.Start();
        locks.Start();
        revocations.Start();
        await Task.WhenAll(roles.Ready, locks.Ready, revocations.Ready).WaitAsync(TimeSpan.FromSeconds(30));
        (Roles, Locks) = (roles, locks);
        var gate = new ClusterGate(locks, revocations, [roles], time);

        // AWS is the fake: every service and STS through AWS_ENDPOINT_URL, the console federation through its own variable.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_REGION"] = "us-east-1",
            [AwsEndpointResolver.GlobalOverrideVariable] = Aws.BaseUrl,
            [AwsEndpointResolver.OverrideVariablePrefix + AwsFederation.SigninOverrideSuffix] = Aws.BaseUrl,
        };
        foreach (var (name, value) in extraEnvironment)
        {
            environment[name] = value;
        }

        Func<string, string?> env = name => environment.GetValueOrDefault(name);

        // The daemon leaves BaseCredentials to the SDK chain (process environment, ~/.aws); tests name them instead.
        var sts = new StsCredentialCache(new StsCredentialCacheOptions { Environment = env, TimeProvider = time, BaseCredentials = baseCredentials });
        _disposables.Add(sts);
        var upstream = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(env), NullLogger.Instance);
        _disposables.Add(upstream);
        var forwarder = new AwsForwarder(new AwsEndpointResolver(env), sts, new SigV4Resigner(time), upstream);
        var console = new ConsoleSignIn(sts, new AwsFederation(upstream, new AwsEndpointResolver(env)), time, InProcessAuth.ProxyPublicAddr);
        _audit = new AuditBatcher(NewAuthClient(), NullLogger.Instance, "agent");
        var tunnelPeer = new FerryIdentity
        {
            Kind = IdentityKind.Host,
            Username = "proxy",
            Roles = [SystemRoles.Proxy],
            Expires = DateTimeOffset.MaxValue,
            ClusterName = Auth.Server.ClusterName,
        };
        var handler = new AgentRequestHandler(
            new CallerAuthenticator(new IdentityVerifier(Auth.UserCa, Auth.HostCa, time), gate, tunnelPeer),
            gate,
            TestApps.All.ToDictionary(a => a.Name, StringComparer.Ordinal),
            new AccessChecker(roles),
            forwarder,
            console,
            _audit,
            Auth.Server.ClusterName,
            time,
            Log);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Ferry.Aws.AwsBodyLimits.MaxStreamedBytes;
        });
        _app = builder.Build();
        _app.Run(handler.HandleAsync);
        await _app.StartAsync();
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(_app.Urls.First()),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Sends <paramref name="request"/> as the proxy forwards it for the holder of <paramref name="forwarded"/> (none when null).</summary>
    public async Task<AgentAnswer> SendAsync(HttpRequestMessage request, X509Certificate2? forwarded)
    {
        if (forwarded is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, Convert.ToBase64String(forwarded.RawData));
        }

        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        using var response = await Client.SendAsync(request);
        return await AgentAnswer.ReadAsync(response);
    }

    /// <summary>
    /// Stops serving (in-flight requests finish) and drains the audit queue into auth, then returns every app request
    /// event auth stored: after this the count is final, so "exactly one" can be asserted without waiting.
    /// </summary>
    public async Task<IReadOnlyList<AuditEvent>> StopAndReadAuditAsync()
    {
        await StopServingAsync();
        return await Auth.AppRequestEventsAsync();
    }

    private async Task StopServingAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }

        if (_audit is not null)
        {
            await _audit.DisposeAsync();
            _audit = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await StopServingAsync();
        foreach (var part in _parts)
        {
            await part.DisposeAsync();
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await Aws.DisposeAsync();
        await Auth.DisposeAsync();
    }
}
