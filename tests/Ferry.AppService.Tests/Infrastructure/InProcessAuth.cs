using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth;
using Ferry.Auth.Hosting;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Resources;
using Ferry.Storage.Audit;
using Ferry.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>
/// The real auth API (<see cref="AuthHost"/>) on a loopback port over in-memory SQLite, as the agent reaches it.
/// Ferry.Auth.Tests' AuthFixture/RunningAuthApi are not linked: AuthFixture reads a Ferry.Auth internal
/// (UserService.Hasher) that this project may not see, and these tests need only the public surface below.
/// The clock is fake but starts at the real time, because TLS peers check certificates against the real clock.
/// </summary>
internal sealed class InProcessAuth : IAsyncDisposable
{
    public const string ProxyPublicAddr = "proxy.test:3080";

    private readonly SqliteBackend _backend;
    private readonly SqliteAuditStore _auditStore;
    private readonly WebApplication _app;
    private readonly X509Certificate2 _serverCertificate;

    private InProcessAuth(SqliteBackend backend, SqliteAuditStore auditStore, AuthServer server, FakeTimeProvider time, WebApplication app, X509Certificate2 serverCertificate)
    {
        _backend = backend;
        _auditStore = auditStore;
        Server = server;
        Time = time;
        _app = app;
        _serverCertificate = serverCertificate;
        ApiBase = new Uri($"https://127.0.0.1:{new Uri(app.Urls.First()).Port}/v1/");
    }

    public AuthServer Server { get; }

    /// <summary>The cluster's one clock: auth's, and the agent's too in these tests.</summary>
    public FakeTimeProvider Time { get; }

    public Uri ApiBase { get; }

    public X509Certificate2 UserCa => Server.Issuer.Authorities.User.Certificate;

    public X509Certificate2 HostCa => Server.Issuer.Authorities.Host.Certificate;

    public static async Task<InProcessAuth> StartAsync()
    {
        // A whole second: certificates keep whole seconds, so an identity issued for 10 minutes has exactly 10 left.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var ct = CancellationToken.None;
        var backend = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqliteBackendOptions.InMemory }, time, null, ct);
        var auditStore = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { Path = SqliteBackendOptions.InMemory }, time, null, ct);
        var options = new AuthServerOptions { ClusterName = "test.cluster", BcryptWorkFactor = 4, ProxyPublicAddrs = [ProxyPublicAddr] };
        var server = await AuthServer.InitializeAsync(backend, auditStore, options, time, ct);
        var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = server.Issuer.IssueHost(serverKey.ExportSubjectPublicKeyInfoPem(), "auth-under-test", "auth-under-test", SystemRoles.Auth, ["127.0.0.1"], TimeSpan.FromHours(1));
        var serverCertificate = issued.CopyWithPrivateKey(serverKey);
        var app = AuthHost.Build(server, new IPEndPoint(IPAddress.Loopback, 0), () => serverCertificate, _ => { });
        await app.StartAsync(ct);
        return new InProcessAuth(backend, auditStore, server, time, app, serverCertificate);
    }

    /// <summary>Joins an app agent the way `teleport start` does: an app token for <paramref name="appNames"/>, then a join.</summary>
    public async Task<JoinedAgent> JoinAppAgentAsync(params string[] appNames)
    {
        var ct = CancellationToken.None;
        var token = await Server.Tokens.CreateAsync([SystemRoles.App], null, null, null, appNames, "test", ct);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var joined = await Server.Hosts.JoinAsync(
            new JoinRequest { Token = token.Name, Role = SystemRoles.App, NodeName = "agent", PublicKey = key.ExportSubjectPublicKeyInfoPem() }, "10.0.0.5", ct);
        using var certificate = X509Certificate2.CreateFromPem(joined.CertPem);
        return new JoinedAgent(joined.HostId, certificate.CopyWithPrivateKey(key));
    }

    /// <summary>An auth client presenting <paramref name="certificate"/> and trusting auth's host CA, as AppAgent builds one.</summary>
    public AuthClient Client(X509Certificate2 certificate) =>
        new(new ApiCaller(FerryHttp.CreateClient(ApiBase, ServerTrust.ForAuth(HostCa), certificate), "the auth server"));

    /// <summary>Every app request event stored (API calls, DynamoDB calls, console sign-ins).</summary>
    public async Task<IReadOnlyList<AuditEvent>> AppRequestEventsAsync()
    {
        var query = new AuditQuery { Types = [EventTypes.AppSessionRequest, EventTypes.AppSessionDynamoDbRequest], Limit = AuditQuery.MaxLimit };
        return (await Server.Audit.SearchAsync(query, CancellationToken.None)).Events;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Server.DisposeAsync();
        await _auditStore.DisposeAsync();
        await _backend.DisposeAsync();
        _serverCertificate.Dispose();
    }
}

/// <summary>A joined app agent: its host id and its host certificate with the private key.</summary>
internal sealed record JoinedAgent(string HostId, X509Certificate2 Certificate);
